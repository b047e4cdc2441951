"""The notebooks: nbval over every one, every named parameter set, and bad parameters.

nbval runs each notebook top to bottom on its defaults (``--nbval-lax``), and
checks the output of the cells marked ``# NBVAL_CHECK_OUTPUT`` against the
reference text in ``tests/nbval_expected/<notebook>.json`` (the notebooks
themselves are committed without outputs). Volatile text is sanitised by
``tests/nbval_sanitize.cfg``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError, RunError
from pbanalysis.pipeline import report

NOTEBOOKS = report.notebooks()
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def reports_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(autouse=True)
def _reports_env(monkeypatch, reports_tmp):
    monkeypatch.setenv("PBANALYSIS_REPORTS", str(reports_tmp))


def test_there_are_at_least_four_report_notebooks():
    assert {"take_up", "spending", "variance", "claims", "council_briefing"} <= set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_has_one_commented_parameters_cell(name):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    lines = [line for line in cells[0].source.splitlines() if line.strip()]
    assert all("#" in line for line in lines), "every parameter is commented"
    assert "run_name" in report.notebook_parameters(name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_has_named_parameter_sets(name):
    sets = report.load_param_sets(name)
    assert "default" in sets


def _with_expected_outputs(src: Path, dst: Path) -> int:
    nb = nbformat.read(src, as_version=4)
    expected_file = HERE / "nbval_expected" / f"{src.stem}.json"
    expected = json.loads(expected_file.read_text()) if expected_file.exists() else {}
    checked = 0
    for c in nb.cells:
        if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source:
            assert c.id in expected, f"{src.name} cell {c.id}: add its reference output to {expected_file}"
            c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=expected[c.id])]
            c.execution_count = 1
            checked += 1
    nbformat.write(nb, dst)
    return checked


@pytest.mark.slow
def test_nbval_runs_every_notebook_and_checks_chosen_cells(tmp_path, reports_tmp):
    checked = 0
    for name in NOTEBOOKS:
        checked += _with_expected_outputs(paths.NOTEBOOKS_DIR / f"{name}.ipynb", tmp_path / f"{name}.ipynb")
    assert checked >= 4
    env = dict(os.environ, PBANALYSIS_REPORTS=str(reports_tmp))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(HERE / "nbval_sanitize.cfg"),
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    (tmp_path / "nbval.log").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"{sum(1 for _ in NOTEBOOKS)}" and " passed" in run.stdout


RUNS = [(nb, s) for nb in NOTEBOOKS for s in report.load_param_sets(nb)]


def _errors(path: Path) -> list[dict]:
    nb = json.loads(path.read_text())
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.slow
def test_every_named_parameter_set_ran_without_an_error_in_the_built_report(built_report):
    # `make report` runs every parameter set of every notebook: the report built once for the
    # tests holds each executed notebook.
    for notebook, param_set in RUNS:
        out = built_report / "notebooks" / f"{notebook}--{param_set}.ipynb"
        assert out.exists(), f"{out.name}: not run by make report"
        assert not _errors(out), f"{out.name}: a cell failed"
        assert "papermill" not in json.loads(out.read_text())["metadata"], "volatile metadata is stripped"


@pytest.mark.slow
def test_one_named_parameter_set_runs_on_its_own(reports_tmp):
    # The single-run path (python -m pbanalysis run-notebook) on a set other than the default.
    out = report.run_notebook(
        "explore", "manchester-peers", progress=False, out=reports_tmp / "notebooks" / "explore--manchester-peers.ipynb"
    )
    assert not _errors(out)
    assert "papermill" not in json.loads(out.read_text())["metadata"], "volatile metadata is stripped"


@pytest.mark.slow
def test_a_bad_parameter_fails_at_once_listing_allowed_values(tmp_path, reports_tmp):
    (tmp_path / "take_up.yaml").write_text("bad:\n  denominator: everyone\n")
    import pbanalysis.pipeline.report as r

    orig = paths.PARAMS_DIR
    try:
        paths.PARAMS_DIR = tmp_path
        with pytest.raises(RunError, match="ni130_all, ongoing, adass_eligible"):
            r.run_notebook("take_up", "bad", progress=False, out=reports_tmp / "bad.ipynb")
    finally:
        paths.PARAMS_DIR = orig
    assert not (reports_tmp / "bad.ipynb").exists(), "a failed run leaves no output"


def test_a_bad_yaml_parameter_file_names_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "take_up.yaml").write_text("default: {}\nbroken: [unclosed\n")
    monkeypatch.setattr(paths, "PARAMS_DIR", tmp_path)
    with pytest.raises(InputError, match=r"take_up.yaml, row \d+.*expected valid YAML"):
        report.load_param_sets("take_up")


def test_an_unknown_parameter_name_is_refused(tmp_path, monkeypatch):
    (tmp_path / "take_up.yaml").write_text("default: {}\ntypo:\n  denominater: ongoing\n")
    monkeypatch.setattr(paths, "PARAMS_DIR", tmp_path)
    with pytest.raises(InputError, match=r"row 2, column 'denominater': expected parameters of take_up.ipynb"):
        report.load_param_sets("take_up")


def test_an_unknown_parameter_set_lists_the_sets():
    with pytest.raises(ParameterError, match="default, ni130_all, adass_eligible"):
        report.run_notebook("take_up", "nope", progress=False)
