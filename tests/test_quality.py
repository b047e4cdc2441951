"""The data-quality rules (pbanalysis.analysis.quality): each on small made-up series, flagged and
not flagged, then what they find in the report's own series."""

from __future__ import annotations

import pandas as pd
import pytest

from pbanalysis.analysis import quality, what_next
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError

YEARS = ["2009-10", "2010-11", "2011-12", "2012-13"]


def _cy(councils: dict[str, dict], years=YEARS, note_year: str | None = None) -> pd.DataFrame:
    """A small council-year table: {name: {"count": [...], "spend": [...], ...}} one value per year.

    Optional lists: "home" (home care, day care and meals each), "gross" (£ thousand, else
    spend x count / 1000), "recipients" (else the count). ``note_year`` carries the
    'direct payments only' definition note."""
    rows = []
    for i, (name, v) in enumerate(councils.items()):
        for j, year in enumerate(years):
            count = v["count"][j]
            spend = v.get("spend", [10000] * len(years))[j]
            recipients = v.get("recipients", v["count"])[j]
            gross = v["gross"][j] if "gross" in v else (None if spend is None else spend * recipients / 1000)
            other = v.get("home", [100] * len(years))[j]
            receipts = count + 3 * other
            rows.append(
                {
                    "year": year,
                    "area": "council",
                    "council_code": f"{i + 1:03d}",
                    "council_name": name,
                    "gss_code": f"E0600{i + 1:04d}",
                    k.DEFINITION_BASIS: k.BASIS_DP_ONLY,
                    k.DEFINITION_NOTE: "treated as direct payments only" if year == note_year else "",
                    k.DP_CLIENTS_31MAR: count,
                    k.HOME_CARE_CLIENTS_31MAR: other,
                    k.DAY_CARE_CLIENTS_31MAR: other,
                    k.MEALS_CLIENTS_31MAR: other,
                    k.PROXY_TAKEUP_PCT: v.get("proxy", [100 * count / receipts if receipts else None] * len(years))[j],
                    k.DP_GROSS_COST_GBP000: gross,
                    k.DP_RECIPIENTS_31MAR: recipients,
                    k.RECIPIENTS_SOURCE: "unit-cost table denominator",
                    k.DP_SPEND_PER_RECIPIENT_GBP: spend,
                }
            )
    return pd.DataFrame(rows)


def _trend(rows: list[tuple]) -> pd.DataFrame:
    """A small ASCOF series: (year, key, name, group, value) council rows."""
    return pd.DataFrame(
        [
            {
                "year": year,
                "area_level": "council",
                "area_name": name,
                "gss_code": f"E08000{key}",
                "council_code_2009_14": key,
                "boundary": "unchanged",
                "measure_group": group,
                "value": float(value),
            }
            for year, key, name, group, value in rows
        ]
    )


def _both(year: str, key: str, name: str, sds: float, dp: float) -> list[tuple]:
    return [(year, key, name, what_next.SDS, sds), (year, key, name, what_next.DP, dp)]


def _flagged(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["council_name"], frame["year"]))


# --------------------------------------------------------------------------- PSS-EX1 rules


def test_a_count_twice_or_half_both_neighbours_is_flagged_and_a_smaller_swing_is_not():
    cy = _cy(
        {
            "Spike": {"count": [100, 200, 100, 100]},  # exactly twice both: flagged
            "Dip": {"count": [300, 300, 150, 300]},  # exactly half both
            "Swing": {"count": [100, 199, 100, 100]},  # just under twice
            "OneSide": {"count": [100, 300, 250, 250]},  # three times the year before only
            "Tiny": {"count": [0, 10, 0, 0]},  # rounding to the nearest 5, under the floor
        }
    )
    f = quality.count_out_of_line(cy)
    assert _flagged(f) == {("Spike", "2010-11"), ("Dip", "2011-12")}
    spike = f[f["council_name"] == "Spike"].iloc[0]
    assert spike["value"] == 200 and spike["measure"] == "dp_count" and spike["gss_code"] == "E06000001"
    assert "2009-10: 100 (2 times that)" in spike["values_text"]


def test_a_count_out_of_line_in_a_year_counting_personal_budgets_says_so():
    cy = _cy({"Spike": {"count": [100, 300, 100, 100]}})
    cy.loc[cy["year"] == "2010-11", k.DEFINITION_BASIS] = k.BASIS_DP_AND_PB
    assert "personal budgets" in quality.count_out_of_line(cy)["meaning"].iloc[0]


