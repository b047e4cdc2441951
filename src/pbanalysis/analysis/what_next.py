"""What happened next: ASCOF measure 1C in 2020-21, England and every council.

Computed from ``data/raw/ascof_1c_2020_21.csv`` (see
:mod:`pbanalysis.sources.ascof`), ``data/raw/councils.csv`` and
``data/reference/council_successors.csv``. Measure 1C is a different measure from
everything else in the report: it is neither NI 130 (the take-up indicator
the articles quote) nor the PSS-EX1 count of people on direct payments at 31
March, so its 2020-21 values stand beside the earlier years, never on one
line with them.

Library entry points (the notebook ``what_next``, the claims check and the
briefing packs call these):

* :func:`england` - England's 1C1A and 1C2A values, numerators and denominators;
* :func:`council_table` - one row per 2020-21 council;
* :func:`spread` - how many councils published, reached 100%, were suppressed,
  and the quartiles of the share;
* :func:`council_value` - one council's 2020-21 values, by 2009-2014 or 2020-21
  name, CASSR code or GSS code, across boundary changes;
* :func:`against_target` - a reported target (a register figure) against the
  2020-21 outcome, with what the comparison can and cannot show;
* :func:`sentences` - the notebook's narrative, generated from the above, as named findings
  (:class:`Findings2021`); :func:`trend_sentences` does the same for the 2017-18 to 2023-24 series
  (:class:`TrendFindings`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from pbanalysis.analysis import measures, ranks, register
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.sources import ascof, ascof_trend, lookup

if TYPE_CHECKING:
    from collections.abc import Iterable

YEAR = ascof.YEAR
SDS, DP = "1C1A", "1C2A"

#: The measures' exact names (ASCOF 1C, parts 1A and 2A).
MEASURE_NAMES = {
    SDS: "ASCOF 1C(1A): the proportion of people using social care who receive self-directed support",
    DP: "ASCOF 1C(2A): the proportion of people using social care who receive direct payments",
}
DENOMINATOR_TEXT = "people using social care who received long-term community support at 31 March 2021"
NOT_THE_SAME = (
    "ASCOF 1C is not NI 130 (clients and carers receiving self-directed support during the year, the "
    "indicator the articles quote) and not the PSS-EX1 count of people on direct payments at 31 March "
    "used for 2008-09 to 2013-14: its denominator is people receiving long-term community support, "
    "carers are counted apart, and it starts from a different return. Read 2020-21 beside the earlier "
    "years, not as a continuation of their trend."
)
BOUNDARY_TEXT = {
    "unchanged": "same council, same area",
    "same_area": "new council over the same area (compared one-to-one)",
    "boundary_changed": "boundary changed: no one-to-one successor, not compared",
}


@functools.lru_cache(maxsize=1)
def _extract() -> pd.DataFrame:
    return ascof.load_1c(paths.ASCOF_1C_CSV)


def _data(df: pd.DataFrame | None) -> pd.DataFrame:
    return _extract() if df is None else df


def _int(v) -> int | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def england(df: pd.DataFrame | None = None) -> dict:
    """England 2020-21: ``sds_pct`` and ``dp_pct`` (percent, as published) with numerators and denominators (people)."""
    if df is None:
        return dict(_default_england())  # read once per process: every briefing pack asks
    return _england(df)


@functools.lru_cache(maxsize=1)
def _default_england() -> dict:
    return _england(None)


def _england(df: pd.DataFrame | None) -> dict:
    df = _data(df)
    out = {"year": YEAR, "area": "England"}
    for key, group in (("sds", SDS), ("dp", DP)):
        row = ascof.shares(df, group, level="england").iloc[0]
        out[f"{key}_pct"] = _num(row["outcome"])
        out[f"{key}_numerator"] = _int(row["numerator"])
        out[f"{key}_denominator"] = _int(row["denominator"])
        out[f"{key}_measure"] = MEASURE_NAMES[group]
    return out


def council_table(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per 2020-21 council: CASSR and GSS codes, the 2009-2014 council, boundary, and for
    self-directed support (``sds_``) and direct payments (``dp_``) the numerator and denominator
    (people) and the published outcome (``_pct``, percent), with the outcome's suppression flag."""
    df = _data(df)
    parts = []
    for key, group in (("sds", SDS), ("dp", DP)):
        w = ascof.shares(df, group, level="council").set_index("area_code")
        w = w.rename(
            columns={
                "numerator": f"{key}_numerator",
                "denominator": f"{key}_denominator",
                "outcome": f"{key}_pct",
                "flag": f"{key}_flag",
                "flag_reason": f"{key}_flag_reason",
            }
        )
        keep = [f"{key}_numerator", f"{key}_denominator", f"{key}_pct", f"{key}_flag", f"{key}_flag_reason"]
        if not parts:
            parts.append(w[["area_name", "gss_code", "council_code_2009_14", "boundary"]])
        parts.append(w[keep])
    out = pd.concat(parts, axis=1).reset_index()
    return out.rename(columns={"area_code": "council_code", "area_name": "council_name"})


def missing_word(flag: object) -> str:
    """A missing value's mark in words: [c] is suppressed (small numbers withheld), anything else
    ([x]) not available."""
    return "suppressed" if flag == "[c]" else "not available"


