"""The report's computations: take-up under each denominator, proxy rates,
spend per recipient, council distributions, and parameter checks.

Pure pandas: no file reading beyond the loaders in :mod:`pbanalysis.data` and
:mod:`pbanalysis.register`, and no plotting.
"""

from __future__ import annotations

import difflib
import numbers
import re

import numpy as np
import pandas as pd

from pbanalysis.errors import ParameterError

# --------------------------------------------------------------------------
# Parameter checks: a wrong value fails at once and lists the allowed values
# --------------------------------------------------------------------------

#: Take-up denominators, each defined by register figures: (description, people figure, share figure).
DENOMINATORS = {
    "ni130_all": ("NI 130 population, including one-off services", "ni130_eligible_mar2010", None),
    "ongoing": ("People on ongoing, weekly council-funded care", "ongoing_care_users_mar2010", None),
    "adass_eligible": (
        "ADASS view of the eligible: a share of the NI 130 population",
        "ni130_eligible_mar2010",
        "adass_eligible_share_of_ni130_pct",
    ),
}

#: Council-level measures the variance notebook can rank.
VARIANCE_MEASURES = {
    "proxy_takeup_pct": "Proxy take-up (%): direct payments as a share of community-service receipts at 31 March",
    "dp_clients_31mar": "People on direct payments at 31 March",
    "dp_spend_per_recipient_gbp": "Direct-payment gross spend per recipient (£ a year)",
}


def check_choice(name: str, value, allowed) -> str:
    """``value`` if it is one of ``allowed``, else ParameterError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(name, value, list(allowed))
    return value


def check_number(name: str, value, low: float, high: float) -> float:
    """A real number in [low, high] (bools refused), else ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise ParameterError(name, value, f"a number from {low} to {high}")
    return float(value)


def check_year(name: str, value, available) -> str:
    """A financial year such as '2010-11' among ``available``."""
    return check_choice(name, value, sorted(available))


def check_date(name: str, value) -> str:
    """An ISO date 'YYYY-MM-DD'."""
    try:
        ok = isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        pd.Timestamp(value)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ParameterError(name, value, "an ISO date such as '2011-04-01'")
    return value


def check_thresholds(name: str, value) -> list[float]:
    """A non-empty list of increasing percentages from 0 to 100."""
    ok = (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 <= v <= 100 for v in value)
        and list(value) == sorted(value)
    )
    if not ok:
        raise ParameterError(name, value, "an increasing list of percentages from 0 to 100, e.g. [10, 20, 30]")
    return [float(v) for v in value]


def find_council(query, councils: pd.DataFrame) -> pd.Series:
    """The council row named by ``query``: a name or GSS code, any case.

    Unknown names fail with the closest matches.
    """
    if not isinstance(query, str) or not query.strip():
        raise ParameterError("council", query, "a council name or GSS code, e.g. 'Manchester' or 'E08000003'")
    q = " ".join(query.split()).lower()
    current = councils[councils["gss_code"].fillna("") != ""]
    for col in ("gss_code", "council_name", "lookup_name", "council_code"):
        hit = current[current[col].fillna("").str.lower() == q]
        if len(hit) == 1:
            return hit.iloc[0]
    names = list(current["council_name"])
    close = difflib.get_close_matches(query, names, n=5, cutoff=0.5) or [n for n in names if q in n.lower()][:5]
    raise ParameterError(
        "council",
        query,
        (
            f"a council name or GSS code; closest matches: {', '.join(close)}"
            if close
            else "a council name or GSS code (see data/raw/councils.csv)"
        ),
    )


def list_councils(councils: pd.DataFrame) -> list[str]:
    return sorted(councils[councils["gss_code"].fillna("") != ""]["council_name"])


# --------------------------------------------------------------------------
# Take-up (national, from the register)
# --------------------------------------------------------------------------


def _reg(register: pd.DataFrame) -> pd.Series:
    return register.set_index("figure_id")["value"].astype(float)


