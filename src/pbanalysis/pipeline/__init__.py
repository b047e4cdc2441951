"""Pipeline: how the report is run. Notebook parameters (``parameters``), the chart registry
(``registry``), the runs and their declared outputs, the runner and its kernel (``runner``,
``kernel``) and the report step (``report``).

Layer 7 of 7. May import: every layer below it.
"""
