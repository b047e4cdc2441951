"""Analysis: what the numbers say. The register of reported figures (``register``) and how each is
checked (``checks``), the measures (``measures``), the methods that test each figure (``methods``),
the claims table built from their results (``claims``), the later ASCOF outcome
(``what_next``), the data-quality flags on every series (``quality``), the one rank rule
(``ranks``) and the council explorer's logic (``explore``). Nothing here draws or writes a page.

Layer 4 of 7. May import: core, sources, dataset.
"""
