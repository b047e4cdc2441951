"""The chart registry: every chart of the report by name, so one can be regenerated on its own.

(Not to be confused with :mod:`pbanalysis.analysis.register`, the register of reported figures.)

``draw(name, ...)`` loads the data it needs (through :mod:`pbanalysis.dataset.data`
and :mod:`pbanalysis.analysis.register`), computes through :mod:`pbanalysis.analysis.measures`
(and :mod:`pbanalysis.outputs.briefing` for one council), hands the numbers to a
drawing function of :mod:`pbanalysis.charts` and returns a :class:`Chart`;
``render`` also saves it. The notebooks and the CLI
(``python -m pbanalysis chart NAME``) both come through here.

Each chart belongs to the notebook that shows it, and takes that notebook's
parameters. Their defaults have one home, the notebook's ``parameters``
cell: :func:`defaults` reads them through
:func:`pbanalysis.pipeline.parameters.notebook_defaults`, so ``chart NAME`` without options
draws what the notebook draws on its defaults.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.analysis import measures, register, what_next
from pbanalysis.charts import figures, files, style
from pbanalysis.charts import what_next as what_next_figures
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core import paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data, datapackage
from pbanalysis.outputs import briefing, notebook_tables
from pbanalysis.pipeline import parameters

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: What a chart builder returns: the figure, its alt text and the numbers behind it.
Drawn = tuple["Figure", str, dict]


@functools.lru_cache(maxsize=1)
def _cy() -> pd.DataFrame:
    return data.load_council_year()


@functools.lru_cache(maxsize=1)
def _nat() -> pd.DataFrame:
    return data.load_national_series()


@functools.lru_cache(maxsize=1)
def _reg() -> pd.DataFrame:
    return register.load_register()


#: The source lines of charts are those of the tables (one wording for both).
source_pssex1 = notebook_tables.source_pssex1
source_unitcosts = notebook_tables.source_unitcosts
source_ascof = notebook_tables.source_ascof
source_register = notebook_tables.source_register


def source_ascof_trend(prefix: bool = True) -> str:
    """The source line for charts of the ASCOF 2017-18 to 2023-24 series (compiled from NHS Digital's ASCOF
    files); ``prefix=False`` leaves out the leading "Source: " (a table prints its own)."""
    line = datapackage.source_line(paths.ASCOF_TREND_CSV.stem.replace("_", "-"), package=datapackage.project_package())
    return line if prefix else line.removeprefix("Source: ")


@dataclass
class Chart:
    """A drawn chart: its name, the matplotlib figure, alt text and the numbers behind it."""

    name: str
    fig: object
    alt_text: str
    numbers: dict = field(default_factory=dict)

    def save(
        self, out_dir: Path | str | None = None, formats: tuple[str, ...] = style.FORMATS, name: str | None = None
    ) -> list[Path]:
        """Save as each format plus ``.alt.txt`` and ``.json`` into ``out_dir``; returns the files written."""
        return files.save(self.fig, name or self.name, self.alt_text, self.numbers, out_dir, formats)

    def save_for_run(self, run_name: str = "default", out_dir: Path | str | None = None) -> list[Path]:
        """Save under the chart's name; runs other than 'default' add ``--<run_name>``. Returns the files."""
        suffix = "" if run_name == "default" else f"--{run_name}"
        return self.save(out_dir, name=self.name + suffix)

    def _repr_svg_(self):  # shows inline in Jupyter
        svg = files.svg_text(self.fig)
        files.release_pixels(self.fig)  # the output history keeps the chart; not its pixels
        return svg


def years_available() -> list[str]:
    """The financial years of the processed council table, e.g. ['2008-09', ..., '2013-14']."""
    return sorted(_cy()["year"].unique())


def _year(year) -> str:
    return measures.check_year("year", year, years_available())


