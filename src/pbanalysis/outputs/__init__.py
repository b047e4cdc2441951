"""Outputs: what a reader gets. A council's numbers (``briefing_numbers``), their sentences
(``sentences``) and its briefing pack (``briefing``, ``briefing_docx``); every council's pack
(``packs``); the report's charts drawn from the frames a notebook holds (``chart_views``); tables
for readers (``tables``) and those the notebooks show (``notebook_tables``); the data-tables
workbook (``datatables``); the landing page (``index_page``) and its main points (``main_points``),
rendered from templates (``pages``); the release basics (``release``); the council explorer
(``explore``) and the run log (``runlog``).

Layer 6 of 7. May import: core, sources, dataset, analysis, charts.
"""
