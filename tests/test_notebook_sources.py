"""The notebooks show the analysis: no chart is drawn by name from the catalogue, and no finding is
picked by its position in a list (``findings.jumps``, not ``text[3]``)."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from pbanalysis.core import paths
from pbanalysis.pipeline import registry

NOTEBOOKS = sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))

#: Names and functions that hold findings (sentences): indexing them by position is what we forbid.
FINDINGS = re.compile(r"text|sentence|finding|agreement|headline", re.I)

#: Findings still returned as a list and picked by position in a notebook (none left).
STILL_A_LIST: dict[str, str] = {}


def _code(name: str) -> str:
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _positional(index: ast.AST) -> bool:
    if isinstance(index, ast.Slice):
        return True
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    return isinstance(index, ast.Constant) and isinstance(index.value, int)


def _holder(node: ast.AST) -> str:
    """The name of what is indexed: a variable, an attribute or the function called."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def problems(source: str) -> list[str]:
    """Each call of ``registry.draw`` and each finding picked by list position in ``source``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "draw" and _holder(node.value) == "registry":
            out.append(f"line {node.lineno}: registry.draw")
        if isinstance(node, ast.Subscript) and _positional(node.slice) and FINDINGS.search(_holder(node.value)):
            out.append(f"line {node.lineno}: {ast.unparse(node)} picks a finding by position")
    return out


def test_the_check_finds_what_it_forbids():
    bad = 'chart = registry.draw("x")\ndisplay(text_sds[0])\nx = "\\n".join(text_2021[4:-1])\ny = claims.proxy_agreement(t, s)[-1]\n'
    assert len(problems(bad)) == 4
    good = 'chart = views.variance_rank(ranked, year=year)\ndisplay(findings.jumps)\nsp["year"]\nregions.columns[1:]\n'
    assert problems(good) == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=STILL_A_LIST[n], strict=True)) if n in STILL_A_LIST else n
        for n in NOTEBOOKS
    ],
)
def test_no_notebook_draws_by_name_or_picks_a_finding_by_position(name):
    assert problems(_code(name)) == []


@pytest.mark.parametrize("name", sorted({spec.notebook for spec in registry.CHARTS.values()}))
def test_each_chart_of_the_catalogue_is_drawn_in_its_notebook_from_a_frame(name):
    """Every chart the catalogue says a notebook draws is drawn there by its view function, on frames
    (``views.<chart>(frame, ...)``), which is also how the landing page finds the chart's section."""
    calls = {
        node.func.attr
        for node in ast.walk(ast.parse(_code(name)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _holder(node.func.value) == "views"
    }
    charts = {chart for chart, _ in registry.charts_of(name)}
    assert charts <= calls, sorted(charts - calls)
    assert all(node_args for node_args in _view_args(name)), "each view call is given a frame"


def _view_args(name: str) -> list[int]:
    return [
        len(node.args)
        for node in ast.walk(ast.parse(_code(name)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and _holder(node.func.value) == "views"
        and node.func.attr in registry.CHARTS
    ]
