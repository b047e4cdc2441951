"""The report's charts, drawn from the frames a notebook holds: one function a chart.

Each function takes the frame(s) the analysis layer computed (and that the notebook shows as a
table just above the chart), plus the notebook's parameters, makes the chart's title, subtitle
and source line from them, hands them to a drawing function of :mod:`pbanalysis.charts` and
returns a :class:`Chart`. An analyst who filters or corrects the frame and draws again gets a
chart of the changed frame::

    ranked = measures.councils_in_year(cy, year, measure)
    chart = chart_views.variance_rank(ranked, year=year, measure=measure, thresholds=thresholds)

The chart catalogue (:mod:`pbanalysis.pipeline.registry`, behind ``python -m pbanalysis chart
NAME``) computes the same frames with the same analysis calls and calls these same functions, so a
chart has one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pbanalysis.analysis import measures, quality, register, what_next
from pbanalysis.charts import figures, files, style
from pbanalysis.charts import what_next as what_next_figures
from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data, datapackage
from pbanalysis.outputs import briefing
from pbanalysis.outputs.briefing_numbers import Briefing


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


def highlighted(highlight: Sequence[str] | str | None) -> list[str]:
    """The council names of ``highlight`` (names or GSS codes, any case); an unknown council fails."""
    if highlight is None:
        return []
    if isinstance(highlight, str):
        highlight = [highlight]
    if not isinstance(highlight, (list, tuple)):
        raise ParameterError("highlight", highlight, "a list of council names or GSS codes")
    councils = data.load_councils()
    return [measures.find_council(h, councils)["council_name"] for h in highlight]


def _and(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _published(text: str) -> str:
    """An article's date as a reader writes it: '23 August 2010' for '2010-08-23', 'April 2011' for '2011-04'."""
    text = str(text)
    return fmt.date(pd.Timestamp(text)) if len(text) == 10 else fmt.by_period(text).removeprefix("by ")


def highlight_note(names: Sequence[str], drawn: Sequence[str], reg: pd.DataFrame | None = None) -> str:
    """Why a national chart picks out ``names`` (council names), in a sentence for its subtitle: the
    councils the articles name (the register of reported figures has a figure about them, in its
    ``council`` column), with those articles, and any other council as picked for this page. A
    highlighted council not in ``drawn`` (the councils the chart shows) is said to have no value.
    Empty when nothing is highlighted."""
    if not names:
        return ""
    reg = register.load_register() if reg is None else reg
    sources = register.load_sources().set_index("source_id")
    about = reg[reg["kind"] == "council-level"].copy()
    about["key"] = about["council"].str.lower()
    shown = {d.lower() for d in drawn}
    named, picked = [], []
    for name in [n for n in names if n.lower() in shown]:
        rows = about[about["key"] == name.lower()]
        (named if len(rows) else picked).append((name, list(dict.fromkeys(rows["source_id"]))))
    parts = []
    if named:
        ids = list(dict.fromkeys(i for _, srcs in named for i in srcs))
        articles = "; ".join(
            f"{sources.loc[i, 'publication'].split(' -')[0].split(' (')[0]}, {_published(sources.loc[i, 'published'])}"
            for i in ids
        )
        where = "a news article" if len(ids) == 1 else "news articles"
        parts.append(f"{_and([n for n, _ in named])}, named in {where} ({articles})")
    if picked:
        parts.append(f"{_and([n for n, _ in picked])}, picked for this page")
    colour = style.COLOUR_NAME[style.HIGHLIGHT]
    text = f"Highlighted in {colour}: {'; and '.join(parts)}." if parts else ""
    missing = [n for n in names if n.lower() not in shown]
    if missing:
        text += f" No value for {_and(missing)}, so not drawn."
    return text.strip()


# --- take-up -------------------------------------------------------------------


def takeup_timeline(timeline: pd.DataFrame, target: float, denominator_label: str, size: str = "slide") -> Chart:
    """``timeline`` (:func:`measures.takeup_timeline`): reported take-up (% of the denominator
    ``denominator_label``) by date, the official proxy and the targets, against ``target`` %."""
    measures.check_number("target", target, 0, 100)
    # The chart also draws the official proxy.
    source = datapackage.source_line(datapackage.REGISTER, form="short", then=[("England proxy", datapackage.PSSEX1)])
    return Chart("takeup_timeline", *figures.takeup_timeline(timeline, target, denominator_label, source, size))


def takeup_denominators(by_denominator: pd.DataFrame, target: float, size: str = "slide") -> Chart:
    """``by_denominator`` (:func:`measures.takeup_by_denominator`): reported holders as % of each
    denominator, against the ``target`` %."""
    measures.check_number("target", target, 0, 100)
    source = datapackage.source_line(datapackage.REGISTER)
    return Chart("takeup_denominators", *figures.takeup_denominators(by_denominator, target, source, size))


# --- spending ------------------------------------------------------------------


def pb_spend_split(split: pd.DataFrame, size: str = "slide") -> Chart:
    """``split`` (:func:`measures.pb_spend_split`): reported spend through personal budgets (GBP
    million) and its direct-payment part."""
    return Chart("pb_spend_split", *figures.pb_spend_split(split, datapackage.source_line(datapackage.REGISTER), size))


