"""Official sources: one module per source, holding all of that source's quirks. Each reads an
official file and returns a tidy extract, or raises an error naming the file, row and column.

Layer 2 of 7. May import: core.
"""
