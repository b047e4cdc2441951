"""The kernel of the report's notebook runs: IPython's kernel without its debugger.

``make report`` starts one fresh kernel per run (:class:`pbanalysis.pipeline.kernel_pool.KernelPool`) as
``python -m pbanalysis.pipeline.kernel -f <connection file>``. It is the standard ``ipykernel_launcher``
in every respect but one: the debugger (debugpy), which nobody attaches to a batch run, is not
loaded, which keeps 8 MB out of every kernel. Jupyter, nbval and papermill's command line use
the ordinary kernel.
"""

import sys

if __name__ == "__main__":
    sys.modules.setdefault("debugpy", None)  # ipykernel runs without a debugger when it is absent
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