def dp_spend_series(spend: pd.DataFrame, split: pd.DataFrame, size: str = "slide") -> Chart:
    """``spend`` (:func:`measures.spend_series`): official England direct-payment gross spend by year
    (GBP million), against the reported spend of ``split`` (:func:`measures.pb_spend_split`)."""
    parts = split.set_index("part")["gbp_million"]
    drawn = figures.dp_spend_series(
        spend,
        float(parts.sum()),
        float(parts["Direct payments"]),
        datapackage.source_line(datapackage.UNIT_COSTS),
        size,
    )
    return Chart("dp_spend_series", *drawn)


def spend_per_recipient_rank(
    per: pd.DataFrame, year: str, highlight: Sequence[str] | str | None = None, size: str = "slide"
) -> Chart:
    """``per`` (:func:`measures.spend_per_recipient`): councils ranked by direct-payment spend per
    recipient (GBP a year) in ``year``, ``highlight`` labelled; the title gives its range and median."""
    spend = k.DP_SPEND_PER_RECIPIENT_GBP
    if per.empty:
        raise ParameterError("per", "an empty frame", f"councils with a spend per recipient in {year}")
    med = per[spend].median()
    names = highlighted(highlight)
    flagged, flag_note = flagged_councils(per, year, spend)
    drawn = figures.ranked_councils(
        per,
        spend,
        year,
        axis_label(spend),
        f"{columns.label(spend)} ranged from {fmt.gbp(per[spend].min())} to "
        f"{fmt.gbp(per[spend].max())} a year in {year} (median {fmt.gbp(med)})",
        "Gross spend on direct payments to adults divided by recipients at 31 March (PSS-EX1), in "
        f"{figures.CASH} ({figures.NOT_DEFLATED}). "
        + " ".join(x for x in (highlight_note(names, per["council_name"]), flag_note) if x),
        datapackage.source_line(datapackage.UNIT_COSTS, years=[year]),
        highlight=names,
        size=size,
        fmt_value=fmt.gbp,
        flagged=flagged,
    )
    return Chart("spend_per_recipient_rank", *drawn)


# --- how councils differ ---------------------------------------------------------


def variance_rank(
    ranked: pd.DataFrame,
    year: str,
    measure: str,
    thresholds: Sequence[float] = (),
    highlight: Sequence[str] | str | None = None,
    size: str = "slide",
) -> Chart:
    """``ranked`` (:func:`measures.councils_in_year`): every council ranked by ``measure`` in ``year``;
    for proxy take-up (%) the ``thresholds`` are drawn. The title states the range (and, for take-up,
    the share of councils below the first threshold) of this frame."""
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    thresholds = measures.check_thresholds("thresholds", thresholds) if measure == k.PROXY_TAKEUP_PCT else []
    df = ranked
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
        title = (
            f"{columns.label(measure)} ranged from {fmt.gbp(df[measure].min())} to {fmt.gbp(df[measure].max())} "
            f"in {year}"
        )
        sub = f"{label}, {figures.CASH}. Gross spend divided by recipients at 31 March, {figures.NOT_DEFLATED}."
    elif measure == k.PROXY_TAKEUP_PCT:
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}. A proxy, not NI 130."
    else:
        sub = f"{label}. Count basis this year: {measures.BASIS_LABEL.get(basis, basis)}."
    source = datapackage.source_line(datapackage.resource_of(measure), years=[year])
    names = highlighted(highlight)
    flagged, flag_note = flagged_councils(df, year, measure)
    sub = " ".join(x for x in (sub, highlight_note(names, df["council_name"]), flag_note) if x)
    drawn = figures.ranked_councils(
        df, measure, year, axis_label(measure), title, sub, source, thresholds, names, size, value_text, flagged
    )
    return Chart("variance_rank", *drawn)


def flagged_councils(df: pd.DataFrame, year: str, measure: str) -> tuple[list[str], str]:
    """The councils of ``df`` whose value of ``measure`` in ``year`` the data-quality rules flag, and
    the subtitle's sentence about them ("" when none)."""
    f = quality.flags_for(None, [year], measure)  # every flag on the measures its value rests on
    if "gss_code" in df:
        codes = set(f["gss_code"])
        names = [n for n, g in zip(df["council_name"], df["gss_code"]) if g in codes]
    else:  # a frame of names only (spend per recipient)
        flagged = set(f["council_name"])
        names = [n for n in df["council_name"] if n in flagged]
    if not names:
        return [], ""
    n = len(names)
    return names, (
        f"Hatched: {n} {'council' if n == 1 else 'councils'} whose value the data-quality rules flag "
        "(each drawn at its value; see the data-quality page)."
    )


#: A header longer than this (characters) puts its unit on a second line of the axis label: at
#: slide size, "Direct-payment spend per recipient (£ a year, cash terms)" on one line beside a
#: two-line subtitle leaves no room for the plot (charts.layout raises).
AXIS_ONE_LINE = 40


