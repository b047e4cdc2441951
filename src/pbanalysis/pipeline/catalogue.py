"""The report's runs: each notebook with each named parameter set (:class:`Run`, :func:`all_runs`),
the outputs each run declares, their Make rules, and the stale marks Make leaves.

A run's outputs are its executed notebook, its HTML and what it declares (:func:`declared_outputs`):
the charts the chart registry says its notebook draws, the files named in :data:`DECLARED`, and for
the briefing notebook its council's pack. :func:`make_rules` writes them as Make targets of the
run's inputs, into ``reports/.make/runs.mk`` (``python -m pbanalysis runs --make``); a rule only
marks its run stale (an empty file in ``reports/.stale/``), and ``make report`` then executes the
marked runs in one ``python -m pbanalysis report`` (:mod:`pbanalysis.pipeline.report`).

Working out what the runs declare loads the chart registry (pandas, matplotlib), which the runner
never imports: it reads them back from that file instead (:func:`declared_from_rules`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.pipeline import parameters

#: Files each chart is saved as (see ``charts.files.save``).
CHART_SUFFIXES = (".svg", ".png", ".alt.txt", ".json")

#: What each notebook run writes besides its executed notebook, its HTML and its charts (the
#: charts the registry says it draws, :func:`declared_charts`): files in reports/, and whether it
#: writes the briefing pack of its ``council`` parameter (reports/briefings/<slug>/) instead.
DECLARED: dict[str, dict] = {
    "claims": {"files": ["claims.csv"]},
    "council_briefing": {"briefing_pack": True},
}


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
    return [
        Run(nb, name, dict(params, run_name=name))
        for nb in parameters.notebooks()
        for name, params in parameters.load_param_sets(nb).items()
    ]


def find_runs(names: Iterable[str]) -> list[Run]:
    """The runs called ``names`` (``<notebook>--<set>``), in the order given; unknown names are an error."""
    runs = {r.name: r for r in all_runs()}
    for n in names:
        if n not in runs:
            raise ParameterError("run", n, list(runs))
    return [runs[n] for n in names]


def declared_charts(notebook: str) -> list[str]:
    """The charts a notebook's run saves in reports/figures/: its charts in the chart registry
    (none for the briefing notebook, whose charts go to the council's pack)."""
    if DECLARED.get(notebook, {}).get("briefing_pack"):
        return []
    from pbanalysis.pipeline import registry  # pandas and matplotlib: not in the runner's process

    return [name for name, _ in registry.charts_of(notebook)]


def _pack_dir(council: str) -> Path:
    from pbanalysis.analysis import measures  # pandas: not in the runner's process
    from pbanalysis.dataset import data
    from pbanalysis.outputs import briefing_numbers

    name = measures.find_council(council, data.load_councils())["council_name"]
    return paths.briefing_dir(briefing_numbers.slugify(name))


def declared_outputs(run: Run) -> list[Path]:
    """Every file the run must write besides its executed notebook and HTML (absolute paths)."""
    spec = DECLARED.get(run.notebook, {})
    suffix = "" if run.param_set == parameters.DEFAULT_SET else f"--{run.param_set}"
    out = [paths.REPORTS_DIR / f for f in spec.get("files", [])]
    for chart in declared_charts(run.notebook):
        out += [paths.FIGURES_DIR / f"{chart}{suffix}{ext}" for ext in CHART_SUFFIXES]
    if spec.get("briefing_pack"):
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


def run_outputs(run: Run) -> list[Path]:
    """All outputs of a run: executed notebook, HTML, then its declared outputs."""
    return [run.executed, run.html, *declared_outputs(run)]


def rules_path() -> Path:
    """The Make rules of the runs, which the Makefile includes: reports/.make/runs.mk."""
    return paths.REPORTS_DIR / ".make" / "runs.mk"


def _rel(p: Path) -> str:
    """A path as the Make rules write it: under ``$(REPORTS)``, else relative to the project root."""
    p = Path(p)
    if p.is_relative_to(paths.REPORTS_DIR):
        return "$(REPORTS)/" + p.relative_to(paths.REPORTS_DIR).as_posix()
    return p.relative_to(paths.ROOT).as_posix()


def make_rules(runs: list[Run] | None = None) -> str:
    """Make rules for every run: its outputs are targets of its notebook, its parameter file and
    ``$(RUN_DEPS)``; the recipe marks the run stale. Two runs declaring one file is an error."""
    runs = all_runs() if runs is None else runs
    seen: dict[Path, str] = {}
    lines = [
        "# Made by `python -m pbanalysis runs --make` (pbanalysis.pipeline.catalogue): do not edit.",
        "RUNS := " + " ".join(r.name for r in runs),
        "RUN_OUTPUTS :=",
    ]
    for r in runs:
        outs = run_outputs(r)
        for o in outs:
            if o in seen:
                raise InputError(
                    paths.PARAMS_DIR / f"{r.notebook}.yaml",
                    "runs with distinct outputs",
                    column=r.param_set,
                    found=f"{_rel(o)} is also written by {seen[o]}",
                )
            seen[o] = r.name
        lines += [
            f"OUT_{r.name} := " + " ".join(_rel(o) for o in outs),
            f"RUN_OUTPUTS += $(OUT_{r.name})",
            f"$(OUT_{r.name}) &: {_rel(r.notebook_path)} {_rel(paths.PARAMS_DIR / f'{r.notebook}.yaml')} $(RUN_DEPS)",
            f"\t@mkdir -p $(REPORTS)/.stale && touch $(REPORTS)/.stale/{r.name}",
        ]
    return "\n".join(lines) + "\n"


def declared_from_rules(text: str) -> dict[str, list[Path]]:
    """Each run's declared outputs read back from its Make rules (:func:`make_rules`), by run name."""
    out = {}
    for line in text.splitlines():
        if line.startswith("OUT_") and " := " in line:
            name, files = line[4:].split(" := ", 1)
            found = [
                paths.REPORTS_DIR / f[len("$(REPORTS)/") :] if f.startswith("$(REPORTS)/") else paths.ROOT / f
                for f in files.split()
            ]
            out[name] = found[2:]  # after its executed notebook and HTML
    return out


def stale_dir() -> Path:
    """The folder of stale-run marks Make leaves (reports/.stale/, one empty file per run)."""
    return paths.REPORTS_DIR / ".stale"


def marked_stale() -> list[str]:
    """Names of the runs Make marked stale."""
    return sorted(p.name for p in stale_dir().glob("*"))


def mark_stale(run_name: str) -> None:
    """Mark a run stale, so the next ``make report`` executes it; returns nothing."""
    stale_dir().mkdir(parents=True, exist_ok=True)
    (stale_dir() / run_name).touch()


def unmark(run_name: str) -> None:
    """Forget a run's stale mark (after it succeeded); returns nothing."""
    (stale_dir() / run_name).unlink(missing_ok=True)
