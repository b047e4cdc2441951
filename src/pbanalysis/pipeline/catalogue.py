"""The report's runs: each notebook with each named parameter set (:class:`Run`,
:func:`all_runs`), the outputs each run declares, and the stale marks Make leaves.

A run's outputs are its executed notebook, its HTML and what it declares
(:func:`declared_outputs`): the charts the chart registry says its notebook draws, the files
named in :data:`DECLARED`, and for the briefing notebook its council's pack. Make lists them as
targets (:mod:`pbanalysis.pipeline.makefile`); :mod:`pbanalysis.pipeline.runner` fails a run
that does not write one of them, or a chart nobody declared.

Make marks a run stale with an empty file in ``reports/.stale/`` (:func:`stale_dir`); a run
that succeeds is unmarked (:func:`unmark`).

Working out what the runs declare loads the chart registry and the council table (pandas,
matplotlib), which the runner never imports: :func:`declared_in_child` works it out in a
short-lived child process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pbanalysis.core import paths

#: Files each chart is saved as (see ``charts.files.save``).
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
    from pbanalysis.dataset import data
    from pbanalysis.outputs import briefing_numbers

    name = measures.find_council(council, data.load_councils())["council_name"]
    return paths.briefing_dir(briefing_numbers.slugify(name))


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


def declared_of(runs: list[Run]) -> dict[str, list[Path] | str]:
    """Each run's declared outputs (:func:`declared_outputs`) by run name, or the error that stopped
    them being worked out (a text)."""
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
    fut: Future = ex.submit(declared_of, runs)
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
