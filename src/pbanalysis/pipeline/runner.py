"""The report runner: notebook runs on all cores, each on a fresh kernel, in this one process.

:func:`execute` gives each of ``jobs`` worker threads (default: one per core) a run at a time. A
worker starts a fresh kernel (:class:`pbanalysis.pipeline.kernel_pool.Kernels`), runs the notebook
with papermill, shuts the kernel down, writes the executed notebook (atomically), checks the run
wrote each output it declares, and prints one line with its time. Once every run has executed, each page's HTML is written. A failing run does not
stop the others; its earlier outputs are left as they were, and its :class:`Result` names the
notebook, cell, line and error (:func:`where_it_failed`). A chart or report file written by no
declared run fails the batch (:func:`undeclared_writes`).

This process imports papermill, nbconvert and the kernel client, never the analysis (pandas,
matplotlib): what the runs declare comes in worked out (:mod:`pbanalysis.pipeline.report`).
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.pipeline.catalogue import Run, unmark
from pbanalysis.pipeline.kernel_pool import Kernels
from pbanalysis.pipeline.parameters import page_title

log = logging.getLogger(__name__)

#: The kernel name papermill is given: the one the notebooks name (each run executes on a started
#: report kernel, :data:`pbanalysis.pipeline.kernel_pool.REPORT_KERNEL`).
KERNEL = "python3"
#: Cells tagged so are left out of the HTML page: they exist for the notebook tests (nbval checks
#: their print-outs), not for the reader.
HTML_REMOVE_TAGS = frozenset({"nbval-only", "remove-cell"})


class _Engine(NBClientEngine):
    """papermill's engine on a kernel it did not start, closing its client when the notebook is
    done (papermill's own leaves the client's sockets open)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, start_timeout=60, execution_timeout=None, **kwargs):
        for k in ("input_path", "timeout", "startup_timeout", "log_output", "stdout_file", "stderr_file"):
            kwargs.pop(k, None)
        client = PapermillNotebookClient(
            nb_man,
            kernel_name=kernel_name,
            startup_timeout=start_timeout,
            timeout=execution_timeout,
            log=logging.getLogger("papermill"),
            shutdown_kernel="immediate",
            **kwargs,
        )
        return client.execute(cleanup_kc=True)


papermill_engines.register("pbanalysis", _Engine)


def strip_volatile(nb: dict) -> dict:
    """Remove timings and paths that change from run to run (the same notebook gives the same bytes)."""
    nb["metadata"].pop("papermill", None)
    for c in nb["cells"]:
        md = c.get("metadata", {})
        if "injected-parameters" in md.get("tags", []):
            c["id"] = "injected-parameters"  # papermill gives it a random id
        md.pop("execution", None)
        md.pop("papermill", None)
    return nb


def notebook_json(nb: Any) -> str:
    """The executed notebook as committed-style JSON text, volatile metadata stripped.

    Consecutive printed text of one stream is saved as one output (nbconvert's
    ``CoalesceStreamsPreprocessor``, which the HTML export also applies): the kernel sends what a cell
    prints whenever its buffer is flushed, on a timer, so a busy machine can cut the same text into
    two outputs where a quick one sends one."""
    node, _ = CoalesceStreamsPreprocessor().preprocess(copy.deepcopy(nb), {})
    data = strip_volatile(json.loads(nbformat.writes(node)))
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def html_text(nb: Any, name: str) -> str:
    """The executed notebook (a node or its JSON text) as HTML with code and prompts hidden, and
    the cells tagged in :data:`HTML_REMOVE_TAGS` left out."""
    nb = nbformat.reads(nb, as_version=4) if isinstance(nb, str) else nb
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


@functools.cache
def _exporter() -> HTMLExporter:
    """One exporter for every page (made afresh for each, the 16 pages took 40% longer)."""
    quiet = logging.getLogger("pbanalysis.nbconvert")  # its notes (e.g. missing alt text) only with --verbose
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        log=quiet,
        template_name="notebook",
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(HTML_REMOVE_TAGS), enabled=True), True)
    return exporter


@dataclass
class Result:
    """How one run went: ``ok`` True, or ``error`` saying where and why it stopped."""

    run: Run
    ok: bool
    started: str
    seconds: float
    error: str | None = None
    ename: str | None = None
    evalue: str | None = None
    #: Whether its executed notebook was written (then its HTML page is made).
    saved: bool = False

    def as_dict(self) -> dict:
        """The run as recorded in reports/run.json."""
        return {
            "run": self.run.name,
            "notebook": self.run.notebook,
            "param_set": self.run.param_set,
            "parameters": self.run.params,
            "started": self.started,
            "duration_s": round(self.seconds, 2),
            "outcome": "ok" if self.ok else "failed",
            "error": self.error,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def where_it_failed(run: Run, exc: pm.PapermillExecutionError) -> str:
    """The notebook, the cell, the line and the error that stopped a run, e.g. ``notebooks/spending.ipynb,
    cell 12, line 3: `frame = frame.loc["x"]`: KeyError: 'x'``.

    The cell is counted from 1 over every cell of the notebook file, as a reader counts them: papermill's
    0-based ``cell_index`` counts the cell it injects with the run's parameters, so it is that number.
    The line is the cell's own line from IPython's traceback (``Cell In[7], line 3``), else its first."""
    lines = (exc.source or "").splitlines()
    tb = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(exc.traceback or []))
    at = re.search(r"Cell In\[\d+\], line (\d+)", tb)
    n = int(at.group(1)) if at and 0 < int(at.group(1)) <= len(lines) else None
    if n is None:
        n = next((i + 1 for i, ln in enumerate(lines) if ln.strip()), None)
    shown = run.notebook_path
    shown = shown.relative_to(paths.ROOT) if shown.is_relative_to(paths.ROOT) else shown
    code = f", line {n}: `{lines[n - 1].strip()[:80]}`" if n else ""
    return f"{shown}, cell {exc.cell_index}{code}: {exc.ename}: {exc.evalue}"


