"""One function per chart. Each takes data frames (never reads files) and returns
``(fig, alt_text, numbers)``; :func:`pbanalysis.charts.files.save` writes them."""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from pbanalysis.charts import style
from pbanalysis.charts.style import DARK_BLUE, DARK_GREY, DARK_PINK, MID_GREY, ORANGE, TURQUOISE
from pbanalysis.core import format as fmt
from pbanalysis.core import keys

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: What a chart function returns: the figure, its alt text and the numbers it shows.
Drawn = tuple["Figure", str, dict]

#: Money is in cash terms: the words every money axis and subtitle uses (no published deflator
#: series is among the stored sources, so no chart shows real terms).
CASH = "cash terms"
NOT_DEFLATED = "not adjusted for inflation"


#: A white backing for labels that lines may pass behind (the text stays readable).
LABEL_BACKING = style.BACKING


def takeup_timeline(
    timeline: pd.DataFrame, target_pct: float, denominator_label: str, source: str, size: str = "slide"
) -> Drawn:
    """Reported take-up over time against the 30% and 100% targets."""
    fig, ax = style.figure(size)
    rep = timeline[timeline["kind"] == "reported"]
    tgt = timeline[timeline["kind"] == "target"]
    ax.scatter(rep["date"], rep["takeup_pct"], color=DARK_BLUE, s=40, zorder=4)
    for i, (_, r) in enumerate(rep.iterrows()):
        stated = r["basis"] == "as stated in the article"
        text = r["label"] if stated else f"{fmt.pct(r['takeup_pct'], decimals=0)}: {r['label']}"
        # Room to rise far: the chart is empty above the figures.
        style.label_end(
            ax, r["date"], r["takeup_pct"], text, dx=6, dy=7 if i % 2 else -7, bbox=LABEL_BACKING, reach=150, flip=True
        )
    ax.scatter(tgt["date"], tgt["takeup_pct"], marker="D", color=ORANGE, s=40, zorder=5)
    for _, r in tgt.iterrows():
        style.label_end(ax, r["date"], r["takeup_pct"], r["label"], color=ORANGE, dx=-6, dy=8, ha="right")
    ax.axhline(target_pct, color=ORANGE, linestyle=":", linewidth=1)
    proxy = timeline[timeline["kind"] == "proxy"] if "kind" in timeline else timeline.iloc[:0]
    if len(proxy):  # official series beside the reported figures, labelled as a proxy
        # The line breaks where the official count's definition changes (its basis text changes).
        xs = mdates.date2num(proxy["date"])
        basis = list(proxy["basis"])
        breaks = [(xs[i - 1] + xs[i]) / 2 for i in range(1, len(basis)) if basis[i] != basis[i - 1]]
        style.plot_runs(
            ax, xs, proxy["takeup_pct"], breaks, color=TURQUOISE, marker="o", markersize=3, linewidth=1, zorder=1
        )
        last = proxy.iloc[-1]
        style.label_end(
            ax,
            last["date"],
            last["takeup_pct"],
            last["label"].rsplit(",", 1)[0].replace(" (", "\n("),
            color=TURQUOISE,
            dx=0,
            dy=16,
            ha="right",
            bbox=LABEL_BACKING,
        )
    ax.set_ylim(-6, 105)  # room for a label under the lowest figures, above the bottom axis
    ax.set_ylabel("% of people")
    end = pd.Timestamp("2013-06-30")
    ax.set_xlim(pd.Timestamp("2008-10-01"), end)
    ax.xaxis.set_major_locator(mdates.YearLocator(month=4))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("Apr\n%Y"))
    below = rep[rep["takeup_pct"] < target_pct]
    if len(rep) and len(below) == len(rep):
        title = f"Every reported take-up figure up to the chosen date was below the {fmt.number(target_pct)}% target"
    elif len(rep) and len(below) == len(rep) - 1 and rep.iloc[-1]["takeup_pct"] >= target_pct:
        last = rep.iloc[-1]
        stated = last["basis"] == "as stated in the article"  # its label gives the percentage as stated
        title = (
            f"Reported take-up stayed below the {fmt.number(target_pct)}% target until the last figure: "
            + " ".join(last["label"].split())
            + ("" if stated else f" ({fmt.pct(last['takeup_pct'], decimals=0)})")
        )
    else:
        title = (
            f"{len(rep) - len(below)} of {len(rep)} reported take-up figures reach the {fmt.number(target_pct)}% target"
        )
    style.finish(
        fig,
        title,
        f"Counts of people shown as a % of: {denominator_label}. Percentages the articles state are shown as stated.",
        source,
    )
    alt = (
        "Scatter chart of reported personal budget take-up from 2008-09 to 2011 against targets. "
        + "; ".join(f"{r['label']}: {fmt.pct(r['takeup_pct'])}" for _, r in rep.iterrows())
        + f". Targets: {fmt.number(target_pct)}% by April 2011 and 100% by 2012/13."
    )
    numbers = {"points": rep[["figure_id", "takeup_pct", "basis"]].to_dict("records"), "target_pct": target_pct}
    if len(proxy):
        for point, (_, r) in zip(numbers["points"], rep.iterrows()):
            point["date"] = str(r["date"].date())
        numbers["proxy"] = [
            {"date": str(r["date"].date()), "takeup_pct": r["takeup_pct"], "label": r["label"], "basis": r["basis"]}
            for _, r in proxy.iterrows()
        ]
        alt += (
            " Official England proxy (not NI 130): "
            + "; ".join(f"{r['date'].year}: {fmt.pct(r['takeup_pct'])}" for _, r in proxy.iterrows())
            + "."
        )
    return fig, alt, numbers


