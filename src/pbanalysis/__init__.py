"""pbanalysis: personal budgets in English adult social care, rebuilt from official data.

Layers (dependencies run one way): ``sources`` (official files -> tidy
extracts) -> ``data`` (processed tables and loaders) -> ``measures`` ->
``claims``, ``charts``, ``briefing`` -> ``cli`` and the notebooks.
"""

__version__ = "0.1.0"