def test_spend_per_recipient_far_from_the_councils_other_years_is_flagged():
    cy = _cy(
        {
            "Low": {"count": [100] * 4, "spend": [10000, 4999, 10000, 10000]},
            "High": {"count": [100] * 4, "spend": [10000, 10000, 20001, 10000]},
            "Steady": {"count": [100] * 4, "spend": [10000, 5001, 10000, 10002]},
            "Short": {"count": [100] * 4, "spend": [10000, 2000, None, None]},  # one other year only
        }
    )
    f = quality.spend_out_of_line(cy)
    assert _flagged(f) == {("Low", "2010-11"), ("High", "2011-12")}
    assert f.set_index("council_name").loc["Low", "meaning"].startswith("Far below")


def test_the_direct_payments_only_label_is_in_doubt_only_where_both_signs_show():
    spend = [10000, 3000, 10000, 10000]
    cy = _cy(
        {
            "Both": {"count": [100, 300, 100, 100], "spend": spend},
            "CountOnly": {"count": [100, 300, 100, 100]},
            "SpendOnly": {"count": [100, 100, 100, 100], "spend": spend},
            "Neither": {"count": [100, 110, 100, 100]},
        },
        note_year="2010-11",
    )
    t = quality.definition_test(cy).set_index("council_name")["verdict"]
    assert t.to_dict() == {"Both": "in doubt", "CountOnly": "one sign", "Neither": "supported", "SpendOnly": "one sign"}
    f = quality.definition_in_doubt(cy)
    assert _flagged(f) == {("Both", "2010-11")}
    assert "3 times its 100 in 2011-12" in f["values_text"].iloc[0]


def test_without_a_year_labelled_on_the_unit_cost_match_nothing_is_tested():
    cy = _cy({"Both": {"count": [100, 300, 100, 100], "spend": [10000, 3000, 10000, 10000]}})
    assert quality.definition_years(cy) == [] and quality.definition_in_doubt(cy).empty
    with pytest.raises(ParameterError):
        quality.definition_test(cy, "2012-13")  # no year after it


def test_a_proxy_of_100_because_every_other_service_is_zero_is_flagged():
    cy = _cy({"OnlyDP": {"count": [50] * 4, "home": [0, 10, 0, 10]}, "Mixed": {"count": [50] * 4}})
    assert _flagged(quality.proxy_all_dp(cy)) == {("OnlyDP", "2009-10"), ("OnlyDP", "2011-12")}


def test_a_count_with_no_spend_and_spend_with_no_count_are_flagged():
    cy = _cy(
        {
            "NoSpend": {"count": [50, 50, 50, 50], "gross": [500, 0, 500, 500]},
            "Nobody": {"count": [0, 0, 10, 10], "gross": [0, 3, 100, 100], "spend": [None, None, 10000, 10000]},
        }
    )
    assert _flagged(quality.count_without_spend(cy)) == {("NoSpend", "2010-11")}
    assert _flagged(quality.spend_without_count(cy)) == {("Nobody", "2010-11")}


# --------------------------------------------------------------------------- ASCOF rules


def test_self_directed_support_equal_to_direct_payments_is_flagged_to_the_person_in_the_official_year():
    trend = _trend(
        _both("2019-20", "001", "Equal", 30.0, 30.0)
        + _both("2020-21", "001", "Equal", 33.3, 33.3)
        + _both("2019-20", "002", "Apart", 80.0, 30.0)
        + _both("2020-21", "002", "Apart", 80.0, 30.0)
        + _both("2020-21", "003", "Rounded", 33.3, 33.3)
    )
    official = pd.DataFrame(
        {
            "council_name": ["Equal", "Apart", "Rounded"],
            "gss_code": ["E08000001", "E08000002", "E08000003"],
            "sds_numerator": [598, 800, 598],
            "sds_denominator": [1797, 1000, 1797],
            "dp_numerator": [598, 300, 597],  # Rounded: the same share, one person apart
            "dp_denominator": [1797, 1000, 1797],
            "sds_pct": [33.3, 80.0, 33.3],
            "dp_pct": [33.3, 30.0, 33.3],
        }
    )
    f = quality.sds_equals_dp(trend, official, "2020-21")
    assert _flagged(f) == {("Equal", "2019-20"), ("Equal", "2020-21")}
    row = f[f["year"] == "2020-21"].iloc[0]
    assert "598 of 1,797" in row["values_text"] and row["series"] == quality.SERIES_ASCOF_1C
    assert "1st of 3 on direct payments" in row["values_text"]


