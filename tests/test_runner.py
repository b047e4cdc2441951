"""The report runner: fresh kernel per run, partial failure, run.json, logging, runs listed by the CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import sys

import nbformat
import pytest

from pbanalysis.core import paths
from pbanalysis.outputs import runlog
from pbanalysis.pipeline import catalogue, kernel_pool, report, runner


def make_notebook(path, *cells, params="x = 1  # a parameter\nrun_name = 'default'  # name of this run"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def reports(tmp_path, monkeypatch):
    """Send every report output to a temporary folder."""
    r = tmp_path / "reports"
    for name, sub in [
        ("REPORTS_DIR", ""),
        ("FIGURES_DIR", "figures"),
        ("EXECUTED_DIR", "notebooks"),
        ("HTML_DIR", "html"),
        ("BRIEFINGS_DIR", "briefings"),
        ("CLAIMS_CSV", "claims.csv"),
        ("INDEX_HTML", "index.html"),
        ("RUN_JSON", "run.json"),
    ]:
        monkeypatch.setattr(paths, name, r / sub if sub else r)
    return r


def run_of(path, name="default", **params):
    return catalogue.Run(path.stem, name, dict(params, run_name=name), source=path)


def outputs_text(executed):
    nb = json.loads(executed.read_text())
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.slow
def test_each_run_gets_a_fresh_kernel_no_state_leaks(tmp_path, reports):
    setter = make_notebook(
        tmp_path / "setter.ipynb",
        "import os, sys\nLEAKED = 42\nsys.modules['json'].leaked = True\nprint('pid', os.getpid())",
    )
    checker = make_notebook(
        tmp_path / "checker.ipynb",
        "import os, sys\nassert 'LEAKED' not in globals(), 'a global leaked from an earlier run'\n"
        "assert not hasattr(sys.modules['json'], 'leaked'), 'module state leaked'\nprint('pid', os.getpid())",
    )
    # One worker: the two runs execute one after the other in the same thread.
    results = runner.execute([run_of(setter), run_of(checker)], {}, jobs=1)
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    pids = [re.search(r"pid (\d+)", outputs_text(r.run.executed)).group(1) for r in results]
    assert pids[0] != pids[1], "both runs used the same kernel process"
    # The checker does fail when state does leak: the same code in one kernel raises.
    both = make_notebook(
        tmp_path / "both.ipynb",
        "LEAKED = 42",
        "assert 'LEAKED' not in globals(), 'a global leaked from an earlier run'",
    )
    (res,) = runner.execute([run_of(both)], {}, jobs=1)
    assert not res.ok and "AssertionError: a global leaked" in res.error


@pytest.mark.slow
def test_one_failing_run_does_not_stop_the_others_and_run_json_records_each_run(tmp_path, reports, monkeypatch, caplog):
    """One report build: a failing run named with its cell and error beside two good ones, and the
    run log (commit, versions, inputs, each run's parameters, times and outcome)."""
    good1 = make_notebook(tmp_path / "good1.ipynb", "print('one')")
    bad = make_notebook(tmp_path / "bad.ipynb", "y = 2", "raise ValueError('boom at ' + str(y))", "print('never')")
    good2 = make_notebook(tmp_path / "good2.ipynb", "print(x * 2)")
    runs = [run_of(good1), run_of(bad, "broken", x=3), run_of(good2, "three", x=3), run_of(good2)]
    # An earlier good output of the failing run, and a stale mark for every run but the last.
    old = b'{"an": "earlier good output"}\n'
    runs[1].executed.parent.mkdir(parents=True)
    runs[1].executed.write_bytes(old)
    for r in runs[:3]:
        catalogue.mark_stale(r.name)
    monkeypatch.setattr(catalogue, "all_runs", lambda: runs)

    with caplog.at_level(logging.INFO, logger="pbanalysis"):
        status = report.build()
    assert status == 1, "a failed run makes the report exit non-zero"
    assert outputs_text(runs[0].executed) == "one\n" and outputs_text(runs[2].executed) == "6\n"
    assert runs[0].html.exists() and runs[2].html.exists()
    assert runs[1].executed.read_bytes() == old, "the failing run's earlier output was changed"
    assert not runs[1].html.exists()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # The notebook, its cell counted over the file's cells (parameters 1, y = 2 2, the raise 3; not
    # papermill's injected cell), the line and the error.
    assert any(
        f"run bad--broken failed: {bad}, cell 3, line 1: `raise ValueError('boom at ' + str(y))`: "
        "ValueError: boom at 2" in m
        for m in errors
    ), errors
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("[")]
    assert len(progress) == 3 and all(re.search(r"\d+\.\d s", m) for m in progress), progress
    # The failed run stays marked stale, and so is the run never executed: its outputs are missing.
    assert catalogue.marked_stale() == ["bad--broken", "good2--default"]
    assert any("run good2--default: declared output missing: notebooks/good2--default.ipynb" in m for m in errors)

    entry = json.loads(paths.RUN_JSON.read_text())["report"]
    assert entry["outcome"] == "failed" and entry["failed_runs"] == ["bad--broken"]
    assert entry["executed_now"] == ["bad--broken", "good1--default", "good2--three"]  # as marked, in name order
    by_run = {r["run"]: r for r in entry["runs"]}
    assert {k: r["outcome"] for k, r in by_run.items()} == {
        "good1--default": "ok",
        "bad--broken": "failed",
        "good2--three": "ok",
        "good2--default": "not run",
    }
    git = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True)
    assert entry["git"]["commit"] == git.stdout.strip()
    assert isinstance(entry["git"]["dirty"], bool)
    assert entry["python"] == ".".join(map(str, sys.version_info[:3]))
    import papermill

    assert entry["packages"]["papermill"] == papermill.__version__ and "pbanalysis" in entry["packages"]
    raw = paths.REGISTER_CSV
    key = raw.relative_to(paths.ROOT).as_posix()
    assert entry["inputs"][key] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert "notebooks/take_up.ipynb" in entry["inputs"] and "notebooks/params/take_up.yaml" in entry["inputs"]
    assert by_run["good2--three"]["parameters"] == {"x": 3, "run_name": "three"}
    assert by_run["good2--three"]["duration_s"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", by_run["good2--three"]["started"])
    assert by_run["good2--default"]["parameters"]
    # The index says which commit and date it was built from.
    index = paths.INDEX_HTML.read_text()
    assert f"commit <code>{git.stdout.strip()[:12]}</code>" in index and entry["started"][:10] in index
    # make briefings keeps the report's entry and adds its own.
    runlog.write_entry("briefings", {"outcome": "ok"})
    log = json.loads(paths.RUN_JSON.read_text())
    assert log["report"] == entry and log["briefings"] == {"outcome": "ok"}


def test_built_from_line_names_commit_dirty_state_and_date():
    from pbanalysis.outputs import index_page

    line = index_page.built_from_line({"commit": "0123456789abcdef", "dirty": True}, "2026-11-25T15:40:00+00:00")
    assert "0123456789ab" in line and "uncommitted changes" in line and "2026-11-25" in line
    line = index_page.built_from_line({"commit": None, "dirty": None}, "2026-11-25T15:40:00+00:00")
    assert "no commit" in line


def test_cli_is_quiet_by_default_and_detailed_with_verbose():
    quiet = subprocess.run([sys.executable, "-m", "pbanalysis", "runs"], capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "take_up--ni130_all" in quiet.stdout.split()
    loud = subprocess.run([sys.executable, "-m", "pbanalysis", "--verbose", "runs"], capture_output=True, text=True)
    assert loud.returncode == 0 and loud.stdout == quiet.stdout
    assert "DEBUG pbanalysis" in loud.stderr and "run take_up--ni130_all: parameters" in loud.stderr


def test_runs_listed_by_the_cli_are_every_notebook_and_named_set():
    import yaml

    expected = [
        f"{nb}--{s}" for nb in report.notebooks() for s in yaml.safe_load((paths.PARAMS_DIR / f"{nb}.yaml").read_text())
    ]
    assert [r.name for r in catalogue.all_runs()] == expected


def test_every_chart_and_claims_csv_is_a_declared_output_in_the_make_rules_and_read_back_from_them():
    fragment = catalogue.make_rules()
    runs = catalogue.all_runs()
    # The runner reads each run's declared outputs back from the rules, not from the chart registry.
    assert catalogue.declared_from_rules(fragment) == {r.name: catalogue.declared_outputs(r) for r in runs}
    for r in runs:
        outs = catalogue.run_outputs(r)
        rule = next(line for line in fragment.splitlines() if line.startswith(f"OUT_{r.name} :="))
        for o in outs:
            assert "$(REPORTS)/" + o.relative_to(paths.REPORTS_DIR).as_posix() in rule
    declared = {o for r in runs for o in catalogue.declared_outputs(r)}
    assert paths.CLAIMS_CSV in declared
    assert paths.FIGURES_DIR / "variance_rank--y2010_11.svg" in declared
    assert paths.FIGURES_DIR / "takeup_timeline.json" in declared


def test_notebook_defaults_come_from_the_parameters_cell_via_papermill():
    d = report.notebook_defaults("variance")
    assert d["year"] == "2009-10" and d["thresholds"] == [10, 20, 30] and d["run_name"] == "default"
    assert report.notebook_parameters("variance") == list(d)
    assert "milestone" in report.inspect("take_up")["target"]["help"]


def test_no_more_kernels_are_alive_than_workers_and_each_run_has_its_own(tmp_path, reports, monkeypatch):
    """Each worker starts a kernel for its run and shuts it down once the notebook has run."""
    import threading
    import time

    alive, most, started, lock = [0], [0], [], threading.Lock()

    def start(self):
        with lock:
            alive[0] += 1
            most[0] = max(most[0], alive[0])
            started.append(object())
            return started[-1]

    def stop(self, km):
        with lock:
            alive[0] -= 1

    def execute_notebook(*args, km, **kw):
        time.sleep(0.1)
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(kernel_pool.Kernels, "start", start)
    monkeypatch.setattr(kernel_pool.Kernels, "stop", stop)
    monkeypatch.setattr(runner.pm, "execute_notebook", execute_notebook)
    nb = make_notebook(tmp_path / "nb.ipynb", "print(1)")
    results = runner.execute([run_of(nb, f"s{i}") for i in range(5)], {}, jobs=2)
    assert all(r.ok for r in results) and len(started) == 5
    assert most[0] == 2 and alive[0] == 0


def test_outputs_that_cannot_be_worked_out_fail_that_run_only(reports, monkeypatch):
    ok = catalogue.Run("claims", "default", {"run_name": "default"})
    bad = catalogue.Run("council_briefing", "nowhere", {"council": "Nowhere-on-Sea", "run_name": "nowhere"})
    got = catalogue.declared_of([ok, bad])
    assert got["claims--default"] == [paths.CLAIMS_CSV]
    assert isinstance(got["council_briefing--nowhere"], str) and "Nowhere-on-Sea" in got["council_briefing--nowhere"]
    # The report executes the other run and fails that one without executing it.
    executed = []
    monkeypatch.setattr(catalogue, "all_runs", lambda: [ok, bad])
    monkeypatch.setattr(report, "declared", lambda runs: got)
    monkeypatch.setattr(runner, "execute", lambda runs, declared, jobs=None: executed.extend(runs) or [])
    monkeypatch.setattr("pbanalysis.outputs.datatables.write", lambda: None)
    monkeypatch.setattr("pbanalysis.outputs.index_page.write_index", lambda: None)
    assert report.build([ok.name, bad.name]) == 1
    assert executed == [ok]
    entry = json.loads(paths.RUN_JSON.read_text())["report"]
    assert entry["failed_runs"] == ["council_briefing--nowhere"]


@pytest.mark.slow
def test_the_runner_stays_light_and_report_kernels_keep_no_debugger_or_history(tmp_path):
    """The runner process never imports the analysis libraries (the runs' kernels do), and a report
    kernel runs without the debugger and without an output history."""
    nb = make_notebook(
        tmp_path / "probe.ipynb",
        "import sys\nimport pandas\nprint(sys.modules.get('debugpy') is not None, get_ipython().cache_size)",
    )
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from pbanalysis.pipeline import catalogue, kernel_pool, runner\n"
        f"run = catalogue.Run('probe', 'default', {{'run_name': 'default'}}, source=Path({str(nb)!r}))\n"
        "kernels = kernel_pool.Kernels()\n"
        f"res = runner.execute_one(run, kernels, executed=Path({str(tmp_path / 'out.ipynb')!r}))\n"
        "kernels.close()\n"
        "print(json.dumps({'ok': res.ok, 'error': res.error,\n"
        "                  'loaded': [m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules]}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["ok"], got["error"]
    assert got["loaded"] == [], f"the runner imported {got['loaded']}"
    assert outputs_text(tmp_path / "out.ipynb") == "False 0\n"


def test_the_report_process_keeps_pandas_out_while_the_kernels_run():
    """``make report``'s process imports pandas and the workbook's writer (47 MiB) only once the
    runs are done, so they are never beside two running kernels."""
    code = (
        "import json, sys\n"
        "from pbanalysis.pipeline import report, runner\n"
        "seen = []\n"
        "def execute(runs, declared, jobs=None):\n"
        "    seen.append([m for m in ('pandas', 'matplotlib', 'openpyxl') if m in sys.modules])\n"
        "    raise SystemExit\n"
        "runner.execute = execute\n"
        "report.declared = lambda runs: {}\n"
        "try:\n"
        "    report.build(['claims--default'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(seen))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [[]]


def test_text_the_kernel_cut_in_two_is_saved_as_one_output():
    def saved_outputs(outputs):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print()", outputs=outputs)])
        return json.loads(runner.notebook_json(nb))["cells"][0]["outputs"]

    def stream(text, name="stdout"):
        return nbformat.v4.new_output("stream", name=name, text=text)

    whole = saved_outputs([stream("a: 1\nb: 2\nc: 3\n")])
    assert whole == [{"output_type": "stream", "name": "stdout", "text": ["a: 1\n", "b: 2\n", "c: 3\n"]}]
    assert saved_outputs([stream("a: 1\n"), stream("b: 2\nc: 3\n")]) == whole
    assert saved_outputs([stream("a: 1\nb: "), stream("2\nc: 3\n")]) == whole
    # Another stream, or anything between, stays apart.
    apart = saved_outputs([stream("a\n"), stream("warning\n", "stderr"), stream("b\n")])
    assert [o["name"] for o in apart] == ["stdout", "stderr", "stdout"]
    shown = [stream("a\n"), nbformat.v4.new_output("display_data", data={"text/plain": "x"}), stream("b\n")]
    assert [o["output_type"] for o in saved_outputs(shown)] == ["stream", "display_data", "stream"]
