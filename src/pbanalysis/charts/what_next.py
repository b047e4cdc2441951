"""The "what happened next" charts: every council's ASCOF 1C(1A) share in 2020-21, ranked; and the
series 2017-18 to 2023-24 (England, every region and the spread of councils), broken at 2023-24.

Draws only: it takes tables computed by :mod:`pbanalysis.analysis.what_next` and a source line
built from the data package (:mod:`pbanalysis.outputs.chart_views`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.charts import style
from pbanalysis.charts.style import DARK_BLUE, DARK_GREY, LIGHT_PURPLE, MID_GREY, TURQUOISE
from pbanalysis.core import format as fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def sds_ranked(
    table: pd.DataFrame,
    england_pct: float,
    target_pct: float,
    year: str,
    source: str,
    highlight: Sequence[str] = (),
    size: str = "slide",
    note: str = "",
) -> tuple[Figure, str, dict]:
    """Councils ranked by self-directed support (percent), England and the target drawn.

    Returns ``(fig, alt_text, numbers)``; councils without a published value are left out and
    counted in the subtitle, which ends with ``note`` (why the ``highlight`` councils are picked out).
    """
    pub = table[table["sds_pct"].notna()].sort_values(["sds_pct", "council_name"], ascending=[False, True])
    pub = pub.reset_index(drop=True)
    pub["rank"] = range(1, len(pub) + 1)
    at = int((pub["sds_pct"] >= target_pct).sum())
    fig, ax = style.figure(size)
    hl = {h.lower() for h in highlight}
    is_hl = pub["council_name"].str.lower().isin(hl)
    ax.bar(pub["rank"], pub["sds_pct"], color=[style.HIGHLIGHT if h else DARK_BLUE for h in is_hl], width=0.85)
    for value, color, label, va in (
        (target_pct, TURQUOISE, "target", "bottom"),
        (england_pct, DARK_GREY, "England", "top"),
    ):
        ax.axhline(value, color=color, linestyle="--", linewidth=1)
        # Labelled in the right margin: the axis itself ends at the last council.
        style.label_margin(ax, value, f"{label} {value:g}%", color, va)
    for _, r in pub[is_hl].iterrows():
        style.label_bar_top(
            ax, r["rank"], r["sds_pct"], f"{r['council_name']}: {fmt.pct(r['sds_pct'])}", style.HIGHLIGHT
        )
    ax.set_xlim(0.5, len(pub) + 0.5)
    ax.set_xticks(rank_ticks(len(pub)))
    ax.set_ylim(0, 116)  # room above the 100% bars for the highlighted councils' labels
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlabel(f"Councils ranked, highest first ({len(pub)} with a published value)")
    ax.set_ylabel("Self-directed support (%)")
    ax.grid(axis="x", visible=False)
    missing = len(table) - len(pub)
    style.finish(
        fig,
        f"In {year}, {at} of {len(pub)} councils reported {target_pct:g}% on self-directed support; England was at "
        f"{fmt.pct(england_pct)}",
        "ASCOF 1C(1A): people using social care who receive self-directed support, % of those receiving "
        "long-term community support at 31 March. Not NI 130."
        + (f" {missing} {'council' if missing == 1 else 'councils'} suppressed." if missing else "")
        + (f" {note}" if note else ""),
        source,
    )
    alt = (
        f"Bar chart of {len(pub)} councils ranked by the share of people using social care who received "
        f"self-directed support in {year} (ASCOF 1C part 1A). {at} councils were at {target_pct:g}%; the lowest "
        f"was {pub.iloc[-1]['council_name']} at {fmt.pct(pub.iloc[-1]['sds_pct'])}. England {fmt.pct(england_pct)}."
        + (
            ""
            if not is_hl.any()
            else " Highlighted: "
            + ", ".join(f"{r['council_name']} {fmt.pct(r['sds_pct'])}" for _, r in pub[is_hl].iterrows())
            + "."
        )
    )
    numbers = {
        "year": year,
        "measure": "sds_pct",
        "england_pct": england_pct,
        "target_pct": target_pct,
        "councils": len(pub),
        "at_target": at,
        "values": dict(zip(pub["council_name"], pub["sds_pct"].astype(float))),
    }
    return fig, alt, numbers


def rank_ticks(n: int, step: int = 25) -> list[int]:
    """Ticks for ``n`` ranked councils: the first, every ``step``-th, and the last (never beyond it)."""
    ticks = [1, *range(step, n, step)]
    if n - ticks[-1] < step * 0.4 and len(ticks) > 1:
        ticks.pop()  # too close to the last council's tick to have room for both labels
    return [*ticks, n]


def trend(
    england: pd.DataFrame,
    regions: pd.DataFrame,
    spread: pd.DataFrame,
    measure: str,
    break_year: str,
    source: str,
    size: str = "slide",
    everyone: bool = False,
) -> tuple[Figure, str, dict]:
    """England, every region and the spread of councils by year for one measure (percent).

    ``england``: year, value; ``regions``: one row per year, one column per region;
    ``spread``: year, min, q1, median, q3, max, councils, at_100. The lines and the spread
    are never joined across ``break_year`` (a definition break), which is marked.
    ``everyone``: the measure's aim was everyone (self-directed support: a personal budget for all),
    so the title says whether England reached 100%; otherwise (direct payments, which had no such
    aim) the title says how England's share moved up to the break, and where it stood after it.
    Returns ``(fig, alt_text, numbers)``.
    """
    years = list(spread["year"])
    x = {y: i for i, y in enumerate(years)}
    brk = x[break_year] - 0.5
    fig, ax = style.figure(size)
    xs = [x[y] for y in spread["year"]]
    ax.vlines(xs, spread["min"], spread["max"], color=MID_GREY, linewidth=6, zorder=1)
    ax.vlines(xs, spread["q1"], spread["q3"], color=LIGHT_PURPLE, linewidth=6, zorder=2)
    ax.scatter(xs, spread["median"], marker="_", s=120, color=DARK_GREY, zorder=3, linewidths=2)
    for name in regions.columns:
        r = regions[name].dropna()
        style.plot_runs(
            ax, [x[y] for y in r.index], r.values, breaks=[brk], color=TURQUOISE, linewidth=0.8, alpha=0.7, zorder=4
        )
    style.plot_runs(
        ax,
        [x[y] for y in england["year"]],
        england["value"],
        breaks=[brk],
        color=DARK_BLUE,
        linewidth=2.5,
        marker="o",
        markersize=4,
        zorder=5,
    )
    last = england.iloc[-1]
    first_after = england[england["year"] < break_year].iloc[-1]
    style.label_end(
        ax,
        x[first_after["year"]],
        first_after["value"],
        f"England\n{fmt.pct(first_after['value'])}",  # narrow: clear of the year before's bars
        dy=-12,
        dx=-8,  # clear of the spread bar and its median mark
        ha="right",
        color=DARK_BLUE,
        zorder=6,  # above the region lines it sits among
        path_effects=style.HALO,
    )
    style.label_end(
        ax,
        x[last["year"]],
        last["value"],
        f"{fmt.pct(last['value'])}",
        color=DARK_BLUE,
        dy=-12,
        zorder=6,
        path_effects=style.HALO,
    )
    style.mark_definition_change(ax, brk, "ASCOF renumbered")
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels(years)
    ax.set_xlim(-0.5, len(years) - 0.5)
    top = max(100.0, float(spread["max"].max()))
    ax.set_ylim(0, top + 5)
    ax.set_ylabel(f"{measure.capitalize()} (%)")
    ax.grid(axis="x", visible=False)
    style.finish(
        fig,
        _trend_title(england, measure, break_year, everyone),
        f"Share of people using social care who receive {measure}, %. Dark blue: England; thin lines: the "
        f"{regions.shape[1]} regions; bars: councils' range (grey) and middle half (purple), median marked. "
        f"Not joined across {break_year}: a framework change.",
        source,
    )
    alt = (
        f"Chart of England's share of people using social care who receive {measure}, by year from {years[0]} to "
        f"{years[-1]}: "
        + ", ".join(f"{r.year} {fmt.pct(r.value)}" for r in england.itertuples())
        + f". The nine regions are drawn as thin lines and the councils' spread as bars; the {break_year} values "
        f"follow a framework change and are not joined to the years before. Councils at 100% by year: "
        + ", ".join(f"{r.year} {r.at_100} of {r.councils}" for r in spread.itertuples())
        + "."
    )
    numbers = {
        "measure": measure,
        "break_year": break_year,
        "england": dict(zip(england["year"], england["value"].astype(float))),
        "regions": {c: {y: float(v) for y, v in regions[c].dropna().items()} for c in regions.columns},
        "spread": spread.to_dict(orient="records"),
    }
    return fig, alt, numbers


def _trend_title(england: pd.DataFrame, measure: str, break_year: str, everyone: bool) -> str:
    """The trend chart's finding, from England's series (each side of ``break_year`` on its own)."""
    if everyone:
        best = england.sort_values(["value", "year"], ascending=[False, True]).iloc[0]
        reached = bool((england["value"] >= 100).any())
        return f"England's {measure} share was highest in {best['year']}, at {fmt.pct(best['value'])}; " + (
            "it reached 100%" if reached else "no year reached 100%"
        )
    before, after = england[england["year"] < break_year], england[england["year"] >= break_year]
    first, last = before.iloc[0], before.iloc[-1]
    a, z = round(float(first["value"]), 1), round(float(last["value"]), 1)  # the title compares what it prints
    word = "rose" if z > a else "fell" if z < a else "held"
    change = (
        f"held at {fmt.pct(a)} from {first['year']} to {last['year']}"
        if word == "held"
        else f"{word} from {fmt.pct(a)} in {first['year']} to {fmt.pct(z)} in {last['year']}"
    )
    title = f"England's {measure} share {change}"
    if len(after):
        title += f"; {fmt.pct(after.iloc[-1]['value'])} in {after.iloc[-1]['year']}, after the framework change"
    return title