def test_a_share_that_halves_or_doubles_is_flagged_and_a_smaller_change_is_not():
    trend = _trend(
        [
            ("2019-20", "001", "Doubles", what_next.SDS, 10.0),
            ("2020-21", "001", "Doubles", what_next.SDS, 20.0),
            ("2019-20", "002", "Halves", what_next.DP, 30.0),
            ("2020-21", "002", "Halves", what_next.DP, 15.0),
            ("2019-20", "003", "Grows", what_next.SDS, 10.0),
            ("2020-21", "003", "Grows", what_next.SDS, 19.9),
            ("2019-20", "004", "Zero", what_next.SDS, 0.0),
            ("2020-21", "004", "Zero", what_next.SDS, 0.0),
            ("2018-19", "005", "Gap", what_next.SDS, 10.0),
            ("2020-21", "005", "Gap", what_next.SDS, 40.0),  # not consecutive: never compared
        ]
    )
    f = quality.ascof_relative_jump(trend)
    assert _flagged(f) == {("Doubles", "2020-21"), ("Halves", "2020-21")}
    assert set(f["measure"]) == {"sds", "dp"}
    # The 20-point rule sees none of these.
    assert quality.ascof_points_jump(trend).empty


def test_the_20_point_rule_flags_what_the_report_already_flags():
    trend = _trend(
        [
            ("2017-18", "001", "A", what_next.SDS, 50.0),
            ("2018-19", "001", "A", what_next.SDS, 70.0),
            ("2019-20", "001", "A", what_next.SDS, 50.1),
            ("2022-23", "002", "C", what_next.SDS, 10.0),
            ("2023-24", "002", "C", what_next.SDS, 40.0),
        ]
    )
    f = quality.ascof_points_jump(trend)
    j = what_next.jumps(what_next.SDS, df=trend)
    assert _flagged(f) == set(zip(j.loc[j["flagged"], "area_name"], j.loc[j["flagged"], "to_year"]))
    assert _flagged(f) == {("A", "2018-19"), ("C", "2023-24")}
    assert "framework change" in f.set_index("council_name").loc["C", "meaning"]


def test_impossible_shares_are_flagged_and_possible_ones_are_not():
    trend = _trend(_both("2019-20", "001", "DpAbove", 30.0, 30.1) + _both("2019-20", "002", "Fine", 90.0, 30.0))
    official = pd.DataFrame(
        {
            "council_name": ["Over", "Fine"],
            "gss_code": ["E08000009", "E08000002"],
            "sds_numerator": [101, 90],
            "sds_denominator": [100, 100],
            "dp_numerator": [30, 30],
            "dp_denominator": [100, 100],
            "sds_pct": [101.0, 90.0],
            "dp_pct": [30.0, 30.0],
        }
    )
    cy = _cy({"Proxy": {"count": [50] * 4, "proxy": [50, 101, 50, 50]}, "Fine": {"count": [50] * 4}})
    f = quality.impossible_share(cy, trend, official)
    assert _flagged(f) == {("DpAbove", "2019-20"), ("Over", "2020-21"), ("Proxy", "2010-11")}


def test_a_self_directed_support_share_of_zero_is_flagged():
    trend = _trend(_both("2017-18", "001", "Nothing", 0.0, 0.0) + _both("2017-18", "002", "Little", 0.1, 0.1))
    assert _flagged(quality.zero_sds(trend)) == {("Nothing", "2017-18")}


# --------------------------------------------------------------------------- the API


@pytest.fixture(scope="module")
def made_up():
    """Made-up series with a council like Stoke-on-Trent (equal in every year) and one without flags."""
    rows = []
    for year, (eq, other) in zip(what_next.TREND_YEARS[:4], [(34.0, 80.0), (32.0, 81.0), (30.0, 82.0), (33.3, 83.0)]):
        rows += _both(year, "001", "Equal Town", eq, eq) + _both(year, "002", "Other Town", other, 20.0)
    trend = _trend(rows)
    official = pd.DataFrame(
        {
            "council_name": ["Equal Town", "Other Town"],
            "gss_code": ["E08000001", "E08000002"],
            "sds_numerator": [598, 830],
            "sds_denominator": [1797, 1000],
            "dp_numerator": [598, 200],
            "dp_denominator": [1797, 1000],
            "sds_pct": [33.3, 83.0],
            "dp_pct": [33.3, 20.0],
        }
    )
    series = quality.Series(None, trend, official, "2020-21")
    return series, quality.flags(series)


