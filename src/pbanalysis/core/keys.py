"""Every measure and column key of the tidy extracts and processed tables, spelled once.

The PSS-EX1 extracts (``data/raw/pssex1_*.csv``) name each measure in their
``measure`` column; the processed tables (``data/processed/*.csv``) carry the
main measures as columns of the same name, plus the columns derived from them.
Code imports these names instead of typing the strings, so a renamed measure
is renamed here and nowhere else. This module imports nothing from pbanalysis:
every layer, charts included, may use it.
"""

from __future__ import annotations

# --- measures of the PSS-EX1 extracts (the `measure` column) -------------------
#: People receiving direct payments at 31 March (RAP P2s; in 2009-10 "direct payments and personal budgets").
DP_CLIENTS_31MAR = "dp_clients_31mar"
#: People receiving home care at 31 March (RAP P2s).
HOME_CARE_CLIENTS_31MAR = "home_care_clients_31mar"
#: People receiving day care at 31 March (RAP P2s).
DAY_CARE_CLIENTS_31MAR = "day_care_clients_31mar"
#: People receiving meals at 31 March (RAP P2s).
MEALS_CLIENTS_31MAR = "meals_clients_31mar"
#: Carers receiving direct payments during the year.
CARERS_DP_DURING_YEAR = "carers_dp_during_year"
#: Carers receiving direct payments at 31 March.
CARERS_DP_31MAR = "carers_dp_31mar"
#: Gross total cost of direct payments during the year (GBP thousand, unit-cost table).
DP_GROSS_COST = "dp_gross_cost"
#: People receiving direct payments at 31 March (unit-cost table denominator).
DP_RECIPIENTS_31MAR = "dp_recipients_31mar"
#: The 2008-09 unit-cost denominator: annualised client-weeks, not people.
DP_CLIENT_WEEKS_ANNUALISED = "dp_client_weeks_annualised"
#: Average gross weekly expenditure on direct payments per recipient (GBP a week).
DP_AVG_WEEKLY_COST = "dp_avg_weekly_cost"

# --- what a direct-payment count counts (the `definition_basis` column) ---------
DEFINITION_BASIS = "definition_basis"
#: Direct payments only.
BASIS_DP_ONLY = "dp_only"
#: "Existing / new direct payments and personal budgets" (the 2009-10 and 2010-11 headers).
BASIS_DP_AND_PB = "dp_and_pb"
#: A service count with no direct-payment definition question.
BASIS_AS_STATED = "as_stated"

# --- columns of data/processed/council_year.csv ------------------------------------
#: Why a year's definition basis differs from its header (empty otherwise).
DEFINITION_NOTE = "definition_note"
#: The proxy's denominator: home care + day care + meals + direct payments at 31 March.
COMMUNITY_RECEIPTS_31MAR = "community_receipts_31mar"
#: Proxy take-up, %: direct payments as a share of community-service receipts at 31 March.
PROXY_TAKEUP_PCT = "proxy_takeup_pct"
#: Direct-payment gross cost for adults and older people, GBP thousand.
DP_GROSS_COST_GBP000 = "dp_gross_cost_gbp000"
#: Which table the spend-per-recipient denominator comes from.
RECIPIENTS_SOURCE = "recipients_source"
#: Direct-payment gross spend per recipient, GBP a year (rounded to the pound).
DP_SPEND_PER_RECIPIENT_GBP = "dp_spend_per_recipient_gbp"
#: Why spend per recipient is missing where the inputs are present.
SPEND_NOTE = "spend_note"

#: The source mark of people on direct payments at 31 March ('-', '..', '.', 'blank'; empty when present).
DP_CLIENTS_31MAR_FLAG = "dp_clients_31mar_flag"
#: The source mark of the direct-payment gross cost.
DP_GROSS_COST_GBP000_FLAG = "dp_gross_cost_gbp000_flag"

# --- columns of data/processed/national_series.csv ----------------------------------
#: England's people on direct payments at 31 March (the England row of the activity table).
ENGLAND_DP_CLIENTS_31MAR = "england_dp_clients_31mar"
#: England's people receiving home care at 31 March.
ENGLAND_HOME_CARE_CLIENTS_31MAR = "england_home_care_clients_31mar"
#: England's people receiving day care at 31 March.
ENGLAND_DAY_CARE_CLIENTS_31MAR = "england_day_care_clients_31mar"
#: England's people receiving meals at 31 March.
ENGLAND_MEALS_CLIENTS_31MAR = "england_meals_clients_31mar"
#: England's community-service receipts at 31 March (the proxy's denominator).
ENGLAND_COMMUNITY_RECEIPTS_31MAR = "england_community_receipts_31mar"
#: England's proxy take-up, %.
ENGLAND_PROXY_TAKEUP_PCT = "england_proxy_takeup_pct"
#: England's direct-payment gross cost, GBP thousand.
ENGLAND_DP_GROSS_COST_GBP000 = "england_dp_gross_cost_gbp000"
#: England's direct-payment recipients at 31 March (unit-cost table).
ENGLAND_DP_RECIPIENTS_31MAR = "england_dp_recipients_31mar"
#: England's direct-payment gross spend per recipient, GBP a year.
ENGLAND_DP_SPEND_PER_RECIPIENT_GBP = "england_dp_spend_per_recipient_gbp"
#: Councils with a proxy take-up value that year.
COUNCILS_WITH_PROXY = "councils_with_proxy"
#: Median of the councils' proxy take-up that year, %.
COUNCIL_MEDIAN_PROXY_TAKEUP_PCT = "council_median_proxy_takeup_pct"
#: Councils with a direct-payment gross cost that year.
COUNCILS_WITH_DP_SPEND = "councils_with_dp_spend"

#: The community services whose 31 March counts make the proxy's denominator.
COMMUNITY_MEASURES = (HOME_CARE_CLIENTS_31MAR, DAY_CARE_CLIENTS_31MAR, MEALS_CLIENTS_31MAR, DP_CLIENTS_31MAR)

#: Each council-year column and the national-series column holding its England value.
ENGLAND_OF = {
    DP_CLIENTS_31MAR: ENGLAND_DP_CLIENTS_31MAR,
    HOME_CARE_CLIENTS_31MAR: ENGLAND_HOME_CARE_CLIENTS_31MAR,
    DAY_CARE_CLIENTS_31MAR: ENGLAND_DAY_CARE_CLIENTS_31MAR,
    MEALS_CLIENTS_31MAR: ENGLAND_MEALS_CLIENTS_31MAR,
    COMMUNITY_RECEIPTS_31MAR: ENGLAND_COMMUNITY_RECEIPTS_31MAR,
    PROXY_TAKEUP_PCT: ENGLAND_PROXY_TAKEUP_PCT,
    DP_GROSS_COST_GBP000: ENGLAND_DP_GROSS_COST_GBP000,
    DP_RECIPIENTS_31MAR: ENGLAND_DP_RECIPIENTS_31MAR,
    DP_SPEND_PER_RECIPIENT_GBP: ENGLAND_DP_SPEND_PER_RECIPIENT_GBP,
}


def flag(key: str) -> str:
    """The column holding a measure's source mark (``-``, ``..``, ``.``, ``blank``): ``<key>_flag``."""
    return f"{key}_flag"


def england(key: str) -> str:
    """The national-series column holding the England value of a council-year column (:data:`ENGLAND_OF`)."""
    return ENGLAND_OF[key]
