"""The "what happened next" chart: every council's ASCOF 1C(1A) share in 2020-21, ranked.

Draws only: it takes the council table of :func:`pbanalysis.analysis.what_next.council_table` and a
source line built from the data package (:func:`pbanalysis.pipeline.registry.source_ascof`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.charts import style
from pbanalysis.charts.style import DARK_BLUE, DARK_GREY, DARK_PINK, TURQUOISE

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
) -> tuple[Figure, str, dict]:
    """Councils ranked by self-directed support (percent), England and the target drawn.

    Returns ``(fig, alt_text, numbers)``; councils without a published value are left out and
    counted in the subtitle.
    """
    pub = table[table["sds_pct"].notna()].sort_values(["sds_pct", "council_name"], ascending=[False, True])
    pub = pub.reset_index(drop=True)
    pub["rank"] = range(1, len(pub) + 1)
    at = int((pub["sds_pct"] >= target_pct).sum())
    fig, ax = style.figure(size)
    hl = {h.lower() for h in highlight}
    is_hl = pub["council_name"].str.lower().isin(hl)
    ax.bar(pub["rank"], pub["sds_pct"], color=[DARK_PINK if h else DARK_BLUE for h in is_hl], width=0.85)
    for value, color, label in ((target_pct, TURQUOISE, "target"), (england_pct, DARK_GREY, "England")):
        ax.axhline(value, color=color, linestyle="--", linewidth=1)
        ax.text(len(pub) + 2, value, f"{label} {value:g}%", color=color, va="bottom", fontsize=9)
    for i, (_, r) in enumerate(pub[is_hl].iterrows()):
        ax.annotate(
            f"{r['council_name']}: {r['sds_pct']:.1f}%",
            (r["rank"], r["sds_pct"]),
            xytext=(-60, -90 - 30 * i),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            color=DARK_PINK,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": DARK_PINK, "linewidth": 0.5},
            arrowprops={"arrowstyle": "-", "color": DARK_PINK},
        )
    ax.set_xlim(0, len(pub) + 22)
    ax.set_ylim(0, 105)
    ax.set_xlabel(f"Councils ranked, highest first ({len(pub)} with a published value)")
    ax.set_ylabel("Self-directed support (%)")
    ax.grid(axis="x", visible=False)
    missing = len(table) - len(pub)
    style.finish(
        fig,
        f"In {year}, {at} of {len(pub)} councils reported {target_pct:g}% on self-directed support; England was at "
        f"{england_pct:.1f}%",
        "ASCOF 1C(1A): people using social care who receive self-directed support, % of those receiving "
        "long-term community support at 31 March. Not NI 130."
        + (f" {missing} council(s) suppressed." if missing else ""),
        source,
    )
    alt = (
        f"Bar chart of {len(pub)} councils ranked by the share of people using social care who received "
        f"self-directed support in {year} (ASCOF 1C part 1A). {at} councils were at {target_pct:g}%; the lowest "
        f"was {pub.iloc[-1]['council_name']} at {pub.iloc[-1]['sds_pct']:.1f}%. England {england_pct:.1f}%."
        + (
            ""
            if not is_hl.any()
            else " Highlighted: "
            + ", ".join(f"{r['council_name']} {r['sds_pct']:.1f}%" for _, r in pub[is_hl].iterrows())
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
