"""The claims check: every reported figure against what the data can rebuild.

For each register row it gives the reported value, the rebuilt value (from the
row's inputs, from official data, or a labelled proxy) or "not rebuildable"
with the reason, the difference, and a status:

``input``
    a reported input or target, taken as given (nothing to rebuild it from).
``match`` / ``differs``
    rebuilt from its inputs or from official data; ``match`` when the rebuilt
    value lies inside the interval the article's own wording implies
    (:func:`pbanalysis.register.implied_tolerance`), never a tuned tolerance.
``proxy``
    the figure's own measure (e.g. council NI 130) is not available; the
    nearest official proxy is shown, with its definition, and no verdict.
``not_rebuildable``
    nothing available supports it; the reason says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pbanalysis import measures, register

STATUSES = ("input", "match", "differs", "proxy", "not_rebuildable")

NI130_MISSING = (
    "Council-level NI 130 is not available; the proxy is direct payments as a share of "
    "community-service receipts at 31 March (PSS-EX1)."
)


@dataclass(frozen=True)
class Rebuild:
    """How one register figure is rebuilt from official data."""

    status: str  # "proxy" or "official" (official -> match/differs by tolerance)
    func: Callable[[pd.DataFrame, pd.DataFrame], float]
    source: str


def _council(cy, name, year):
    row = cy[(cy["area"] == "council") & (cy["council_name"] == name) & (cy["year"] == year)]
    return float(row["proxy_takeup_pct"].iloc[0])


def _england(nat, col, year):
    return float(nat.set_index("year").loc[year, col])


def _share_below(cy, year, x):
    v = measures.councils_in_year(cy, year)["proxy_takeup_pct"]
    return round(100 * float((v < x).mean()), 1)


def _one_in_above(cy, year, x):
    v = measures.councils_in_year(cy, year)["proxy_takeup_pct"]
    above = int((v > x).sum())
    return round(len(v) / above, 1) if above else np.inf


def _count_at_or_above(cy, year, x):
    return int((measures.councils_in_year(cy, year)["proxy_takeup_pct"] >= x).sum())


def _extreme(cy, year, fn):
    return float(getattr(measures.councils_in_year(cy, year)["proxy_takeup_pct"], fn)())


_P = "proxy"
#: Figures with an official rebuild or proxy: figure_id -> Rebuild.
REBUILDS: dict[str, Rebuild] = {
    "takeup_somerset_2009_10": Rebuild(
        _P, lambda cy, nat: _council(cy, "Somerset", "2009-10"), "proxy take-up, Somerset, 2009-10 (PSS-EX1)"
    ),
    "takeup_manchester_2009_10": Rebuild(
        _P, lambda cy, nat: _council(cy, "Manchester", "2009-10"), "proxy take-up, Manchester, 2009-10 (PSS-EX1)"
    ),
    "councils_takeup_under_10pct_share_2009_10": Rebuild(
        _P, lambda cy, nat: _share_below(cy, "2009-10", 10), "% of councils with proxy take-up under 10%, 2009-10"
    ),
    "councils_takeup_over_20pct_one_in_n_2009_10": Rebuild(
        _P, lambda cy, nat: _one_in_above(cy, "2009-10", 20), "one in N councils with proxy take-up over 20%, 2009-10"
    ),
    "jerome_councils_at_30pct_2011": Rebuild(
        _P,
        lambda cy, nat: _count_at_or_above(cy, "2010-11", 30),
        "councils with proxy take-up at or above 30%, 2010-11 (of all councils with a value)",
    ),
    "jerome_council_takeup_max_2011": Rebuild(
        _P, lambda cy, nat: _extreme(cy, "2010-11", "max"), "highest council proxy take-up, 2010-11"
    ),
    "jerome_council_takeup_min_2011": Rebuild(
        _P, lambda cy, nat: _extreme(cy, "2010-11", "min"), "lowest council proxy take-up, 2010-11"
    ),
    "jerome_national_takeup_over_30pct_2011": Rebuild(
        _P, lambda cy, nat: _england(nat, "england_proxy_takeup_pct", "2010-11"), "England proxy take-up, 2010-11"
    ),
    "takeup_eligible_nov2010_pct": Rebuild(
        _P, lambda cy, nat: _england(nat, "england_proxy_takeup_pct", "2009-10"), "England proxy take-up, 2009-10"
    ),
    "takeup_sds_2008_09_pct": Rebuild(
        _P, lambda cy, nat: _england(nat, "england_proxy_takeup_pct", "2008-09"), "England proxy take-up, 2008-09"
    ),
    "pb_holders_mar2010": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_dp_clients_31mar", "2009-10"),
        "England people on direct payments and personal budgets at 31 March 2010 (PSS-EX1, RAP P2s)",
    ),
    "pb_holders_mar2010_s4": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_dp_clients_31mar", "2009-10"),
        "England people on direct payments and personal budgets at 31 March 2010 (PSS-EX1, RAP P2s)",
    ),
    "pb_holders_ongoing_mar2010": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_dp_clients_31mar", "2009-10"),
        "England people on direct payments and personal budgets at 31 March 2010 (PSS-EX1, RAP P2s)",
    ),
    "ongoing_care_users_mar2010": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_community_receipts_31mar", "2009-10"),
        "England community-service receipts at 31 March 2010 (home care + day care + meals + direct "
        "payments; a person with two services counts twice)",
    ),
    "jerome_regular_service_users_2011": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_community_receipts_31mar", "2010-11"),
        "England community-service receipts at 31 March 2011 (home care + day care + meals + direct payments)",
    ),
    "pb_spend_mar2010": Rebuild(
        _P,
        lambda cy, nat: _england(nat, "england_dp_gross_cost_gbp000", "2010-11") / 1000,
        "England gross spend on direct payments 2010-11, £m (PSS-EX1; 2009-10 has no direct-payment "
        "spend in the available tables, and direct payments are only part of personal-budget spend)",
    ),
    "survey_councils_2010": Rebuild(
        _P,
        lambda cy, nat: float(cy[(cy["area"] == "council") & (cy["year"] == "2009-10")]["council_code"].nunique()),
        "number of councils with adult social services responsibilities in PSS-EX1 2009-10 (how many "
        "the survey covered cannot be checked; this is the number it could have covered)",
    ),
}

#: Figures nothing available supports: figure_id -> reason.
NOT_REBUILDABLE = {
    "councils_pb_over_10pct_community_budget": measures.SPEND_BANDS_REASON,
    "councils_pb_20pct_or_more_community_budget": measures.SPEND_BANDS_REASON,
    "pb_spend_direct_payment_share_pct": (
        "Needs spending through personal budgets split by how it was delivered (ADASS/LGA survey); "
        "PSS-EX1 records direct-payment spend but not the other personal-budget spend."
    ),
    "takeup_unnamed_council_2010": "The council is not named, so it cannot be found in the official tables.",
    "jerome_responding_councils_2011": "A count of survey responses; the survey is not published per council.",
    "ni130_eligible_mar2010": (
        "The NI 130 denominator (community-based clients and carers during the year) is not in the "
        "available tables; PSS-EX1 counts people at 31 March."
    ),
    "potential_pb_users_mar2010_s4": (
        "The NI 130 denominator (community-based clients and carers during the year) is not in the "
        "available tables; PSS-EX1 counts people at 31 March."
    ),
    "pb_holders_increase_year_to_mar2010": (
        "The year-earlier survey count is not available, and the official 2008-09 and 2009-10 counts "
        "use different definitions (direct payments only, then direct payments and personal budgets)."
    ),
}

CLAIMS_COLUMNS = [
    "figure_id",
    "source_id",
    "kind",
    "statement",
    "reported",
    "unit",
    "stated_precision",
    "tolerance_low",
    "tolerance_high",
    "rebuilt",
    "rebuilt_from",
    "difference",
    "status",
    "reason",
]


def check(reg: pd.DataFrame, cy: pd.DataFrame, nat: pd.DataFrame) -> pd.DataFrame:
    """The claims table: one row per register figure, with a status for every row."""
    derived = register.rebuild_derived(reg).set_index("figure_id")["rebuilt"]
    rows = []
    for _, r in reg.iterrows():
        fid, reported = r["figure_id"], float(r["value"])
        low, high = register.implied_tolerance(r["stated_precision"], reported)
        rebuilt, source, status, reason = np.nan, "", "input", "Reported input or target, taken as given."
        if r["kind"] == "derived":
            rebuilt = float(derived[fid])
            source = f"inputs: {r['derivation']}"
            status = "match" if register.within(rebuilt, low, high) else "differs"
            reason = (
                f"Rebuilt from the register's inputs; the wording '{r['stated_precision']}' allows "
                f"{low:g} to {high:g}."
                + (
                    " The rebuilt value sits on the edge of that interval."
                    if register.at_boundary(rebuilt, low, high)
                    else ""
                )
            )
        elif fid in REBUILDS:
            rb = REBUILDS[fid]
            rebuilt = float(rb.func(cy, nat))
            source = rb.source
            if rb.status == "official":
                status = "match" if register.within(rebuilt, low, high) else "differs"
                reason = f"Rebuilt from official data; the wording allows {low:g} to {high:g}."
            else:
                status = "proxy"
                reason = (
                    "The reported measure is not available. Nearest official proxy: "
                    + rb.source
                    + ". "
                    + (NI130_MISSING if "take-up" in rb.source else "")
                ).strip()
        elif fid in NOT_REBUILDABLE:
            status, reason = "not_rebuildable", NOT_REBUILDABLE[fid]
        rows.append(
            {
                "figure_id": fid,
                "source_id": r["source_id"],
                "kind": r["kind"],
                "statement": r["statement"],
                "reported": reported,
                "unit": r["unit"],
                "stated_precision": r["stated_precision"],
                "tolerance_low": round(low, 4),
                "tolerance_high": round(high, 4),
                "rebuilt": round(rebuilt, 2) if np.isfinite(rebuilt) else rebuilt,
                "rebuilt_from": source,
                "difference": round(rebuilt - reported, 2) if np.isfinite(rebuilt) else np.nan,
                "status": status,
                "reason": reason,
            }
        )
    out = pd.DataFrame(rows, columns=CLAIMS_COLUMNS)
    assert out["status"].isin(STATUSES).all()
    return out


def check_statuses(show_status) -> list[str]:
    """A non-empty list of claim statuses, else ParameterError listing them."""
    from pbanalysis.errors import ParameterError

    if not isinstance(show_status, list) or not show_status or any(s not in STATUSES for s in show_status):
        raise ParameterError("show_status", show_status, list(STATUSES))
    return show_status


def summary(claims: pd.DataFrame) -> pd.DataFrame:
    """Count of figures by status."""
    return (
        claims["status"]
        .value_counts()
        .reindex(list(STATUSES), fill_value=0)
        .rename_axis("status")
        .reset_index(name="figures")
    )