def execute_one(run: Run, kernels: Kernels, executed: Path | None = None, declared: list[Path] | None = None) -> Result:
    """Execute one run on a fresh kernel of ``kernels``; returns its :class:`Result`.

    The kernel is shut down as soon as the notebook has run, and the executed notebook written to
    ``executed`` (default: reports/notebooks/); then the run is checked to have written each of its
    ``declared`` outputs. Never raises for a failing notebook. Its HTML is made later (:func:`write_html`).
    """
    started, t0, wall0 = _now(), time.perf_counter(), time.time()

    def failed(error: str, **kw) -> Result:
        return Result(run, False, started, time.perf_counter() - t0, error, **kw)

    try:
        km = kernels.start()
    except Exception as exc:
        return failed(f"kernel did not start: {exc}")
    try:
        try:
            nb = pm.execute_notebook(
                str(run.notebook_path),
                None,
                parameters=run.params,
                kernel_name=KERNEL,
                progress_bar=False,
                engine_name="pbanalysis",
                km=km,
            )
        finally:
            kernels.stop(km)
        write_text(executed or run.executed, notebook_json(nb))
        del nb
        missing = [p for p in declared or [] if not p.exists() or p.stat().st_mtime < wall0 - 1]
        if missing:
            return failed("did not write declared output " + ", ".join(_shown(p) for p in missing), saved=True)
        return Result(run, True, started, time.perf_counter() - t0, saved=True)
    except pm.PapermillExecutionError as exc:
        return failed(where_it_failed(run, exc), ename=exc.ename, evalue=exc.evalue)
    except Exception as exc:
        return failed(f"{type(exc).__name__}: {exc}")


def write_html(res: Result) -> Result:
    """Write the HTML page of a run whose executed notebook was saved, from that saved file (stable
    cell ids); returns the result, failed if the page could not be made."""
    try:
        write_text(
            res.run.html,
            html_text(res.run.executed.read_text(encoding="utf-8"), page_title(res.run.notebook, res.run.param_set)),
        )
    except Exception as exc:
        return Result(res.run, False, res.started, res.seconds, f"its HTML page: {type(exc).__name__}: {exc}")
    return res


def _shown(p: Path) -> str:
    return str(p.relative_to(paths.REPORTS_DIR))


def execute(
    runs: list[Run],
    declared: dict[str, list[Path]],
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Result]:
    """Execute ``runs`` on ``jobs`` worker threads (default: all cores), each run on a fresh kernel.

    ``declared``: each run's declared outputs by name. Returns one :class:`Result` per run, in the order given, and one more if anything was
    written that no run declares. Never raises for a failing run.
    """
    if not runs:
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    progress = progress or log.info
    since = time.time()
    kernels = Kernels(paths.NOTEBOOKS_DIR)
    done, lock = [0], threading.Lock()

    def work(run: Run) -> Result:
        res = execute_one(run, kernels, declared=declared.get(run.name, []))
        with lock:
            done[0] += 1
            status = "ok" if res.ok else f"FAILED: {res.error}"
            progress(f"[{done[0]}/{len(runs)}] {run.name:32s} {res.seconds:5.1f} s  {status}")
        return res

    # Started in the order given, except that a run does not start straight after another run of
    # its notebook when a run of another comes next: two briefing packs (the heaviest runs) are
    # then not built side by side. (Each notebook's runs all apart made the report 70% slower.)
    order, rest = [], list(range(len(runs)))
    while rest:
        last = runs[order[-1]].notebook if order else None
        order.append(rest.pop(next((k for k, i in enumerate(rest) if runs[i].notebook != last), 0)))
    try:
        with ThreadPoolExecutor(jobs, thread_name_prefix="run") as ex:
            futures = {i: ex.submit(work, runs[i]) for i in order}
            results = [futures[i].result() for i in range(len(runs))]
    finally:
        kernels.close()
    # The pages are made once every kernel has ended: the HTML exporter's memory (about 35 MiB)
    # is then never beside two running kernels.
    results = [write_html(r) if r.saved else r for r in results]
    for r in results:
        if r.ok:
            unmark(r.run.name)
    stray = undeclared_writes(results, since, declared)
    if stray:
        results.append(
            Result(
                Run("(undeclared)", "outputs"),
                False,
                datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
                0.0,
                "written but declared by no run (add them to the chart registry or "
                "pbanalysis.pipeline.catalogue.DECLARED): " + ", ".join(_shown(p) for p in stray),
            )
        )
    return results


def undeclared_writes(results: list[Result], since: float, declared: dict[str, list[Path]]) -> list[Path]:
    """Charts and top-level report files written since ``since`` that no run of ``results`` declares."""
    ours = {p for r in results for p in declared.get(r.run.name, [])}
    candidates = [p for p in paths.REPORTS_DIR.glob("*") if p.is_file() and p.suffix in (".csv", ".svg", ".png")]
    if paths.FIGURES_DIR.is_dir():
        candidates += [p for p in paths.FIGURES_DIR.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(p for p in candidates if p.stat().st_mtime >= since and p not in ours)
