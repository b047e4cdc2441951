"""What happened next: ASCOF measure 1C in 2020-21, England and every council.

Computed from ``data/raw/ascof_1c_2020_21.csv`` (see
:mod:`pbanalysis.sources.ascof`), ``data/raw/councils.csv`` and
``data/raw/council_successors.csv``. Measure 1C is a different measure from
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
* :func:`sentences` - the notebook's narrative, generated from the above.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.sources import ascof, lookup

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


def spread(df: pd.DataFrame | None = None, group: str = SDS) -> dict:
    """Across councils, for one measure group: counts (councils), quartiles (percent), lowest and highest.

    ``at_100`` counts councils publishing 100.0; ``everyone`` those whose numerator equals the
    denominator; ``suppressed`` lists the councils whose outcome is suppressed, with the mark.
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
        "suppressed": [f"{r.area_name}, marked {r.flag}" for r in w[w["outcome"].isna()].itertuples()],
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


def _norm(text: str) -> str:
    return lookup.normalise(str(text))


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


def _rank(table: pd.DataFrame, code: str) -> tuple[int | None, int]:
    pub = table[table["sds_pct"].notna()]
    if code not in set(pub["council_code"]):
        return None, len(pub)
    value = pub.set_index("council_code").loc[code, "sds_pct"]
    return int((pub["sds_pct"] > value).sum()) + 1, len(pub)


def council_value(
    code_or_name: str,
    df: pd.DataFrame | None = None,
    councils: pd.DataFrame | None = None,
    successors: pd.DataFrame | None = None,
) -> dict:
    """One council's 2020-21 ASCOF 1C values, found by name, CASSR code or GSS code (any case).

    A 2009-2014 council (``councils.csv``) is looked up first, then a 2020-21 council. Returns
    a dict: ``council_code_2009_14``, ``council_name``, ``ascof_code``, ``ascof_name``,
    ``gss_code``, ``boundary`` (unchanged, same_area or boundary_changed), ``comparable``
    (bool), ``sds_pct``/``dp_pct`` (percent) with numerators and denominators (people), or
    None where suppressed or where the boundary changed (then ``successors`` lists the
    later councils and their own values, never merged or split), ``flag``, ``flag_reason``,
    ``rank`` (1 = highest self-directed support share) of ``ranked`` councils, and ``note``.
    Raises ParameterError when nothing matches.
    """
    table = _default_tables()[0] if df is None else council_table(df)
    councils = _default_tables()[1] if councils is None else councils
    successors = _default_tables()[2] if successors is None else successors
    q = str(code_or_name).strip()
    key = _norm(q)
    old = councils[councils["last_year"] == councils["last_year"].max()]

    def hit(frame, code_col, gss_col, name_cols):
        m = (frame[code_col] == q) | (frame[gss_col].str.upper() == q.upper())
        for c in name_cols:
            m |= frame[c].map(lambda v: any(_norm(n) == key for n in str(v).split("; ") if n))
        return frame[m]

    base = {"query": q, "year": YEAR, "measure_sds": MEASURE_NAMES[SDS], "measure_dp": MEASURE_NAMES[DP]}
    found_old = hit(old, "council_code", "gss_code", ["council_name", "pssex1_names", "lookup_name"])
    if len(found_old) == 1:
        c = found_old.iloc[0]
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
            **dict.fromkeys(
                ["sds_pct", "sds_numerator", "sds_denominator", "dp_pct", "dp_numerator", "dp_denominator"]
            ),
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
    found_new = hit(table, "council_code", "gss_code", ["council_name"])
    if len(found_new) == 1:
        r = found_new.iloc[0]
        base.update({"council_code_2009_14": r["council_code_2009_14"] or None, "council_name": r["council_name"]})
        return _result(base, r, table)
    raise ParameterError(
        "council", code_or_name, "a council name, 3-digit CASSR code or GSS code in councils.csv or the ASCOF extract"
    )


