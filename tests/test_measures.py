"""The report's computations, as promises the report makes."""

from __future__ import annotations

import pandas as pd
import pytest

from pbanalysis.analysis import measures, register
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data


@pytest.fixture(scope="module")
def reg():
    return register.load_register()


@pytest.fixture(scope="module")
def cy():
    return data.load_council_year()


@pytest.fixture(scope="module")
def nat():
    return data.load_national_series()


def test_denominators_are_built_from_the_register(reg):
    assert measures.denominator_value(reg, "ni130_all") == 1_500_000
    assert measures.denominator_value(reg, "ongoing") == 950_000
    assert measures.denominator_value(reg, "adass_eligible") == pytest.approx(1_050_000)


def test_rebuilt_one_in_seven_matches_the_article_within_its_wording(reg):
    t = measures.takeup_by_denominator(reg, 30).set_index(["holders_figure", "denominator"])
    share = t.loc[("pb_holders_ongoing_mar2010", "ongoing"), "takeup_pct"]
    assert 100 / 7.5 <= share <= 100 / 6.5


def test_target_met_depends_on_the_denominator(reg):
    t = measures.takeup_by_denominator(reg, 30)
    expected = t[t["holders_figure"] == "pb_ongoing_expected_apr2011"].set_index("denominator")["meets_target"]
    assert expected.to_dict() == {"ni130_all": False, "ongoing": True, "adass_eligible": True}


def test_a_forecast_is_shown_as_a_forecast_not_a_count_meeting_the_target(reg):
    from pbanalysis.outputs import notebook_tables

    t = measures.takeup_by_denominator(reg, 30)
    f = t[t["holders_figure"] == "pb_ongoing_expected_apr2011"]
    assert f["forecast"].all() and (f["figure_kind"] == "Councils' forecast for April 2011").all()
    assert all(a.startswith("A forecast for April 2011") and "not a count" in a for a in f["against_target"])
    counts = t[~t["forecast"]]
    assert set(counts["against_target"]) <= {"At or above", "Below"}
    printed = notebook_tables.by_denominator(t).frame()
    assert "Meets the 30% target" not in printed.columns
    assert not (printed.loc[f.index, "Against the 30% target"] == "Yes").any()


def test_a_figure_dated_after_its_article_is_a_forecast():
    assert measures.is_forecast("2011-04", "2010-05-27")
    assert not measures.is_forecast("2010-03", "2010-05-27")
    assert not measures.is_forecast("FY2009-10", "2010-08-23")
    assert measures.is_forecast("2010-10/2012-10", "2010-10")


def test_timeline_respects_as_of(reg):
    early = measures.takeup_timeline(reg, "ongoing", "2010-06-30")
    assert early["date"].max() <= pd.Timestamp("2010-06-30")
    assert "takeup_sds_2008_09_pct" in set(early["figure_id"])


def test_timeline_runs_to_april_2011_with_the_national_figure_and_the_83_of_130(reg):
    t = measures.takeup_timeline(reg, "ongoing", "2013-03-31").set_index("figure_id")
    row = t.loc["jerome_national_takeup_over_30pct_2011"]
    assert row["date"] == pd.Timestamp("2011-04-01") and row["takeup_pct"] == 30
    assert row["label"].startswith("over 30%")
    assert "83 of 130 responding councils" in row["note"]


def test_timeline_shows_the_official_proxy_beside_the_reported_figures(reg, nat):
    t = measures.takeup_timeline(reg, "ongoing", "2013-03-31", national=nat)
    proxy = t[t["kind"] == "proxy"].set_index("date")
    assert proxy.loc[pd.Timestamp("2010-03-31"), "takeup_pct"] == 19.2  # England proxy, 2009-10
    assert proxy["label"].str.contains("not NI 130").all()
    assert len(proxy) == 5  # 2008-09 to 2012-13; 2013-14 falls after as_of


def test_timeline_chart_numbers_include_the_april_2011_national_figure():
    from pbanalysis.pipeline import registry

    numbers = registry.draw("takeup_timeline").numbers
    points = {p["figure_id"]: p for p in numbers["points"]}
    assert points["jerome_national_takeup_over_30pct_2011"]["takeup_pct"] == 30
    assert points["jerome_national_takeup_over_30pct_2011"]["date"] == "2011-04-01"
    assert {p["date"] for p in numbers["proxy"]} >= {"2010-03-31", "2011-03-31"}


def test_pb_spend_split_rebuilds_74_percent_of_900m(reg):
    split = measures.pb_spend_split(reg).set_index("part")["gbp_million"]
    assert split["Direct payments"] == 666.0 and split.sum() == 900.0


def test_spend_cross_check_covers_every_year_the_extracts_have(reg, nat):
    x = measures.spend_cross_check(reg, nat)
    assert list(x["year"]) == ["2008-09", "2009-10", "2010-11", "2011-12", "2012-13", "2013-14"]
    assert x.set_index("year").loc["2010-11", "dp_gross_cost_gbp_million"] == 992.8
    assert pd.isna(x.set_index("year").loc["2009-10", "dp_gross_cost_gbp_million"])


def test_councils_are_ranked_highest_first(cy):
    r = measures.councils_in_year(cy, "2010-11")
    assert r["rank"].is_monotonic_increasing and r["rank"].iloc[0] == 1 and r["rank"].max() <= len(r)
    assert r["proxy_takeup_pct"].is_monotonic_decreasing


