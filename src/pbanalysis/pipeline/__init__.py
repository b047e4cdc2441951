"""Pipeline: how the report is run. Notebook parameters (``parameters``), the chart registry
(``registry``), the runs with their declared outputs and Make rules (``catalogue``), the runner,
its kernels and the kernel they run (``runner``, ``kernel_pool``, ``kernel``), ``make report``'s
one process (``report``) and the project's lock (``lock``).

Layer 7 of 7. May import: every layer below it.
"""