def takeup_denominators(table: pd.DataFrame, target_pct: float, source: str, size: str = "slide") -> Drawn:
    """Each reported holder count as a % of each denominator, against the target."""
    fig, ax = style.figure(size)
    dens = list(dict.fromkeys(table["denominator"]))
    holders = list(dict.fromkeys(table["holders"]))
    labels = table.drop_duplicates("denominator").set_index("denominator")["denominator_label"]
    h = 0.8 / len(dens)
    colors = [DARK_BLUE, TURQUOISE, DARK_PINK]
    for i, den in enumerate(dens):
        sub = table[table["denominator"] == den].set_index("holders").loc[holders]
        y = np.arange(len(holders)) + i * h
        ax.barh(y, sub["takeup_pct"], height=h * 0.9, color=colors[i % 3], label=labels[den])
        for yy, v in zip(y, sub["takeup_pct"]):
            ax.text(v + 0.5, yy, fmt.pct(v), va="center", fontsize=8, color=colors[i % 3])
    ax.legend(
        loc="upper right",
        fontsize=8,
        frameon=True,
        facecolor="white",
        edgecolor="white",
        framealpha=1,
        title="Divided by",
        title_fontsize=8,
    )  # beside the shortest bars
    ax.set_yticks(
        np.arange(len(holders)) + h * (len(dens) - 1) / 2,
        ["\n".join(textwrap.wrap(x, 24)) for x in holders],
        fontsize=9,
    )
    ax.invert_yaxis()
    ax.axvline(target_pct, color=ORANGE, linestyle="--")
    ax.text(
        target_pct,
        1.0,
        f" {fmt.number(target_pct)}% target",
        color=ORANGE,
        transform=ax.get_xaxis_transform(),
        va="bottom",
        fontsize=9,
    )
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("% of the denominator")
    ax.set_xlim(0, max(60, table["takeup_pct"].max() + 15))
    forecast = table["forecast"] if "forecast" in table else pd.Series(False, index=table.index)
    counted = table[~forecast.astype(bool)]
    met = counted[counted["meets_target"]]
    met_forecast = table[forecast.astype(bool) & table["meets_target"]]
    target = f"{fmt.number(target_pct)}%"
    title = (
        f"Only {len(met)} of {len(counted)} counts of holders reach {target}, depending on the denominator"
        if len(met)
        else f"No count of holders reaches {target} on any denominator"
    )
    if len(met_forecast):
        title += f"; only the councils' forecast would, on {len(met_forecast)} of {len(dens)}"
    style.finish(
        fig,
        title,
        "Reported counts of personal-budget holders divided by reported populations: "
        + "; ".join(str(v) for v in labels.values)
        + ".",
        source,
    )
    alt = "Horizontal bar chart. " + "; ".join(
        f"{r['holders']} as % of {r['denominator_label']}: {fmt.pct(r['takeup_pct'])}" for _, r in table.iterrows()
    )
    return fig, alt, {"rows": table[["holders_figure", "denominator", "takeup_pct", "meets_target"]].to_dict("records")}


