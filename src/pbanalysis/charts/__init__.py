"""Charts that only draw: house style (:mod:`.style`) and one function per chart (:mod:`.figures`,
:mod:`.what_next`).

A chart function takes the numbers it shows and returns (figure, alt text, numbers); it loads
nothing and computes no measure. The registry that loads, computes and names the charts is
:mod:`pbanalysis.pipeline.registry`.

Layer 5 of 7. May import: core.
"""
