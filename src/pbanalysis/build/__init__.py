"""Build: the tables made from the sources. The extracts in ``data/raw`` (``raw``), the processed
tables in ``data/processed`` and their loaders (``data``), and the provenance of every official file
(``provenance``).

Layer 3 of 7. May import: core, sources.
"""
