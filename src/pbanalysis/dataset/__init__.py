"""Dataset: the tables made from the sources. The extracts in ``data/raw`` (``raw``), the processed
tables in ``data/processed`` and their loaders (``data``), where every official file comes from
(``origins``), the schema of every table (``schemas``) and the data package with the source lines
read from it (``datapackage``), and the years each measure covers, stated once (``periods``).

Layer 3 of 7. May import: core, sources.
"""
