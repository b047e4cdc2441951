"""The report runner: every stale notebook run in one process, on all cores.

``make report`` works out which runs are out of date (:mod:`pbanalysis.pipeline.makefile`) and
then calls ``python -m pbanalysis report`` once. That executes the marked runs here
(:func:`execute`):

* one worker thread per core (``jobs``, default :func:`os.cpu_count`), each
  driving papermill's Python API;
* a fresh kernel for every run, started ahead of need
  (:class:`pbanalysis.pipeline.kernel_pool.KernelPool`);
* the HTML export in the same process, right after the execution;
* one progress line per run with its time.

A failing run does not stop the others; its earlier outputs are left as they
were (every output is written atomically) and :func:`execute` reports the run,
the cell and the error. A run that does not write one of its declared outputs
(:func:`pbanalysis.pipeline.catalogue.declared_outputs`), or writes a chart nobody
declared, fails.

The runner itself stays light: it imports papermill, nbconvert and the kernel
client, never the analysis (pandas, matplotlib). What the runs declare depends on
the chart registry and the council table, so it is worked out in a short-lived child
process (:func:`pbanalysis.pipeline.catalogue.declared_in_child`) while the first
kernels start.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pbanalysis.core import paths
from pbanalysis.pipeline.catalogue import Run, declared_in_child, declared_of, declared_outputs, unmark
from pbanalysis.pipeline.kernel_pool import KernelPool
from pbanalysis.pipeline.parameters import page_title

log = logging.getLogger(__name__)

#: The kernel name papermill is given: the one the notebooks name (each run executes on a
#: started report kernel, :data:`pbanalysis.pipeline.kernel_pool.REPORT_KERNEL`).
KERNEL = "python3"
#: The papermill engine a report run executes with (:func:`_register_engine`).
ENGINE = "pbanalysis"


def _register_engine() -> None:
    """Register a papermill engine that runs on a pre-started kernel and then shuts it down.

    papermill's own engine leaves a kernel it did not start running, with its client open; this
    one closes both when the notebook is done (nbclient's ``cleanup_kc``), killing the kernel at once.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    if ENGINE in papermill_engines._engines:
        return

    class Client(PapermillNotebookClient):
        def execute(self, **kwargs):
            return super().execute(cleanup_kc=True, **kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, start_timeout=60, execution_timeout=None, **kwargs):
            for k in ("input_path", "timeout", "startup_timeout", "log_output", "stdout_file", "stderr_file"):
                kwargs.pop(k, None)
            client = Client(
                nb_man,
                kernel_name=kernel_name,
                startup_timeout=start_timeout,
                timeout=execution_timeout,
                log=logging.getLogger("papermill"),
                shutdown_kernel="immediate",
                **kwargs,
            )
            return client.execute()

    papermill_engines.register(ENGINE, Engine)


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
    import copy

    import nbformat
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    node, _ = CoalesceStreamsPreprocessor().preprocess(copy.deepcopy(nb), {})
    data = strip_volatile(json.loads(nbformat.writes(node)))
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


#: Cells tagged so are left out of the HTML page: they exist for the notebook tests (nbval checks
#: their print-outs), not for the reader.
HTML_REMOVE_TAGS = frozenset({"nbval-only", "remove-cell"})


def html_text(nb: Any, name: str) -> str:
    """The executed notebook (a node or its JSON text) as HTML with code and prompts hidden, and
    the cells tagged in :data:`HTML_REMOVE_TAGS` left out."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.reads(nb, as_version=4) if isinstance(nb, str) else nb
    log = logging.getLogger("pbanalysis.nbconvert")  # its notes (e.g. missing alt text) only with --verbose
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        log=log,
        template_name="notebook",
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(HTML_REMOVE_TAGS), enabled=True), True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


def _first_line(source: str) -> str:
    first = next((ln.strip() for ln in (source or "").splitlines() if ln.strip()), "")
    return f" (`{first[:60]}`)" if first else ""


@dataclass
class Result:
    """How one run went: ``ok`` True, or the cell and error that stopped it."""

    run: Run
    ok: bool
    started: str
    seconds: float
    error: str | None = None
    cell: int | None = None
    ename: str | None = None
    evalue: str | None = None

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


def execute_one(
    run: Run,
    km: Any,
    executed: Path | None = None,
    html: Path | None = None,
    declared: list[Path] | str | None = None,
    done_with_kernel: Callable[[Any], None] | None = None,
) -> Result:
    """Execute one run on a started kernel (a jupyter_client KernelManager); returns its :class:`Result`.

    Writes the executed notebook (to ``executed``, default reports/notebooks/) and, in a report run,
    its HTML, then checks the run wrote its ``declared`` outputs (default: :func:`declared_outputs`;
    a text is the error that stopped them being worked out, and fails the run). Never raises for a
    failing notebook. ``done_with_kernel(km)`` is called as soon as the notebook has run, before
    the HTML is made.
    """
    import papermill as pm

    from pbanalysis.core.atomic import write_text

    _register_engine()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0, wall0 = time.perf_counter(), time.time()
    try:
        try:
            nb = pm.execute_notebook(
                str(run.notebook_path),
                None,
                parameters=run.params,
                kernel_name=KERNEL,
                progress_bar=False,
                engine_name=ENGINE,
                km=km,
            )
        finally:
            if done_with_kernel is not None:
                done_with_kernel(km)
        text = notebook_json(nb)
        body = html_text(text, page_title(run.notebook, run.param_set))  # from what is saved (stable cell ids)
        write_text(executed or run.executed, text)
        if html is not None or executed is None:
            write_text(html or run.html, body)
        if executed is None:
            declared = declared_outputs(run) if declared is None else declared
            if isinstance(declared, str):
                return Result(run, False, started, time.perf_counter() - t0, f"its outputs: {declared}")
            missing = [p for p in declared if not p.exists() or p.stat().st_mtime < wall0 - 1]
            if missing:
                rel = ", ".join(str(p.relative_to(paths.REPORTS_DIR)) for p in missing)
                return Result(run, False, started, time.perf_counter() - t0, f"did not write declared output {rel}")
        return Result(run, True, started, time.perf_counter() - t0)
    except pm.PapermillExecutionError as exc:
        where = f"cell {exc.exec_count}{_first_line(exc.source)}"
        return Result(
            run,
            False,
            started,
            time.perf_counter() - t0,
            f"{where}: {exc.ename}: {exc.evalue}",
            cell=exc.exec_count,
            ename=exc.ename,
            evalue=exc.evalue,
        )
    except Exception as exc:
        return Result(run, False, started, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}")


def execute(
    runs: list[Run],
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
    check_undeclared: bool = True,
) -> list[Result]:
    """Execute ``runs`` on ``jobs`` worker threads (default: all cores), each with a fresh kernel.

    Returns one :class:`Result` per run, in the order given. Never raises for a failing run.
    """
    if not runs:
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    progress = progress or log.info
    t_batch = time.time()
    # As many kernels alive as workers, and at least two: the next one starts while a finished
    # run's HTML is written (with one worker, while the run executes), and no idle kernel holds
    # memory beside two running ones.
    pool = KernelPool(len(runs), live=max(2, jobs), cwd=paths.NOTEBOOKS_DIR)
    declared = declared_in_child(runs)
    done = [0]
    lock = threading.Lock()

    def work(run: Run) -> Result:
        try:
            km = pool.take()
        except Exception as exc:
            res = Result(
                run, False, datetime.now(UTC).isoformat(timespec="seconds"), 0.0, f"kernel did not start: {exc}"
            )
        else:
            try:
                res = execute_one(run, km, declared=declared(run.name), done_with_kernel=pool.release)
            finally:
                pool.release(km)
        if res.ok:
            unmark(run)
        with lock:
            done[0] += 1
            status = "ok" if res.ok else f"FAILED: {res.error}"
            progress(f"[{done[0]}/{len(runs)}] {run.name:32s} {res.seconds:5.1f} s  {status}")
        return res

    try:
        with ThreadPoolExecutor(jobs, thread_name_prefix="run") as ex:
            results = list(ex.map(work, runs))
    finally:
        pool.close()
    if check_undeclared:
        stray = undeclared_writes(results, t_batch, {r.run.name: declared(r.run.name) for r in results})
        if stray:
            results.append(
                Result(
                    Run("(undeclared)", "outputs"),
                    False,
                    datetime.fromtimestamp(t_batch, UTC).isoformat(timespec="seconds"),
                    0.0,
                    "written but declared by no run (add them to the chart registry or pbanalysis.pipeline.catalogue.DECLARED): "
                    + ", ".join(str(p.relative_to(paths.REPORTS_DIR)) for p in stray),
                )
            )
    return results


def undeclared_writes(
    results: list[Result], since: float, declared_by_run: dict[str, list[Path] | str] | None = None
) -> list[Path]:
    """Charts and top-level report files written since ``since`` that no run of ``results`` declares
    (``declared_by_run``: each run's declared outputs, or the error that stopped them being worked
    out, as :func:`declared_in_child` gives them; default: worked out here)."""
    runs = [r.run for r in results if r.run.notebook != "(undeclared)"]
    by_run = declared_of(runs) if declared_by_run is None else declared_by_run
    declared = set()
    for r in runs:
        outs = by_run.get(r.name, [])
        declared.update([] if isinstance(outs, str) else outs)
    candidates = [p for p in paths.REPORTS_DIR.glob("*") if p.is_file() and p.suffix in (".csv", ".svg", ".png")]
    if paths.FIGURES_DIR.is_dir():
        candidates += [p for p in paths.FIGURES_DIR.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(p for p in candidates if p.stat().st_mtime >= since and p not in declared)
