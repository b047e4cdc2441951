"""Core: what every layer uses. Every path (``paths``), the errors users see (``errors``), atomic
writes (``atomic``) and zip files with fixed bytes (``reproducible_zip``), the column keys
(``keys``), the column dictionary of labels, units and number formats read from
``data/reference/columns.yaml`` (``columns``) and how a number is printed (``format``).

Layer 1 of 7. May import: nothing of pbanalysis.
"""
