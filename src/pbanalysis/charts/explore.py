"""The council explorer's two charts: a council against its comparators over years (lines), and in
one year (bars).

Draws only: each takes the numbers of :class:`pbanalysis.analysis.explore.View` (its ``series``)
and returns ``(fig, alt_text, numbers)``. ``dpi`` draws for a screen (the explorer redraws on every
change); the house style, the title that states the finding, direct labels, lines that break at a
definition change and the source line are those of every chart (:mod:`pbanalysis.charts.style`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pbanalysis.charts import style
from pbanalysis.charts.style import DARK_BLUE, DARK_GREY, DARK_PINK, LIGHT_PURPLE, MID_GREY, ORANGE, TURQUOISE
from pbanalysis.core import format as fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Drawn = tuple["Figure", str, dict]

#: Colours of the lines other than the council (dark blue) and England (dark grey).
OTHERS = [TURQUOISE, DARK_PINK, ORANGE, LIGHT_PURPLE, MID_GREY]
_PRINT = {"pct": fmt.pct, "count": fmt.count, "gbp": fmt.gbp}


def _text(kind: str, value: float, flag: object = None) -> str:
    return _PRINT[kind](value, flag)


def _colours(series: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """{line: (colour, width)}: the council dark blue and thick, England dark grey, the rest in turn."""
    out: dict[str, tuple[str, float]] = {"council": (DARK_BLUE, 2.8), "england": (DARK_GREY, 1.5)}
    others = [x for x in dict.fromkeys(series["line"]) if x not in out]
    for i, line in enumerate(others):
        out[line] = (OTHERS[i % len(OTHERS)], 1.8)
    return out


def trend(
    series: pd.DataFrame,
    kind: str,
    ylabel: str,
    title: str,
    subtitle: str,
    source: str,
    breaks: Sequence[str] = (),
    size: str = "slide",
    dpi: float | None = None,
    sides: dict | None = None,
) -> Drawn:
    """Each line of ``series`` (columns line, label, year, value) over its years, labelled at its
    last value; a dashed line at each year of ``breaks`` (the count's definition changes), where
    the lines break. ``sides`` ({break year: (earlier side's name, later side's name, the line's
    label)}) names both sides of a single break, as the report draws the ASCOF renumbering."""
    fig, ax = style.figure(size, **({"dpi": dpi} if dpi else {}))
    years = list(dict.fromkeys(series["year"]))
    x = np.arange(len(years))
    pos = {y: i for i, y in enumerate(years)}
    cuts = [pos[y] - 0.5 for y in breaks if y in pos]
    colours = _colours(series)
    top = 0.0
    order = [line for line in colours if line in set(series["line"])]
    for line in reversed(order):  # the council last, on top
        g = series[series["line"] == line]
        colour, width = colours[line]
        xs = g["year"].map(pos).to_numpy(dtype=float)
        style.plot_runs(ax, xs, g["value"], cuts, marker="o", markersize=4, color=colour, linewidth=width)
        have = g.dropna(subset=["value"])
        if len(have):
            end = have.iloc[-1]
            top = max(top, float(have["value"].max()))
            style.label_end(
                ax, pos[end["year"]], end["value"], f"{end['label']}: {_text(kind, end['value'])}", color=colour, dx=8
            )
    shown_breaks = [y for y in breaks if y in pos]
    for y in shown_breaks:
        left, right, label = (sides or {}).get(y, ("", "", ""))
        style.mark_definition_change(ax, pos[y] - 0.5, label)
        if len(shown_breaks) == 1 and left and right:  # two breaks a year apart leave no room for names
            for text, dx, ha in ((f"\u2190 {left}", -4, "right"), (f"{right} \u2192", 4, "left")):
                ax.annotate(
                    text,
                    (pos[y] - 0.5, 1),
                    xycoords=("data", "axes fraction"),
                    xytext=(dx, -14),
                    textcoords="offset points",
                    ha=ha,
                    va="top",
                    fontsize=8,
                    color=DARK_GREY,
                )
    ax.set_xticks(x, years)
    ax.set_xlim(-0.3, len(years) - 0.7 + max(1.5, 0.35 * len(years)))
    ax.set_ylim(0, top * (1.2 if shown_breaks else 1.12) if top > 0 else 1)
    ax.set_ylabel(ylabel)
    if kind != "pct":
        ax.yaxis.set_major_formatter(lambda v, _: _text(kind, v))
    style.finish(fig, title, subtitle, source)
    council = series[series["line"] == "council"]
    alt = (
        f"Line chart of {ylabel} by year, {years[0]} to {years[-1]}: "
        + "; ".join(
            f"{label} " + ", ".join(f"{r['year']} {_text(kind, r['value'], r.get('flag'))}" for _, r in g.iterrows())
            for label, g in series.groupby("label", sort=False)
        )
        + (f". The count's definition changes in {', '.join(breaks)}; the lines break there." if breaks else ".")
    )
    numbers = {
        "years": years,
        "breaks": list(breaks),
        "sides": {y: list(v[:2]) for y, v in (sides or {}).items()},
        "lines": {
            str(label): [None if pd.isna(v) else float(v) for v in g["value"]]
            for label, g in series.groupby("label", sort=False)
        },
        "council": [None if pd.isna(v) else float(v) for v in council["value"]],
    }
    return fig, alt, numbers


def bars(
    values: pd.DataFrame,
    kind: str,
    xlabel: str,
    title: str,
    subtitle: str,
    source: str,
    lines: Sequence[tuple[str, float]] = (),
    size: str = "slide",
    dpi: float | None = None,
) -> Drawn:
    """One year: a bar per council of ``values`` (columns label, value, flag, chosen: bool), highest
    first, the chosen council in dark blue; ``lines`` are (label, value) reference lines such as
    England and the comparators' median. A missing value prints its symbol where its bar would be."""
    fig, ax = style.figure(size, **({"dpi": dpi} if dpi else {}))
    v = values.assign(_v=values["value"].fillna(-np.inf)).sort_values(["_v", "label"], ascending=[False, True])
    n = len(v)
    y = np.arange(n)
    colours = [DARK_BLUE if c else MID_GREY for c in v["chosen"]]
    ax.barh(y, v["value"].fillna(0), color=colours, height=0.75)
    font = 9 if n <= 12 else 7 if n <= 24 else 6
    top = float(np.nanmax([*v["value"].to_numpy(dtype=float), *[b for _, b in lines], 0]))
    for yi, (_, r) in zip(y, v.iterrows()):
        ax.text(
            (0 if pd.isna(r["value"]) else r["value"]) + top * 0.01,
            yi,
            _text(kind, r["value"], r["flag"]),
            va="center",
            fontsize=font,
            color=DARK_BLUE if r["chosen"] else DARK_GREY,
            fontweight="bold" if r["chosen"] else "normal",
        )
    ax.set_yticks(y, list(v["label"]), fontsize=font)
    for tick, chosen in zip(ax.get_yticklabels(), v["chosen"]):
        if chosen:
            tick.set_color(DARK_BLUE)
            tick.set_fontweight("bold")
    drawn = 0
    for (label, value), colour in zip(lines, [DARK_GREY, TURQUOISE]):
        if value is None or pd.isna(value):
            continue
        ax.axvline(value, color=colour, linestyle="--", linewidth=1)
        # Stacked above the plot, one line each, so two close reference lines keep readable labels.
        ax.annotate(
            f"{label}: {_text(kind, value)}",
            (value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 2 + 11 * drawn),
            textcoords="offset points",
            color=colour,
            va="bottom",
            fontsize=8,
        )
        drawn += 1
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x")
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.set_xlabel(xlabel)
    if kind != "pct":
        ax.xaxis.set_major_formatter(lambda val, _: _text(kind, val))
    style.finish(fig, title, subtitle, source)
    alt = (
        f"Bar chart, {xlabel}: "
        + "; ".join(f"{r['label']} {_text(kind, r['value'], r['flag'])}" for _, r in v.iterrows())
        + "".join(f". {label} {_text(kind, value)}" for label, value in lines if value is not None and pd.notna(value))
        + "."
    )
    numbers = {
        "values": {str(r["label"]): None if pd.isna(r["value"]) else float(r["value"]) for _, r in v.iterrows()},
        "lines": {label: None if value is None or pd.isna(value) else float(value) for label, value in lines},
    }
    return fig, alt, numbers