def spread(df: pd.DataFrame | None = None, group: str = SDS) -> dict:
    """Across councils, for one measure group: counts (councils), quartiles (percent), lowest and highest.

    ``at_100`` counts councils publishing 100.0; ``everyone`` those whose numerator equals the
    denominator; ``suppressed`` lists the councils with no published outcome, each with its mark in
    words (suppressed for [c], not available for [x]).
    """
    w = ascof.shares(_data(df), group, level="council")
    pub = w[w["outcome"].notna()].sort_values(["outcome", "area_name"], kind="stable")
    q = pub["outcome"].quantile([0.25, 0.5, 0.75])
    low, high = pub.iloc[0], pub.iloc[-1]
    return {
        "group": group,
        "measure": MEASURE_NAMES.get(group, group),
        "councils": len(w),
        "published": len(pub),
        "suppressed": [f"{r.area_name}: {missing_word(r.flag)}, {r.flag}" for r in w[w["outcome"].isna()].itertuples()],
        "at_100": int((pub["outcome"] >= 100).sum()),
        "everyone": int((pub["numerator"] == pub["denominator"]).sum()),
        "below_50": int((pub["outcome"] < 50).sum()),
        "q1": float(q.loc[0.25]),
        "median": float(q.loc[0.5]),
        "q3": float(q.loc[0.75]),
        "min": float(low["outcome"]),
        "min_council": low["area_name"],
        "max": float(high["outcome"]),
        "max_council": high["area_name"],
    }