def denominator_value(register: pd.DataFrame, denominator: str) -> float:
    """People in a take-up denominator, from the register's reported figures."""
    check_choice("denominator", denominator, DENOMINATORS)
    _, base, share = DENOMINATORS[denominator]
    v = _reg(register)
    return float(v[base] * (v[share] / 100 if share else 1))


#: Reported counts of personal-budget holders, charted against the denominators.
HOLDER_FIGURES = [
    ("pb_holders_mar2010", "All personal budget holders, Mar 2010 (ADASS/LGA)"),
    ("pb_holders_ongoing_mar2010", "Holders on ongoing care, Mar 2010 (ADASS/LGA)"),
    ("pb_ongoing_expected_apr2011", "Holders on ongoing care expected by Apr 2011"),
]


def denominator_label(register: pd.DataFrame, denominator: str) -> str:
    """A denominator's description with its size, both from the register."""
    desc, _, share = DENOMINATORS[denominator]
    people = denominator_value(register, denominator)
    if share:
        desc = desc.replace("a share", f"{_reg(register)[share]:g}%")
    return f"{desc} ({people:,.0f} people)"


def takeup_by_denominator(register: pd.DataFrame, target_pct: float) -> pd.DataFrame:
    """Each reported holder count as a share of each denominator, and whether it meets the target."""
    v = _reg(register)
    rows = []
    for fid, label in HOLDER_FIGURES:
        for den in DENOMINATORS:
            people = denominator_value(register, den)
            pct = 100 * v[fid] / people
            rows.append(
                {
                    "holders_figure": fid,
                    "holders": label,
                    "holders_count": v[fid],
                    "denominator": den,
                    "denominator_label": denominator_label(register, den),
                    "denominator_people": people,
                    "takeup_pct": round(pct, 1),
                    "target_pct": target_pct,
                    "meets_target": bool(pct >= target_pct),
                }
            )
    return pd.DataFrame(rows)


#: The take-up timeline: (figure_id, date for the chart, what it is). Labels add the register's value.
TIMELINE = [
    ("takeup_sds_2008_09_pct", "2009-03-31", "on self-directed support, 2008-09"),
    ("takeup_eligible_nov2010_pct", "2010-11-30", "of eligible people (as dated by the article)"),
    ("pb_holders_ongoing_mar2010", "2010-03-31", "holders on ongoing care, March 2010"),
    ("pb_ongoing_expected_apr2011", "2011-04-01", "expected on ongoing care by April 2011"),
]
TARGETS = [
    ("target_30pct_apr2011_s2", "2011-04-01", "by April 2011"),
    ("target_all_eligible_pb_2012", "2013-03-31", "by 2012/13"),
]


def takeup_timeline(register: pd.DataFrame, denominator: str, as_of: str) -> pd.DataFrame:
    """Reported take-up over time as percentages of ``denominator``, up to ``as_of``.

    Percentages the articles state are used as stated (their own NI 130 or
    survey basis); holder counts are turned into percentages of the chosen
    denominator. Targets are listed with kind 'target'.
    """
    v = _reg(register)
    units = register.set_index("figure_id")["unit"]
    people = denominator_value(register, denominator)
    rows = []
    for fid, when, label in TIMELINE:
        if units[fid] == "percent":
            pct, basis = v[fid], "as stated in the article"
            label = f"{v[fid]:g}% {label}"
        else:
            pct, basis = 100 * v[fid] / people, f"{int(v[fid]):,} / {int(people):,} ({denominator})"
            label = f"{v[fid]:,.0f} {label}"
        rows.append(
            {
                "figure_id": fid,
                "date": when,
                "label": label,
                "kind": "reported",
                "takeup_pct": round(float(pct), 1),
                "basis": basis,
            }
        )
    for fid, when, label in TARGETS:
        label = f"Target: {v[fid]:g}% {label}" if v[fid] < 100 else f"Target: all eligible {label}"
        rows.append(
            {
                "figure_id": fid,
                "date": when,
                "label": label,
                "kind": "target",
                "takeup_pct": float(v[fid]),
                "basis": "target",
            }
        )
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df[df["date"] <= pd.Timestamp(as_of)].sort_values("date").reset_index(drop=True)