def _highlight(highlight) -> list[str]:
    if highlight is None:
        return []
    if isinstance(highlight, str):
        highlight = [highlight]
    if not isinstance(highlight, (list, tuple)):
        raise ParameterError("highlight", highlight, "a list of council names or GSS codes")
    councils = data.load_councils()
    return [measures.find_council(h, councils)["council_name"] for h in highlight]


# --- the charts -------------------------------------------------------------


def takeup_timeline(denominator: str, target: float, as_of: str, size: str = "slide") -> Drawn:
    """Reported take-up (% of the chosen denominator) dated up to ``as_of``, against the ``target`` %. Returns (figure, alt text, numbers)."""
    reg = _reg()
    measures.check_number("target", target, 0, 100)
    tl = measures.takeup_timeline(reg, denominator, as_of, national=_nat())
    proxy = datapackage.source_line("pssex1-activity", package=datapackage.project_package(), short=True)
    source = f"{source_register()} England proxy: {proxy}."  # the chart also draws the official proxy
    return figures.takeup_timeline(tl, target, measures.denominator_label(reg, denominator), source, size)


def takeup_denominators(target: float, size: str = "slide") -> Drawn:
    """Reported holders as % of each denominator, against the ``target`` %. Returns (figure, alt text, numbers)."""
    measures.check_number("target", target, 0, 100)
    table = measures.takeup_by_denominator(_reg(), target)
    return figures.takeup_denominators(table, target, source_register(), size)


def pb_spend_split(size: str = "slide") -> Drawn:
    """Reported spend through personal budgets (GBP million) and its direct-payment part. Returns (figure, alt text, numbers)."""
    return figures.pb_spend_split(measures.pb_spend_split(_reg()), source_register(), size)


def dp_spend_series(size: str = "slide") -> Drawn:
    """Official England direct-payment gross spend by year (GBP million) against the reported spend. Returns (figure, alt text, numbers)."""
    reg = _reg()
    split = measures.pb_spend_split(reg).set_index("part")["gbp_million"]
    spend = measures.spend_series(_nat())
    return figures.dp_spend_series(spend, float(split.sum()), float(split["Direct payments"]), source_unitcosts(), size)


def spend_per_recipient_rank(year: str, highlight: list[str] | str | None, size: str = "slide") -> Drawn:
    """Councils ranked by direct-payment spend per recipient (GBP a year) in ``year``, ``highlight`` labelled. Returns (figure, alt text, numbers)."""
    year = _year(year)
    spend = k.DP_SPEND_PER_RECIPIENT_GBP
    df = measures.councils_in_year(_cy(), year, spend)
    if df.empty:
        raise ParameterError("year", year, sorted(_cy().dropna(subset=[spend])["year"].unique()))
    med = df[spend].median()
    top, bottom = df.iloc[0], df.iloc[-1]
    return figures.ranked_councils(
        df,
        spend,
        year,
        "£ per recipient a year",
        f"Direct-payment spend per recipient ranged from {fmt.gbp(bottom[spend])} to "
        f"{fmt.gbp(top[spend])} a year in {year} (median {fmt.gbp(med)})",
        "Gross spend on direct payments to adults divided by recipients at 31 March (PSS-EX1).",
        source_unitcosts([year]),
        highlight=_highlight(highlight),
        size=size,
        fmt_value=fmt.gbp,
    )