def test_councils_in_year_gives_ties_one_shared_rank_by_the_one_rule():
    made_up = pd.DataFrame(
        {
            "area": ["council"] * 4 + ["england"],
            "year": ["2010-11"] * 5,
            "council_name": ["Bee", "Ant", "Cat", "Dog", "England"],
            "proxy_takeup_pct": [20.0, 20.0, 10.0, None, 15.0],
        }
    )
    r = measures.councils_in_year(made_up, "2010-11").set_index("council_name")
    assert list(r.index) == ["Ant", "Bee", "Cat"]  # listed by name within a tie, never ranked by it
    assert r["rank"].tolist() == [1, 1, 3] and set(r["of"]) == {3}
    assert r.loc["Bee", "rank_text"] == "joint 1st with 1 other council, of 3" and r.loc["Ant", "rank_short"] == "=1st"
    assert r.loc["Cat", "rank_text"] == "3rd of 3"
    crowded = made_up.assign(proxy_takeup_pct=[100.0, 100.0, 10.0, None, 50.0])
    c = measures.councils_in_year(crowded, "2010-11").set_index("council_name")
    assert pd.isna(c.loc["Ant", "rank"]) and c.loc["Ant", "rank_text"].startswith(
        "at 100%, with most councils (2 of 3)"
    )


def test_threshold_shares_add_up(cy):
    s = measures.threshold_shares(cy, [10, 20, 30]).set_index("year")
    row = s.loc["2010-11"]
    v = measures.councils_in_year(cy, "2010-11")["proxy_takeup_pct"]
    assert row["below_10_n"] == (v < 10).sum() and row["at_or_above_30_n"] == (v >= 30).sum()
    assert row["median_pct"] == round(v.median(), 2)


def test_definition_changes_are_found(cy):
    assert measures.definition_changes(cy) == ["2009-10", "2010-11"]


def test_2010_11_counts_direct_payments_only_whatever_its_header_says(cy):
    eng = cy[(cy["area"] == "england")].set_index("year")
    assert eng.loc["2010-11", "definition_basis"] == "dp_only"
    assert "equal their direct-payment recipients" in eng.loc["2010-11", "definition_note"]
    assert eng.loc["2009-10", "definition_basis"] == "dp_and_pb"


def test_councils_per_region_match_the_english_regions(cy):
    n = cy[(cy["area"] == "council") & (cy["year"] == "2013-14")].groupby("region").size().to_dict()
    assert n == {
        "East Midlands": 9,
        "East of England": 11,
        "London": 33,
        "North East": 12,
        "North West": 23,
        "South East": 19,
        "South West": 16,
        "West Midlands": 14,
        "Yorkshire and The Humber": 15,
    }


def test_five_councils_were_counties_in_2008_09(cy):
    first = cy[(cy["year"] == "2008-09") & (cy["area"] == "council")].set_index("council_name")["council_type"]
    for name in ("Northumberland", "Durham", "Cornwall", "Wiltshire", "Shropshire"):
        assert first[name] == "County"


def test_zero_spend_with_recipients_is_not_credible_not_a_value(cy):
    slough = cy[(cy["council_name"] == "Slough") & (cy["year"] == "2013-14")].iloc[0]
    assert slough["dp_gross_cost_gbp000"] == 0 and slough["dp_recipients_31mar"] > 0
    assert pd.isna(slough["dp_spend_per_recipient_gbp"]) and "not credible" in slough["spend_note"]


def test_group_summary_by_region_has_nine_regions(cy):
    g = measures.group_summary(cy, "2010-11", "region")
    assert len(g) == 9 and g["councils"].sum() == 152


@pytest.mark.parametrize(
    "call,allowed",
    [
        (
            lambda: measures.check_choice("denominator", "everyone", measures.denominators()),
            "ni130_all, ongoing, adass_eligible",
        ),
        (lambda: measures.check_year("year", "2015-16", ["2009-10", "2010-11"]), "2009-10, 2010-11"),
        (lambda: measures.check_number("target", "30", 0, 100), "a number from 0 to 100"),
        (lambda: measures.check_number("target", True, 0, 100), "a number from 0 to 100"),
        (lambda: measures.check_thresholds("thresholds", [30, 10]), "increasing list"),
        (lambda: measures.check_date("as_of", "April 2011"), "ISO date"),
    ],
)
def test_bad_parameters_fail_listing_the_allowed_values(call, allowed):
    with pytest.raises(ParameterError, match=allowed):
        call()


def test_unknown_council_fails_with_the_closest_matches():
    with pytest.raises(ParameterError, match="closest matches: Manchester"):
        measures.find_council("Manchster", data.load_councils())


@pytest.mark.parametrize("query", ["manchester", "MANCHESTER", "E08000003", " Manchester "])
def test_council_found_by_name_or_gss_code_any_case(query):
    assert measures.find_council(query, data.load_councils())["gss_code"] == "E08000003"


def test_council_spend_by_year_keeps_every_council_and_england(cy):
    t = measures.council_spend_by_year(cy).set_index("council")
    assert len(t) == 154 + 1  # 150 councils of 2008-09 and the four new of 2009, plus England
    assert t.loc["England", "2010-11"] == 992849
    assert t["2009-10"].isna().all(), "no council-level direct-payment spend for 2009-10: missing, never 0"
