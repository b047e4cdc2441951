"""Data quality: what a careful analyst flags in every series the report uses, before drawing a
conclusion from it.

The rules run over the PSS-EX1 council table (people on direct payments at 31 March, the other
community services, direct-payment spend and spend per recipient: ``data/processed/council_year.csv``),
the ASCOF series of self-directed support and direct payments, 2017-18 to 2023-24
(``data/raw/ascof_sds_dp_2017_18_to_2023_24.csv``, read through :mod:`pbanalysis.analysis.what_next`)
and the official ASCOF 1C file for 2020-21, with its numerators. Each rule is a function of small
frames, so it can be tested on made-up series; every threshold is in :data:`THRESHOLDS`, and each
rule's name, test and what a flag may mean are in :data:`RULES`.

A flag keeps its value: nothing here changes or drops a number. Library entry points:

* :func:`flags` - every flag: council (name and GSS code), year, measure, rule, the values and
  what the flag may mean (one row each, in a fixed order);
* :func:`note_for` - the note to print beside one flagged value, or None;
* :func:`council_flags` - one council's flags;
* :func:`pack_sentences` - what a council's briefing pack says about its flagged values;
* :func:`definition_test` - the 2010-11 "direct payments only" label tested council by council;
* :func:`findings` - one generated paragraph per rule, with what it does to the conclusions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError
from pbanalysis.sources.pssex1_rules import RECIPIENTS_FROM_ACTIVITY

#: Every threshold of every rule, in one place.
THRESHOLDS: dict[str, float] = {
    # A count is out of line when it is at least this many times both neighbours, or at most
    # one over this many times both.
    "neighbour_ratio": 2.0,
    # ... and the largest of the three counts is at least this many people: counts are rounded to
    # the nearest 5, so 0, 10, 0 is rounding, not an anomaly.
    "neighbour_min_people": 50,
    # Spend per recipient is out of line when it is below the median of the council's other years
    # divided by this, or above that median times this ...
    "spend_ratio": 2.0,
    # ... with at least this many other years to take the median of.
    "spend_min_other_years": 2,
    # The "direct payments only" label is in doubt when the count is at least this many times the
    # next year's count ...
    "definition_count_ratio": 2.0,
    # ... and spend per recipient is at most this share of the council's other years' median.
    "definition_spend_share": 0.5,
    # An ASCOF share that at least doubles, or at least halves, from one year to the next.
    "ascof_ratio": 2.0,
}


@dataclass(frozen=True)
class Rule:
    """One rule: its key, its name in words, the test in words, and what a flag may mean."""

    key: str
    name: str
    test: str
    meaning: str


def _t(key: str) -> str:
    return fmt.number(THRESHOLDS[key])


#: The rules, in the order the table and the report present them.
RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        Rule(
            "count_out_of_line",
            "A year out of line with both neighbours (count)",
            f"People on direct payments at 31 March at least {_t('neighbour_ratio')} times, or at most half, "
            f"both the year before and the year after (largest of the three at least "
            f"{_t('neighbour_min_people')} people)",
            "A council's direct-payment holders do not double and fall back within two years: the year is more "
            "likely recorded differently (other people counted, or people left out) than a real change.",
        ),
        Rule(
            "spend_out_of_line",
            "A year out of line with the council's other years (spend per recipient)",
            f"Direct-payment spend per recipient below half, or above {_t('spend_ratio')} times, the median of "
            f"the council's other years (at least {_t('spend_min_other_years')} of them)",
            "Spend divided by a count that holds other people (a low value), or by a count that misses people "
            "(a high value), or spend recorded short or in full: the year's spend per recipient is not a "
            "like-for-like amount.",
        ),
        Rule(
            "definition_in_doubt",
            "The 'direct payments only' label in doubt",
            f"In a year labelled 'direct payments only' because its count equals the unit-cost table's recipients "
            f"(the same return): the count at least {_t('definition_count_ratio')} times the next year's, and "
            f"spend per recipient at most {fmt.pct(100 * THRESHOLDS['definition_spend_share'], decimals=0)} of "
            f"the council's other years' median",
            "What would differ if personal budgets were counted both times: a count well above the next year's "
            "direct payments, and the direct-payment spend shared among more people. Both are so here, so the "
            "count most likely includes personal budgets (or other people) and the label is in doubt for this "
            "council.",
        ),
        Rule(
            "sds_equals_dp",
            "Self-directed support equal to direct payments",
            "ASCOF self-directed support equal to direct payments in a council-year: the same published share "
            "(2017-18 to 2023-24), the same number of people (the 2020-21 official file)",
            "Self-directed support counts direct payments and council-managed personal budgets. Equal values "
            "most likely mean the council reported only its direct payments as self-directed support, so its "
            "self-directed support share, and its rank on it, rest on that recording.",
        ),
        Rule(
            "ascof_relative_jump",
            "An ASCOF share that halves or doubles in a year",
            f"A council's self-directed support or direct payments share at least {_t('ascof_ratio')} times, or "
            "at most half, its share the year before",
            "A share that halves or doubles in a year more likely reflects a change in what the council recorded "
            "than in who held support; on a small share the 20-point rule cannot see it.",
        ),
        Rule(
            "ascof_points_jump",
            "An ASCOF share that moves 20 points or more in a year",
            "A council's self-directed support or direct payments share changing by 20 percentage points or "
            "more from one year to the next (the report's existing rule)",
            "A change this large more likely reflects how the council recorded support than how many people "
            "held it: flagged, never read as a rise or fall.",
        ),
        Rule(
            "proxy_all_dp",
            "Proxy take-up of 100% because every other service is zero",
            "Home care, day care and meals at 31 March all 0 while people are on direct payments",
            "A proxy of 100% here says only that no other service was counted, not that everyone took a direct "
            "payment: the value is degenerate and is not compared with other councils.",
        ),
        Rule(
            "impossible_share",
            "A share that cannot be",
            "A share above 100% or below 0%, a numerator above its denominator, or direct payments above "
            "self-directed support (direct payments are part of it)",
            "An impossible value: an error in the return or in reading it.",
        ),
        Rule(
            "count_without_spend",
            "A count with no spend",
            "People on direct payments at 31 March with a gross direct-payment spend of 0",
            "Spend not recorded, not no spend: spend per recipient is withheld and the spend total is short.",
        ),
        Rule(
            "spend_without_count",
            "Spend with no count",
            "A gross direct-payment spend above 0 with no direct-payment recipients at 31 March",
            "Payments during the year to people who held none at 31 March, or a count not recorded: spend per "
            "recipient cannot be worked out.",
        ),
        Rule(
            "zero_sds",
            "No one on self-directed support",
            "An ASCOF self-directed support share of 0%",
            "Every council offers self-directed support, so 0% most likely means nothing was recorded.",
        ),
    )
}


def _pssex1_words(column: str) -> str:
    """A PSS-EX1 column in words with its source and unit, from the column dictionary."""
    unit = columns.unit(column)
    return f"{columns.label(column)} (PSS-EX1{', ' + unit if unit != 'number' else ''})"


#: What each measure is, in words (the ``measure`` column of the flags holds the key).
MEASURES: dict[str, str] = {
    "dp_count": _pssex1_words(k.DP_CLIENTS_31MAR),
    "dp_spend_per_recipient": _pssex1_words(k.DP_SPEND_PER_RECIPIENT_GBP),
    "dp_spend": _pssex1_words(k.DP_GROSS_COST_GBP000),
    "proxy_takeup": _pssex1_words(k.PROXY_TAKEUP_PCT),
    "sds": "Self-directed support (ASCOF, % of people using social care)",
    "dp": "Direct payments (ASCOF, % of people using social care)",
}

#: Where each series comes from, in words.
SERIES_PSSEX1 = "PSS-EX1 council tables, 2008-09 to 2013-14"
SERIES_ASCOF = "ASCOF 2017-18 to 2023-24, compiled from NHS Digital's ASCOF files"
SERIES_ASCOF_1C = "ASCOF 1C 2020-21, the official NHS Digital file"

#: The columns of :func:`flags`, in order.
COLUMNS = [
    "rule",
    "rule_name",
    "gss_code",
    "council_name",
    "year",
    "measure",
    "measure_name",
    "value",
    "values_text",
    "meaning",
    "series",
]

_SDS, _DP = "1C1A", "1C2A"
_ASCOF_MEASURE = {_SDS: "sds", _DP: "dp"}
_ASCOF_WORDS = {_SDS: "self-directed support", _DP: "direct payments"}


def _flag(rule: str, gss: str, name: str, year: str, measure: str, value, values_text: str, meaning: str, series: str):
    return {
        "rule": rule,
        "rule_name": RULES[rule].name,
        "gss_code": gss,
        "council_name": name,
        "year": year,
        "measure": measure,
        "measure_name": MEASURES[measure],
        "value": float(value) if not fmt.is_missing(value) else np.nan,
        "values_text": values_text,
        "meaning": meaning,
        "series": series,
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    order = {r: i for i, r in enumerate(RULES)}
    out["_r"] = out["rule"].map(order)
    out = out.sort_values(["_r", "council_name", "gss_code", "year", "measure"], kind="mergesort")
    return out.drop(columns="_r").reset_index(drop=True)


def _councils(cy: pd.DataFrame) -> pd.DataFrame:
    return cy[cy["area"] == "council"] if "area" in cy else cy


def _people(v) -> str:
    return f"{fmt.count(v)} people"


def _times(a: float, b: float) -> str:
    if b == 0:
        return "no one the other year"
    r = a / b
    times = fmt.number(r, 1).removesuffix(".0")  # "3 times", not "3.0 times"
    return f"{times} times" if r >= 1 else f"{fmt.number(100 * r, 0)}% of"


# --------------------------------------------------------------------------- PSS-EX1 rules


def _wide(cy: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per council (code), one column per year, of ``column``."""
    c = _councils(cy)
    years = sorted(c["year"].unique())
    return c.pivot(index="council_code", columns="year", values=column).reindex(columns=years)