def pb_spend_split(split: pd.DataFrame, source: str, size: str = "slide") -> Drawn:
    """The reported £900m through personal budgets, split 74% direct payments."""
    fig, ax = style.figure(size)
    left = 0.0
    for color, (_, r) in zip([DARK_BLUE, TURQUOISE], split.iterrows()):
        (bar,) = ax.barh([0], [r["gbp_million"]], left=left, color=color, height=0.5)
        style.label_in_bar(
            ax,
            bar,
            f"{r['part']}\n{fmt.gbp_million(r['gbp_million'])} ({fmt.pct(r['share_pct'], decimals=0)})",
            outside_color=DARK_GREY,
            fontweight="bold",
        )
        left += r["gbp_million"]
    ax.set_ylim(-0.7, 0.35)  # room under the bar for a label that does not fit inside its part
    ax.set_yticks([])
    ax.set_xlabel(f"£ million, {CASH}")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    dp = split.iloc[0]
    style.finish(
        fig,
        f"About {fmt.gbp_million(dp['gbp_million'])} of the reported {fmt.gbp_million(split['gbp_million'].sum())} went as direct payments",
        "Spending through personal budgets reported by the ADASS/LGA "
        f"survey, split by the reported {fmt.number(dp['share_pct'])}% share delivered as direct payments; "
        f"£ million in {CASH} ({NOT_DEFLATED}).",
        source,
    )
    alt = (
        f"Stacked bar: {fmt.gbp_million(split['gbp_million'].sum())} through personal budgets, of which "
        f"{fmt.gbp_million(dp['gbp_million'])} ({fmt.pct(dp['share_pct'], decimals=0)}) as direct payments and "
        f"{fmt.gbp_million(split.iloc[1]['gbp_million'])} otherwise."
    )
    return fig, alt, {"split": split.to_dict("records")}


def dp_spend_series(
    spend: pd.DataFrame, reported_pb_total: float, reported_dp: float, source: str, size: str = "slide"
) -> Drawn:
    """Official England direct-payment spend by year, beside the reported figures."""
    fig, ax = style.figure(size)
    x = np.arange(len(spend))
    vals = spend["dp_gross_cost_gbp_million"]
    ax.bar(x, vals.fillna(0), color=DARK_BLUE, width=0.6)
    for xi, v in zip(x, vals):
        ax.annotate(
            "not available" if pd.isna(v) else fmt.gbp_million(v),
            (xi, 0 if pd.isna(v) else v),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color=DARK_GREY if pd.isna(v) else DARK_BLUE,
            bbox=style.BACKING,  # a reference line may pass behind it
        )
    # The reported figures label their lines in the right margin, beyond the bars: one above its line,
    # the other below its own, so the two never meet and neither covers a bar.
    for value, color, style_, text, va in (
        (
            reported_pb_total,
            ORANGE,
            "--",
            f"Reported: {fmt.gbp_million(reported_pb_total)} through personal budgets (survey, 2010)",
            "bottom",
        ),
        (reported_dp, DARK_PINK, ":", f"of which {fmt.gbp_million(reported_dp)} as direct payments", "top"),
    ):
        ax.axhline(value, color=color, linestyle=style_, linewidth=1)
        style.label_margin(ax, value, "\n".join(textwrap.wrap(text, 18)), color, va, dy=2 if va == "bottom" else -2)
    ax.set_xticks(x, spend["year"])
    ax.set_ylabel(f"£ million a year, {CASH}")
    have = spend.dropna(subset=["dp_gross_cost_gbp_million"])
    (y0, first), (y1, last) = have.iloc[[0, -1]][["year", "dp_gross_cost_gbp_million"]].itertuples(index=False)
    word = "rose" if last > first else "fell" if last < first else "held"
    style.finish(
        fig,
        f"Official direct-payment spend {word} from {fmt.gbp_million(first)} in {y0} to {fmt.gbp_million(last)} in {y1}",
        f"England gross spend on direct payments to adults (PSS-EX1), £ million in {CASH} ({NOT_DEFLATED}). "
        "2009-10 is not in the available tables.",
        source,
    )
    alt = (
        "Bar chart of England direct-payment gross spend: "
        + "; ".join(
            f"{y}: {'not available' if pd.isna(v) else f'{fmt.gbp_million(v)}'}" for y, v in zip(spend["year"], vals)
        )
        + (
            f". Reference lines: reported {fmt.gbp_million(reported_pb_total)} through personal budgets and "
            f"{fmt.gbp_million(reported_dp)} as direct payments."
        )
    )
    return (
        fig,
        alt,
        {"series": spend.to_dict("records"), "reported_pb_total": reported_pb_total, "reported_dp": reported_dp},
    )


