"""Core: what every layer uses. Paths, errors, atomic writes and the column keys.

Layer 1 of 7. May import: nothing of pbanalysis.
"""
