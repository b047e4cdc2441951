"""PSS-EX1: what the numbers of the tidy extracts mean, as rules the processed tables apply.

:mod:`pbanalysis.sources.pssex1` reads the official files into extracts; this module holds what
those numbers mean, so the build applies it in one place:

* spend per recipient in 2008-09 uses the activity table's 31 March count, because that year's
  unit-cost denominators are annualised client-weeks (:func:`spend_recipients`);
* a 2010-11 header that says "existing / new direct payments and personal budgets" over counts
  that equal every council's direct-payment recipients in the unit-cost table: treated as direct
  payments only (:func:`dp_only_in_effect`);
* a gross direct-payment cost of 0 beside recipients at 31 March, which is not a credible spend
  (:func:`spend_not_credible`);
* 150 councils in 2008-09 and 152 from 2009-10 (:func:`expected_councils`).
"""

from __future__ import annotations

import pandas as pd

from pbanalysis.core import keys as k

#: Councils in each year's tables: 150 in 2008-09, then 152 after the 1 April 2009 reorganisation
#: (Bedfordshire and Cheshire each split in two).
COUNCILS_2008_09, COUNCILS_FROM_2009_10 = 150, 152

#: A "direct payments and personal budgets" header is treated as direct payments only when at least
#: this many areas have both counts and every one of them equals its unit-cost direct-payment recipients.
DP_ONLY_MIN_AREAS = 100

DP_ONLY_IN_EFFECT = (
    "The table's header says 'existing / new direct payments and personal budgets', but the counts of all "
    "{areas} equal their direct-payment recipients in the unit-cost table: treated as direct payments only."
)


def _areas(g: pd.DataFrame) -> str:
    """'152 councils and England': the areas compared, councils counted apart from England."""
    councils = int((g["area"] == "council").sum())
    england = bool((g["area"] == "england").any())
    text = f"{councils} council" + ("" if councils == 1 else "s")
    return text + (" and England" if england else "")


#: What the direct-payment count at 31 March counts, year by year (the proxy's numerator).
DP_COUNT_DEFINITION = (
    "People on direct payments at 31 March (in 2009-10 the table counts 'existing / new direct payments "
    "and personal budgets'; 2010-11 carries the same header but its counts equal the direct-payment "
    "recipients of the unit-cost table, so it is treated as direct payments only)"
)

#: The reason spend per recipient is withheld when the gross cost is 0 but people had direct payments.
NOT_CREDIBLE_SPEND = "not credible: gross cost 0 with recipients at 31 March"

#: Where the spend-per-recipient denominator comes from.
RECIPIENTS_FROM_UNITCOSTS = "unit-cost table denominator"
RECIPIENTS_FROM_ACTIVITY = "activity table (RAP P2s) at 31 March"

_AREA_KEYS = ["year", "council_code", "area"]


def expected_councils(year: str) -> int:
    """How many councils a year's PSS-EX1 tables list: 150 in 2008-09, 152 from 2009-10."""
    return COUNCILS_2008_09 if year == "2008-09" else COUNCILS_FROM_2009_10


def dp_only_in_effect(activity: pd.DataFrame, unitcosts: pd.DataFrame) -> dict[str, str]:
    """Years whose direct-payment count is direct payments only in effect: {year: note}.

    A year's header may say "existing / new direct payments and personal budgets"
    (``definition_basis`` ``dp_and_pb``) while every area's count (all ages)
    equals its direct-payment recipients (adults and older people) in the
    unit-cost table. Then the count holds no personal budgets beyond direct
    payments, and the year is treated as direct payments only; the note says
    why, with the number of areas compared. In the tables read here that is
    2010-11.
    """
    dp = activity[
        (activity["measure"] == k.DP_CLIENTS_31MAR)
        & (activity["client_group"] == "all")
        & (activity["age_band"] == "all_ages")
        & (activity[k.DEFINITION_BASIS] == k.BASIS_DP_AND_PB)
    ]
    uc = unitcosts[
        (unitcosts["measure"] == k.DP_RECIPIENTS_31MAR)
        & (unitcosts["client_group"] == "all_adults")
        & (unitcosts["age_band"] == "18+")
    ]
    both = dp[_AREA_KEYS + ["value"]].merge(uc[_AREA_KEYS + ["value"]], on=_AREA_KEYS, suffixes=("", "_uc"))
    both = both.dropna(subset=["value", "value_uc"])
    out = {}
    for year, g in both.groupby("year"):
        if len(g) >= DP_ONLY_MIN_AREAS and (g["value"] == g["value_uc"]).all():
            out[str(year)] = DP_ONLY_IN_EFFECT.format(areas=_areas(g))
    return out


def spend_recipients(
    unitcost_recipients: pd.Series, activity_clients: pd.Series, gross_cost: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The people to divide direct-payment spend by, and which table they come from.

    The unit-cost table's recipients at 31 March where it has them. Where it has
    none but a gross cost is given (2008-09, whose unit-cost denominators are
    annualised client-weeks), the activity table's people on direct payments at
    31 March. Returns (people, source label); the label is "" where there is no
    cost-and-people pair.
    """
    use_activity = unitcost_recipients.isna() & gross_cost.notna()
    recipients = unitcost_recipients.where(~use_activity, activity_clients)
    has_pair = gross_cost.notna() & recipients.notna()
    source = pd.Series("", index=recipients.index, dtype=object)
    source[has_pair & use_activity] = RECIPIENTS_FROM_ACTIVITY
    source[has_pair & ~use_activity] = RECIPIENTS_FROM_UNITCOSTS
    return recipients, source


def spend_not_credible(gross_cost: pd.Series, recipients: pd.Series) -> pd.Series:
    """True where a council reports a gross direct-payment cost of 0 but people on direct payments.

    Such a spend per recipient (0) is not credible; it becomes missing with
    :data:`NOT_CREDIBLE_SPEND` as the reason.
    """
    return (gross_cost == 0) & (recipients > 0)