def ranked_councils(
    df: pd.DataFrame,
    measure: str,
    year: str,
    ylabel: str,
    title: str,
    subtitle: str,
    source: str,
    thresholds: Sequence[float] = (),
    highlight: Sequence[str] = (),
    size: str = "slide",
    fmt_value: Callable[[float], str] = fmt.pct,
    flagged: Sequence[str] = (),
) -> Drawn:
    """All councils ranked by a measure, thresholds drawn, chosen councils labelled; the bars of the
    ``flagged`` councils (names) are hatched, keeping their height."""
    fig, ax = style.figure(size)
    hl = {h.lower() for h in highlight}
    colors = [style.HIGHLIGHT if n.lower() in hl else DARK_BLUE for n in df["council_name"]]
    # One bar per council in ranked order: tied councils share a rank, never a bar's place.
    place = dict(zip(df.index, np.arange(1, len(df) + 1)))
    bars = ax.bar(list(place.values()), df[measure], color=colors, width=0.85)
    fl = {f.lower() for f in flagged}
    for bar, name in zip(bars, df["council_name"]):
        if name.lower() in fl:
            bar.set_hatch("////")
            bar.set_edgecolor("white")
            bar.set_linewidth(0)
    for t, c in zip(thresholds, [DARK_GREY, TURQUOISE, ORANGE, DARK_PINK]):
        ax.axhline(t, color=c, linestyle="--", linewidth=1)
        style.label_end(ax, len(df) + 1, t, f"{fmt.number(t)}%", color=c, dx=2, dy=1, va="bottom")  # above its line
    for idx, r in df[df["council_name"].str.lower().isin(hl)].iterrows():
        style.label_bar_top(
            ax,
            place[idx],
            r[measure],
            f"{r['council_name']}: {fmt_value(r[measure])} (rank {r['rank']})",
            style.HIGHLIGHT,
        )
    ax.set_xlim(0, len(df) + 6)
    ax.set_xlabel(f"Councils ranked, highest first ({len(df)} with a value in {year})")
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    style.finish(fig, title, subtitle, source)
    top, bottom = df.iloc[0], df.iloc[-1]
    hatched = [n for n in df["council_name"] if n.lower() in fl]
    alt = (
        (f"Hatched, a value the data-quality rules flag: {', '.join(hatched)}. " if hatched else "")
        + f"Bar chart of {len(df)} councils ranked by {' '.join(ylabel.split())} in {year}. Highest {top['council_name']} "
        f"{fmt_value(top[measure])}; lowest {bottom['council_name']} {fmt_value(bottom[measure])}; median "
        f"{fmt_value(df[measure].median())}."
        + (
            " Highlighted: "
            + ", ".join(
                f"{r['council_name']} {fmt_value(r[measure])}"
                for _, r in df[df["council_name"].str.lower().isin(hl)].iterrows()
            )
            if hl
            else ""
        )
    )
    numbers = {
        "year": year,
        "measure": measure,
        "councils": len(df),
        "median": float(df[measure].median()),
        "max": float(df[measure].max()),
        "min": float(df[measure].min()),
        "values": dict(zip(df["council_name"], df[measure].astype(float))),
    }
    return fig, alt, numbers


