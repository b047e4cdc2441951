"""Every chart of the report by name, so one can be regenerated on its own.

``draw(name, ...)`` loads the data it needs (through :mod:`pbanalysis.data`
and :mod:`pbanalysis.register`), computes through :mod:`pbanalysis.measures`
and returns a :class:`Chart`; ``render`` also saves it. The notebooks and the
CLI (``python -m pbanalysis chart NAME``) both come through here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pbanalysis import data, measures, provenance, register
from pbanalysis.charts import figures, style
from pbanalysis.errors import ParameterError

DEFAULT_YEAR = "2010-11"
DEFAULT_THRESHOLDS = (10, 20, 30)


@functools.lru_cache(maxsize=1)
def _cy() -> pd.DataFrame:
    return data.load_council_year()


@functools.lru_cache(maxsize=1)
def _nat() -> pd.DataFrame:
    return data.load_national_series()


@functools.lru_cache(maxsize=1)
def _reg() -> pd.DataFrame:
    return register.load_register()


@functools.lru_cache(maxsize=1)
def _pkg() -> dict:
    return provenance.load_package()


def source_pssex1(years=None) -> str:
    return provenance.source_line("pssex1-activity", years, package=_pkg())


def source_unitcosts(years=None) -> str:
    return provenance.source_line("pssex1-unitcosts", years, package=_pkg())


def source_register() -> str:
    srcs = register.load_sources()
    pubs = sorted(set(srcs["publication"].str.split(" -").str[0].str.split(" \\(").str[0]))
    dates = sorted(srcs["published"])
    return (
        f"Source: reported figures from {', '.join(pubs)} articles, {dates[0][:7]} to {dates[-1][:7]} "
        "(pbanalysis register of reported figures)."
    )


@dataclass
class Chart:
    name: str
    fig: object
    alt_text: str
    numbers: dict = field(default_factory=dict)

    def save(self, out_dir=None, formats=style.FORMATS, name: str | None = None) -> list[Path]:
        return style.save(self.fig, name or self.name, self.alt_text, self.numbers, out_dir, formats)

    def save_for_run(self, run_name: str = "default", out_dir=None) -> list[Path]:
        """Save under the chart's name; runs other than 'default' add ``--<run_name>``."""
        suffix = "" if run_name == "default" else f"--{run_name}"
        return self.save(out_dir, name=self.name + suffix)

    def _repr_svg_(self):  # shows inline in Jupyter
        return style.svg_text(self.fig)


def years_available() -> list[str]:
    return sorted(_cy()["year"].unique())


def _year(year) -> str:
    return measures.check_year("year", year or DEFAULT_YEAR, years_available())


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


def takeup_timeline(denominator="ongoing", target=30, as_of="2013-03-31", size="slide", **_):
    reg = _reg()
    measures.check_number("target", target, 0, 100)
    tl = measures.takeup_timeline(reg, denominator, as_of, national=_nat())
    return figures.takeup_timeline(tl, target, measures.denominator_label(reg, denominator), source_register(), size)


def takeup_denominators(target=30, size="slide", **_):
    measures.check_number("target", target, 0, 100)
    table = measures.takeup_by_denominator(_reg(), target)
    return figures.takeup_denominators(table, target, source_register(), size)


def pb_spend_split(size="slide", **_):
    return figures.pb_spend_split(measures.pb_spend_split(_reg()), source_register(), size)


def dp_spend_series(size="slide", **_):
    reg = _reg()
    split = measures.pb_spend_split(reg).set_index("part")["gbp_million"]
    spend = measures.spend_series(_nat())
    return figures.dp_spend_series(spend, float(split.sum()), float(split["Direct payments"]), source_unitcosts(), size)


def spend_per_recipient_rank(year=DEFAULT_YEAR, highlight=None, size="slide", **_):
    year = _year(year)
    df = measures.councils_in_year(_cy(), year, "dp_spend_per_recipient_gbp")
    if df.empty:
        raise ParameterError("year", year, sorted(_cy().dropna(subset=["dp_spend_per_recipient_gbp"])["year"].unique()))
    med = df["dp_spend_per_recipient_gbp"].median()
    top, bottom = df.iloc[0], df.iloc[-1]
    return figures.ranked_councils(
        df,
        "dp_spend_per_recipient_gbp",
        year,
        "£ per recipient a year",
        f"Direct-payment spend per recipient ranged from £{bottom['dp_spend_per_recipient_gbp']:,.0f} to "
        f"£{top['dp_spend_per_recipient_gbp']:,.0f} a year in {year} (median £{med:,.0f})",
        "Gross spend on direct payments to adults divided by recipients at 31 March (PSS-EX1).",
        source_unitcosts([year]),
        highlight=_highlight(highlight),
        size=size,
        fmt_value=lambda v: f"£{v:,.0f}",
    )