def variance_rank(
    year: str, measure: str, thresholds: list[float], highlight: list[str] | str | None, size: str = "slide"
) -> Drawn:
    """Every council ranked by ``measure`` in ``year``; for proxy take-up (%) the ``thresholds`` are drawn. Returns (figure, alt text, numbers)."""
    year = _year(year)
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    thresholds = measures.check_thresholds("thresholds", thresholds) if measure == k.PROXY_TAKEUP_PCT else []
    df = measures.councils_in_year(_cy(), year, measure)
    label = measures.VARIANCE_MEASURES[measure]
    basis = df[k.DEFINITION_BASIS].mode().iloc[0] if len(df) else ""
    if measure == k.PROXY_TAKEUP_PCT:
        t0 = thresholds[0]
        below = (df[measure] < t0).mean() * 100
        title = (
            f"Proxy take-up ranged from {fmt.pct(df[measure].min())} to {fmt.pct(df[measure].max())} across "
            f"councils in {year}; {fmt.pct(below, decimals=0)} of councils were below {fmt.number(t0)}%"
        )
        value_text = fmt.pct
    else:
        title = f"{label.split(' (')[0]}: councils ranged from {fmt.count(df[measure].min())} to {fmt.count(df[measure].max())} in {year}"
        value_text = fmt.count
    if measure == k.DP_SPEND_PER_RECIPIENT_GBP:
        value_text = fmt.gbp
        title = f"Direct-payment spend per recipient ranged from {fmt.gbp(df[measure].min())} to {fmt.gbp(df[measure].max())} in {year}"
        sub, source = f"{label}. Gross spend divided by recipients at 31 March.", source_unitcosts([year])
    elif measure == k.PROXY_TAKEUP_PCT:
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}. A proxy, not NI 130."
        source = source_pssex1([year])
    else:
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}."
        source = source_pssex1([year])
    return figures.ranked_councils(
        df, measure, year, label.split(":")[0], title, sub, source, thresholds, _highlight(highlight), size, value_text
    )


def variance_by_region(year: str, measure: str, size: str = "slide") -> Drawn:
    """Councils and regional medians of ``measure`` in ``year``. Returns (figure, alt text, numbers)."""
    year = _year(year)
    df = measures.councils_in_year(_cy(), year, measure)
    return figures.by_group(
        df, "region", measure, year, measures.VARIANCE_MEASURES[measure].split(":")[0], source_pssex1([year]), size
    )


def variance_by_type(year: str, measure: str, size: str = "slide") -> Drawn:
    """Councils and council-type medians of ``measure`` in ``year``. Returns (figure, alt text, numbers)."""
    year = _year(year)
    df = measures.councils_in_year(_cy(), year, measure)
    return figures.by_group(
        df,
        "council_type",
        measure,
        year,
        measures.VARIANCE_MEASURES[measure].split(":")[0],
        source_pssex1([year]),
        size,
    )


def variance_thresholds(thresholds: list[float], size: str = "slide") -> Drawn:
    """Share of councils (%) in each proxy take-up band, by year, definition changes marked. Returns (figure, alt text, numbers)."""
    thresholds = measures.check_thresholds("thresholds", thresholds)
    cy = _cy()
    shares = measures.threshold_shares(cy, thresholds)
    return figures.threshold_shares(shares, thresholds, measures.definition_changes(cy), source_pssex1(), size)


def council_trend(council: str, size: str = "slide") -> Drawn:
    """One council's proxy take-up (%) by year against England, its region and its type, then its ASCOF
    direct-payments share 2017-18 to 2023-24 beside England's, after a marked measure change and broken
    at the 2023-24 framework change. Returns (figure, alt text, numbers)."""
    return briefing.trend_chart(briefing.council_numbers(council), size)


def council_comparison(council: str, year: str, size: str = "slide") -> Drawn:
    """One council against England, its region and its type in ``year``. Returns (figure, alt text, numbers)."""
    b = briefing.council_numbers(council, year=year)
    return figures.council_comparison(b.comparison, b.name, b.year, briefing.chart_source([b.year]), size)


def what_next_sds_rank(named_councils: list[str], target_figure: str, size: str = "slide") -> Drawn:
    """Councils ranked by ASCOF 1C(1A) self-directed support (%) in 2020-21, England and the target
    (the register figure ``target_figure``) drawn, ``named_councils`` labelled. Returns (figure, alt text, numbers)."""
    t = what_next.against_target(target_figure)
    names = [what_next.council_value(c)["council_name"] for c in named_councils]
    return what_next_figures.sds_ranked(
        what_next.council_table(),
        t["england_pct"],
        t["target_pct"],
        what_next.YEAR,
        source_ascof(),
        highlight=names,
        size=size,
    )


