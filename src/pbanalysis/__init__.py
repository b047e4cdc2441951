"""pbanalysis: personal budgets in English adult social care, rebuilt from official data.

Layers (dependencies run one way): ``sources`` (official files -> tidy
extracts) -> ``data`` (processed tables and loaders) -> ``measures`` ->
``claims``, ``charts``, ``briefing`` -> ``cli`` and the notebooks.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pbanalysis")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "unknown"