@functools.lru_cache(maxsize=1)
def _default_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The council table, councils.csv and council_successors.csv, read once (for repeated look-ups)."""
    councils = pd.read_csv(paths.COUNCILS_CSV, dtype=str, keep_default_na=False)
    return council_table(), councils, lookup.read_successors()


def _values(row) -> dict:
    return {
        "sds_pct": _num(row["sds_pct"]),
        "sds_numerator": _int(row["sds_numerator"]),
        "sds_denominator": _int(row["sds_denominator"]),
        "dp_pct": _num(row["dp_pct"]),
        "dp_numerator": _int(row["dp_numerator"]),
        "dp_denominator": _int(row["dp_denominator"]),
        "flag": row["sds_flag"],
        "flag_reason": row["sds_flag_reason"],
    }


def _rank_rows(table: pd.DataFrame, column: str = "sds_pct") -> pd.DataFrame:
    """Every council with a published ``column`` ranked by the one rank rule (:func:`ranks.rank`,
    ceiling 100%), indexed by council code. Kept by the column's content (a batch of packs ranks
    the same year once, not once a council; a table changed in place is ranked afresh); read-only."""
    pub = table[table[column].notna()]
    return _ranked(tuple(pub["council_code"]), tuple(pub[column]), column)


@functools.lru_cache(maxsize=8)
def _ranked(codes: tuple, values: tuple, column: str) -> pd.DataFrame:
    series = pd.Series(values, index=pd.Index(codes, name="council_code"), name=column, dtype=float)
    return ranks.rank(series, ceiling=100.0, show=measures.share_text)


def _rank(table: pd.DataFrame, code: str) -> tuple[int | None, int]:
    """(rank, councils ranked) of one council on self-directed support: ties share the best rank;
    None where it has no value (or sits at a crowded 100%)."""
    r = _rank_rows(table)
    if code not in r.index or pd.isna(r.at[code, "rank"]):
        return None, len(r)
    return int(r.at[code, "rank"]), len(r)


def council_value(
    code_or_name: str,
    df: pd.DataFrame | None = None,
    councils: pd.DataFrame | None = None,
    successors: pd.DataFrame | None = None,
) -> dict:
    """One council's 2020-21 ASCOF 1C values, found by name, CASSR code or GSS code (any case) with
    the one council look-up (:func:`pbanalysis.analysis.measures.find_council`).

    A 2009-2014 council (``councils.csv``, or a later council over its area) is looked up first, then
    a 2020-21 council formed over a changed boundary. Returns
    a dict: ``council_code_2009_14``, ``council_name``, ``ascof_code``, ``ascof_name``,
    ``gss_code``, ``boundary`` (unchanged, same_area or boundary_changed), ``comparable``
    (bool), ``sds_pct``/``dp_pct`` (percent) with numerators and denominators (people), or
    None where suppressed or where the boundary changed (then ``successors`` lists the
    later councils and their own values, never merged or split), ``flag``, ``flag_reason``,
    ``rank`` (1 = highest self-directed support share) of ``ranked`` councils, and ``note``.
    Raises ParameterError naming the closest matches when nothing matches.
    """
    table = _default_tables()[0] if df is None else council_table(df)
    councils = _default_tables()[1] if councils is None else councils
    successors = _default_tables()[2] if successors is None else successors
    found = measures.find_council(code_or_name, councils, successors, later=table)
    base = {
        "query": str(code_or_name).strip(),
        "year": YEAR,
        "measure_sds": MEASURE_NAMES[SDS],
        "measure_dp": MEASURE_NAMES[DP],
    }
    if found["later"]:  # a 2020-21 council formed over a changed boundary: its own values
        base.update({"council_code_2009_14": None, "council_name": found["council_name"]})
        return _result(base, found, table)
    c = found
    base.update({"council_code_2009_14": c["council_code"], "council_name": c["council_name"]})
    rows = table[table["council_code_2009_14"] == c["council_code"]]
    if len(rows) == 1:
        return _result(base, rows.iloc[0], table)
    succ = successors[successors["council_code_2009_14"] == c["council_code"]]
    later = table[table["council_code"].isin(succ["successor_code"])]
    names = ", ".join(f"{r.successor_name} ({r.successor_gss_code})" for r in succ.itertuples())
    return {
        **base,
        "ascof_code": None,
        "ascof_name": None,
        "gss_code": c["gss_code"],
        "boundary": "boundary_changed",
        "comparable": False,
        **dict.fromkeys(["sds_pct", "sds_numerator", "sds_denominator", "dp_pct", "dp_numerator", "dp_denominator"]),
        "flag": "",
        "flag_reason": "",
        "rank": None,
        "ranked": _rank(table, "")[1],
        "successors": [
            {"council_code": r["council_code"], "council_name": r["council_name"], **_values(r)}
            for _, r in later.iterrows()
        ],
        "note": f"{c['council_name']}'s boundary changed on {succ['changed_on'].iloc[0]}; in {YEAR} its area "
        f"was part of {names}. {BOUNDARY_TEXT['boundary_changed'].capitalize()}.",
    }


def _result(base: dict, r, table: pd.DataFrame) -> dict:
    rank, ranked = _rank(table, r["council_code"])
    comparable = r["boundary"] in ("unchanged", "same_area")
    vals = _values(r)
    note = BOUNDARY_TEXT[r["boundary"]].capitalize() + "."
    if r["boundary"] == "same_area":
        note = f"{r['council_name']} ({r['council_code']}, {r['gss_code']}) is a {BOUNDARY_TEXT['same_area']}."
    if vals["flag"]:
        note += f" The {YEAR} figure is {missing_word(vals['flag'])} ({vals['flag']}): {vals['flag_reason']}."
    return {
        **base,
        "ascof_code": r["council_code"],
        "ascof_name": r["council_name"],
        "gss_code": r["gss_code"],
        "boundary": r["boundary"],
        "comparable": comparable,
        **vals,
        "rank": rank,
        "ranked": ranked,
        "successors": [],
        "note": note,
    }


def against_target(figure_id: str, register_frame: pd.DataFrame | None = None, df: pd.DataFrame | None = None) -> dict:
    """A reported target (a register figure in percent) against England's and councils' 2020-21 1C1A.

    Returns the figure's value, period and statement, England's 2020-21 share (percent), the gap
    (percentage points, target minus outcome), councils at or above the target of those published,
    and ``can_show`` / ``cannot_show``: what this comparison says about the target date.
    """
    reg = register.load_register() if register_frame is None else register_frame
    row = reg.set_index("figure_id").loc[figure_id]
    if row["unit"] != "percent":
        raise ParameterError("figure_id", figure_id, "a register figure in percent")
    eng, sp = england(df), spread(df)
    w = ascof.shares(_data(df), SDS, level="council")
    at = int((w["outcome"] >= float(row["value"])).sum())
    return {
        "figure_id": figure_id,
        "statement": row["statement"],
        "target_pct": float(row["value"]),
        "target_period": str(row["period"]),
        "year": YEAR,
        "measure": MEASURE_NAMES[SDS],
        "england_pct": eng["sds_pct"],
        "england_numerator": eng["sds_numerator"],
        "england_denominator": eng["sds_denominator"],
        "gap_points": round(float(row["value"]) - eng["sds_pct"], 1),
        "councils_at_target": at,
        "councils_published": sp["published"],
        "councils": sp["councils"],
        "can_show": (
            f"Whether England and each council had reached the level by {YEAR}: England stood at "
            f"{fmt.pct(eng['sds_pct'])}, and {at} of {sp['published']} councils with a published figure were at or "
            f"above {float(row['value']):g}%."
        ),
        "cannot_show": (
            f"Whether the target was met by its date ({row['period']}): no council-level measure exists for "
            f"{NO_MEASURE_YEARS}, and the 2020-21 measure counts people receiving long-term "
            f"community support, not everyone eligible. " + NOT_THE_SAME
        ),
    }


def _pct(v: float | None) -> str:
    return "not published" if v is None else f"{fmt.pct(v)}"


@dataclass(frozen=True)
class Findings2021:
    """The findings of 2020-21, each a sentence made from the data; iterating gives them in reading order."""

    #: England's self-directed support and direct payments, with numerators and denominators.
    england: str
    #: England and the councils against the register's target (None when no target is given).
    against_target: str | None
    #: Councils at 100% self-directed support, and those suppressed.
    at_100: str
    #: The range, quartiles and median of councils on both measures.
    spread: str
    #: One sentence a named council, in the order they were named.
    named_councils: tuple[str, ...]
    #: What measure 1C is not (NI 130, PSS-EX1).
    not_the_same: str

    @property
    def overview(self) -> list[str]:
        """England, the target (if any), councils at 100% and the spread: the opening paragraph."""
        return [s for s in (self.england, self.against_target, self.at_100, self.spread) if s is not None]

    def __iter__(self):
        yield from (*self.overview, *self.named_councils, self.not_the_same)


def sentences(
    named_councils: Iterable[str] = ("Somerset", "Manchester"),
    target_figure: str | None = None,
    df: pd.DataFrame | None = None,
) -> Findings2021:
    """The narrative of "what happened next" in 2020-21, generated from the data, as named findings."""
    eng, sp, dp = england(df), spread(df, SDS), spread(df, DP)
    england_text = (
        f"In {YEAR}, {fmt.pct(eng['sds_pct'])} of people using social care in England received self-directed "
        f"support ({fmt.count(eng['sds_numerator'])} of {fmt.count(eng['sds_denominator'])} {DENOMINATOR_TEXT}); "
        f"{fmt.pct(eng['dp_pct'])} received direct payments ({fmt.count(eng['dp_numerator'])} of {fmt.count(eng['dp_denominator'])}). "
        f"The measures are {MEASURE_NAMES[SDS]}, and {MEASURE_NAMES[DP]}."
    )
    target_text = None
    if target_figure:
        t = against_target(target_figure, df=df)
        target_text = (
            f"Against the target recorded in the register ({t['statement'].rstrip('.')}; {t['target_pct']:g}% "
            f"by {t['target_period']}), England was {fmt.number(t['gap_points'], 1)} percentage points short in {YEAR}, and "
            f"{t['councils_at_target']} of {t['councils_published']} councils were at {t['target_pct']:g}%. "
            f"Measure 1C counts people receiving long-term community support, not everyone eligible, and "
            f"no council-level measure exists for {NO_MEASURE_YEARS}, so it cannot say whether the target "
            f"was met on its date."
        )
    at_100 = (
        f"{sp['at_100']} of the {sp['published']} councils with a published figure reported 100.0% self-directed "
        f"support ({sp['everyone']} of them counted every person); "
        f"{len(sp['suppressed'])} of {sp['councils']} councils had no published figure"
        + (f" ({', '.join(sp['suppressed'])})." if sp["suppressed"] else ".")
    )
    spread_text = (
        f"Across councils, self-directed support ranged from {fmt.pct(sp['min'])} ({sp['min_council']}) to "
        f"{fmt.pct(sp['max'])}; half of councils were between {fmt.pct(sp['q1'])} and {fmt.pct(sp['q3'])} "
        f"(median {fmt.pct(sp['median'])}), and {sp['below_50']} were below 50%. Direct payments ranged from "
        f"{fmt.pct(dp['min'])} ({dp['min_council']}) to {fmt.pct(dp['max'])} ({dp['max_council']}), median {fmt.pct(dp['median'])}."
    )
    named = []
    for name in named_councils:
        v = council_value(name, df=df)
        if v["comparable"] and v["sds_pct"] is not None:
            named.append(
                f"{v['council_name']}: {_pct(v['sds_pct'])} self-directed support ({fmt.count(v['sds_numerator'])} of "
                f"{fmt.count(v['sds_denominator'])}; {v['rank'] - 1} of {v['ranked']} councils reported a higher share), and "
                f"{_pct(v['dp_pct'])} on direct payments ({fmt.count(v['dp_numerator'])} of {fmt.count(v['dp_denominator'])})."
            )
        else:
            named.append(f"{v['council_name']}: {v['note']}")
    return Findings2021(england_text, target_text, at_100, spread_text, tuple(named), NOT_THE_SAME)


# =========================================================================== the series, 2017-18 to 2023-24
#
# Read from data/raw/ascof_sds_dp_2017_18_to_2023_24.csv (pbanalysis.sources.ascof_trend), compiled from
# NHS Digital's ASCOF files. Published outcomes only (percent): no numerators or denominators. A
# council is followed across years by its 2009-2014 code where it is one-to-one with one (unchanged
# or same area), else by its GSS code: a council whose boundary changed starts a series of its own.

TREND_YEARS = ascof_trend.YEARS
BREAK_YEAR = ascof_trend.BREAK_YEAR
BREAK_TEXT = ascof_trend.BREAK_TEXT
#: The years of one definition (before the 2023-24 framework change).
SAME_DEFINITION_YEARS = tuple(y for y in TREND_YEARS if y < BREAK_YEAR)
TREND_MEASURE_NAMES = {SDS: "self-directed support", DP: "direct payments"}
COMPILED_FROM = "compiled from NHS Digital's ASCOF files"
#: A council's share moving this many percentage points or more in one year is flagged as a possible
#: recording change, not read as a trend: England's share never moved more than 3 points in a year,
#: and a real change in how many of the same people hold self-directed support is not that quick.
JUMP_POINTS = 20.0
JUMP_TEXT = (
    f"a change of {JUMP_POINTS:.0f} percentage points or more from one year to the next is flagged as a possible "
    "change in recording, not read as a trend"
)
#: "Stayed lowest": among the this many lowest councils in every year of one definition that it published.
LOWEST_N = 10
NO_MEASURE_YEARS = "2010-11 to 2016-17"


@functools.lru_cache(maxsize=1)
def _trend_extract() -> pd.DataFrame:
    return ascof_trend.load_trend(paths.ASCOF_TREND_CSV)


def _trend(df: pd.DataFrame | None) -> pd.DataFrame:
    return _trend_extract() if df is None else df


def _check_group(group: str) -> None:
    if group not in TREND_MEASURE_NAMES:
        raise ParameterError("group", group, list(TREND_MEASURE_NAMES))


def trend_series(group: str = SDS, level: str = "england", df: pd.DataFrame | None = None) -> pd.DataFrame:
    """One measure's published values by year for ``level`` (england, region, council_type or council).

    Columns: year, area_name, gss_code, key (how a council is followed across years), value
    (percent), definition_break (bool: the 2023-24 framework change), boundary.
    """
    _check_group(group)
    t = _trend(df)
    s = t[(t["measure_group"] == group) & (t["area_level"] == level)].copy()
    s["key"] = s["council_code_2009_14"].where(s["council_code_2009_14"] != "", s["gss_code"])
    if level != "council":
        s["key"] = s["gss_code"].where(s["gss_code"] != "", s["area_name"])
        # Region names vary across years ("Eastern" / "East of England"): one name, the latest.
        latest = s.sort_values("year").groupby("key")["area_name"].last()
        s["area_name"] = s["key"].map(latest)
    s["definition_break"] = s["year"] >= BREAK_YEAR
    cols = ["year", "area_name", "gss_code", "key", "value", "definition_break", "boundary"]
    return s[cols].sort_values(["year", "key"], kind="stable").reset_index(drop=True)


def england_series(group: str = SDS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """England by year (year, value in percent, definition_break)."""
    return trend_series(group, "england", df)[["year", "value", "definition_break"]]


def region_series(group: str = SDS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every region by year, wide: one row per year, one column per region (percent)."""
    s = trend_series(group, "region", df)
    return s.pivot(index="year", columns="area_name", values="value").reindex(list(TREND_YEARS))