def by_group(
    df: pd.DataFrame, by: str, measure: str, year: str, ylabel: str, source: str, size: str = "slide"
) -> Drawn:
    """Each council as a dot, grouped by region or council type, with the group median."""
    fig, ax = style.figure(size)
    order = df.groupby(by)[measure].median().sort_values(ascending=False)
    # A beeswarm (seaborn): every council visible, none drawn over another, no random jitter.
    # Imported here, by the one chart that uses it: every other chart's process is 8 MB lighter.
    import seaborn as sns

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "x% of points cannot be placed": they are drawn overlapping
        sns.swarmplot(
            data=df, x=by, y=measure, order=list(order.index), color=TURQUOISE, size=3.2, alpha=0.85, ax=ax, zorder=2
        )
    ax.set_xlabel("")
    for i, med in enumerate(order):
        ax.plot([i - 0.35, i + 0.35], [med, med], color=DARK_BLUE, linewidth=2.5, zorder=3)
    overall = df[measure].median()
    ax.axhline(overall, color=DARK_GREY, linestyle=":", linewidth=1)
    # Labelled in the right margin, clear of the dots; each group's median is printed under its name.
    style.label_margin(ax, overall, f"all councils\n{fmt.number(overall, 1)}", DARK_GREY, fontsize=8)
    names = [str(g).replace(" and The ", " & ").replace(" and ", " & ") for g in order.index]
    ax.set_xticks(range(len(order)), [f"{n}\nmedian {fmt.number(m, 1)}" for n, m in zip(names, order)], fontsize=8)
    style.wrap_ticklabels(ax, "x")
    ax.set_ylabel(ylabel)
    label = "region" if by == "region" else "council type"
    style.finish(
        fig,
        f"Medians ranged from {fmt.number(order.min(), 1)} ({order.index[-1]}) to {fmt.number(order.max(), 1)} "
        f"({order.index[0]}) by {label} in {year}",
        f"Each dot is a council; bars mark each {label}'s median, printed under its name. {ylabel}.",
        source,
    )
    alt = (
        f"Dot plot of councils by {label}, {year}. Medians: "
        + "; ".join(f"{g} {fmt.number(m, 1)}" for g, m in order.items())
        + f". All councils {fmt.number(overall, 1)}."
    )
    return (
        fig,
        alt,
        {
            "year": year,
            "by": by,
            "medians": {str(k): float(v) for k, v in order.items()},
            "overall_median": float(overall),
        },
    )


def threshold_shares(
    shares: pd.DataFrame, thresholds: Sequence[float], changes: Sequence[str], source: str, size: str = "slide"
) -> Drawn:
    """Share of councils below/above each threshold by year, definition changes marked."""
    fig, ax = style.figure(size)
    years = list(shares["year"])
    x = np.arange(len(years))
    t = list(thresholds)
    series = [(f"below_{t[0]:g}_share_pct", f"below {t[0]:g}%", DARK_GREY)]
    series += [(f"above_{v:g}_share_pct", f"above {v:g}%", TURQUOISE) for v in t[1:-1]]
    series += [(f"at_or_above_{t[-1]:g}_share_pct", f"at or above {t[-1]:g}%", DARK_BLUE)]
    breaks = [years.index(y) - 0.5 for y in changes]
    for col, label, color in series:
        style.plot_runs(ax, x, shares[col], breaks, marker="o", color=color, linewidth=2)
        style.label_end(
            ax, x[-1], shares[col].iloc[-1], f"{label}: {fmt.pct(shares[col].iloc[-1], decimals=0)}", color=color, dx=8
        )
    short = {keys.BASIS_DP_ONLY: "count: DPs only", keys.BASIS_DP_AND_PB: "count: DPs + PBs"}
    for y in changes:
        basis = shares.set_index("year").loc[y, keys.DEFINITION_BASIS]
        style.mark_definition_change(ax, years.index(y) - 0.5, short.get(basis, "definition changes"))
    ax.set_xticks(x, years)
    ax.set_xlim(-0.3, len(years) + 0.8)
    ax.set_ylim(-4, 100)  # room for an end label near 0% above the bottom axis
    ax.set_ylabel("% of councils")
    last = shares.iloc[-1]
    style.finish(
        fig,
        f"By {last['year']}, {fmt.pct(last[series[-1][0]], decimals=0)} of councils were at or above {fmt.number(t[-1])}% "
        f"on the proxy, and {fmt.pct(last[series[0][0]], decimals=0)} below {fmt.number(t[0])}%",
        "Proxy take-up: direct payments as a share of community-service receipts at 31 March "
        "(not NI 130). Dashed lines: the count's definition changes; lines break there.",
        source,
    )
    alt = (
        "Line chart of the share of councils by proxy take-up band, by year. "
        + "; ".join(
            f"{r['year']}: " + ", ".join(f"{lab} {fmt.pct(r[c], decimals=0)}" for c, lab, _ in series)
            for _, r in shares.iterrows()
        )
        + (". Definition changes in " + ", ".join(changes) + "." if changes else "")
    )
    return fig, alt, {"shares": shares.to_dict("records"), "definition_changes": list(changes)}


