"""One home for every default: the chart registry takes each chart's defaults from the parameters
cell of the notebook that owns it, and holds none of its own."""

from __future__ import annotations

import ast
import inspect
import json

import pytest

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.pipeline import registry, report


def _parameters_cell(notebook: str) -> dict[str, object]:
    """The notebook's parameters cell read directly (not through papermill): {name: literal value}."""
    nb = json.loads((paths.NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    out = {}
    for node in ast.parse("".join(cell["source"])).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.unparse(node)
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


@pytest.mark.parametrize("notebook", report.notebooks())
def test_notebook_defaults_are_the_parameters_cell(notebook):
    assert report.notebook_defaults(notebook) == _parameters_cell(notebook)


@pytest.mark.parametrize("name", list(registry.CHARTS))
def test_every_registry_default_equals_the_notebooks(name):
    spec = registry.CHARTS[name]
    cell = _parameters_cell(spec.notebook)
    assert set(spec.params) <= set(cell), f"{name} takes parameters {spec.notebook}.ipynb does not have"
    assert registry.defaults(name) == {p: cell[p] for p in spec.params}


@pytest.mark.parametrize("name", list(registry.CHARTS))
def test_chart_builders_hold_no_default_of_their_own(name):
    spec = registry.CHARTS[name]
    sig = inspect.signature(spec.build).parameters
    assert "size" in sig, f"{name} cannot be drawn at the pack's sizes"
    own = {p: v.default for p, v in sig.items() if p != "size" and v.default is not inspect.Parameter.empty}
    assert not own, f"{name} sets its own defaults {own}; they belong in notebooks/{spec.notebook}.ipynb"


def test_a_chart_drawn_without_options_uses_the_notebook_year():
    year = _parameters_cell("variance")["year"]
    other = next(y for y in registry.years_available() if y != year)
    alt = registry.draw("variance_by_region").alt_text
    assert alt == registry.draw("variance_by_region", year=year).alt_text
    assert alt != registry.draw("variance_by_region", year=other).alt_text


def test_chart_list_shows_the_notebook_defaults():
    lines = dict(registry.describe())
    cell = _parameters_cell("variance")
    assert f"year={cell['year']!r}" in lines["variance_rank"]
    assert "notebooks/variance.ipynb" in lines["variance_rank"]


def test_a_parameter_the_chart_does_not_take_fails_clearly():
    with pytest.raises(ParameterError, match="parameters of chart pb_spend_split: size"):
        registry.draw("pb_spend_split", year="2010-11")


def test_a_default_that_is_not_a_literal_fails_naming_the_notebook(tmp_path, monkeypatch):
    nb = json.loads((paths.NOTEBOOKS_DIR / "variance.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    cell["source"] = ['year = "2009" + "-10"  # computed\n']
    (tmp_path / "variance.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    with pytest.raises(InputError, match=r"variance\.ipynb, column 'year': expected a Python literal"):
        report.notebook_defaults("variance")


def test_every_declared_chart_is_a_registry_chart_of_its_notebook_taking_its_parameters():
    """What a run declares it draws is what the registry says the notebook draws (bench relies on it)."""
    from pbanalysis.pipeline import catalogue

    for notebook in report.notebooks():
        declared = set(catalogue.declared_charts(notebook))
        if catalogue.DECLARED.get(notebook, {}).get("briefing_pack"):
            assert not declared  # the briefing notebook's charts go to the council's pack
            continue
        assert declared == {name for name, _ in registry.charts_of(notebook)}, notebook
        for name in declared:
            assert set(registry.CHARTS[name].params) <= set(report.notebook_parameters(notebook)), name
