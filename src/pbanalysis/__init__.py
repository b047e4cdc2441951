"""pbanalysis: personal budgets in English adult social care, rebuilt from official data.

The subpackages are layers, lowest first; each may import only the layers its docstring names:
``core`` -> ``sources`` -> ``dataset`` -> ``analysis`` -> ``charts`` -> ``outputs`` -> ``pipeline``,
then ``cli`` (the command line) and the notebooks. ``tests/test_layers.py`` reads the layers from
the subpackages' docstrings.
"""

import sys


def __getattr__(name: str) -> str:
    """``pbanalysis.__version__``, read when asked for: importlib.metadata costs every process
    that imports the package about 6 MiB (the lock's wrapper around make: 11.5 MiB, not 5)."""
    if name != "__version__":
        raise AttributeError(f"module 'pbanalysis' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pbanalysis")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


# nbformat validates notebooks through jsonschema, which imports the optional rfc3987_syntax
# package for its "iri" format check when it is installed (it comes with the jupyter packages).
# That import builds a grammar parser: 3 to 4 s and 20 MB in every process reading a notebook,
# for a format no notebook schema uses (jsonschema issues 1392 and 1428). Marking it absent,
# unless something imported it already, makes jsonschema skip that one check.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