def _what_next_trend(group: str, size: str) -> Drawn:
    spread = what_next.council_spread_by_year(group)
    return what_next_figures.trend(
        what_next.england_series(group),
        what_next.region_series(group),
        spread,
        what_next.TREND_MEASURE_NAMES[group],
        what_next.BREAK_YEAR,
        source_ascof_trend(),
        size=size,
    )


def what_next_trend_sds(size: str = "slide") -> Drawn:
    """England, every region and the spread of councils on self-directed support (%), 2017-18 to 2023-24,
    broken at the 2023-24 framework change. Returns (figure, alt text, numbers)."""
    return _what_next_trend(what_next.SDS, size)


def what_next_trend_dp(size: str = "slide") -> Drawn:
    """England, every region and the spread of councils on direct payments (%), 2017-18 to 2023-24,
    broken at the 2023-24 framework change. Returns (figure, alt text, numbers)."""
    return _what_next_trend(what_next.DP, size)


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its drawing function, what it shows, the notebook that owns it and which of that
    notebook's parameters it takes (their defaults come from the notebook's ``parameters`` cell)."""

    build: Callable[..., tuple]
    description: str
    notebook: str
    params: tuple[str, ...] = ()


#: Every chart by name.
CHARTS: dict[str, ChartSpec] = {
    "takeup_timeline": ChartSpec(
        takeup_timeline,
        "reported take-up over time against the 30% and 100% targets",
        "take_up",
        ("denominator", "target", "as_of"),
    ),
    "takeup_denominators": ChartSpec(
        takeup_denominators, "reported holders as % of each denominator vs the target", "take_up", ("target",)
    ),
    "pb_spend_split": ChartSpec(
        pb_spend_split, "reported spend through personal budgets and its direct-payment share", "spending"
    ),
    "dp_spend_series": ChartSpec(
        dp_spend_series, "official England direct-payment spend by year vs reported spend", "spending"
    ),
    "spend_per_recipient_rank": ChartSpec(
        spend_per_recipient_rank,
        "councils ranked by direct-payment spend per recipient [--year]",
        "spending",
        ("year", "highlight"),
    ),
    "variance_rank": ChartSpec(
        variance_rank,
        "all councils ranked by proxy take-up, thresholds marked [--year]",
        "variance",
        ("year", "measure", "thresholds", "highlight"),
    ),
    "variance_by_region": ChartSpec(
        variance_by_region, "proxy take-up by region, councils and medians [--year]", "variance", ("year", "measure")
    ),
    "variance_by_type": ChartSpec(
        variance_by_type,
        "proxy take-up by council type, councils and medians [--year]",
        "variance",
        ("year", "measure"),
    ),
    "variance_thresholds": ChartSpec(
        variance_thresholds,
        "share of councils below 10%, above 20%, at or above 30%, by year",
        "variance",
        ("thresholds",),
    ),
    "council_trend": ChartSpec(
        council_trend,
        "one council's proxy take-up by year vs England, region, type, then ASCOF 2017-18 to 2023-24 [--council]",
        "council_briefing",
        ("council",),
    ),
    "council_comparison": ChartSpec(
        council_comparison,
        "one council vs England, region and type in a year [--council --year]",
        "council_briefing",
        ("council", "year"),
    ),
    "what_next_sds_rank": ChartSpec(
        what_next_sds_rank,
        "councils ranked by ASCOF 1C self-directed support in 2020-21, England and the target",
        "what_next",
        ("named_councils", "target_figure"),
    ),
    "what_next_trend_sds": ChartSpec(
        what_next_trend_sds,
        "ASCOF self-directed support 2017-18 to 2023-24: England, regions and councils' spread",
        "what_next",
    ),
    "what_next_trend_dp": ChartSpec(
        what_next_trend_dp,
        "ASCOF direct payments 2017-18 to 2023-24: England, regions and councils' spread",
        "what_next",
    ),
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
    fig, alt, numbers = spec.build(**given)
    return Chart(name, fig, alt, numbers)


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