def test_note_for_a_flagged_value_and_none_for_another(made_up):
    series, table = made_up
    note = quality.note_for("E08000001", "2020-21", "sds", table)
    assert note and "598 of 1,797" in note and "only its direct payments" in note
    assert quality.note_for("E08000002", "2020-21", "sds", table) is None
    assert quality.note_for("E08000001", "2020-21", "dp", table) is None
    with pytest.raises(ParameterError, match="dp_count"):
        quality.note_for("E08000001", "2020-21", "self-directed", table)


def test_council_flags_and_the_pack_sentences(made_up):
    series, table = made_up
    assert set(quality.council_flags("E08000001", table)["rule"]) == {"sds_equals_dp"}
    assert quality.council_flags("E08000002", table).empty
    text = " ".join(quality.pack_sentences("E08000001", table, series))
    assert "in every year it published from 2017-18 to 2020-21" in text
    assert "598 of 1,797 people on both measures" in text and "only its direct payments" in text
    assert "2nd of 2 councils on self-directed support, but 1st of 2 on direct payments" in text
    assert quality.pack_sentences("E08000002", table, series) == []


def test_every_rule_is_counted_and_has_a_finding(made_up):
    series, table = made_up
    counts = quality.counts_by_rule(table).set_index("rule")
    assert list(counts.index) == list(quality.RULES)
    assert counts.loc["sds_equals_dp", "flags"] == 4 and counts.loc["zero_sds", "flags"] == 0
    found = quality.findings(table, series)
    assert set(found) == set(quality.RULES) and found["zero_sds"].endswith("finds nothing in these series.")


def test_the_flags_come_in_one_order_whatever_the_input_order(made_up):
    series, table = made_up
    shuffled = quality.Series(None, series.trend.sample(frac=1, random_state=1), series.official, "2020-21")
    pd.testing.assert_frame_equal(quality.flags(shuffled), table)
    assert list(table.columns) == quality.COLUMNS


# --------------------------------------------------------------------------- the report's series


@pytest.fixture(scope="module")
def real():
    series = quality.load_series()
    return series, quality.flags(series)


def test_nine_councils_2010_11_label_is_in_doubt_about_15_percent_of_england(real):
    series, table = real
    d = quality.definition_summary(series.council_year)
    assert d["year"] == "2010-11" and len(d["councils"]) == 9
    assert {"Lancashire", "Cumbria"} <= set(d["councils"])
    assert 14 < d["excess_share"] < 16 and d["england"] == 114090
    doubt = table[table["rule"] == "definition_in_doubt"].set_index("council_name")["values_text"]
    assert "7,080 people, 3.6 times its 1,975 in 2011-12; spend per recipient £4,029" in doubt["Lancashire"]
    assert "5,585 people, 2.6 times its 2,165 in 2011-12; spend per recipient £1,553" in doubt["Cumbria"]


def test_stoke_on_trent_self_directed_support_equals_its_direct_payments_in_every_year(real):
    series, table = real
    eq = table[table["rule"] == "sds_equals_dp"]
    assert len(eq) > 20
    stoke = eq[eq["gss_code"] == "E06000021"]
    assert list(stoke["year"]) == list(what_next.TREND_YEARS)
    text = " ".join(quality.pack_sentences("E06000021", table, series))
    assert "in every year it published from 2017-18 to 2023-24" in text and "598 of 1,797" in text
    assert "150th of 150 councils on self-directed support, but 33rd of 150 on direct payments" in text


def test_the_workbook_sheet_lists_every_flag_with_words_not_keys(real):
    from pbanalysis.core import paths
    from pbanalysis.outputs import datatables
    from pbanalysis.sources import ascof

    series, table = real
    inp = datatables.Inputs(
        council_year=series.council_year,
        national=None,
        councils=None,
        claims=None,
        sources=None,
        ascof=ascof.load_1c(paths.ASCOF_1C_CSV),
        ascof_source={},
        ascof_trend=series.trend,
    )
    sheet = datatables.data_quality_table(inp)
    cells = sheet.cells()
    assert sheet.csv_name == "data_quality.csv" and sheet.csv_name in datatables.CSV_TITLES
    assert len(cells) == len(table) and list(cells["GSS code"]) == list(table["gss_code"])
    assert set(cells["Rule"]) == {quality.RULES[r].name for r in table["rule"]}
    assert not set(cells["Measure (unit)"]) & set(quality.MEASURES), "measures in words"
    assert all(any(r.name in s for s in sheet.subtitles) for r in quality.RULES.values())