def variance_rank(
    year=DEFAULT_YEAR,
    measure="proxy_takeup_pct",
    thresholds=DEFAULT_THRESHOLDS,
    highlight=("Manchester", "Somerset"),
    size="slide",
    **_,
):
    year = _year(year)
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    thresholds = measures.check_thresholds("thresholds", thresholds) if measure == "proxy_takeup_pct" else []
    df = measures.councils_in_year(_cy(), year, measure)
    label = measures.VARIANCE_MEASURES[measure]
    basis = df["definition_basis"].mode().iloc[0] if len(df) else ""
    if measure == "proxy_takeup_pct":
        t0 = thresholds[0]
        below = (df[measure] < t0).mean() * 100
        title = (
            f"Proxy take-up ranged from {df[measure].min():.1f}% to {df[measure].max():.1f}% across "
            f"councils in {year}; {below:.0f}% of councils were below {t0:g}%"
        )
        fmt = figures._pct
    else:
        title = f"{label.split(' (')[0]}: councils ranged from {df[measure].min():,.0f} to {df[measure].max():,.0f} in {year}"

        def fmt(v):
            return f"{v:,.0f}"

    if measure == "dp_spend_per_recipient_gbp":

        def fmt(v):
            return f"£{v:,.0f}"

        title = f"Direct-payment spend per recipient ranged from £{df[measure].min():,.0f} to £{df[measure].max():,.0f} in {year}"
        sub, source = f"{label}. Gross spend divided by recipients at 31 March.", source_unitcosts([year])
    elif measure == "proxy_takeup_pct":
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}. A proxy, not NI 130."
        source = source_pssex1([year])
    else:
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}."
        source = source_pssex1([year])
    return figures.ranked_councils(
        df, measure, year, label.split(":")[0], title, sub, source, thresholds, _highlight(highlight), size, fmt
    )


def variance_by_region(year=DEFAULT_YEAR, measure="proxy_takeup_pct", size="slide", **_):
    year = _year(year)
    df = measures.councils_in_year(_cy(), year, measure)
    return figures.by_group(
        df, "region", measure, year, measures.VARIANCE_MEASURES[measure].split(":")[0], source_pssex1([year]), size
    )


def variance_by_type(year=DEFAULT_YEAR, measure="proxy_takeup_pct", size="slide", **_):
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


def variance_thresholds(thresholds=DEFAULT_THRESHOLDS, size="slide", **_):
    thresholds = measures.check_thresholds("thresholds", thresholds)
    cy = _cy()
    shares = measures.threshold_shares(cy, thresholds)
    return figures.threshold_shares(shares, thresholds, measures.definition_changes(cy), source_pssex1(), size)


def council_trend(council="Manchester", size="slide", **_):
    from pbanalysis import briefing

    b = briefing.council_numbers(council)
    return figures.council_series(b.series, b.name, b.definition_changes, source_pssex1(), size)


def council_comparison(council="Manchester", year=None, size="slide", **_):
    from pbanalysis import briefing

    b = briefing.council_numbers(council, year=year)
    return figures.council_comparison(b.comparison, b.name, b.year, source_pssex1([b.year]), size)


#: name -> (builder, description, whether it takes --year, --council)
CHARTS: dict[str, tuple[Callable, str]] = {
    "takeup_timeline": (takeup_timeline, "reported take-up over time against the 30% and 100% targets"),
    "takeup_denominators": (takeup_denominators, "reported holders as % of each denominator vs the target"),
    "pb_spend_split": (pb_spend_split, "reported spend through personal budgets and its direct-payment share"),
    "dp_spend_series": (dp_spend_series, "official England direct-payment spend by year vs reported spend"),
    "spend_per_recipient_rank": (
        spend_per_recipient_rank,
        "councils ranked by direct-payment spend per recipient [--year]",
    ),
    "variance_rank": (variance_rank, "all councils ranked by proxy take-up, thresholds marked [--year]"),
    "variance_by_region": (variance_by_region, "proxy take-up by region, councils and medians [--year]"),
    "variance_by_type": (variance_by_type, "proxy take-up by council type, councils and medians [--year]"),
    "variance_thresholds": (variance_thresholds, "share of councils below 10%, above 20%, at or above 30%, by year"),
    "council_trend": (council_trend, "one council's proxy take-up by year vs England, region, type [--council]"),
    "council_comparison": (council_comparison, "one council vs England, region and type in a year [--council --year]"),
}


def describe() -> list[tuple[str, str]]:
    return [(name, desc) for name, (_, desc) in CHARTS.items()]


def draw(name: str, **params) -> Chart:
    """Build one chart by name (no files written)."""
    if name not in CHARTS:
        raise ParameterError("chart", name, list(CHARTS))
    params = {k: v for k, v in params.items() if v is not None}
    fig, alt, numbers = CHARTS[name][0](**params)
    return Chart(name, fig, alt, numbers)


def render(name: str, year=None, council=None, fmt="svg", size="slide", out_dir=None, suffix="") -> list[Path]:
    """Build and save one chart (``fmt`` 'svg', 'png' or 'both')."""
    formats = style.FORMATS if fmt == "both" else (style.check_format(fmt),)
    style.check_size(size)
    chart = draw(name, year=year, council=council, size=size)
    return chart.save(out_dir, formats, name=name + suffix)
