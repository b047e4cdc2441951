"""Official sources: one module per source."""
