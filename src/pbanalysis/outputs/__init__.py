"""Outputs: what a reader gets. Briefing packs (``briefing``, ``briefing_docx``) and their
sentences (``sentences``), the report's charts drawn from the frames a notebook holds
(``chart_views``), the landing page (``index_page``) and the run log (``runlog``).

Layer 6 of 7. May import: core, sources, dataset, analysis, charts.
"""
