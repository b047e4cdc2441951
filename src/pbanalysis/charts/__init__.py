"""Charts that only draw: the house style and its drawing helpers (:mod:`.style`), the layout
fitted to the text (:mod:`.layout`), the chart's files (:mod:`.files`, PNGs encoded by
:mod:`.png`) and one function per chart (:mod:`.figures`, :mod:`.what_next`, :mod:`.explore`).

A chart function takes the numbers it shows and returns (figure, alt text, numbers); it loads
nothing and computes no measure. The titles and source lines are made from the frames by
:mod:`pbanalysis.outputs.chart_views`; the catalogue of chart names behind ``python -m pbanalysis
chart NAME`` is :mod:`pbanalysis.pipeline.registry`.

Layer 5 of 7. May import: core.
"""