def axis_label(measure: str) -> str:
    """The axis label of a council measure: its header in the column dictionary ("Proxy take-up (%)"),
    the unit on a second line where the header is long."""
    header = columns.header(measure)
    if len(header) <= AXIS_ONE_LINE or not columns.unit(measure):
        return header
    return f"{columns.label(measure)}\n({columns.unit(measure)})"


def _by_group(name: str, by: str, ranked: pd.DataFrame, year: str, measure: str, size: str) -> Chart:
    measures.check_choice("measure", measure, measures.VARIANCE_MEASURES)
    source = datapackage.source_line(datapackage.resource_of(measure), years=[year])
    return Chart(name, *figures.by_group(ranked, by, measure, year, axis_label(measure), source, size))


def variance_by_region(ranked: pd.DataFrame, year: str, measure: str, size: str = "slide") -> Chart:
    """``ranked`` (:func:`measures.councils_in_year`): its councils and regional medians of ``measure``."""
    return _by_group("variance_by_region", "region", ranked, year, measure, size)


def variance_by_type(ranked: pd.DataFrame, year: str, measure: str, size: str = "slide") -> Chart:
    """``ranked`` (:func:`measures.councils_in_year`): its councils and council-type medians of ``measure``."""
    return _by_group("variance_by_type", "council_type", ranked, year, measure, size)


def variance_thresholds(
    shares: pd.DataFrame, thresholds: Sequence[float], changes: Sequence[str], size: str = "slide"
) -> Chart:
    """``shares`` (:func:`measures.threshold_shares`): share of councils (%) in each proxy take-up band
    by year; ``changes`` (:func:`measures.definition_changes`) are marked."""
    thresholds = measures.check_thresholds("thresholds", thresholds)
    source = datapackage.source_line(datapackage.PSSEX1)
    return Chart("variance_thresholds", *figures.threshold_shares(shares, thresholds, changes, source, size))


# --- one council -----------------------------------------------------------------


def council_trend(b: Briefing, size: str = "slide") -> Chart:
    """``b`` (:func:`briefing.council_numbers`): the council's proxy take-up (%) by year against
    England, its region and its type, then its ASCOF direct-payments share (the pack's chart)."""
    return Chart("council_trend", *briefing.trend_chart(b, size))


def council_comparison(b: Briefing, size: str = "slide") -> Chart:
    """``b`` (:func:`briefing.council_numbers`): the council against England, its region and its type
    in ``b.year`` (the pack's chart)."""
    return Chart("council_comparison", *briefing.comparison_chart(b, size))


# --- what happened next -------------------------------------------------------------


def what_next_sds_rank(
    table: pd.DataFrame, target: dict, named_councils: Sequence[str] = (), size: str = "slide"
) -> Chart:
    """``table`` (:func:`what_next.council_table`): councils ranked by ASCOF 1C(1A) self-directed support
    (%) in 2020-21; England and the target of ``target`` (:func:`what_next.against_target`) drawn,
    ``named_councils`` (names, CASSR or GSS codes) labelled."""
    names = [what_next.council_value(c)["council_name"] for c in named_councils]
    drawn_names = table.loc[table["sds_pct"].notna(), "council_name"]
    drawn = what_next_figures.sds_ranked(
        table,
        target["england_pct"],
        target["target_pct"],
        what_next.YEAR,
        datapackage.source_line(datapackage.ASCOF_2020_21),
        highlight=names,
        size=size,
        note=highlight_note(names, drawn_names),
    )
    return Chart("what_next_sds_rank", *drawn)


def _trend(
    name: str, group: str, england: pd.DataFrame, regions: pd.DataFrame, spread: pd.DataFrame, size: str
) -> Chart:
    # Only self-directed support had an aim of everyone (a personal budget for every eligible user);
    # direct payments had none, so their chart's title names no 100%.
    drawn = what_next_figures.trend(
        england,
        regions,
        spread,
        what_next.TREND_MEASURE_NAMES[group],
        what_next.BREAK_YEAR,
        datapackage.source_line(datapackage.ASCOF_SERIES),
        size=size,
        everyone=group == what_next.SDS,
    )
    return Chart(name, *drawn)


def what_next_trend_sds(
    england: pd.DataFrame, regions: pd.DataFrame, spread: pd.DataFrame, size: str = "slide"
) -> Chart:
    """Self-directed support (%), 2017-18 to 2023-24, broken at the 2023-24 framework change: England
    (:func:`what_next.england_series`), every region (:func:`what_next.region_series`) and the spread
    of councils (:func:`what_next.council_spread_by_year`), each of ``what_next.SDS``."""
    return _trend("what_next_trend_sds", what_next.SDS, england, regions, spread, size)


def what_next_trend_dp(
    england: pd.DataFrame, regions: pd.DataFrame, spread: pd.DataFrame, size: str = "slide"
) -> Chart:
    """Direct payments (%), 2017-18 to 2023-24, broken at the 2023-24 framework change: England, every
    region and the spread of councils, each of ``what_next.DP`` (as :func:`what_next_trend_sds`)."""
    return _trend("what_next_trend_dp", what_next.DP, england, regions, spread, size)