# --------------------------------------------------------------------------
# Council variance (official data, proxy measure)
# --------------------------------------------------------------------------


def councils_in_year(cy: pd.DataFrame, year: str, measure: str = "proxy_takeup_pct") -> pd.DataFrame:
    """Councils with a value of ``measure`` in ``year``, ranked (1 = highest)."""
    sub = cy[(cy["area"] == "council") & (cy["year"] == year)].dropna(subset=[measure]).copy()
    sub = sub.sort_values([measure, "council_name"], ascending=[False, True], kind="mergesort")
    sub["rank"] = np.arange(1, len(sub) + 1)
    sub["of"] = len(sub)
    return sub.reset_index(drop=True)


def threshold_shares(cy: pd.DataFrame, thresholds=(10, 20, 30), measure="proxy_takeup_pct") -> pd.DataFrame:
    """Per year: councils below the lowest threshold, above the middle ones, at or above the highest."""
    t = list(thresholds)
    rows = []
    for year, g in cy[cy["area"] == "council"].groupby("year"):
        vals = g[measure].dropna()
        n = len(vals)
        row = {
            "year": year,
            "councils_with_value": n,
            "definition_basis": g["definition_basis"].mode().iloc[0],
            "median_pct": round(float(vals.median()), 2) if n else np.nan,
            f"below_{t[0]:g}_n": int((vals < t[0]).sum()),
        }
        for x in t[1:-1]:
            row[f"above_{x:g}_n"] = int((vals > x).sum())
        row[f"at_or_above_{t[-1]:g}_n"] = int((vals >= t[-1]).sum())
        for k in [c for c in row if c.endswith("_n")]:
            row[k[:-2] + "_share_pct"] = round(100 * row[k] / n, 1) if n else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def group_summary(cy: pd.DataFrame, year: str, by: str, measure: str = "proxy_takeup_pct") -> pd.DataFrame:
    """Median, quartiles and count of ``measure`` by region or council type in one year."""
    sub = councils_in_year(cy, year, measure)
    g = sub.groupby(by)[measure]
    out = pd.DataFrame(
        {
            "councils": g.count(),
            "median": g.median().round(2),
            "q1": g.quantile(0.25).round(2),
            "q3": g.quantile(0.75).round(2),
            "min": g.min(),
            "max": g.max(),
        }
    )
    return out.sort_values("median", ascending=False).reset_index()


def definition_changes(cy_or_series: pd.DataFrame) -> list[str]:
    """Years whose direct-payment definition differs from the year before (to mark on charts)."""
    basis = (
        cy_or_series.groupby("year")["definition_basis"].agg(lambda s: s.mode().iloc[0])
        if "area" in cy_or_series
        else cy_or_series.set_index("year")["definition_basis"]
    )
    years = sorted(basis.index)
    return [y for prev, y in zip(years, years[1:]) if basis[y] != basis[prev]]


#: Register figures the variance notebook shows beside the proxy, as reported reference values.
NI130_REFERENCE_FIGURES = [
    "takeup_somerset_2009_10",
    "takeup_manchester_2009_10",
    "councils_takeup_under_10pct_share_2009_10",
    "councils_takeup_over_20pct_one_in_n_2009_10",
    "jerome_councils_at_30pct_2011",
    "jerome_council_takeup_min_2011",
    "jerome_council_takeup_max_2011",
]


def reference_figures(register: pd.DataFrame, ids=NI130_REFERENCE_FIGURES) -> pd.DataFrame:
    """Register rows shown as reported reference values (not data)."""
    return register.set_index("figure_id").loc[list(ids), ["statement", "value", "unit", "period", "source_id"]]


