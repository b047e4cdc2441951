"""Layers that run one way: no import cycle in src/pbanalysis, and no import from a lower layer to a
higher one. Charts only draw: they import nothing that loads data or computes a measure.

The import graph is built with ``ast`` from every module's source, imports inside function bodies
included (a lazy import is still a dependency). Measure keys are spelled once, in ``keys.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pbanalysis import keys, paths

SRC = paths.ROOT / "src" / "pbanalysis"
PACKAGE = "pbanalysis"

#: The layers, lowest first. A module may import modules of its own layer or of a lower one.
#: Every module must be placed here (a new module fails the test until it is): the layering is a
#: decision, not a default. Names ending in ".*" cover a package's modules.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("pbanalysis", "pbanalysis.paths", "pbanalysis.errors", "pbanalysis.atomic", "pbanalysis.keys")),
    ("sources", ("pbanalysis.sources", "pbanalysis.sources.*")),
    (
        "data",
        ("pbanalysis.data", "pbanalysis.register", "pbanalysis.checks", "pbanalysis.provenance", "pbanalysis.raw"),
    ),
    ("measures", ("pbanalysis.measures", "pbanalysis.claims", "pbanalysis.what_next", "pbanalysis.sentences")),
    ("charts", ("pbanalysis.charts", "pbanalysis.charts.*")),
    (
        "compose",
        (
            "pbanalysis.parameters",
            "pbanalysis.runlog",
            "pbanalysis.runner",
            "pbanalysis.briefing_docx",
            "pbanalysis.briefing",
            "pbanalysis.registry",
            "pbanalysis.report",
            "pbanalysis.index_page",
        ),
    ),
    ("cli", ("pbanalysis.cli", "pbanalysis.__main__", "pbanalysis.kernel")),
]

#: Charts only draw: a chart module may import only these layers (not sources, data or measures,
#: even though they are lower): it takes the numbers it shows and returns a figure.
CHARTS_MAY_IMPORT = {"base", "charts"}

#: Known violations, each to be removed by the change named in its comment. The test fails on any
#: violation not listed here, and (test_known_exceptions_are_still_needed) on an entry that no
#: longer occurs, so the list only shrinks.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(SRC.rglob("*.py")) if "__pycache__" not in p.parts}


def _resolve(name: str) -> str | None:
    """The project module a dotted name refers to: itself, or the nearest enclosing module."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> dict[str, int]:
    """{imported project module: first line} for every import in the module, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    here = module if is_package else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str | None, line: int) -> None:
        if target and target != module:
            found.setdefault(target, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    add(_resolve(alias.name), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                # "from pbanalysis import data" names a module; "from pbanalysis.keys import X" a member.
                add(
                    _resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else _resolve(base),
                    node.lineno,
                )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.split(".")[0] == PACKAGE
        ):
            add(_resolve(node.args[0].value), node.lineno)
    return found


GRAPH: dict[str, dict[str, int]] = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer_of(module: str) -> str | None:
    for layer, members in LAYERS:
        for pattern in members:
            if module == pattern or (pattern.endswith(".*") and module.startswith(pattern[:-1])):
                return layer
    return None


RANK = {layer: i for i, (layer, _) in enumerate(LAYERS)}


def _edges(include_known: bool = False):
    for src, targets in GRAPH.items():
        for dst, line in targets.items():
            if include_known or (src, dst) not in KNOWN_EXCEPTIONS:
                yield src, dst, line


def _where(src: str, dst: str, line: int) -> str:
    return f"{MODULES[src].relative_to(paths.ROOT)}:{line} imports {dst}"


def test_the_graph_sees_imports_inside_functions():
    # cli imports each command's module inside the command's function, and nothing else at the top
    # but errors: the graph must see them.
    assert {"pbanalysis.registry", "pbanalysis.report", "pbanalysis.briefing"} <= set(GRAPH["pbanalysis.cli"])


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in MODULES if _layer_of(m) is None)
    assert not unplaced, f"place these modules in LAYERS in tests/test_layers.py: {unplaced}"


def _cycles() -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan), as a sorted list."""
    graph: dict[str, list[str]] = {m: [] for m in MODULES}
    for src, dst, _ in _edges():
        graph[src].append(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle():
    cycles = _cycles()
    detail = [[_where(a, b, line) for a, b, line in _edges() if a in comp and b in comp] for comp in cycles]
    assert not cycles, f"import cycles in src/pbanalysis: {detail}"


def test_no_import_from_a_lower_layer_to_a_higher_one():
    bad = []
    for src, dst, line in _edges():
        a, b = _layer_of(src), _layer_of(dst)
        if a is None or b is None:
            continue  # test_every_module_has_a_layer reports these
        if RANK[b] > RANK[a]:
            bad.append(f"{_where(src, dst, line)} ({a} -> {b})")
    assert not bad, "imports that run up the layers:\n" + "\n".join(bad)


def test_charts_only_draw():
    bad = [
        f"{_where(src, dst, line)} ({_layer_of(dst)})"
        for src, dst, line in _edges()
        if _layer_of(src) == "charts" and _layer_of(dst) not in CHARTS_MAY_IMPORT
    ]
    assert not bad, "chart modules may import only " + ", ".join(sorted(CHARTS_MAY_IMPORT)) + ":\n" + "\n".join(bad)


def test_known_exceptions_are_still_needed():
    stale = [pair for pair in KNOWN_EXCEPTIONS if pair[1] not in GRAPH.get(pair[0], {})]
    assert not stale, f"these imports are gone: remove them from KNOWN_EXCEPTIONS in tests/test_layers.py: {stale}"


@pytest.mark.parametrize(
    "source,expected",
    [
        ("from pbanalysis import data\n", {"pbanalysis.data"}),
        ("def f():\n    from pbanalysis.charts import figures\n", {"pbanalysis.charts.figures"}),
        ("import pbanalysis.sources.pssex1 as p\n", {"pbanalysis.sources.pssex1"}),
        ("from pbanalysis.keys import PROXY_TAKEUP_PCT\n", {"pbanalysis.keys"}),
        ("from .style import DARK_BLUE\n", {"pbanalysis.charts.style"}),
        ("import importlib\nimportlib.import_module('pbanalysis.briefing')\n", {"pbanalysis.briefing"}),
    ],
)
def test_the_graph_resolves_each_form_of_import(tmp_path, source, expected):
    f = tmp_path / "mod.py"
    f.write_text(source)
    assert set(_imports("pbanalysis.charts.mod", f)) == expected


def test_a_cycle_inside_a_function_would_be_caught(monkeypatch):
    monkeypatch.setitem(GRAPH, "pbanalysis.paths", {**GRAPH["pbanalysis.paths"], "pbanalysis.data": 1})
    assert any({"pbanalysis.paths", "pbanalysis.data"} <= set(c) for c in _cycles())


# --- each measure key spelled once ---------------------------------------------------------------

_KEYS = {v for name, v in vars(keys).items() if name.isupper() and isinstance(v, str) and not name.startswith("_")}
#: Every key, and the names derived from one (``<key>_flag``, ``england_<key>``).
KEY_VALUES = _KEYS | {keys.flag(v) for v in _KEYS} | {keys.england(v) for v in _KEYS}

#: Modules owned by other changes that still spell keys as strings (issue 8 rewrites measures and
#: claims; issue 12 rewrites briefing and charts). Listed so the test fails on any NEW spelling;
#: an entry may shrink or go as those modules import from pbanalysis.keys.
KNOWN_SPELLINGS: dict[str, set[str]] = {
    "src/pbanalysis/measures.py": {
        "proxy_takeup_pct",
        "dp_clients_31mar",
        "dp_spend_per_recipient_gbp",
        "definition_basis",
        "dp_only",
        "dp_and_pb",
        "dp_gross_cost_gbp000",
        "dp_recipients_31mar",
        "councils_with_dp_spend",
        "recipients_source",
        "england_dp_gross_cost_gbp000",
        "england_dp_recipients_31mar",
        "england_dp_spend_per_recipient_gbp",
    },
    "src/pbanalysis/claims.py": {
        "proxy_takeup_pct",
        "england_community_receipts_31mar",
        "england_dp_clients_31mar",
        "england_dp_gross_cost_gbp000",
        "england_proxy_takeup_pct",
    },
    "src/pbanalysis/briefing.py": {
        "proxy_takeup_pct",
        "dp_clients_31mar",
        "dp_clients_31mar_flag",
        "dp_spend_per_recipient_gbp",
        "definition_basis",
    },
    "src/pbanalysis/charts/figures.py": {"definition_basis", "dp_only", "dp_and_pb"},
    "src/pbanalysis/provenance.py": {"definition_basis"},
}


def _spelled_keys(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in KEY_VALUES:
            out.setdefault(node.value, node.lineno)
    return out


def test_each_measure_key_is_spelled_once():
    new = []
    for module, path in MODULES.items():
        if module == "pbanalysis.keys":
            continue
        rel = str(path.relative_to(paths.ROOT))
        for key, line in sorted(_spelled_keys(path).items()):
            if key not in KNOWN_SPELLINGS.get(rel, set()):
                new.append(f"{rel}:{line} spells {key!r}: import it from pbanalysis.keys")
    assert not new, "\n".join(new)