def _end_text(label: str, value: float, width: int = 20) -> str:
    """An end label ("Somerset: 17.8%"), a long council name wrapped so the label stays narrow."""
    return "\n".join(textwrap.wrap(f"{label}: {fmt.pct(value)}", width, break_on_hyphens=False))


def council_series(
    series: pd.DataFrame,
    council: str,
    changes: Sequence[str],
    source: str,
    size: str = "slide",
    later: dict | None = None,
) -> Drawn:
    """One council's proxy take-up by year beside England, its region and its type.

    ``later`` (optional) is a later measure, drawn apart after a marked measure change and never
    joined to the proxy: ``{"years", "council", "england", "measure"}`` with one value per year
    (percent; None where the council has no value, e.g. its boundary changed), and optionally
    ``break_year`` (a framework change: marked, and the lines break there), ``gone_from`` (the first
    year after the council's boundary changed: said on the chart) and ``note`` (why the council has
    no value, for the alt text).
    """
    fig, ax = style.figure(size)
    years = list(series["year"])
    x = np.arange(len(years))
    lines = [
        ("council", council, DARK_BLUE, 2.5),
        ("england", "England", DARK_GREY, 1.5),
        ("region_median", "Region median", TURQUOISE, 1.5),
        ("type_median", "Type median", ORANGE, 1.5),
    ]
    breaks = [years.index(y) - 0.5 for y in changes]
    ends = []
    for col, label, color, lw in lines:
        style.plot_runs(ax, x, series[col], breaks, marker="o", color=color, linewidth=lw)
        last = series[col].dropna()
        if len(last):
            ends.append((x[last.index[-1]], float(last.iloc[-1]), label, color))
    # End labels top to bottom by value, so a nudge keeps their order and the leaders never cross.
    for xe, ye, label, color in sorted(ends, key=lambda e: -e[1]):
        style.label_end(
            ax, xe, ye, _end_text(label, ye), color=color, dx=8, bbox=LABEL_BACKING
        )  # grid lines pass behind
    for y in changes:  # the subtitle says what the dashed lines mean
        style.mark_definition_change(ax, years.index(y) - 0.5, "")
    ticks, ticklabels, right = list(x), list(years), len(years) - 0.7
    top = float(np.nanmax(series[[c for c, *_ in lines]].to_numpy()))
    if later:
        lyears = list(later["years"])
        x0 = len(years) + 1.8  # a gap for the end labels, then the later years
        xl = x0 + np.arange(len(lyears))
        style.mark_definition_change(ax, x0 - 0.75, "measure changes: ASCOF")  # the subtitle names it
        lbreaks = []
        if later.get("break_year") in lyears:
            bx = x0 + lyears.index(later["break_year"]) - 0.5
            lbreaks.append(bx)
            style.mark_definition_change(ax, bx, "")
        for key, label, color, lw in (("england", "England", DARK_GREY, 1.5), ("council", council, DARK_BLUE, 2.5)):
            vals = np.array([np.nan if v is None or pd.isna(v) else float(v) for v in later[key]], dtype=float)
            if np.isnan(vals).all():
                continue
            style.plot_runs(ax, xl, vals, lbreaks, marker="D", markersize=5, color=color, linewidth=lw)
            i = int(np.flatnonzero(~np.isnan(vals))[-1])
            style.label_end(ax, xl[i], vals[i], _end_text(label, vals[i]), color=color, dx=8, bbox=LABEL_BACKING)
            top = max(top, float(np.nanmax(vals)))
        if later.get("gone_from") in lyears:  # say why the council's line stops, on the chart itself
            ax.text(
                x0 + lyears.index(later["gone_from"]) - 0.3,
                2,
                "boundary changed: no value",
                color=DARK_GREY,
                fontsize=8,
                va="bottom",
            )
        ticks += list(xl)
        ticklabels += lyears
        right = xl[-1] + 2.4  # the last year's points and their end labels inside the axes
        # Thirteen years across half a page: each year on two lines ("2017-" over "18").
        ticklabels = [t.replace("-", "-\n", 1) if len(t) == 7 and t[4] == "-" else t for t in ticklabels]
        ax.tick_params(axis="x", labelsize=9)
    ax.set_xticks(ticks, ticklabels)
    ax.set_xlim(-0.3, right)
    upper = max(40, top + 5)
    ax.set_ylim(-0.06 * upper, upper)  # room for an end label at 0% above the bottom axis
    ax.set_ylabel("Proxy take-up, %" if not later else "Share, %")
    run = list(series.loc[series["in_latest_run"].astype(bool), "year"]) if "in_latest_run" in series else []
    v = series.set_index("year")["council"]
    if v.isna().all():
        title = f"{council}: no proxy take-up value available"
    elif len(run) >= 2:
        a, z = round(v[run[0]], 1), round(v[run[-1]], 1)  # the title compares what it prints
        word = fmt.movement(a, z)  # a change under half a point is about the same
        change = (
            f"{word} from {fmt.pct(a)} to {fmt.pct(z)}"
            if word != "stayed about the same"
            else (f"stayed about the same ({fmt.pct(a)} and {fmt.pct(z)})")
        )
        title = f"{council}: proxy take-up {change} between {run[0]} and {run[-1]}, on one count definition"
    else:
        latest = v.dropna().index[-1]
        title = f"{council}: proxy take-up {fmt.pct(v[latest])} in {latest}"
    subtitle = (
        "Direct payments as a share of community-service receipts at 31 March (not NI 130); "
        "dashed lines mark definition changes, and the lines break there."
    )
    if later:
        subtitle = (
            f"To {years[-1]}: proxy take-up, direct payments as a share of community-service receipts at 31 March "
            f"(not NI 130). From {later['years'][0]}: {later['measure']}, a different measure, not joined to the "
            "proxy. Dashed lines mark definition changes"
            + (f" ({later['break_year']}: a framework change)" if later.get("break_year") else "")
            + "; the lines break there."
        )
    style.finish(fig, title, subtitle, source)
    alt = f"Line chart of proxy take-up for {council}, England, region median and type median by year. " + "; ".join(
        f"{r['year']}: {council} {fmt.pct(r['council'])}, England {fmt.pct(r['england'])}"
        for _, r in series.iterrows()
        if pd.notna(r["council"])
    )
    if later:
        parts = []
        for y, c, e in zip(later["years"], later["council"], later["england"]):
            mine = f"{council} {fmt.pct(c)}" if c is not None and not pd.isna(c) else f"no value for {council}"
            parts.append(f"{y}: {mine}, England {fmt.pct(e)}")
        alt += f". Then, on a different measure ({later['measure']}), not joined to the proxy: " + "; ".join(parts)
        if later.get("break_year"):
            alt += f"; {later['break_year']} follows a framework change and is not joined to the years before"
        if later.get("note"):
            alt += f". {later['note']}"
    numbers = {"council": council, "series": series.to_dict("records"), "definition_changes": list(changes)}
    if later:
        numbers["later"] = later
    return fig, alt, numbers


