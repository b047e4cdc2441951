"""The report runner: every stale notebook run in one process, on all cores.

``make report`` works out which runs are out of date (each run's outputs are a
Make target depending on its inputs; the rule only marks the run stale) and then
calls ``python -m pbanalysis report`` once. That executes the marked runs here:

* one worker thread per core (``jobs``, default :func:`os.cpu_count`), each
  driving papermill's Python API;
* a fresh kernel for every run, started ahead of need by :class:`KernelPool`
  (while a finished run's HTML is made, the kernel for the next one is
  starting; never more kernels than workers, or two with one worker), over
  IPC sockets, so no "TCP without encryption" warning is printed;
* the HTML export in the same process, right after the execution;
* one progress line per run with its time.

A failing run does not stop the others; its earlier outputs are left as they
were (every output is written atomically) and :func:`execute` reports the run,
the cell and the error. Each run's outputs are declared in :data:`DECLARED`:
Make lists them as targets, and a run that does not write one of its declared
outputs, or writes a chart nobody declared, fails.

The runner itself stays light: it imports papermill, nbconvert and the kernel
client, never the analysis (pandas, matplotlib). What the runs declare depends on
the chart registry and the council table, so :func:`declared_in_child` works it
out in a short-lived child process while the first kernels start.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pbanalysis.core import paths

log = logging.getLogger(__name__)

KERNEL = "python3"
#: The kernel a report run executes on: the standard one without its debugger (pbanalysis.pipeline.kernel).
#: Its spec is written into the kernel pool's own folder; the notebooks still name ``python3``.
REPORT_KERNEL_NAME = "pbanalysis-report"
REPORT_KERNEL = {
    "argv": [sys.executable, "-m", "pbanalysis.pipeline.kernel", "-f", "{connection_file}"],
    "display_name": "Python 3 (pbanalysis report run)",
    "language": "python",
}
#: Libraries a started kernel imports while it waits for its run (no name is bound in the
#: notebook's namespace, nothing of the project is loaded): the run then starts warm.
WARM_IMPORTS = ("numpy", "pandas", "matplotlib.pyplot", "IPython.display", "yaml")
#: How a report kernel runs: no output history (``Out``, ``_``; a run is read top to bottom, and
#: the history would keep every chart and table of the run alive until the kernel stops).
KERNEL_ARGS = ("--InteractiveShell.cache_size=0",)
#: C library settings for a report kernel: blocks of 1 MiB and more (a chart's pixels) are
#: returned to the system when freed, and threads share two memory arenas, not one each.
KERNEL_ENV = {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_ARENA_MAX": "2"}
#: Files each chart is saved as (see ``charts.style.save``).
CHART_SUFFIXES = (".svg", ".png", ".alt.txt", ".json")

#: What each notebook run writes besides its executed notebook, its HTML and its charts (the
#: charts the registry says it draws, :func:`declared_charts`): files in reports/, and whether it
#: writes the briefing pack of its ``council`` parameter (reports/briefings/<slug>/) instead.
DECLARED: dict[str, dict] = {
    "claims": {"files": ["claims.csv"]},
    "council_briefing": {"briefing_pack": True},
}


def declared_charts(notebook: str) -> list[str]:
    """The charts a notebook's run saves in reports/figures/: its charts in the chart registry
    (none for the briefing notebook, whose charts go to the council's pack)."""
    if DECLARED.get(notebook, {}).get("briefing_pack"):
        return []
    from pbanalysis.pipeline import registry

    return [name for name, _ in registry.charts_of(notebook)]


@dataclass(frozen=True)
class Run:
    """One notebook executed with one named parameter set."""

    notebook: str
    param_set: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    source: Path | None = field(default=None, hash=False, compare=False)

    @property
    def name(self) -> str:
        """``<notebook>--<set>``, the stem of its executed notebook and HTML."""
        return f"{self.notebook}--{self.param_set}"

    @property
    def notebook_path(self) -> Path:
        """The notebook file this run executes."""
        return Path(self.source or paths.NOTEBOOKS_DIR / f"{self.notebook}.ipynb")

    @property
    def executed(self) -> Path:
        """Where the executed notebook goes (reports/notebooks/)."""
        return paths.EXECUTED_DIR / f"{self.name}.ipynb"

    @property
    def html(self) -> Path:
        """Where its HTML goes (reports/html/)."""
        return paths.HTML_DIR / f"{self.name}.html"


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


def all_runs() -> list[Run]:
    """Every run of the report: each notebook with each named set in notebooks/params/<notebook>.yaml."""
    from pbanalysis.pipeline import parameters

    runs = []
    for nb in parameters.notebooks():
        for name, params in parameters.load_param_sets(nb).items():
            runs.append(Run(nb, name, dict(params, run_name=name)))
    return runs


def find_runs(names: Iterable[str]) -> list[Run]:
    """The runs called ``names`` (``<notebook>--<set>``), in report order; unknown names are an error."""
    from pbanalysis.core.errors import ParameterError

    runs = {r.name: r for r in all_runs()}
    out = []
    for n in names:
        if n not in runs:
            raise ParameterError("run", n, list(runs))
        out.append(runs[n])
    return out


def _pack_dir(council: str) -> Path:
    from pbanalysis.analysis import measures
    from pbanalysis.build import data
    from pbanalysis.outputs import briefing

    name = measures.find_council(council, data.load_councils())["council_name"]
    return paths.briefing_dir(briefing.slugify(name))


def declared_outputs(run: Run) -> list[Path]:
    """Every file the run must write besides its executed notebook and HTML (absolute paths)."""
    spec = DECLARED.get(run.notebook, {})
    suffix = "" if run.param_set == "default" else f"--{run.param_set}"
    out = [paths.REPORTS_DIR / f for f in spec.get("files", [])]
    for chart in declared_charts(run.notebook):
        out += [paths.FIGURES_DIR / f"{chart}{suffix}{ext}" for ext in CHART_SUFFIXES]
    if spec.get("briefing_pack"):
        from pbanalysis.pipeline import parameters

        council = run.params.get("council", parameters.notebook_defaults(run.notebook).get("council"))
        folder = _pack_dir(council)
        out += [folder / "index.html", folder / "numbers.json"]
    return out


def _declared_of(runs: list[Run]) -> dict[str, list[Path] | str]:
    out: dict[str, list[Path] | str] = {}
    for r in runs:
        try:
            out[r.name] = declared_outputs(r)
        except Exception as exc:  # e.g. an unknown council: that run fails, the others go on
            out[r.name] = f"{type(exc).__name__}: {exc}"
    return out


def declared_in_child(runs: list[Run]) -> Callable[[str], list[Path] | str]:
    """Each run's declared outputs (:func:`declared_outputs`), worked out in a fresh child process
    that exits when done, so the runner never holds the registry's pandas and matplotlib.

    Returns a lookup, run name -> its outputs, or the error that stopped them being worked out
    (a text). The child is spawned (not forked: the runner has threads) and starts at once, beside
    the first kernels; the first lookup waits for it."""
    ex = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    fut: Future = ex.submit(_declared_of, runs)
    ex.shutdown(wait=False)

    def lookup(name: str) -> list[Path] | str:
        try:
            return fut.result().get(name, [])
        except Exception as exc:  # the child itself failed
            return f"{type(exc).__name__}: {exc}"

    return lookup


def run_outputs(run: Run) -> list[Path]:
    """All outputs of a run: executed notebook, HTML, then its declared outputs."""
    return [run.executed, run.html, *declared_outputs(run)]


def makefile_fragment(runs: list[Run] | None = None) -> str:
    """Make rules for every run: its outputs are targets of its inputs; the recipe marks it stale.

    Paths are written relative to ``$(REPORTS)`` so the fragment works for any reports folder.
    """
    runs = all_runs() if runs is None else runs
    reports = paths.REPORTS_DIR

    def rel(p: Path) -> str:
        p = Path(p)
        if p.is_relative_to(reports):
            return "$(REPORTS)/" + p.relative_to(reports).as_posix()
        return p.relative_to(paths.ROOT).as_posix()

    seen: dict[Path, str] = {}
    lines = [
        "# Generated by `python -m pbanalysis runs --make` (do not edit): each notebook run, its",
        "# declared outputs as targets of its inputs. A rule only marks its run stale; `make report`",
        "# then executes every stale run in one `python -m pbanalysis report`.",
        "RUNS := " + " ".join(r.name for r in runs),
        "RUN_OUTPUTS :=",
    ]
    for r in runs:
        outs = run_outputs(r)
        for o in outs:
            if o in seen:
                from pbanalysis.core.errors import InputError

                raise InputError(
                    paths.PARAMS_DIR / f"{r.notebook}.yaml",
                    "runs with distinct outputs",
                    column=r.param_set,
                    found=f"{rel(o)} is also written by {seen[o]}",
                )
            seen[o] = r.name
        inputs = f"{rel(r.notebook_path)} {rel(paths.PARAMS_DIR / f'{r.notebook}.yaml')} $(RUN_DEPS)"
        lines += [
            f"OUT_{r.name} := " + " ".join(rel(o) for o in outs),
            f"RUN_OUTPUTS += $(OUT_{r.name})",
            f"$(OUT_{r.name}) &: {inputs}",
            f"\t@mkdir -p $(REPORTS)/.stale && touch $(REPORTS)/.stale/{r.name}",
        ]
    return "\n".join(lines) + "\n"


def stale_dir() -> Path:
    """The folder of stale-run markers written by Make (reports/.stale/, one empty file per run)."""
    return paths.REPORTS_DIR / ".stale"


def marked_stale() -> list[str]:
    """Names of the runs Make marked stale."""
    d = stale_dir()
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


def unmark(run: Run) -> None:
    """Forget a run's stale marker (after it succeeded); returns nothing."""
    (stale_dir() / run.name).unlink(missing_ok=True)


# --- kernels ------------------------------------------------------------------------------------


class KernelPool:
    """Fresh kernels started ahead of need, at most ``live`` alive at once.

    Each :meth:`take` hands out a kernel that has run nothing; :meth:`release` shuts it down, and
    frees its place for the next kernel, which starts at once. With ``live`` equal to the number
    of workers (as :func:`execute` sets it, with at least two), the next kernel starts while a
    finished run's HTML is exported, and no idle kernel waits beside the running ones. Kernels talk over IPC sockets in a private
    temporary folder (no TCP, hence no warning), start in ``cwd`` and write their own log to a
    file there (shown with ``--verbose``).
    """

    def __init__(self, count: int, live: int, kernel_name: str = REPORT_KERNEL_NAME, cwd: Path | None = None):
        self.count, self.kernel_name = count, kernel_name
        self.cwd = Path(cwd or paths.NOTEBOOKS_DIR)
        self.tmp = Path(tempfile.mkdtemp(prefix="pbanalysis-kernels-"))
        spec = self.tmp / "kernels" / kernel_name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(REPORT_KERNEL))
        self._ready: queue.Queue = queue.Queue()
        self._slots = threading.Semaphore(max(1, live))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._starter = threading.Thread(target=self._start_all, name="kernel-starter", daemon=True)
        self._starter.start()

    def _start_one(self, i: int) -> Any:
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        km = KernelManager(
            kernel_name=self.kernel_name,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.tmp / "kernels")]),
            transport="ipc",
            ip=str(self.tmp / f"k{i}"),
            connection_file=str(self.tmp / f"k{i}.json"),
        )
        km._pbanalysis_log = self.tmp / f"k{i}.log"
        with open(km._pbanalysis_log, "wb") as err:
            km.start_kernel(
                cwd=str(self.cwd),
                stdout=err,
                stderr=err,
                env={**os.environ, **KERNEL_ENV},
                extra_arguments=list(KERNEL_ARGS),
            )
        kc = km.client()
        try:
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            code = "".join(f"__import__({m!r})\n" for m in WARM_IMPORTS)
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
            if reply["content"]["status"] != "ok":
                log.debug("kernel %d warm-up: %s", i, reply["content"])
        finally:
            kc.stop_channels()
        log.debug("kernel %d started and warm (pid %s)", i, getattr(km.provisioner, "pid", "?"))
        return km

    def _start_all(self) -> None:
        for i in range(self.count):
            self._slots.acquire()
            if self._stop.is_set():
                return
            try:
                self._ready.put(self._start_one(i))
            except Exception as exc:  # handed to the run that takes it
                self._ready.put(exc)

    def take(self) -> Any:
        """A started kernel manager that has executed nothing (raises if it failed to start)."""
        km = self._ready.get()
        if isinstance(km, Exception):
            self._slots.release()
            raise km
        return km

    def release(self, km: Any) -> None:
        """Shut a used kernel down, remove its files and free its place (once per kernel; later
        calls do nothing); returns nothing."""
        with self._lock:  # marked on the kernel itself: an id() may be reused once it is freed
            if getattr(km, "_pbanalysis_released", False):
                return
            km._pbanalysis_released = True
        try:
            km.shutdown_kernel(now=True)
            km.cleanup_resources()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("kernel shutdown: %s", exc)
        logf = getattr(km, "_pbanalysis_log", None)
        if logf and logf.exists() and log.isEnabledFor(logging.DEBUG):
            text = logf.read_text(errors="replace").strip()
            if text:
                log.debug("kernel log:\n%s", text)
        self._slots.release()

    def close(self) -> None:
        """Stop starting kernels and shut down any started but not taken; returns nothing."""
        self._stop.set()
        for _ in range(self.count):
            self._slots.release()
        self._starter.join(timeout=60)
        while not self._ready.empty():
            km = self._ready.get()
            if not isinstance(km, Exception):
                self.release(km)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- executing ----------------------------------------------------------------------------------


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
    """The executed notebook as committed-style JSON text, volatile metadata stripped."""
    import nbformat

    data = strip_volatile(json.loads(nbformat.writes(nb)))
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
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, log=log)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(HTML_REMOVE_TAGS), enabled=True), True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


def _first_line(source: str) -> str:
    first = next((ln.strip() for ln in (source or "").splitlines() if ln.strip()), "")
    return f" (`{first[:60]}`)" if first else ""


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
        body = html_text(text, run.name)  # from what is saved (stable cell ids)
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
                    "written but declared by no run (add them to the chart registry or pbanalysis.pipeline.runner.DECLARED): "
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
    by_run = _declared_of(runs) if declared_by_run is None else declared_by_run
    declared = set()
    for r in runs:
        outs = by_run.get(r.name, [])
        declared.update([] if isinstance(outs, str) else outs)
    candidates = [p for p in paths.REPORTS_DIR.glob("*") if p.is_file() and p.suffix in (".csv", ".svg", ".png")]
    if paths.FIGURES_DIR.is_dir():
        candidates += [p for p in paths.FIGURES_DIR.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(p for p in candidates if p.stat().st_mtime >= since and p not in declared)
