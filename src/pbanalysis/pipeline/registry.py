"""The chart catalogue: every chart of the report by name, so one can be regenerated on its own.

(Not to be confused with :mod:`pbanalysis.analysis.register`, the register of reported figures.)

A chart has one definition, in :mod:`pbanalysis.outputs.chart_views`, which draws it from frames.
For each name this module loads the data (through :mod:`pbanalysis.dataset.data` and
:mod:`pbanalysis.analysis.register`), computes the frame with the same analysis call the notebook
makes (:mod:`pbanalysis.analysis.measures`, :mod:`pbanalysis.analysis.what_next`, or
:mod:`pbanalysis.outputs.briefing` for one council) and calls that view function. ``draw(name, ...)``
returns the :class:`~pbanalysis.outputs.chart_views.Chart`; ``render`` also saves it. The CLI
(``python -m pbanalysis chart NAME``) and the tests come through here; the notebooks call the
analysis layer and the view functions themselves, on the frames they show.

Each chart belongs to the notebook that shows it, and takes that notebook's
parameters. Their defaults have one home, the notebook's ``parameters``
cell: :func:`defaults` reads them through
:func:`pbanalysis.pipeline.parameters.notebook_defaults`, so ``chart NAME`` without options
draws what the notebook draws on its defaults.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pbanalysis.analysis import measures, register, what_next
from pbanalysis.charts import style
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data
from pbanalysis.outputs import briefing, chart_views
from pbanalysis.outputs.chart_views import Chart
from pbanalysis.pipeline import parameters

__all__ = ["CHARTS", "Chart", "charts_of", "defaults", "describe", "draw", "render", "years_available"]


@functools.lru_cache(maxsize=1)
def _cy() -> pd.DataFrame:
    return data.load_council_year()


@functools.lru_cache(maxsize=1)
def _nat() -> pd.DataFrame:
    return data.load_national_series()


@functools.lru_cache(maxsize=1)
def _reg() -> pd.DataFrame:
    return register.load_register()


def years_available() -> list[str]:
    """The financial years of the processed council table, e.g. ['2008-09', ..., '2013-14']."""
    return sorted(_cy()["year"].unique())


def _year(year) -> str:
    return measures.check_year("year", year, years_available())


# --- each chart: its frame, computed as its notebook computes it, then its view ---------------


def takeup_timeline(denominator: str, target: float, as_of: str, size: str = "slide") -> Chart:
    """Reported take-up (% of the chosen denominator) dated up to ``as_of``, against the ``target`` %."""
    reg = _reg()
    measures.check_number("target", target, 0, 100)
    timeline = measures.takeup_timeline(reg, denominator, as_of, national=_nat())
    return chart_views.takeup_timeline(timeline, target, measures.denominator_label(reg, denominator), size)


def takeup_denominators(target: float, size: str = "slide") -> Chart:
    """Reported holders as % of each denominator, against the ``target`` %."""
    measures.check_number("target", target, 0, 100)
    return chart_views.takeup_denominators(measures.takeup_by_denominator(_reg(), target), target, size)


def pb_spend_split(size: str = "slide") -> Chart:
    """Reported spend through personal budgets (GBP million) and its direct-payment part."""
    return chart_views.pb_spend_split(measures.pb_spend_split(_reg()), size)


def dp_spend_series(size: str = "slide") -> Chart:
    """Official England direct-payment gross spend by year (GBP million) against the reported spend."""
    return chart_views.dp_spend_series(measures.spend_series(_nat()), measures.pb_spend_split(_reg()), size)


def spend_per_recipient_rank(year: str, highlight: list[str] | str | None, size: str = "slide") -> Chart:
    """Councils ranked by direct-payment spend per recipient (GBP a year) in ``year``, ``highlight`` labelled."""
    year = _year(year)
    per = measures.spend_per_recipient(_cy(), year)
    if per.empty:
        spend = k.DP_SPEND_PER_RECIPIENT_GBP
        raise ParameterError("year", year, sorted(_cy().dropna(subset=[spend])["year"].unique()))
    return chart_views.spend_per_recipient_rank(per, year, highlight, size)


def variance_rank(
    year: str, measure: str, thresholds: list[float], highlight: list[str] | str | None, size: str = "slide"
) -> Chart:
    """Every council ranked by ``measure`` in ``year``; for proxy take-up (%) the ``thresholds`` are drawn."""
    year = _year(year)
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    ranked = measures.councils_in_year(_cy(), year, measure)
    return chart_views.variance_rank(ranked, year, measure, thresholds, highlight, size)


def variance_by_region(year: str, measure: str, size: str = "slide") -> Chart:
    """Councils and regional medians of ``measure`` in ``year``."""
    year = _year(year)
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    return chart_views.variance_by_region(measures.councils_in_year(_cy(), year, measure), year, measure, size)


def variance_by_type(year: str, measure: str, size: str = "slide") -> Chart:
    """Councils and council-type medians of ``measure`` in ``year``."""
    year = _year(year)
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    return chart_views.variance_by_type(measures.councils_in_year(_cy(), year, measure), year, measure, size)


def variance_thresholds(thresholds: list[float], size: str = "slide") -> Chart:
    """Share of councils (%) in each proxy take-up band, by year, definition changes marked."""
    thresholds = measures.check_thresholds("thresholds", thresholds)
    cy = _cy()
    shares = measures.threshold_shares(cy, thresholds, measure=k.PROXY_TAKEUP_PCT)
    return chart_views.variance_thresholds(shares, thresholds, measures.definition_changes(cy), size)


def council_trend(council: str, size: str = "slide") -> Chart:
    """One council's proxy take-up (%) by year against England, its region and its type, then its ASCOF
    direct-payments share 2017-18 to 2023-24 beside England's, after a marked measure change and broken
    at the 2023-24 framework change."""
    return chart_views.council_trend(briefing.council_numbers(council), size)


def council_comparison(council: str, year: str, size: str = "slide") -> Chart:
    """One council against England, its region and its type in ``year``."""
    return chart_views.council_comparison(briefing.council_numbers(council, year=year), size)


def what_next_sds_rank(named_councils: list[str], target_figure: str, size: str = "slide") -> Chart:
    """Councils ranked by ASCOF 1C(1A) self-directed support (%) in 2020-21, England and the target
    (the register figure ``target_figure``) drawn, ``named_councils`` labelled."""
    target = what_next.against_target(target_figure)
    return chart_views.what_next_sds_rank(what_next.council_table(), target, named_councils, size)


def _trend_frames(group: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return what_next.england_series(group), what_next.region_series(group), what_next.council_spread_by_year(group)


def what_next_trend_sds(size: str = "slide") -> Chart:
    """England, every region and the spread of councils on self-directed support (%), 2017-18 to 2023-24,
    broken at the 2023-24 framework change."""
    return chart_views.what_next_trend_sds(*_trend_frames(what_next.SDS), size)


def what_next_trend_dp(size: str = "slide") -> Chart:
    """England, every region and the spread of councils on direct payments (%), 2017-18 to 2023-24,
    broken at the 2023-24 framework change."""
    return chart_views.what_next_trend_dp(*_trend_frames(what_next.DP), size)


@dataclass(frozen=True)
class ChartSpec:
    """One chart: the function that computes its frame and draws it (the chart's name is the
    function's), the notebook that owns it, and what it shows. It takes the notebook parameters its
    function names (their defaults come from the notebook's ``parameters`` cell), and ``size``."""

    build: Callable[..., Chart]
    notebook: str
    description: str

    @property
    def params(self) -> tuple[str, ...]:
        """The notebook parameters the chart takes: its function's arguments but ``size``."""
        return tuple(p for p in inspect.signature(self.build).parameters if p != "size")


#: Every chart by name.
CHARTS: dict[str, ChartSpec] = {
    spec.build.__name__: spec
    for spec in (
        ChartSpec(takeup_timeline, "take_up", "reported take-up over time against the 30% and 100% targets"),
        ChartSpec(takeup_denominators, "take_up", "reported holders as % of each denominator vs the target"),
        ChartSpec(pb_spend_split, "spending", "reported spend through personal budgets and its direct-payment share"),
        ChartSpec(dp_spend_series, "spending", "official England direct-payment spend by year vs reported spend"),
        ChartSpec(
            spend_per_recipient_rank, "spending", "councils ranked by direct-payment spend per recipient [--year]"
        ),
        ChartSpec(variance_rank, "variance", "all councils ranked by proxy take-up, thresholds marked [--year]"),
        ChartSpec(variance_by_region, "variance", "proxy take-up by region, councils and medians [--year]"),
        ChartSpec(variance_by_type, "variance", "proxy take-up by council type, councils and medians [--year]"),
        ChartSpec(variance_thresholds, "variance", "share of councils below 10%, above 20%, at or above 30%, by year"),
        ChartSpec(
            council_trend,
            "council_briefing",
            "one council's proxy take-up by year vs England, region, type, then ASCOF 2017-18 to 2023-24 [--council]",
        ),
        ChartSpec(
            council_comparison,
            "council_briefing",
            "one council vs England, region and type in a year [--council --year]",
        ),
        ChartSpec(
            what_next_sds_rank,
            "what_next",
            "councils ranked by ASCOF 1C self-directed support in 2020-21, England and the target",
        ),
        ChartSpec(
            what_next_trend_sds,
            "what_next",
            "ASCOF self-directed support 2017-18 to 2023-24: England, regions and councils' spread",
        ),
        ChartSpec(
            what_next_trend_dp,
            "what_next",
            "ASCOF direct payments 2017-18 to 2023-24: England, regions and councils' spread",
        ),
    )
}


def _spec(name: str) -> ChartSpec:
    if name not in CHARTS:
        raise ParameterError("chart", name, list(CHARTS))
    return CHARTS[name]


@functools.cache
def _notebook_defaults(notebook: str) -> dict[str, object]:
    return parameters.notebook_defaults(notebook)


def defaults(name: str) -> dict[str, object]:
    """The chart's default parameters: {parameter: value}, read from its notebook's ``parameters`` cell."""
    spec = _spec(name)
    nb = _notebook_defaults(spec.notebook)
    missing = [p for p in spec.params if p not in nb]
    if missing:
        raise ParameterError(
            missing[0], None, f"a parameter of {spec.notebook}.ipynb (it has: {', '.join(nb)}) for chart {name}"
        )
    return {p: copy.deepcopy(nb[p]) for p in spec.params}


def charts_of(notebook: str) -> list[tuple[str, tuple[str, ...]]]:
    """The charts a notebook draws, with the notebook parameters each takes: [(chart, params), ...]."""
    return [(name, spec.params) for name, spec in CHARTS.items() if spec.notebook == notebook]


def describe() -> list[tuple[str, str]]:
    """(name, description) of every chart; the description ends with its defaults and their notebook."""
    out = []
    for name, spec in CHARTS.items():
        shown = ", ".join(f"{p}={v!r}" for p, v in defaults(name).items())
        where = f"defaults from notebooks/{spec.notebook}.ipynb: {shown}" if shown else "no parameters"
        out.append((name, f"{spec.description}; {where}"))
    return out


def draw(name: str, **params: object) -> Chart:
    """Build one chart by name (no files written).

    ``params`` are the chart's notebook parameters plus ``size``; a parameter
    left out or ``None`` takes the notebook's default. One the chart does not
    take raises :class:`ParameterError`.
    """
    spec = _spec(name)
    given = {p: v for p, v in params.items() if v is not None}
    for p in given:
        if p not in spec.params and p != "size":
            raise ParameterError(p, given[p], f"the parameters of chart {name}: {', '.join((*spec.params, 'size'))}")
    if any(p not in given for p in spec.params):
        given = {**defaults(name), **given}
    return spec.build(**given)


def render(
    name: str,
    year: str | None = None,
    council: str | None = None,
    fmt: str = "svg",
    size: str = "slide",
    out_dir: Path | str | None = None,
    suffix: str = "",
) -> list[Path]:
    """Build and save one chart (``fmt`` 'svg', 'png' or 'both'); returns the files written."""
    formats = style.FORMATS if fmt == "both" else (style.check_format(fmt),)
    style.check_size(size)
    chart = draw(name, year=year, council=council, size=size)
    return chart.save(out_dir, formats, name=name + suffix)
