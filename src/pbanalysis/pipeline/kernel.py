"""The kernels of the report's notebook runs: IPython's kernel without its debugger, forked from
one warm template process.

``python -m pbanalysis.pipeline.kernel`` is the template (:func:`serve`). It imports the kernel
and the libraries every run uses (:data:`WARM_IMPORTS`), freezes what it holds out of the garbage
collector's reach (``gc.freeze``), then forks one fresh kernel per request. A kernel therefore
shares the template's pages copy-on-write instead of importing them again: two kernels and the
template take about as much memory as one kernel started on its own, and a kernel is ready in a
fraction of a second. The template reads one request a line on its stdin (JSON: the kernel's
command line, working folder, environment and log file) and answers with the kernel's pid; it
ends, and ends its kernels, when its stdin closes.

Each kernel is the standard ``ipykernel_launcher`` in every respect but one: the debugger
(debugpy), which nobody attaches to a batch run, is not loaded. Jupyter, nbval and papermill's
command line use the ordinary kernel.
"""

import ctypes
import gc
import json
import os
import signal
import sys

#: Libraries the template imports before it forks (no name is bound in a notebook's namespace):
#: every run starts with them imported, and shares them. The project's table and chart modules,
#: which almost every notebook imports, are among them (about 0.2 s a run).
WARM_IMPORTS = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "IPython.display",
    "yaml",
    "pbanalysis.outputs.notebook_tables",
    "pbanalysis.outputs.chart_views",
    "pbanalysis.outputs.sentences",
)
#: The plotting backend the kernel would choose at start-up; it must be known before matplotlib
#: is imported (the backend itself is loaded on the first figure, in the kernel).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


_LIBC = ctypes.CDLL(None)


def _tidy(_result=None) -> None:
    """After each cell: collect the cell's garbage and give the freed memory back to the system
    (glibc keeps it otherwise), so a kernel holds what its notebook keeps, not its peak: a
    briefing run's peak 16 MiB lower (84 MiB private, not 100), at no measurable time."""
    gc.collect()
    _LIBC.malloc_trim(0)


def _kernel(request: dict) -> None:
    """In a forked child: become the kernel the request describes (never returns)."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the template's is SIG_IGN
        os.setsid()  # its own session and process group, as jupyter_client starts a kernel
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.argv[0], *request["argv"]]
        app = IPKernelApp.instance()
        # It ends if the template ends (a killed run): the kernel's parent poller, which the
        # JPY_PARENT_PID default cannot start here (read when the template imported ipykernel).
        app.initialize([*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        app.shell.events.register("post_run_cell", _tidy)
        app.start()
        code = 0
    finally:
        os._exit(code)


def serve() -> None:
    """The template: import, freeze, then fork a kernel per request line on stdin (see the module)."""
    sys.modules.setdefault("debugpy", None)  # ipykernel runs without a debugger when it is absent
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in WARM_IMPORTS:
        __import__(name)
    from ipykernel import kernelapp  # noqa: F401  (imported to be shared)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended kernels are reaped by the system
    gc.collect()
    gc.freeze()  # a child's collections never write to the pages it shares with the template
    kids = []
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _kernel(request)
        kids.append(pid)
        print(pid, flush=True)
    for pid in kids:  # the runner has gone: end any kernel it left behind
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


if __name__ == "__main__":
    serve()