def council_spread_by_year(group: str = SDS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """The spread of councils in each year: councils published, at 100%, below 50%, min, quartiles, max.

    Columns: year, councils, at_100, below_50, min, q1, median, q3, max (percent), min_council,
    max_councils (the number at the maximum), definition_break.
    """
    s = trend_series(group, "council", df)
    rows = []
    for year in TREND_YEARS:
        y = s[s["year"] == year].sort_values(["value", "area_name"], kind="stable")
        q = y["value"].quantile([0.25, 0.5, 0.75])
        rows.append(
            {
                "year": year,
                "councils": len(y),
                "at_100": int((y["value"] >= 100).sum()),
                "below_50": int((y["value"] < 50).sum()),
                "min": float(y["value"].min()),
                "q1": float(q.loc[0.25]),
                "median": float(q.loc[0.5]),
                "q3": float(q.loc[0.75]),
                "max": float(y["value"].max()),
                "min_council": y.iloc[0]["area_name"],
                "max_councils": int((y["value"] == y["value"].max()).sum()),
                "definition_break": year >= BREAK_YEAR,
            }
        )
    return pd.DataFrame(rows)


def england_best(group: str = SDS, df: pd.DataFrame | None = None) -> dict:
    """England's highest year and value (percent), and whether any year reached 100%.

    Ties go to the earliest year. ``in_break`` says the best year is 2023-24 (the new framework).
    """
    e = england_series(group, df)
    best = e.sort_values(["value", "year"], ascending=[False, True], kind="stable").iloc[0]
    low = e.sort_values(["value", "year"], kind="stable").iloc[0]
    return {
        "group": group,
        "year": best["year"],
        "value": float(best["value"]),
        "in_break": bool(best["definition_break"]),
        "lowest_year": low["year"],
        "lowest_value": float(low["value"]),
        "any_100": bool((e["value"] >= 100).any()),
        "years_at_100": list(e[e["value"] >= 100]["year"]),
        "series": dict(zip(e["year"], e["value"].astype(float))),
    }


def council_ranks(group: str = SDS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every council's value and rank in each year by the one rank rule (:func:`ranks.rank`): 1 =
    highest share; ties share the best rank; where most councils sit at 100% they are not ranked.

    Columns: year, key, area_name, gss_code, boundary, value (percent), rank (Int64), of (councils
    published), tied (how many others share the value), rank_short ("=1st") and rank_text (in words).
    """
    s = trend_series(group, "council", df)
    r = pd.concat(
        [ranks.rank(g["value"], ceiling=100.0, show=measures.share_text) for _, g in s.groupby("year", sort=False)]
    ).reindex(s.index)
    s["rank"] = r["rank"]
    s["of"] = s.groupby("year")["value"].transform("size").astype(int)
    s["tied"] = r["tied"].astype(int)
    s["rank_short"] = r["short"]
    s["rank_text"] = r["text"]
    return s[
        ["year", "key", "area_name", "gss_code", "boundary", "value", "rank", "of", "tied", "rank_short", "rank_text"]
    ]


def stayed_lowest(group: str = SDS, n: int = LOWEST_N, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Councils among the ``n`` lowest in every year of one definition (2017-18 to 2022-23) they published.

    A council must have published in at least all but one of those years. Columns: key,
    area_name, years (published), values (year -> percent), highest (its best value) and
    values_text (the values in words).
    """

    r = council_ranks(group, df)
    r = r[r["year"].isin(SAME_DEFINITION_YEARS)].copy()
    # Lowest n: rank counted from the bottom (ties share the lowest place).
    r["from_bottom"] = r.groupby("year")["value"].rank(method="min", ascending=True)
    out = []
    for key, g in r.groupby("key"):
        if len(g) >= len(SAME_DEFINITION_YEARS) - 1 and (g["from_bottom"] <= n).all():
            out.append(
                {
                    "key": key,
                    "area_name": g.sort_values("year")["area_name"].iloc[-1],
                    "years": len(g),
                    "values": dict(zip(g["year"], g["value"].astype(float))),
                    "highest": float(g["value"].max()),
                    "values_text": "; ".join(f"{y} {fmt.pct(v)}" for y, v in zip(g["year"], g["value"])),
                }
            )
    cols = ["key", "area_name", "years", "values", "highest", "values_text"]
    return pd.DataFrame(out, columns=cols).sort_values(["highest", "area_name"], kind="stable").reset_index(drop=True)


def jumps(group: str = SDS, threshold: float = JUMP_POINTS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every council's year-on-year change, and whether it is flagged as a possible recording change.

    Only consecutive years of the same council (same area) are compared. Columns: key, area_name,
    from_year, to_year, from_value, to_value, change (percentage points), across_break (the
    2023-24 framework change lies between them) and flagged (``abs(change) >= threshold``).
    """
    s = trend_series(group, "council", df)
    order = {y: i for i, y in enumerate(TREND_YEARS)}
    rows = []
    for key, g in s.groupby("key"):
        g = g.sort_values("year")
        for a, b in zip(g.itertuples(), list(g.itertuples())[1:]):
            if order[b.year] != order[a.year] + 1:
                continue
            change = round(float(b.value) - float(a.value), 1)
            rows.append(
                {
                    "key": key,
                    "area_name": b.area_name,
                    "from_year": a.year,
                    "to_year": b.year,
                    "from_value": float(a.value),
                    "to_value": float(b.value),
                    "change": change,
                    "across_break": b.year == BREAK_YEAR,
                    "flagged": abs(change) >= threshold,
                }
            )
    cols = ["key", "area_name", "from_year", "to_year", "from_value", "to_value", "change", "across_break", "flagged"]
    return pd.DataFrame(rows, columns=cols).sort_values(["to_year", "area_name"], kind="stable").reset_index(drop=True)


def flagged_jumps(group: str = SDS, threshold: float = JUMP_POINTS, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """The changes :func:`jumps` flags, largest first, with ``size`` (points, unsigned) and ``framework``."""
    j = jumps(group, threshold, df)
    j = j[j["flagged"]].copy()
    j["size"] = j["change"].abs()
    j["framework"] = ["across the 2023-24 framework change" if b else "one framework" for b in j["across_break"]]
    j["_a"] = -j["change"].abs()
    return j.sort_values(["_a", "area_name", "to_year"], kind="stable").drop(columns="_a").reset_index(drop=True)


def jump_text(row: pd.Series | dict) -> str:
    """One flagged change, in words that never read it as a change in take-up."""

    text = (
        f"{row['area_name']}: {fmt.pct(row['from_value'])} in {row['from_year']}, {fmt.pct(row['to_value'])} in "
        f"{row['to_year']} ({fmt.points(abs(row['change']))}), flagged as a possible change in recording"
    )
    if row["across_break"]:
        text += " (and across the 2023-24 framework change)"
    return text


def _trend_councils(t: pd.DataFrame) -> pd.DataFrame:
    """The councils of the ASCOF series (``gss_code``, ``council_name``, ``council_code_2009_14``), for
    :func:`pbanalysis.analysis.measures.find_council` to find a later council by."""
    c = t.loc[t["area_level"] == "council", ["gss_code", "area_name", "council_code_2009_14"]]
    return c.drop_duplicates().rename(columns={"area_name": "council_name"})


@functools.lru_cache(maxsize=1)
def _default_trend_councils() -> pd.DataFrame:
    return _trend_councils(_trend(None))


def council_trend(
    code_or_name: str,
    df: pd.DataFrame | None = None,
    councils: pd.DataFrame | None = None,
    successors: pd.DataFrame | None = None,
    threshold: float = JUMP_POINTS,
) -> dict:
    """One council's ASCOF story, 2017-18 to 2023-24, for its briefing pack.

    Found by 2009-2014 name, CASSR or GSS code, or a later council's name or GSS code
    (:func:`pbanalysis.analysis.measures.find_council`). Returns
    ``council_name``, ``years``: one dict per year with ``year``, ``area_name`` (the council the
    value belongs to), ``gss_code``, ``status`` (published, not_published, or boundary_changed),
    ``sds_pct``/``dp_pct`` (percent or None), ``sds_rank``/``dp_rank`` of ``sds_of``/``dp_of``
    councils (1 = highest), ``successors`` (names, where the boundary changed: never a value of
    another area), ``definition_break``, and ``text`` (the year in words); ``jumps``: the flagged
    changes (see :func:`jumps`) with their ``text``; ``threshold``, ``break_text``, ``source``.
    """
    t = _trend(df)
    councils = _default_tables()[1] if councils is None else councils
    successors = _default_tables()[2] if successors is None else successors
    found = measures.find_council(
        code_or_name, councils, successors, later=_default_trend_councils() if df is None else _trend_councils(t)
    )
    old, gss = (None, found["gss_code"]) if found["later"] else (found, None)
    # Every briefing pack asks: on the committed extract, rank and compare once per process.
    ranks = {g: _default_ranks(g) if df is None else council_ranks(g, df) for g in (SDS, DP)}
    if old is not None:
        key, name = old["council_code"], old["council_name"]
        changes = successors[successors["council_code_2009_14"] == key]
    else:
        key = gss
        name = ranks[SDS][ranks[SDS]["gss_code"] == gss].sort_values("year")["area_name"].iloc[-1]
        changes = successors.iloc[0:0]

    index = {g: _rank_index(ranks[g]) if df is not None else _default_rank_index(g) for g in (SDS, DP)}
    years = []
    for year in TREND_YEARS:
        start = f"{year[:4]}-04-01"
        rec = {"year": year, "definition_break": year >= BREAK_YEAR, "successors": []}
        got = {g: index[g][0].get((key, year)) for g in (SDS, DP)}
        gone = changes[(changes["relation"] == "boundary_changed") & (changes["changed_on"] <= start)]
        for g, k in ((SDS, "sds"), (DP, "dp")):
            r = got[g]
            rec[f"{k}_pct"] = float(r["value"]) if r else None
            rec[f"{k}_rank"] = int(r["rank"]) if r and not pd.isna(r["rank"]) else None
            rec[f"{k}_of"] = index[g][1][year]
            rec[f"{k}_tied"] = int(r["tied"]) if r else 0
            rec[f"{k}_rank_short"] = r["rank_short"] if r else ""
            rec[f"{k}_rank_text"] = r["rank_text"] if r else ""
        first = got[SDS] or got[DP]
        rec["area_name"] = first["area_name"] if first else name
        rec["gss_code"] = first["gss_code"] if first else ""
        if len(gone) and not first:
            rec["status"] = "boundary_changed"
            rec["successors"] = list(gone["successor_name"])
            rec["text"] = (
                f"{year}: boundary changed on {gone['changed_on'].iloc[0]}; the area was part of "
                f"{' and '.join(rec['successors'])}, not compared"
            )
        elif not first:
            rec["status"] = "not_published"
            rec["text"] = f"{year}: no published value ([x] not available)"
        else:
            rec["status"] = "published"
            parts = []
            for k, label in (("sds", "self-directed support"), ("dp", "direct payments")):
                v = rec[f"{k}_pct"]
                parts.append(f"{label} {fmt.pct(v)}" + (f" ({rec[f'{k}_rank_text']})" if v is not None else ""))
            rec["text"] = f"{year}: " + ", ".join(parts) + (" [definition break]" if rec["definition_break"] else "")
        years.append(rec)
    flagged = []
    for g in (SDS, DP):
        j = _default_jumps(g, threshold) if df is None else jumps(g, threshold, df)
        for _, r in j[(j["key"] == key) & j["flagged"]].iterrows():
            flagged.append({"group": g, "measure": TREND_MEASURE_NAMES[g], **r.to_dict(), "text": jump_text(r)})
    return {
        "query": str(code_or_name),
        "council_name": name,
        "key": key,
        "years": years,
        "jumps": flagged,
        "threshold": threshold,
        "jump_rule": JUMP_TEXT,
        "break_text": BREAK_TEXT,
        "source": COMPILED_FROM,
    }


@functools.lru_cache(maxsize=4)
def _default_ranks(group: str) -> pd.DataFrame:
    return council_ranks(group)


def _rank_index(r: pd.DataFrame) -> tuple[dict, dict]:
    """({(key, year): that council's row as a dict}, {year: councils ranked}) of :func:`council_ranks`."""
    rows = {(x["key"], x["year"]): x for x in r.to_dict("records")}
    return rows, r.groupby("year")["of"].first().astype(int).to_dict()


@functools.lru_cache(maxsize=4)
def _default_rank_index(group: str) -> tuple[dict, dict]:
    return _rank_index(_default_ranks(group))


@functools.lru_cache(maxsize=8)
def _default_jumps(group: str, threshold: float) -> pd.DataFrame:
    return jumps(group, threshold)


def against_target_series(
    figure_id: str, register_frame: pd.DataFrame | None = None, df: pd.DataFrame | None = None
) -> dict:
    """A reported target (percent) against England's self-directed support in every year, 2017-18 to 2023-24.

    Returns the target, England's best year and value, whether any year reached the target,
    the gap in the best year (percentage points), councils at or above the target in that year,
    England's series in words, and ``cannot_show``.
    """
    reg = register.load_register() if register_frame is None else register_frame
    row = reg.set_index("figure_id").loc[figure_id]
    if row["unit"] != "percent":
        raise ParameterError("figure_id", figure_id, "a register figure in percent")
    target = float(row["value"])
    best = england_best(SDS, df)
    e = england_series(SDS, df)
    reached = e[e["value"] >= target]
    sp = council_spread_by_year(SDS, df).set_index("year")
    ranks = council_ranks(SDS, df)
    at_best = ranks[ranks["year"] == best["year"]]
    series_text = ", ".join(
        # As the claims check prints every number: at most one decimal, none for a whole number.
        f"{fmt.number(r.value)}% in {r.year}" + (" (new framework)" if r.definition_break else "")
        for r in e.itertuples()
    )
    return {
        "figure_id": figure_id,
        "statement": row["statement"],
        "target_pct": target,
        "target_period": str(row["period"]),
        "years": f"{TREND_YEARS[0]} to {TREND_YEARS[-1]}",
        "measure": "ASCOF 1C(1A) (3D1A from 2023-24): " + MEASURE_NAMES[SDS].split(": ", 1)[1],
        "reached": not reached.empty,
        "first_year_reached": reached["year"].iloc[0] if len(reached) else None,
        "best_year": best["year"],
        "best_pct": best["value"],
        "best_in_break": best["in_break"],
        "gap_points": round(target - best["value"], 1),
        "councils_at_target": int((at_best["value"] >= target).sum()),
        "councils_published": int(sp.loc[best["year"], "councils"]),
        "series_text": series_text,
        "cannot_show": (
            f"Whether the target was met by its date ({row['period']}): no council-level measure exists for "
            f"{NO_MEASURE_YEARS}, and the series counts people receiving long-term community support, "
            f"not everyone eligible."
        ),
    }


class TrendFindings(NamedTuple):
    """The findings of the 2017-18 to 2023-24 series on one measure, each a sentence made from the data."""

    #: England's highest and lowest year, whether any year reached 100%, and the definition break.
    england_best: str
    #: Councils reporting 100%, year by year.
    at_100: str
    #: Councils that stayed among the lowest in every year they published.
    stayed_lowest: str
    #: Year-on-year changes large enough to be possible changes in recording.
    jumps: str


def trend_sentences(group: str = SDS, df: pd.DataFrame | None = None) -> TrendFindings:
    """The narrative of the series for one measure, generated from the data, as named findings."""

    _check_group(group)
    label = TREND_MEASURE_NAMES[group]
    b = england_best(group, df)
    sp = council_spread_by_year(group, df)
    out = [
        f"England's share on {label} was highest in {b['year']}, at {fmt.pct(b['value'])}"
        + (" (in the new 2023-24 framework)" if b["in_break"] else "")
        + f", and lowest in {b['lowest_year']}, at {fmt.pct(b['lowest_value'])}; "
        + ("no year reached 100%." if not b["any_100"] else f"it reached 100% in {', '.join(b['years_at_100'])}.")
        + f" 2023-24 is a definition break ({BREAK_TEXT.split(': ', 1)[1]})."
    ]
    at = "; ".join(f"{r.at_100} of {fmt.count(r.councils)} in {r.year}" for r in sp.itertuples())
    out.append(f"Councils reporting 100% {label}: {at}.")
    low = stayed_lowest(group, df=df)
    years = f"{SAME_DEFINITION_YEARS[0]} to {SAME_DEFINITION_YEARS[-1]}"
    if low.empty:
        out.append(f"No council stayed among the {LOWEST_N} lowest on {label} in every year from {years}.")
    else:
        names = ", ".join(f"{r.area_name} (never above {fmt.pct(r.highest)})" for r in low.itertuples())
        out.append(
            f"{len(low)} council{'s' if len(low) != 1 else ''} stayed among the {LOWEST_N} lowest on {label} in "
            f"every year from {years} that {'they' if len(low) != 1 else 'it'} published: {names}."
        )
    j = flagged_jumps(group, df=df)
    same = j[~j["across_break"]]
    text = (
        f"{len(j)} year-on-year change{'s' if len(j) != 1 else ''} in councils' {label} shares "
        f"({len(same)} within one definition) were of {fmt.number(JUMP_POINTS)} percentage points or more: {JUMP_TEXT}."
    )
    if len(j):
        text += " The largest: " + "; ".join(jump_text(r) for _, r in j.head(3).iterrows()) + "."
    out.append(text)
    return TrendFindings(*out)


def series_table(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per year: England's self-directed support and direct payments (percent), councils
    published, councils at 100% on self-directed support, and the councils' median, lowest and
    highest on each; ``framework`` says which ASCOF framework the year belongs to."""
    sds, dp = council_spread_by_year(SDS, df), council_spread_by_year(DP, df)
    out = pd.DataFrame({"year": sds["year"]})
    out["england_sds"] = england_series(SDS, df)["value"].to_numpy()
    out["england_dp"] = england_series(DP, df)["value"].to_numpy()
    out["councils"] = sds["councils"]
    out["at_100_sds"] = sds["at_100"]
    for key, sp in (("sds", sds), ("dp", dp)):
        for stat in ("min", "median", "max"):
            out[f"{stat}_{key}"] = sp[stat]
    out["framework"] = [
        "2023-24 framework (renumbered)" if b else "before the 2023-24 renumbering" for b in sds["definition_break"]
    ]
    return out


def target_series_sentence(figure_id: str, df: pd.DataFrame | None = None) -> str:
    """The target against the whole series, in one paragraph generated from the data."""

    t = against_target_series(figure_id, df=df)
    head = (
        f"Against the target recorded in the register ({t['statement'].rstrip('.')}; {fmt.pct(t['target_pct'], decimals=0)} "
        f"by {t['target_period']}): "
    )
    if t["reached"]:
        head += f"England first reached it in {t['first_year_reached']}."
    else:
        head += (
            f"England reached it in no year from {t['years']}. Its best year was {t['best_year']}, at "
            f"{fmt.pct(t['best_pct'])}, {fmt.points(t['gap_points'])} short; that year "
            f"{fmt.count(t['councils_at_target'])} of {fmt.count(t['councils_published'])} councils with a "
            f"published figure were at {fmt.pct(t['target_pct'], decimals=0)}."
        )
    return head + " " + t["cannot_show"]


def boundary_table(df: pd.DataFrame | None = None, successors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row of ``council_successors.csv`` with how it is compared (``relation_text``) and the first
    year the later council appears in the series (``first_year``; missing when it never does)."""
    successors = _default_tables()[2] if successors is None else successors
    s = trend_series(SDS, "council", df)
    first = s.groupby("gss_code")["year"].min()
    out = successors.copy()
    out["relation_text"] = out["relation"].map(BOUNDARY_TEXT)
    out["first_year"] = out["successor_gss_code"].map(first)
    return out.sort_values(["changed_on", "council_name_2009_14", "successor_name"], kind="stable").reset_index(
        drop=True
    )