def _result(base: dict, r, table: pd.DataFrame) -> dict:
    rank, ranked = _rank(table, r["council_code"])
    comparable = r["boundary"] in ("unchanged", "same_area")
    vals = _values(r)
    note = BOUNDARY_TEXT[r["boundary"]].capitalize() + "."
    if r["boundary"] == "same_area":
        note = f"{r['council_name']} ({r['council_code']}, {r['gss_code']}) is a {BOUNDARY_TEXT['same_area']}."
    if vals["flag"]:
        note += f" The {YEAR} figure is suppressed ({vals['flag']}): {vals['flag_reason']}."
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
    from pbanalysis.analysis import register

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
            f"{eng['sds_pct']:.1f}%, and {at} of {sp['published']} councils with a published figure were at or "
            f"above {float(row['value']):g}%."
        ),
        "cannot_show": (
            f"Whether the target was met by its date ({row['period']}): there is no council-level 1C in the "
            f"data here for 2010-11 to 2019-20, and the 2020-21 measure counts people receiving long-term "
            f"community support, not everyone eligible. " + NOT_THE_SAME
        ),
    }


def _pct(v: float | None) -> str:
    return "suppressed" if v is None else f"{v:.1f}%"


def sentences(
    named_councils: Iterable[str] = ("Somerset", "Manchester"),
    target_figure: str | None = None,
    df: pd.DataFrame | None = None,
) -> list[str]:
    """The narrative of "what happened next", generated from the data: a list of sentences (strings)."""
    eng, sp, dp = england(df), spread(df, SDS), spread(df, DP)
    out = [
        f"In {YEAR}, {eng['sds_pct']:.1f}% of people using social care in England received self-directed "
        f"support ({eng['sds_numerator']:,} of {eng['sds_denominator']:,} {DENOMINATOR_TEXT}); "
        f"{eng['dp_pct']:.1f}% received direct payments ({eng['dp_numerator']:,} of {eng['dp_denominator']:,}). "
        f"The measures are {MEASURE_NAMES[SDS]}, and {MEASURE_NAMES[DP]}.",
    ]
    if target_figure:
        t = against_target(target_figure, df=df)
        out.append(
            f"Against the target recorded in the register ({t['statement'].rstrip('.')}; {t['target_pct']:g}% "
            f"by {t['target_period']}), England was {t['gap_points']:.1f} percentage points short in {YEAR}, and "
            f"{t['councils_at_target']} of {t['councils_published']} councils were at {t['target_pct']:g}%. "
            f"Measure 1C counts people receiving long-term community support, not everyone eligible, and "
            f"the data here have no 1C for the years between, so it cannot say when (or whether) the target "
            f"date was met."
        )
    out.append(
        f"{sp['at_100']} of the {sp['published']} councils with a published figure reported 100.0% self-directed "
        f"support ({sp['everyone']} of them counted every person); "
        f"{len(sp['suppressed'])} of {sp['councils']} councils had the figure suppressed"
        + (f" ({', '.join(sp['suppressed'])})." if sp["suppressed"] else ".")
    )
    out.append(
        f"Across councils, self-directed support ranged from {sp['min']:.1f}% ({sp['min_council']}) to "
        f"{sp['max']:.1f}%; half of councils were between {sp['q1']:.1f}% and {sp['q3']:.1f}% "
        f"(median {sp['median']:.1f}%), and {sp['below_50']} were below 50%. Direct payments ranged from "
        f"{dp['min']:.1f}% ({dp['min_council']}) to {dp['max']:.1f}% ({dp['max_council']}), median {dp['median']:.1f}%."
    )
    for name in named_councils:
        v = council_value(name, df=df)
        if v["comparable"] and v["sds_pct"] is not None:
            out.append(
                f"{v['council_name']}: {_pct(v['sds_pct'])} self-directed support ({v['sds_numerator']:,} of "
                f"{v['sds_denominator']:,}; {v['rank'] - 1} of {v['ranked']} councils reported a higher share), and "
                f"{_pct(v['dp_pct'])} on direct payments ({v['dp_numerator']:,} of {v['dp_denominator']:,})."
            )
        else:
            out.append(f"{v['council_name']}: {v['note']}")
    out.append(NOT_THE_SAME)
    return out
