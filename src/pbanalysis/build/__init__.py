"""Build: from the official files to the tables the analysis reads. The tidy extracts in data/raw
(``raw``), the processed tables and their loaders (``data``), and where each came from
(``provenance``).

Layer 3 of 7. May import: core, sources.
"""