def council_comparison(values: pd.DataFrame, council: str, year: str, source: str, size: str = "slide") -> Drawn:
    """A council's proxy take-up in one year beside England, region and type medians."""
    fig, ax = style.figure(size)
    colors = [DARK_BLUE] + [MID_GREY] * (len(values) - 1)
    ax.barh(np.arange(len(values)), values["value"].fillna(0), color=colors)
    ax.set_yticks(np.arange(len(values)), ["\n".join(textwrap.wrap(str(v), 24)) for v in values["label"]])
    for i, v in enumerate(values["value"]):
        ax.text((0 if pd.isna(v) else v) + 0.5, i, "n/a" if pd.isna(v) else fmt.pct(v), va="center", fontsize=10)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x")
    ax.set_xlabel("Proxy take-up, %")
    c, e = values.iloc[0]["value"], values.iloc[1]["value"]
    rel = "above" if c > e else "below" if c < e else "level with"
    style.finish(
        fig,
        f"{council} was {rel} England on proxy take-up in {year} ({fmt.pct(c)} against {fmt.pct(e)})"
        if pd.notna(c)
        else f"{council}: no proxy take-up value in {year}",
        "Direct payments as a share of community-service receipts at 31 March (not NI 130).",
        source,
    )
    alt = f"Bar chart, {year}: " + "; ".join(
        f"{lab} {fmt.pct(v)}" for lab, v in zip(values["label"], values["value"]) if pd.notna(v)
    )
    return fig, alt, {"year": year, "values": values.to_dict("records")}
