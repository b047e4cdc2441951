"""``make report``'s one Python process (:func:`build`), and one notebook run on its own.

:func:`build` executes the runs Make marked stale (:mod:`pbanalysis.pipeline.runner`: all cores,
a fresh kernel per run), then writes the data tables (:mod:`pbanalysis.outputs.datatables`), the
index page and ``reports/run.json``, and checks that every declared output of every run is in
place. Every output is written to a temporary file and renamed into place, so a failed or killed
run leaves the earlier outputs intact.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import nbformat

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.core.errors import ParameterError, RunError
from pbanalysis.outputs import runlog
from pbanalysis.pipeline import catalogue, kernel_pool, parameters, runner
from pbanalysis.pipeline.parameters import (  # noqa: F401  (re-exported: the report's notebooks and their parameters)
    DEFAULT_SET,
    inspect,
    load_param_sets,
    notebook_defaults,
    notebook_parameters,
    notebooks,
)
from pbanalysis.pipeline.runner import Result

log = logging.getLogger(__name__)


def run_notebook(notebook: str, param_set: str = DEFAULT_SET, progress: bool = True, out: Path | None = None) -> Path:
    """Execute one notebook with one named parameter set; returns the executed notebook's path.

    The output goes to ``reports/notebooks/`` (or ``out``), written atomically; a failure raises
    :class:`RunError` naming the cell and error and leaves any earlier output as it was.
    """
    if notebook not in notebooks():
        raise ParameterError("notebook", notebook, notebooks())
    sets = load_param_sets(notebook)
    if param_set not in sets:
        raise ParameterError("param_set", param_set, list(sets))
    run = catalogue.Run(notebook, param_set, dict(sets[param_set], run_name=param_set))
    target = Path(out or run.executed)
    if progress:
        log.info("running %s -> %s", run.name, target)
    kernels = kernel_pool.Kernels()
    try:
        res = runner.execute_one(run, kernels, executed=target)
    finally:
        kernels.close()
    if not res.ok:
        if res.ename in ("ParameterError", "InputError"):
            raise RunError(f"{notebook} [{param_set}]: {res.evalue}")
        raise RunError(f"{notebook} [{param_set}] failed: {res.error}")
    return target


def to_html(executed: Path | str) -> Path:
    """Convert an executed notebook to HTML with code hidden; returns ``reports/html/<stem>.html``."""
    executed = Path(executed)
    nb = nbformat.read(executed, as_version=4)
    notebook, _, param_set = executed.stem.partition("--")
    title = parameters.page_title(notebook, param_set or parameters.DEFAULT_SET)
    return write_text(paths.HTML_DIR / f"{executed.stem}.html", runner.html_text(nb, title))


def declared(runs: list[catalogue.Run]) -> dict[str, list[Path] | str]:
    """Each run's declared outputs by name (or the error that stopped them being worked out).

    Read from the Make rules (:func:`pbanalysis.pipeline.catalogue.make_rules`) when they are newer
    than every notebook, parameter file and module, as ``make report`` leaves them; otherwise worked
    out here, which loads the chart registry (pandas, matplotlib) into this process.
    """
    rules, got = catalogue.rules_path(), {}
    inputs = [*paths.NOTEBOOKS_DIR.glob("*.ipynb"), *paths.PARAMS_DIR.glob("*.yaml")]
    inputs += (paths.ROOT / "src").rglob("*.py")
    if rules.exists() and rules.stat().st_mtime >= max((p.stat().st_mtime for p in inputs), default=0):
        got = catalogue.declared_from_rules(rules.read_text())
    rest = [r for r in runs if r.name not in got]
    return {**got, **catalogue.declared_of(rest)} if rest else got


def build(run_names: list[str] | None = None, jobs: int | None = None) -> int:
    """``make report``'s one process: execute the stale runs, then the index and reports/run.json.

    ``run_names`` defaults to the runs Make marked stale (``reports/.stale/``); ``["all"]`` runs
    every run. Returns the exit status: 0, or 1 when any run failed (each failure is logged with
    its notebook, cell, line and error; the other runs still complete and earlier outputs stay) or
    when, building the whole report (``run_names`` None or ``["all"]``), a declared output of any
    run is missing at the end (named, and its run marked stale). The last line logged says how many
    runs were executed and how many were already up to date.
    """
    t0, started = time.time(), runlog.now()
    everything = catalogue.all_runs()
    whole = run_names is None or run_names == ["all"]
    if run_names == ["all"]:
        todo = everything
    else:
        names = catalogue.marked_stale() if run_names is None else run_names
        known = {r.name for r in everything}
        for n in sorted(set(names) - known):
            log.warning("ignoring stale mark for %s: no such run (notebook or parameter set removed)", n)
            catalogue.unmark(n)
        todo = catalogue.find_runs([n for n in names if n in known])
    own_files = [paths.INDEX_HTML, paths.REPORTS_DIR / paths.DATA_TABLES_XLSX.name]
    outputs = declared(everything if whole else todo)
    # A run whose outputs cannot be worked out (e.g. an unknown council) fails without running.
    unknown = {n: e for n, e in outputs.items() if isinstance(e, str)}
    outputs = {n: e for n, e in outputs.items() if n not in unknown}
    results: list[Result] = []
    if todo or not all(p.exists() for p in own_files):  # else nothing to do (another run did it)
        if todo:
            log.info(
                "running %d notebook run(s) on %d worker(s)", len(todo), min(len(todo), jobs or os.cpu_count() or 1)
            )
        results = runner.execute([r for r in todo if r.name not in unknown], outputs, jobs=jobs)
        results += [
            Result(r, False, runlog.now(), 0.0, f"its outputs: {unknown[r.name]}") for r in todo if r.name in unknown
        ]
        # Imported once the runs are done (measured: 47 MiB, pandas and the workbook's writer), so it
        # is never in this process beside two running kernels.
        from pbanalysis.outputs import datatables, index_page

        datatables.write()  # the workbook and its CSVs, before the page that lists them
        index_page.write_index()
        runlog.write_report_log(everything, results, started=started, seconds=time.time() - t0)
    failed = [r for r in results if not r.ok]
    for r in failed:
        log.error("error: run %s failed: %s", r.run.name, r.error)
    if failed:
        log.error("error: %d of %d run(s) failed; their earlier outputs are unchanged", len(failed), len(results))
    failed_names = {r.run.name for r in failed} | set(unknown)
    missing = missing_outputs([r for r in everything if r.name not in failed_names], outputs) if whole else {}
    executed = len([r for r in results if r.run in everything])  # not the check for undeclared writes
    log.info(
        "report: %d run%s executed%s, %d already up to date%s",
        executed,
        "" if executed == 1 else "s",
        f" ({len(failed)} failed)" if failed else "",
        len(everything) - executed - len(set(missing) - {r.run.name for r in results}),
        f", {len(missing)} with declared outputs missing" if missing else "",
    )
    return 1 if failed or missing else 0


def missing_outputs(runs: list[catalogue.Run], outputs: dict[str, list[Path]]) -> dict[str, list[Path]]:
    """Each run of ``runs`` with a declared output missing (``outputs``: each run's declared outputs),
    logged as errors naming them; those runs are marked stale, so the next ``make report`` executes them."""
    out: dict[str, list[Path]] = {}
    for r in runs:
        if gone := [p for p in [r.executed, r.html, *outputs.get(r.name, [])] if not p.exists()]:
            out[r.name] = gone
            catalogue.mark_stale(r.name)
            shown = ", ".join(str(p.relative_to(paths.REPORTS_DIR)) for p in gone)
            log.error("error: run %s: declared output missing: %s", r.name, shown)
    if out:
        log.error("error: %d run(s) lack declared outputs (marked stale: `make report` executes them)", len(out))
    return out