def _meta(cy: pd.DataFrame) -> pd.DataFrame:
    """Each council's GSS code and name (its latest year's), by council code."""
    c = _councils(cy).sort_values("year", kind="mergesort")
    return c.drop_duplicates("council_code", keep="last").set_index("council_code")[["gss_code", "council_name"]]


def _other_years(w: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For each cell, the median of the row's other years and how many there are."""
    med = pd.DataFrame({y: w.drop(columns=y).median(axis=1) for y in w.columns})
    n = pd.DataFrame({y: w.drop(columns=y).notna().sum(axis=1) for y in w.columns})
    return med, n


def count_out_of_line(cy: pd.DataFrame) -> pd.DataFrame:
    """Council-years whose count of people on direct payments at 31 March is at least
    :data:`THRESHOLDS` ``neighbour_ratio`` times both neighbouring years, or at most one over it."""
    r, floor = THRESHOLDS["neighbour_ratio"], THRESHOLDS["neighbour_min_people"]
    v = _wide(cy, k.DP_CLIENTS_31MAR)
    spend = _wide(cy, k.DP_SPEND_PER_RECIPIENT_GBP)
    basis = _councils(cy).groupby("year")[k.DEFINITION_BASIS].first()
    meta = _meta(cy)
    years = list(v.columns)
    rows = []
    for i in range(1, len(years) - 1):
        before, cur, after = v[years[i - 1]], v[years[i]], v[years[i + 1]]
        big = pd.concat([before, cur, after], axis=1).max(axis=1, skipna=False) >= floor
        high = (cur >= r * before) & (cur >= r * after)
        low = (before > 0) & (after > 0) & (cur * r <= before) & (cur * r <= after)
        y = years[i]
        for code in v.index[big & (high | low)]:
            b, c_, a = before[code], cur[code], after[code]
            text = (
                f"{y}: {_people(c_)}; {years[i - 1]}: {fmt.count(b)} ({_times(c_, b)} that); "
                f"{years[i + 1]}: {fmt.count(a)} ({_times(c_, a)} that)"
            )
            if not fmt.is_missing(spend.at[code, y]):
                text += f"; spend per recipient {fmt.gbp(spend.at[code, y])} in {y}"
            meaning = RULES["count_out_of_line"].meaning
            if basis.get(y) == k.BASIS_DP_AND_PB:
                meaning = (
                    f"The {y} table counts 'direct payments and personal budgets', so the count most likely "
                    "includes personal budgets held other than as a direct payment: not a change in direct payments."
                )
            m = meta.loc[code]
            rows.append(
                _flag(
                    "count_out_of_line",
                    m["gss_code"],
                    m["council_name"],
                    y,
                    "dp_count",
                    c_,
                    text,
                    meaning,
                    SERIES_PSSEX1,
                )
            )
    return _frame(rows)


def spend_out_of_line(cy: pd.DataFrame) -> pd.DataFrame:
    """Council-years whose spend per recipient is below the median of the council's other years over
    :data:`THRESHOLDS` ``spend_ratio``, or above it times that."""
    r, need = THRESHOLDS["spend_ratio"], THRESHOLDS["spend_min_other_years"]
    s = _wide(cy, k.DP_SPEND_PER_RECIPIENT_GBP)
    people = _wide(cy, k.DP_RECIPIENTS_31MAR)
    source = _wide(cy, k.RECIPIENTS_SOURCE)
    med, n = _other_years(s)
    meta = _meta(cy)
    hit = s.notna() & (n >= need) & ((s * r < med) | (s > r * med))
    rows = []
    for code, y in hit.stack().loc[lambda x: x].index:
        v, m_ = s.at[code, y], med.at[code, y]
        low = v * r < m_
        text = (
            f"{y}: {fmt.gbp(v)} a year for {_people(people.at[code, y])}; median of its other "
            f"{fmt.count(n.at[code, y])} years {fmt.gbp(m_)} ({_times(v, m_)} that)"
        )
        meaning = (
            "Far below the council's other years: the spend is shared among more people than received direct "
            "payments (a count that holds other people), or spend was recorded short."
            if low
            else "Far above the council's other years: the count misses people who were paid, or the spend "
            "holds more than direct payments."
        )
        if source.at[code, y] == RECIPIENTS_FROM_ACTIVITY:
            meaning += (
                f" In {y} spend per recipient divides by the activity table's count (the unit-cost table gives "
                "client-weeks), another basis from the other years."
            )
        m = meta.loc[code]
        rows.append(
            _flag(
                "spend_out_of_line",
                m["gss_code"],
                m["council_name"],
                y,
                "dp_spend_per_recipient",
                v,
                text,
                meaning,
                SERIES_PSSEX1,
            )
        )
    return _frame(rows)


def definition_years(cy: pd.DataFrame) -> list[str]:
    """The years labelled 'direct payments only' because their counts equal the unit-cost table's
    recipients (the years with a definition note): 2010-11 in the tables read here."""
    c = _councils(cy)
    return sorted(c.loc[(c[k.DEFINITION_NOTE] != "") & (c[k.DEFINITION_BASIS] == k.BASIS_DP_ONLY), "year"].unique())


def definition_test(cy: pd.DataFrame, year: str | None = None) -> pd.DataFrame:
    """The 'direct payments only' label of ``year`` (default: the first of :func:`definition_years`)
    tested council by council against what would differ if personal budgets were counted.

    One row per council: ``count``, ``next_count`` (people, the year after), ``count_ratio``,
    ``spend`` (spend per recipient, £), ``spend_median`` (the council's other years), ``spend_share``,
    ``count_sign`` and ``spend_sign`` (bool: the test's threshold crossed), and ``verdict``: 'in doubt'
    (both signs), 'one sign', 'supported' (neither) or 'cannot be tested' (a value missing)."""
    cols = ["year", "next_year", "gss_code", "council_name", "count", "next_count", "count_ratio", "spend"]
    cols += ["spend_median", "spend_share", "count_sign", "spend_sign", "verdict"]
    years = sorted(_councils(cy)["year"].unique())
    if year is None:
        found = definition_years(cy)
        if not found:
            return pd.DataFrame(columns=cols)
        year = found[0]
    if year not in years[:-1]:
        raise ParameterError("year", year, years[:-1])
    nxt = years[years.index(year) + 1]
    cr, ss = THRESHOLDS["definition_count_ratio"], THRESHOLDS["definition_spend_share"]
    v, s = _wide(cy, k.DP_CLIENTS_31MAR), _wide(cy, k.DP_SPEND_PER_RECIPIENT_GBP)
    med, _ = _other_years(s)
    out = _meta(cy).reindex(v.index)
    out["year"], out["next_year"] = year, nxt
    out["count"], out["next_count"] = v[year], v[nxt]
    out["count_ratio"] = v[year] / v[nxt].where(v[nxt] > 0)
    out["spend"], out["spend_median"] = s[year], med[year]
    out["spend_share"] = s[year] / med[year].where(med[year] > 0)
    out["count_sign"] = out["count_ratio"] >= cr
    out["spend_sign"] = out["spend_share"] <= ss
    signs = out["count_sign"].astype(int) + out["spend_sign"].astype(int)
    out["verdict"] = signs.map({2: "in doubt", 1: "one sign", 0: "supported"})
    out.loc[out["count_ratio"].isna() | out["spend_share"].isna(), "verdict"] = "cannot be tested"
    out = out[out["count"].notna() | out["next_count"].notna()]
    return out[cols].sort_values(["council_name", "gss_code"], kind="mergesort").reset_index(drop=True)


def definition_in_doubt(cy: pd.DataFrame) -> pd.DataFrame:
    """A flag for each council whose 'direct payments only' label is in doubt (:func:`definition_test`)."""
    rows = []
    for year in definition_years(cy):
        t = definition_test(cy, year)
        for r in t[t["verdict"] == "in doubt"].itertuples():
            text = (
                f"{r.year}: {_people(r.count)}, {fmt.number(r.count_ratio, 1).removesuffix('.0')} times its {fmt.count(r.next_count)} "
                f"in {r.next_year}; spend per recipient {fmt.gbp(r.spend)}, "
                f"{fmt.pct(100 * r.spend_share, decimals=0)} of its other years' median of {fmt.gbp(r.spend_median)}"
            )
            rows.append(
                _flag(
                    "definition_in_doubt",
                    r.gss_code,
                    r.council_name,
                    r.year,
                    "dp_count",
                    r.count,
                    text,
                    RULES["definition_in_doubt"].meaning,
                    SERIES_PSSEX1,
                )
            )
    return _frame(rows)


def _row_flags(rule: str, hit: pd.DataFrame, measure: str, value: str, text) -> list[dict]:
    """A flag of ``rule`` on ``measure`` for each council-year row of ``hit`` (PSS-EX1): the value in
    its column ``value``, the values in words ``text(row)``, the rule's meaning."""
    meaning = RULES[rule].meaning
    return [
        _flag(rule, r["gss_code"], r["council_name"], r["year"], measure, r[value], text(r), meaning, SERIES_PSSEX1)
        for _, r in hit.iterrows()
    ]


def proxy_all_dp(cy: pd.DataFrame) -> pd.DataFrame:
    """Council-years whose proxy is 100% only because home care, day care and meals are all 0."""
    c = _councils(cy)
    others = [k.HOME_CARE_CLIENTS_31MAR, k.DAY_CARE_CLIENTS_31MAR, k.MEALS_CLIENTS_31MAR]
    hit = c[(c[others] == 0).all(axis=1) & (c[k.DP_CLIENTS_31MAR] > 0)]
    return _frame(
        _row_flags(
            "proxy_all_dp",
            hit,
            "proxy_takeup",
            k.PROXY_TAKEUP_PCT,
            lambda r: (
                f"{r['year']}: {_people(r[k.DP_CLIENTS_31MAR])} on direct payments; 0 on home care, day "
                f"care and meals; proxy {fmt.pct(r[k.PROXY_TAKEUP_PCT])}"
            ),
        )
    )


def _impossible_proxy(cy: pd.DataFrame) -> list[dict]:
    c = _councils(cy)
    bad = c[(c[k.PROXY_TAKEUP_PCT] > 100) | (c[k.PROXY_TAKEUP_PCT] < 0)]
    return _row_flags(
        "impossible_share",
        bad,
        "proxy_takeup",
        k.PROXY_TAKEUP_PCT,
        lambda r: f"{r['year']}: proxy {fmt.pct(r[k.PROXY_TAKEUP_PCT])}",
    )


def _spend_flags(rule: str, hit: pd.DataFrame, text) -> pd.DataFrame:
    """A flag of ``rule`` on the gross direct-payment spend of each council-year row of ``hit``."""
    return _frame(_row_flags(rule, hit, "dp_spend", k.DP_GROSS_COST_GBP000, text))


def count_without_spend(cy: pd.DataFrame) -> pd.DataFrame:
    """Council-years with people on direct payments at 31 March but a gross spend of 0."""
    c = _councils(cy)
    c = c.assign(_people=c[k.DP_RECIPIENTS_31MAR].where(c[k.DP_RECIPIENTS_31MAR].notna(), c[k.DP_CLIENTS_31MAR]))
    hit = c[(c[k.DP_GROSS_COST_GBP000] == 0) & (c["_people"] > 0)]
    return _spend_flags(
        "count_without_spend",
        hit,
        lambda r: f"{r['year']}: {_people(r['_people'])} on direct payments at 31 March; gross spend £0",
    )


def spend_without_count(cy: pd.DataFrame) -> pd.DataFrame:
    """Council-years with a gross direct-payment spend above 0 but no recipients at 31 March."""
    c = _councils(cy)
    hit = c[(c[k.DP_GROSS_COST_GBP000] > 0) & (c[k.DP_RECIPIENTS_31MAR] == 0)]
    return _spend_flags(
        "spend_without_count",
        hit,
        lambda r: (
            f"{r['year']}: gross spend £{fmt.count(r[k.DP_GROSS_COST_GBP000])} thousand; 0 recipients at 31 March"
        ),
    )


# --------------------------------------------------------------------------- ASCOF rules


def _ascof_pairs(trend: pd.DataFrame) -> pd.DataFrame:
    """Self-directed support beside direct payments, one row per council-year, with both ranks."""
    from pbanalysis.analysis import what_next as wn

    s, d = wn.council_ranks(_SDS, trend), wn.council_ranks(_DP, trend)
    keep = ["year", "key", "area_name", "gss_code", "value", "rank", "of"]
    return s[keep].merge(d[keep], on=["year", "key", "gss_code"], suffixes=("_sds", "_dp"), how="outer")


def _rank_words(rank, of) -> str:
    return f"{fmt.ordinal(int(rank))} of {fmt.count(of)}"


def sds_equals_dp(
    trend: pd.DataFrame, official: pd.DataFrame | None = None, official_year: str = "2020-21"
) -> pd.DataFrame:
    """Council-years whose self-directed support equals their direct payments: the same published
    share in the series, and, for ``official_year``, the same numerator in the official file
    (``official``: :func:`pbanalysis.analysis.what_next.council_table`'s columns)."""
    p = _ascof_pairs(trend)
    both = p[p["value_sds"].notna() & p["value_dp"].notna()]
    people = {}
    if official is not None and len(official):
        o = official[official["sds_numerator"].notna() & official["dp_numerator"].notna()]
        people = {r.gss_code: r for r in o.itertuples()}
    rows = []
    for r in both.itertuples():
        ranks = (
            f"; rank {_rank_words(r.rank_sds, r.of_sds)} on self-directed support, "
            f"{_rank_words(r.rank_dp, r.of_dp)} on direct payments"
        )
        series = SERIES_ASCOF
        o = people.get(r.gss_code) if r.year == official_year else None
        if o is not None:
            if o.sds_numerator != o.dp_numerator:
                continue
            text = (
                f"{r.year}: {fmt.count(o.sds_numerator)} of {fmt.count(o.sds_denominator)} people on self-directed "
                f"support and {fmt.count(o.dp_numerator)} of {fmt.count(o.dp_denominator)} on direct payments "
                f"({fmt.pct(r.value_sds)} on both)" + ranks
            )
            series = SERIES_ASCOF_1C
        elif r.value_sds == r.value_dp:
            text = f"{r.year}: {fmt.pct(r.value_sds)} on both" + ranks
        else:
            continue
        rows.append(
            _flag(
                "sds_equals_dp",
                r.gss_code,
                r.area_name_sds,
                r.year,
                "sds",
                r.value_sds,
                text,
                RULES["sds_equals_dp"].meaning,
                series,
            )
        )
    # A council in the official file whose numerators are equal but whose series value is missing.
    seen = {(f["gss_code"], f["year"]) for f in rows}
    for gss, o in people.items():
        if o.sds_numerator == o.dp_numerator and (gss, official_year) not in seen:
            text = f"{official_year}: {fmt.count(o.sds_numerator)} of {fmt.count(o.sds_denominator)} people on both"
            rows.append(
                _flag(
                    "sds_equals_dp",
                    gss,
                    o.council_name,
                    official_year,
                    "sds",
                    o.sds_pct,
                    text,
                    RULES["sds_equals_dp"].meaning,
                    SERIES_ASCOF_1C,
                )
            )
    return _frame(rows)


def _ascof_changes(trend: pd.DataFrame, group: str) -> pd.DataFrame:
    """Every council's change from one year to the next on one measure, as
    :func:`pbanalysis.analysis.what_next.jumps` works them out (consecutive years of one council,
    the change in points rounded to one decimal, ``flagged`` at 20 points or more), with its GSS code."""
    from pbanalysis.analysis import what_next as wn

    t = wn.trend_series(group, "council", trend)
    order = {y: i for i, y in enumerate(wn.TREND_YEARS)}
    t = t.assign(_i=t["year"].map(order)).sort_values(["key", "_i"], kind="mergesort")
    prev = t.groupby("key")[["year", "value", "_i"]].shift(1)
    ok = prev["_i"].notna() & (t["_i"] == prev["_i"] + 1)
    out = pd.DataFrame(
        {
            "key": t["key"],
            "area_name": t["area_name"],
            "gss_code": t["gss_code"],
            "from_year": prev["year"],
            "to_year": t["year"],
            "from_value": prev["value"].astype(float),
            "to_value": t["value"].astype(float),
        }
    )[ok]
    out["change"] = [round(b - a, 1) for a, b in zip(out["from_value"], out["to_value"])]  # as jumps() rounds
    out["across_break"] = out["to_year"] == wn.BREAK_YEAR
    out["flagged"] = out["change"].abs() >= wn.JUMP_POINTS
    return out.reset_index(drop=True)


def _change_text(r, words: str) -> str:
    text = (
        f"{words}: {fmt.pct(r.from_value)} in {r.from_year}, {fmt.pct(r.to_value)} in {r.to_year} "
        f"({'+' if r.change > 0 else ''}{fmt.points(r.change)})"
    )
    if r.from_value > 0 and r.to_value > 0:
        text += f", {_times(r.to_value, r.from_value)} the year before"
    return text


_BREAK_NOTE = " The 2023-24 framework change lies between the two years."


def ascof_relative_jump(trend: pd.DataFrame) -> pd.DataFrame:
    """Council-years whose ASCOF share (self-directed support or direct payments) is at least
    :data:`THRESHOLDS` ``ascof_ratio`` times, or at most one over it, the year before."""
    r = THRESHOLDS["ascof_ratio"]
    rows = []
    for group in (_SDS, _DP):
        for x in _ascof_changes(trend, group).itertuples():
            a, b = x.from_value, x.to_value
            if a == b or not (b >= r * a or b * r <= a):
                continue
            meaning = RULES["ascof_relative_jump"].meaning + (_BREAK_NOTE if x.across_break else "")
            rows.append(
                _flag(
                    "ascof_relative_jump",
                    x.gss_code,
                    x.area_name,
                    x.to_year,
                    _ASCOF_MEASURE[group],
                    b,
                    _change_text(x, _ASCOF_WORDS[group]),
                    meaning,
                    SERIES_ASCOF,
                )
            )
    return _frame(rows)


def ascof_points_jump(trend: pd.DataFrame) -> pd.DataFrame:
    """The report's existing rule (:func:`pbanalysis.analysis.what_next.jumps`): a change of 20
    percentage points or more, as a flag."""
    rows = []
    for group in (_SDS, _DP):
        j = _ascof_changes(trend, group)
        for x in j[j["flagged"]].itertuples():
            meaning = RULES["ascof_points_jump"].meaning + (_BREAK_NOTE if x.across_break else "")
            rows.append(
                _flag(
                    "ascof_points_jump",
                    x.gss_code,
                    x.area_name,
                    x.to_year,
                    _ASCOF_MEASURE[group],
                    x.to_value,
                    _change_text(x, _ASCOF_WORDS[group]),
                    meaning,
                    SERIES_ASCOF,
                )
            )
    return _frame(rows)


def impossible_share(
    cy: pd.DataFrame | None, trend: pd.DataFrame | None, official: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Shares that cannot be: a proxy or ASCOF share outside 0 to 100%, a numerator above its
    denominator (official file), or direct payments above self-directed support."""
    rows = _impossible_proxy(cy) if cy is not None else []
    meaning = RULES["impossible_share"].meaning
    if trend is not None:
        p = _ascof_pairs(trend)
        for x in p.itertuples():
            for key, group in (("sds", _SDS), ("dp", _DP)):
                v = getattr(x, f"value_{key}")
                if not fmt.is_missing(v) and (v > 100 or v < 0):
                    name = getattr(x, f"area_name_{key}")
                    text = f"{x.year}: {_ASCOF_WORDS[group]} {fmt.pct(v)}"
                    rows.append(
                        _flag("impossible_share", x.gss_code, name, x.year, key, v, text, meaning, SERIES_ASCOF)
                    )
            if not fmt.is_missing(x.value_sds) and not fmt.is_missing(x.value_dp) and x.value_dp > x.value_sds:
                text = f"{x.year}: direct payments {fmt.pct(x.value_dp)}, self-directed support {fmt.pct(x.value_sds)}"
                rows.append(
                    _flag(
                        "impossible_share",
                        x.gss_code,
                        x.area_name_sds,
                        x.year,
                        "dp",
                        x.value_dp,
                        text,
                        meaning,
                        SERIES_ASCOF,
                    )
                )
    if official is not None:
        for o in official.itertuples():
            for key in ("sds", "dp"):
                num, den = getattr(o, f"{key}_numerator"), getattr(o, f"{key}_denominator")
                if not fmt.is_missing(num) and not fmt.is_missing(den) and num > den:
                    text = f"{fmt.count(num)} people of {fmt.count(den)}"
                    year = getattr(o, "year", "2020-21")
                    rows.append(
                        _flag(
                            "impossible_share",
                            o.gss_code,
                            o.council_name,
                            year,
                            key,
                            getattr(o, f"{key}_pct"),
                            text,
                            meaning,
                            SERIES_ASCOF_1C,
                        )
                    )
    return _frame(rows)


def zero_sds(trend: pd.DataFrame) -> pd.DataFrame:
    """Council-years with an ASCOF self-directed support share of 0%."""
    p = _ascof_pairs(trend)
    hit = p[p["value_sds"] == 0]
    rows = [
        _flag(
            "zero_sds",
            x.gss_code,
            x.area_name_sds,
            x.year,
            "sds",
            0.0,
            f"{x.year}: self-directed support 0%, direct payments {fmt.pct(x.value_dp)}",
            RULES["zero_sds"].meaning,
            SERIES_ASCOF,
        )
        for x in hit.itertuples()
    ]
    return _frame(rows)


# --------------------------------------------------------------------------- all flags, and the API


@dataclass
class Series:
    """The series the rules run over: the PSS-EX1 council table, the ASCOF series and the official
    ASCOF 1C council table (any may be None)."""

    council_year: pd.DataFrame | None
    trend: pd.DataFrame | None
    official: pd.DataFrame | None
    official_year: str = "2020-21"


def load_series() -> Series:
    """The report's series, read by their loaders."""
    from pbanalysis.analysis import what_next as wn
    from pbanalysis.dataset import data

    return Series(data.load_council_year(), wn._trend(None), wn.council_table(), wn.YEAR)


def run_rules(series: Series) -> pd.DataFrame:
    """Every rule over ``series``: the flags, one row each, in :data:`COLUMNS` and a fixed order."""
    cy, trend, official = series.council_year, series.trend, series.official
    parts = []
    if cy is not None:
        parts += [count_out_of_line(cy), spend_out_of_line(cy), definition_in_doubt(cy)]
    if trend is not None:
        parts += [
            sds_equals_dp(trend, official, series.official_year),
            ascof_relative_jump(trend),
            ascof_points_jump(trend),
        ]
    if cy is not None:
        parts.append(proxy_all_dp(cy))
    parts.append(impossible_share(cy, trend, official))
    if cy is not None:
        parts += [count_without_spend(cy), spend_without_count(cy)]
    if trend is not None:
        parts.append(zero_sds(trend))
    parts = [p for p in parts if len(p)]
    return _frame(pd.concat(parts, ignore_index=True).to_dict("records")) if parts else _frame([])


@functools.lru_cache(maxsize=1)
def _default_series() -> Series:
    return load_series()


@functools.lru_cache(maxsize=1)
def _default_flags() -> pd.DataFrame:
    return run_rules(_default_series())


def flags(series: Series | None = None) -> pd.DataFrame:
    """Every flag of the report's series (or of ``series``): :data:`COLUMNS`, one row each."""
    return (_default_flags() if series is None else run_rules(series)).copy()


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ParameterError("measure", measure, list(MEASURES))


def note_text(hit: pd.DataFrame) -> str | None:
    """The note to print beside a value with the flags ``hit``: each rule it breaks and what that
    may mean, or None when there is none."""
    if hit.empty:
        return None
    return " ".join(f"Flagged: {r.rule_name} ({r.values_text}). {r.meaning}" for r in hit.itertuples())


def note_for(gss_code: str, year: str, measure: str, table: pd.DataFrame | None = None) -> str | None:
    """The note to print beside one value (council by GSS code, financial year, a key of
    :data:`MEASURES`): each rule it breaks and what that may mean, or None when it is not flagged."""
    _check_measure(measure)
    f = flags() if table is None else table
    return note_text(f[(f["gss_code"] == gss_code) & (f["year"] == year) & (f["measure"] == measure)])


def measures_of(column: str) -> tuple[str, ...]:
    """The data-quality measures (keys of :data:`MEASURES`) a value of ``column`` rests on, from the
    column dictionary's ``quality`` field (:mod:`pbanalysis.core.columns`): proxy take-up rests on
    its own value and on the count of people on direct payments it divides. () for a column no rule
    looks at."""
    return columns.quality(column)


def flags_for(
    gss_codes: Iterable[str] | None = None,
    years: Iterable[str] | None = None,
    column: str | Iterable[str] | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The flags on the councils ``gss_codes`` (every council when None; in ``years``, every year when None) on the values of
    ``column`` (a column of the dictionary, or several: the measures each rests on,
    :func:`measures_of`; every measure when None), in the table's order. The one way the explorer,
    the charts and the packs find the flags on the values they show."""
    f = flags() if table is None else table
    keep = pd.Series(True, index=f.index) if gss_codes is None else f["gss_code"].isin(set(gss_codes))
    if years is not None:
        keep &= f["year"].isin(set(years))
    if column is not None:
        cols = [column] if isinstance(column, str) else list(column)
        keep &= f["measure"].isin({m for c in cols for m in measures_of(c)})
    return f[keep]


def council_flags(gss_code: str, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One council's flags (by GSS code), in the table's order."""
    f = flags() if table is None else table
    return f[f["gss_code"] == gss_code].reset_index(drop=True)


def _years_text(years: list[str]) -> str:
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]


def pack_sentences(gss_code: str, table: pd.DataFrame | None = None, series: Series | None = None) -> list[str]:
    """What a council's briefing pack says about its flagged values: one sentence or two per rule it
    breaks, [] when none. Self-directed support equal to direct payments says in which years, what it
    probably means, and that the council's rank on self-directed support rests on it, beside its rank
    on direct payments."""
    f = council_flags(gss_code, table)
    if f.empty:
        return []
    out = []
    name = f["council_name"].iloc[-1]
    eq = f[f["rule"] == "sds_equals_dp"]
    if len(eq):
        trend = (series or _default_series()).trend
        p = _ascof_pairs(trend) if trend is not None else pd.DataFrame(columns=["gss_code", "value_sds"])
        published = sorted(p.loc[(p["gss_code"] == gss_code) & p["value_sds"].notna(), "year"].unique())
        years = sorted(eq["year"])
        when = (
            f"in every year it published from {published[0]} to {published[-1]}"
            if published and years == published
            else f"in {_years_text(years)}"
        )
        people = eq[eq["series"] == SERIES_ASCOF_1C]
        detail = ""
        ser = series or _default_series()
        if len(people) and ser.official is not None:
            o = ser.official[ser.official["gss_code"] == gss_code].iloc[0]
            detail = (
                f" (in {people['year'].iloc[0]}, {fmt.count(o['sds_numerator'])} of {fmt.count(o['sds_denominator'])} "
                "people on both measures)"
            )
        out.append(
            f"{name}'s self-directed support equals its direct payments {when}{detail}. It most likely reported "
            "only its direct payments as self-directed support, leaving out council-managed personal budgets."
        )
        ranked = p[(p["gss_code"] == gss_code) & p["rank_sds"].notna() & p["rank_dp"].notna()]
        if len(people):
            ranked = ranked[ranked["year"] == people["year"].iloc[0]]
        if len(ranked):
            r = ranked.sort_values("year").iloc[-1]
            out.append(
                f"Its rank on self-directed support rests on that recording: in {r['year']} it ranked "
                f"{_rank_words(r['rank_sds'], r['of_sds'])} councils on self-directed support, but "
                f"{_rank_words(r['rank_dp'], r['of_dp'])} on direct payments."
            )
    for rule in RULES:
        if rule == "sds_equals_dp":
            continue
        g = f[f["rule"] == rule]
        if g.empty:
            continue
        if len(g) <= 2:
            what = "; ".join(g["values_text"])
        else:
            what = "; ".join(
                f"{MEASURES[m].split(' (')[0].lower()} in {_years_text(sorted(h['year']))}"
                for m, h in g.groupby("measure", sort=True)
            )
        meaning = g["meaning"].iloc[0] if g["meaning"].nunique() == 1 else RULES[rule].meaning
        out.append(f"{RULES[rule].name} ({what}): {meaning[:1].lower()}{meaning[1:]}")
    return out


# --------------------------------------------------------------------------- findings


def definition_summary(cy: pd.DataFrame, year: str | None = None) -> dict:
    """The councils whose label is in doubt, summed: ``councils`` (names), ``count`` and ``next_count``
    (people), ``excess`` (count minus next count), ``england`` (England's count that year),
    ``excess_share`` and ``count_share`` (% of England), ``others_change`` (the other councils'
    change to the next year, people), and the verdicts counted (``verdicts``)."""
    t = definition_test(cy, year)
    if t.empty:
        return {"year": year, "councils": [], "verdicts": {}}
    year = t["year"].iloc[0]
    nxt = t["next_year"].iloc[0]
    doubt = t[t["verdict"] == "in doubt"]
    eng = cy[(cy["area"] == "england") & (cy["year"] == year)][k.DP_CLIENTS_31MAR] if "area" in cy else pd.Series([])
    england = float(eng.iloc[0]) if len(eng) else np.nan
    eng_next = (
        cy[(cy["area"] == "england") & (cy["year"] == nxt)][k.DP_CLIENTS_31MAR] if "area" in cy else pd.Series([])
    )
    england_next = float(eng_next.iloc[0]) if len(eng_next) else np.nan
    rest = t[(t["verdict"] != "in doubt") & t["count"].notna() & t["next_count"].notna()]
    excess = float(doubt["count"].sum() - doubt["next_count"].sum())
    return {
        "year": year,
        "next_year": nxt,
        "councils": list(doubt["council_name"]),
        "count": float(doubt["count"].sum()),
        "next_count": float(doubt["next_count"].sum()),
        "excess": excess,
        "england": england,
        "excess_share": 100 * excess / england if england else np.nan,
        "count_share": 100 * float(doubt["count"].sum()) / england if england else np.nan,
        "others_change": float(rest["next_count"].sum() - rest["count"].sum()),
        "england_next": england_next,
        "others": len(rest),
        "verdicts": t["verdict"].value_counts().to_dict(),
        "one_sign": list(t.loc[t["verdict"] == "one sign", "council_name"]),
    }


def counts_by_rule(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flags and councils per rule, every rule (0 where it flags nothing): rule, rule_name, test,
    flags, councils."""
    f = flags() if table is None else table
    rows = []
    for key, rule in RULES.items():
        g = f[f["rule"] == key]
        rows.append(
            {
                "rule": key,
                "rule_name": rule.name,
                "test": rule.test,
                "flags": len(g),
                "councils": g["gss_code"].nunique(),
            }
        )
    return pd.DataFrame(rows)


def _signed(v: float) -> str:
    return ("+" if v > 0 else "-" if v < 0 else "") + fmt.count(abs(v))


def _plural(n: int, word: str) -> str:
    return f"{fmt.count(n)} {word}{'' if n == 1 else 's'}"


def _names(g: pd.DataFrame, n: int = 6) -> str:
    names = list(dict.fromkeys(g["council_name"]))
    shown = ", ".join(names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")


def findings(table: pd.DataFrame | None = None, series: Series | None = None) -> dict[str, str]:
    """One paragraph per rule, generated from the flags: how many, where, and what it does to the
    report's conclusions. {rule key: text}."""
    f = flags() if table is None else table
    s = series or _default_series()
    out = {}
    for key, rule in RULES.items():
        g = f[f["rule"] == key]
        if g.empty:
            out[key] = f"No flag: the rule ({rule.test[:1].lower()}{rule.test[1:]}) finds nothing in these series."
            continue
        head = f"{_plural(len(g), 'flag')} in {_plural(g['gss_code'].nunique(), 'council')}"
        years = g["year"].value_counts().sort_index()
        head += " (" + ", ".join(f"{fmt.count(n)} in {y}" for y, n in years.items()) + "): " + _names(g) + "."
        out[key] = head + " " + _consequence(key, g, s)
    return out


def definition_text(cy: pd.DataFrame, year: str | None = None) -> str:
    """What the councils whose 'direct payments only' label is in doubt do to the year's count, in words."""
    d = definition_summary(cy, year)
    if not d["councils"]:
        return "No council's label is in doubt."
    return (
        f"The {fmt.count(len(d['councils']))} councils in doubt counted {fmt.count(d['count'])} people in {d['year']} against {fmt.count(d['next_count'])} "
        f"in {d['next_year']}: {fmt.count(d['excess'])} more, {fmt.pct(d['excess_share'])} of England's "
        f"{fmt.count(d['england'])}. England's count went from {fmt.count(d['england'])} to "
        f"{fmt.count(d['england_next'])} ({_signed(d['england_next'] - d['england'])}); these councils' counts "
        f"fell by {fmt.count(d['excess'])} while the other {fmt.count(d['others'])} councils with both years "
        f"changed by {_signed(d['others_change'])}. So England's fall between the two years rests on these "
        f"councils' {d['year']} counts, and {d['year']}'s proxy take-up, for them and for England, may not be "
        "on the direct-payments-only basis its label claims."
        + (
            f" {_plural(len(d['one_sign']), 'other council')} show one of the two signs and are not flagged "
            f"({', '.join(d['one_sign'])})."
            if d["one_sign"]
            else ""
        )
    )


def _consequence(key: str, g: pd.DataFrame, s: Series) -> str:
    cy = s.council_year
    if key == "count_out_of_line":
        pb = g[g["meaning"] != RULES[key].meaning]
        text = ""
        if len(pb):
            text = (
                f"{fmt.count(len(pb))} of them fall in {_years_text(sorted(pb['year'].unique()))}, whose table counts "
                "direct payments and personal budgets: there the rise and fall are most likely personal budgets "
                "counted, then not. "
            )
        return text + (
            "A council's count in a flagged year is not read as a change in direct payments, and England's total "
            "for that year carries these councils' recording with it."
        )
    if key == "definition_in_doubt" and cy is not None:
        return definition_text(cy)
    if key == "spend_out_of_line":
        low = g[g["meaning"].str.startswith("Far below")]
        return (
            f"{fmt.count(len(low))} are far below the council's other years and {fmt.count(len(g) - len(low))} far "
            "above. A council's spend per recipient in a flagged year is not a like-for-like amount: ranks and "
            "medians of spend per recipient in that year include it."
        )
    if key == "sds_equals_dp" and s.trend is not None:
        p = _ascof_pairs(s.trend).merge(g[["gss_code", "year"]], on=["gss_code", "year"])
        n = g.groupby("gss_code").size()
        every = [g[g["gss_code"] == c]["council_name"].iloc[0] for c in n.index if n[c] == g["year"].nunique()]
        low = p["of_sds"] - p["rank_sds"]
        return (
            f"On self-directed support these council-years ranked from {fmt.ordinal(int(p['rank_sds'].min()))} to "
            f"{fmt.ordinal(int(p['rank_sds'].max()))} (in {fmt.count((low < 10).sum())} of them among the ten lowest); "
            f"on direct payments from {fmt.ordinal(int(p['rank_dp'].min()))} to {fmt.ordinal(int(p['rank_dp'].max()))}. "
            "Their rank on self-directed support says how they recorded it, not how much self-directed support "
            "they gave." + (f" {', '.join(every)}: in every year." if every else "")
        )
    if key in ("ascof_relative_jump", "ascof_points_jump"):
        return (
            "A flagged change is not read as a trend in the council's support; the council's value in that "
            "year still stands, with this note."
        )
    if key == "proxy_all_dp":
        return (
            "Their proxy of 100% is no evidence that everyone took a direct payment: a ranking on the proxy in "
            "those years puts them first only because nothing else was counted."
        )
    return "Each such value keeps its number, with this flag beside it; it is not a like-for-like figure."
