"""Layers that run one way: no import cycle in src/pbanalysis, and no import from a lower layer to a
higher one. Charts only draw: they import nothing that loads data or computes a measure.

The layers are read from the folders: each subpackage of ``src/pbanalysis`` says in its docstring
which layers it may import ("May import: core, sources."). The modules left at the top (``cli``,
``__main__``) form the last layer and may import anything. The import graph is built with ``ast``
from every module's source, imports inside function bodies included (a lazy import is still a
dependency).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pbanalysis.core import keys, paths

SRC = paths.ROOT / "src" / "pbanalysis"
PACKAGE = "pbanalysis"
TOP = "top"


def _read_docstrings() -> tuple[dict[str, int], dict[str, set[str] | None]]:
    """({layer: its number}, {layer: the layers it may import, or None for every layer below it}),
    read from each subpackage's docstring ("Layer 3 of 7. May import: core, sources.")."""
    number: dict[str, int] = {}
    may: dict[str, set[str] | None] = {}
    for init in sorted(SRC.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        m = re.search(r"Layer (\d+) of \d+\. May import: ([^.]+)\.", doc)
        assert m, f"{init.relative_to(paths.ROOT)}: its docstring must say 'Layer N of M. May import: <layers>.'"
        layer, said = init.parent.name, m.group(2).strip()
        number[layer] = int(m.group(1))
        if said.startswith("every layer"):
            may[layer] = None
        else:
            may[layer] = set() if said.startswith("nothing") else {s.strip() for s in said.split(",")}
    return number, may


NUMBER, DECLARED = _read_docstrings()
ORDER = sorted(NUMBER, key=NUMBER.get) + [TOP]
RANK = {layer: i for i, layer in enumerate(ORDER)}


def _allowed(layer: str) -> set[str]:
    said = DECLARED.get(layer)
    if said is None:  # "every layer below it", and the top
        return set(ORDER[: RANK[layer]])
    return said


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
                # "from pbanalysis.dataset import data" names a module; "from pbanalysis.core.keys import X" a member.
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


def _layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in DECLARED:
        return parts[1]
    return TOP


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
    assert {"pbanalysis.pipeline.registry", "pbanalysis.pipeline.report", "pbanalysis.outputs.packs"} <= set(
        GRAPH["pbanalysis.cli"]
    )


#: The modules that may sit directly in src/pbanalysis: the package, its entry point and the CLI.
TOP_MODULES = {"pbanalysis", "pbanalysis.__main__", "pbanalysis.cli"}


def test_every_module_is_in_a_layer_folder():
    loose = sorted(m for m in MODULES if _layer_of(m) == TOP and m not in TOP_MODULES)
    assert not loose, f"move these modules into a layer subpackage of src/pbanalysis: {loose}"
    assert len([p for p in SRC.glob("*.py")]) <= 4


def test_the_layers_read_from_the_folders_are_in_order():
    assert ORDER == ["core", "sources", "dataset", "analysis", "charts", "outputs", "pipeline", TOP]
    assert sorted(NUMBER.values()) == list(range(1, len(NUMBER) + 1)), "layer numbers must be 1..N, each once"
    # A layer may import only layers below it.
    upward = {layer: sorted(said - set(ORDER[: RANK[layer]])) for layer, said in DECLARED.items() if said}
    assert not any(upward.values()), f"a docstring allows an import up the layers: {upward}"


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


def _violations() -> list[str]:
    bad = []
    for src, dst, line in _edges():
        a, b = _layer_of(src), _layer_of(dst)
        if a != b and a != TOP and b not in _allowed(a):
            bad.append(f"{_where(src, dst, line)} ({a} may import only {sorted(_allowed(a))}, not {b})")
    return bad


def test_each_layer_imports_only_what_its_docstring_allows():
    bad = _violations()
    assert not bad, "imports that run up the layers, or across to a layer not allowed:\n" + "\n".join(bad)


def test_charts_only_draw():
    # Charts take the numbers they show: they may not import sources, dataset or analysis.
    assert DECLARED["charts"] == {"core"}


def test_an_upward_import_would_be_caught(monkeypatch):
    monkeypatch.setitem(
        GRAPH, "pbanalysis.core.paths", {**GRAPH["pbanalysis.core.paths"], "pbanalysis.dataset.data": 1}
    )
    assert any("pbanalysis.dataset.data" in v for v in _violations())


def test_known_exceptions_are_still_needed():
    stale = [pair for pair in KNOWN_EXCEPTIONS if pair[1] not in GRAPH.get(pair[0], {})]
    assert not stale, f"these imports are gone: remove them from KNOWN_EXCEPTIONS in tests/test_layers.py: {stale}"


@pytest.mark.parametrize(
    "source,expected",
    [
        ("from pbanalysis.dataset import data\n", {"pbanalysis.dataset.data"}),
        ("def f():\n    from pbanalysis.charts import figures\n", {"pbanalysis.charts.figures"}),
        ("import pbanalysis.sources.pssex1 as p\n", {"pbanalysis.sources.pssex1"}),
        ("from pbanalysis.core.keys import PROXY_TAKEUP_PCT\n", {"pbanalysis.core.keys"}),
        ("from .style import DARK_BLUE\n", {"pbanalysis.charts.style"}),
        ("import importlib\nimportlib.import_module('pbanalysis.outputs.briefing')\n", {"pbanalysis.outputs.briefing"}),
    ],
)
def test_the_graph_resolves_each_form_of_import(tmp_path, source, expected):
    f = tmp_path / "mod.py"
    f.write_text(source)
    assert set(_imports("pbanalysis.charts.mod", f)) == expected


def test_a_cycle_inside_a_function_would_be_caught(monkeypatch):
    monkeypatch.setitem(
        GRAPH, "pbanalysis.core.paths", {**GRAPH["pbanalysis.core.paths"], "pbanalysis.dataset.data": 1}
    )
    assert any({"pbanalysis.core.paths", "pbanalysis.dataset.data"} <= set(c) for c in _cycles())


# --- each measure key spelled once ---------------------------------------------------------------

_KEYS = {v for name, v in vars(keys).items() if name.isupper() and isinstance(v, str) and not name.startswith("_")}
#: Every key, and the flag columns derived from one (``<key>_flag``).
KEY_VALUES = _KEYS | {keys.flag(v) for v in _KEYS}


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
        if module == "pbanalysis.core.keys":
            continue
        rel = str(path.relative_to(paths.ROOT))
        for key, line in sorted(_spelled_keys(path).items()):
            new.append(f"{rel}:{line} spells {key!r}: import it from pbanalysis.core.keys")
    assert not new, "\n".join(new)


def test_a_key_typed_as_a_string_is_found(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(f"x = 1\ncolumn = {keys.PROXY_TAKEUP_PCT!r}\nflag = {keys.flag(keys.DP_CLIENTS_31MAR)!r}\n")
    assert _spelled_keys(module) == {keys.PROXY_TAKEUP_PCT: 2, keys.flag(keys.DP_CLIENTS_31MAR): 3}


@pytest.mark.parametrize("package", sorted(p.parent.name for p in SRC.glob("*/__init__.py")))
def test_each_subpackage_docstring_names_every_one_of_its_modules(package):
    doc = ast.get_docstring(ast.parse((SRC / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    named = set(re.findall(r"``(\w+)``|:mod:`(?:\.|pbanalysis\.\w+\.)(\w+)`", doc))
    named = {a or b for a, b in named}
    modules = {p.stem for p in (SRC / package).glob("*.py") if p.stem != "__init__"}
    assert modules <= named, f"src/pbanalysis/{package}/__init__.py does not name {sorted(modules - named)}"
