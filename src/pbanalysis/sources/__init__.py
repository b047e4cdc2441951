"""Official sources: one module per source, holding all of that source's quirks. Each reads an
official file and returns a tidy extract, or raises an error naming the file, row and column:
PSS-EX1 (``pssex1``, and what its numbers mean, ``pssex1_rules``), the council lookup (``lookup``),
ASCOF 1C 2020-21 (``ascof``) and the ASCOF compilation 2017-18 to 2023-24 (``ascof_trend``).

Layer 2 of 7. May import: core.
"""