BASIS_LABEL = {"dp_only": "direct payments only", "dp_and_pb": "direct payments and personal budgets (existing/new)"}


# --------------------------------------------------------------------------
# Spending
# --------------------------------------------------------------------------


def pb_spend_split(register: pd.DataFrame) -> pd.DataFrame:
    """The reported £900m through personal budgets split into direct payments (74%) and the rest."""
    v = _reg(register)
    total, share = v["pb_spend_mar2010"], v["pb_spend_direct_payment_share_pct"]
    dp = total * share / 100
    return pd.DataFrame(
        [
            {"part": "Direct payments", "gbp_million": round(dp, 1), "share_pct": share},
            {
                "part": "Other personal-budget arrangements",
                "gbp_million": round(total - dp, 1),
                "share_pct": 100 - share,
            },
        ]
    )


def spend_series(national: pd.DataFrame) -> pd.DataFrame:
    """Official England direct-payment gross spend (£m), recipients and spend per recipient by year."""
    out = national[
        [
            "year",
            "england_dp_gross_cost_gbp000",
            "england_dp_recipients_31mar",
            "england_dp_spend_per_recipient_gbp",
            "councils_with_dp_spend",
        ]
    ].copy()
    out["dp_gross_cost_gbp_million"] = (out["england_dp_gross_cost_gbp000"] / 1000).round(1)
    return out


def spend_cross_check(register: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """The reported personal-budget spend beside official direct-payment spend in each year."""
    split = pb_spend_split(register).set_index("part")["gbp_million"]
    s = spend_series(national)
    s["reported_pb_total_gbp_million"] = float(_reg(register)["pb_spend_mar2010"])
    s["reported_pb_as_dp_gbp_million"] = float(split["Direct payments"])
    s["official_minus_reported_dp_gbp_million"] = (
        s["dp_gross_cost_gbp_million"] - s["reported_pb_as_dp_gbp_million"]
    ).round(1)
    return s[
        [
            "year",
            "dp_gross_cost_gbp_million",
            "reported_pb_total_gbp_million",
            "reported_pb_as_dp_gbp_million",
            "official_minus_reported_dp_gbp_million",
            "councils_with_dp_spend",
        ]
    ]


def council_spend_by_year(cy: pd.DataFrame) -> pd.DataFrame:
    """Direct-payment gross spend (£000) by council (rows) and year (columns); England last."""
    years = sorted(cy["year"].unique())
    councils = cy[cy["area"] == "council"].pivot_table(
        index="council_name", columns="year", values="dp_gross_cost_gbp000", aggfunc="first"
    )
    councils = councils.reindex(columns=years).dropna(how="all")
    england = cy[cy["area"] == "england"].set_index("year")["dp_gross_cost_gbp000"].reindex(years)
    out = pd.concat([councils, england.to_frame("England").T])
    return out.rename_axis("council").rename_axis(None, axis=1).reset_index()


def spend_per_recipient(cy: pd.DataFrame, year: str) -> pd.DataFrame:
    """Councils ranked by direct-payment gross spend per recipient in ``year``."""
    out = councils_in_year(cy, year, "dp_spend_per_recipient_gbp")
    return out[
        [
            "rank",
            "of",
            "council_name",
            "region",
            "council_type",
            "dp_gross_cost_gbp000",
            "dp_recipients_31mar",
            "recipients_source",
            "dp_spend_per_recipient_gbp",
        ]
    ]


#: Reported council bands that no official measure available here supports.
SPEND_BANDS_REASON = (
    "Not rebuildable: the bands need each council's spending through personal budgets and its total "
    "community-services budget. Personal-budget spend per council came from the ADASS/LGA survey, which "
    "is not published per council; PSS-EX1 gives direct-payment spend only, and the full PSS-EX1 "
    "expenditure files (community budgets by council) are not among the data available here."
)
