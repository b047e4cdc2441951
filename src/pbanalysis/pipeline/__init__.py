"""Pipeline: how the report is run. Notebook parameters (``parameters``), the chart registry
(``registry``), the runs and their declared outputs (``catalogue``), their Make rules
(``makefile``), the runner, its kernels and the kernel they run (``runner``, ``kernel_pool``,
``kernel``), the report step (``report``) and the build lock (``lock``).

Layer 7 of 7. May import: every layer below it.
"""
