"""ASCOF 2017-18 to 2023-24, compiled from NHS Digital's ASCOF files: the extract, its check against
the official 2020-21 file, boundary changes, the series, flagged jumps and the target claims."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import SOURCE

from pbanalysis.analysis import what_next
from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.dataset import datapackage, origins
from pbanalysis.sources import ascof, ascof_trend, lookup

has_trend = pytest.mark.skipif(not paths.ascof_trend_csv(SOURCE).is_file(), reason="ASCOF compilation not present")

#: England's self-directed support (ASCOF 1C(1A); 3D1A in 2023-24), as NHS Digital published it.
PUBLISHED_ENGLAND_SDS = {
    "2017-18": 89.7,
    "2018-19": 89.0,
    "2019-20": 91.9,
    "2020-21": 92.2,
    "2021-22": 94.5,
    "2022-23": 93.5,
    "2023-24": 92.2,
}


@pytest.fixture(scope="module")
def trend() -> pd.DataFrame:
    return ascof_trend.load_trend()


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    return ascof.load_1c()


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """A small extract: (year, key, name, value) council rows of self-directed support, plus England."""
    out = []
    for year, key, name, value in rows:
        out.append(
            {
                "year": year,
                "area_level": "council",
                "area_name": name,
                "gss_code": f"E0600{key}",
                "council_code_2009_14": key,
                "boundary": "unchanged",
                "measure_group": "1C1A",
                "value": float(value),
            }
        )
    for year in sorted({r[0] for r in rows}):
        out.append(
            {
                "year": year,
                "area_level": "england",
                "area_name": "England",
                "gss_code": "E92000001",
                "council_code_2009_14": "",
                "boundary": "",
                "measure_group": "1C1A",
                "value": 90.0,
            }
        )
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- the extract


def test_the_extract_has_150_or_more_councils_in_every_year(trend):
    c = trend[trend["area_level"] == "council"]
    for group in ("1C1A", "1C2A"):
        n = c[c["measure_group"] == group].groupby("year")["gss_code"].nunique()
        assert list(n.index) == list(ascof_trend.YEARS)
        assert (n >= 150).all(), n


def test_england_self_directed_support_equals_the_published_values(trend):
    e = what_next.england_series(what_next.SDS)
    assert dict(zip(e["year"], e["value"])) == PUBLISHED_ENGLAND_SDS
    raw = trend[(trend["area_level"] == "england") & (trend["measure_group"] == "1C1A")]
    assert dict(zip(raw["year"], raw["value"])) == PUBLISHED_ENGLAND_SDS
    assert what_next.england()["sds_pct"] == PUBLISHED_ENGLAND_SDS["2020-21"]


@has_trend
def test_england_series_equals_the_compiled_file_itself():
    f = pd.read_csv(paths.ascof_trend_csv(SOURCE), dtype=str, keep_default_na=False)
    e = f[(f["Geographical Level"] == "England") & f["Measure Group"].isin(["1C1A", "3D1A"])]
    assert {r["Year"]: float(r["Measure_Value"]) for _, r in e.iterrows()} == PUBLISHED_ENGLAND_SDS


def test_every_row_names_its_file_and_row(trend, official):
    assert set(trend["source_file"]) == {"ascof/ascof_trend_2017-18_to_2023-24_compiled.csv"}
    assert trend["source_row"].is_unique and (trend["source_row"] >= 2).all()
    assert set(official["source_file"]) == {"ascof/ascof_measures_2020-21.xlsx"}


def test_four_measures_users_and_carers_kept_apart(trend):
    by = trend.groupby("measure_group")[["recipients", "measure"]].agg(set)
    assert by.loc["1C1A"].tolist() == [{"users"}, {"self_directed_support"}]
    assert by.loc["1C2B"].tolist() == [{"carers"}, {"direct_payments"}]
    codes = trend.groupby(trend["year"] == "2023-24")["measure_code"].agg(set)
    assert codes[True] == {"3D1A", "3D2A", "3D1B", "3D2B"}
    assert codes[False] == {"1C1A", "1C2A", "1C1B", "1C2B"}


def test_2023_24_is_marked_as_a_definition_break_and_only_it(trend):
    marked = trend[trend["definition_break"] != ""]
    assert set(marked["year"]) == {"2023-24"} and (trend[trend["year"] == "2023-24"]["definition_break"] != "").all()
    assert "renumbered" in ascof_trend.BREAK_TEXT


def test_measures_are_matched_by_description_in_any_wording():
    assert ascof_trend.describe("The proportion of people who use services who receive self-directed support") == (
        "users",
        "self_directed_support",
    )
    assert ascof_trend.describe("Proportion of people using social care who receive  direct payments") == (
        "users",
        "direct_payments",
    )
    assert ascof_trend.describe("Proportion of carers who receive self-directed support") == (
        "carers",
        "self_directed_support",
    )
    # 1C in 2023-24 is another measure: not read.
    assert ascof_trend.describe("Carer-reported quality of life") is None


def test_the_2019_20_carers_rows_with_the_users_description_are_taken_by_code_and_noted(trend):
    noted = trend[trend["note"] != ""]
    assert set(zip(noted["year"], noted["measure_code"])) == {("2019-20", "1C1B"), ("2019-20", "1C2B")}
    assert set(noted["recipients"]) == {"carers"}
    e = trend[(trend["year"] == "2019-20") & (trend["area_level"] == "england")].set_index("measure_group")["value"]
    assert e["1C1B"] != e["1C1A"]  # the carers' England value is its own, not a copy of the users'


def test_read_is_deterministic_and_matches_the_committed_extract(trend):
    if not paths.ascof_trend_csv(SOURCE).is_file():
        pytest.skip("compilation not present")
    councils = pd.read_csv(paths.COUNCILS_CSV, dtype=str, keep_default_na=False)
    a = ascof_trend.join_councils(
        ascof_trend.read_trend(paths.ascof_trend_csv(SOURCE), SOURCE), councils, lookup.read_successors()
    )
    committed = pd.read_csv(paths.ASCOF_TREND_CSV, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(a.astype(str).reset_index(drop=True), committed)


# --------------------------------------------------------------------------- the check against the official file


def test_the_compilation_agrees_with_the_official_2020_21_file_for_all_300_council_values(trend, official):
    assert ascof_trend.check_against_official(trend, official, paths.ASCOF_TREND_CSV) == 300


def test_a_disagreement_with_the_official_file_names_the_council_and_both_values(trend, official):
    bad = trend.copy()
    hit = (bad["year"] == "2020-21") & (bad["area_name"] == "Manchester") & (bad["measure_group"] == "1C2A")
    bad.loc[hit, "value"] = 15.6
    row = int(bad.loc[hit, "source_row"].iloc[0])
    with pytest.raises(
        InputError,
        match=rf"row {row}, column F .*Manchester \(E08000003\) 1C2A, 15\.5; found "
        r"'Manchester 15\.6 here, 15\.5 in the official file'",
    ):
        ascof_trend.check_against_official(bad, official, "t.csv")


def test_a_value_the_official_file_suppresses_or_a_missing_row_fails_the_check(trend, official):
    sup = official.copy()
    hit = (sup["area_name"] == "Manchester") & (sup["measure_group"] == "1C1A") & (sup["measure_type"] == "outcome")
    sup.loc[hit & (sup["age_band"] == "all_ages"), "value"] = np.nan
    with pytest.raises(InputError, match=r"also publishes \(1C1A\); found 'Manchester \(E08000003\) 90\.1 here"):
        ascof_trend.check_against_official(trend, sup, "t.csv")
    gone = trend[~((trend["year"] == "2020-21") & (trend["area_name"] == "Leeds") & (trend["measure_group"] == "1C1A"))]
    with pytest.raises(InputError, match=r"every council value of the official 2020-21 file \(1C1A\); found 'Leeds"):
        ascof_trend.check_against_official(gone, official, "t.csv")


# --------------------------------------------------------------------------- boundary changes


def test_boundary_changes_2019_to_2023_are_joined_never_merged(trend):
    c = trend[trend["area_level"] == "council"].drop_duplicates(["year", "gss_code"]).set_index(["year", "gss_code"])
    assert c.loc[("2023-24", "E06000066"), ["council_code_2009_14", "boundary"]].tolist() == ["905", "same_area"]
    assert c.loc[("2023-24", "E06000065"), ["council_code_2009_14", "boundary"]].tolist() == ["218", "same_area"]
    assert c.loc[("2020-21", "E06000060"), ["council_code_2009_14", "boundary"]].tolist() == ["612", "same_area"]
    for gss in ("E06000061", "E06000062"):
        assert c.loc[("2021-22", gss), ["council_code_2009_14", "boundary"]].tolist() == ["", "boundary_changed"]
    for gss in ("E06000063", "E06000064"):
        assert c.loc[("2023-24", gss), ["council_code_2009_14", "boundary"]].tolist() == ["", "boundary_changed"]
    # The old county's code is gone once its successors exist.
    assert ("2021-22", "E10000021") not in c.index and ("2020-21", "E10000021") in c.index
    # No 2009-2014 council gets two values in one year.
    one = trend[(trend["council_code_2009_14"] != "") & (trend["area_level"] == "council")]
    assert not one.duplicated(["year", "measure_group", "council_code_2009_14"]).any()


def test_successors_file_covers_2019_to_2023_and_stays_one_to_one():
    s = lookup.read_successors()
    assert set(s["changed_on"]) == {"2019-04-01", "2020-04-01", "2021-04-01", "2023-04-01"}
    same = s[s["relation"] == "same_area"]
    assert set(same["council_name_2009_14"]) == {"Buckinghamshire", "North Yorkshire", "Somerset"}
    split = s[s["relation"] == "boundary_changed"].groupby("council_name_2009_14")["successor_name"].agg(set)
    assert split["Northamptonshire"] == {"North Northamptonshire", "West Northamptonshire"}
    assert split["Cumbria"] == {"Cumberland", "Westmorland and Furness"}


def test_a_council_used_outside_its_years_is_refused():
    councils = pd.read_csv(paths.COUNCILS_CSV, dtype=str, keep_default_na=False)
    rows = pd.DataFrame(
        [
            {
                "year": "2023-24",
                "area_level": "council",
                "area_name": "Cumbria",
                "gss_code": "E10000006",
                "council_code_2009_14": "",
                "boundary": "",
                "source_row": 7,
            },
        ]
    )
    with pytest.raises(
        InputError,
        match=r"t\.csv, row 7, column C \(field 2\): expected a council that existed in "
        r"2023-24 \(Cumbria changed on 2023-04-01 and became Cumberland, Westmorland and Furness",
    ):
        ascof_trend.join_councils(rows, councils, lookup.read_successors(), "t.csv")
    rows.loc[0, ["year", "area_name", "gss_code"]] = ["2022-23", "Cumberland", "E06000063"]
    with pytest.raises(
        InputError, match=r"expected a council that existed in 2022-23 \(this GSS code starts on 2023-04-01"
    ):
        ascof_trend.join_councils(rows, councils, lookup.read_successors(), "t.csv")


def test_a_council_story_never_shows_another_areas_number():
    n = what_next.council_trend("Northamptonshire")
    years = {y["year"]: y for y in n["years"]}
    assert years["2020-21"]["status"] == "published" and years["2020-21"]["sds_pct"] == 60.3
    for y in ("2021-22", "2022-23", "2023-24"):
        assert years[y]["status"] == "boundary_changed" and years[y]["sds_pct"] is None and years[y]["dp_pct"] is None
        assert years[y]["successors"] == ["North Northamptonshire", "West Northamptonshire"]
        assert "boundary changed" in years[y]["text"]
    s = {y["year"]: y for y in what_next.council_trend("Somerset")["years"]}
    assert s["2023-24"]["gss_code"] == "E06000066" and s["2023-24"]["sds_pct"] == 97.9  # same area, new code
    assert s["2017-18"]["sds_rank"] == 148 and s["2017-18"]["sds_of"] == 152
    later = what_next.council_trend("E06000061")
    assert later["council_name"] == "North Northamptonshire"
    assert [y["status"] for y in later["years"]][:4] == ["not_published"] * 4
    with pytest.raises(ParameterError):
        what_next.council_trend("Atlantis")


def test_ranks_are_of_the_councils_published_that_year():
    r = what_next.council_ranks(what_next.SDS)
    sp = what_next.council_spread_by_year(what_next.SDS).set_index("year")
    for year, g in r.groupby("year"):
        assert g["of"].iloc[0] == sp.loc[year, "councils"] == len(g)
        assert (g[g["value"] == g["value"].max()]["rank"] == 1).all()
        # One rank rule: every council at the same value shares one rank, and the text says so.
        for _, same in g.groupby("value"):
            assert same["rank"].nunique() == 1 and (same["tied"] == len(same) - 1).all()
    w = r[(r["year"] == "2023-24") & (r["area_name"] == "Warwickshire")].iloc[0]
    assert w["rank"] == 1 and w["rank_text"].startswith("joint 1st with ")


# --------------------------------------------------------------------------- the series and its sentences


def test_sentences_come_from_the_data():
    b = what_next.england_best(what_next.SDS)
    assert (b["year"], b["value"], b["any_100"]) == ("2021-22", 94.5, False)
    text = what_next.trend_sentences(what_next.SDS)
    assert text.england_best.startswith("England's share on self-directed support was highest in 2021-22, at 94.5%")
    assert "no year reached 100%" in text.england_best
    sp = what_next.council_spread_by_year(what_next.SDS)
    for r in sp.itertuples():
        assert f"{r.at_100} of {r.councils} in {r.year}" in text.at_100
    low = what_next.stayed_lowest(what_next.SDS)
    assert all(name in text.stayed_lowest for name in low["area_name"])


def test_stayed_lowest_needs_every_year_among_the_lowest():
    years = what_next.SAME_DEFINITION_YEARS
    rows = [
        (y, f"{k:03d}", f"C{k}", 10 + k + (50 if (k == 2 and y == years[3]) else 0))
        for y in years
        for k in range(1, 15)
    ]
    low = what_next.stayed_lowest(what_next.SDS, n=3, df=_frame(rows))
    assert list(low["area_name"]) == ["C1", "C3"]  # C2 left the lowest three in one year


def test_the_jump_threshold_is_stated_and_applied_at_its_edge():
    assert what_next.JUMP_POINTS == 20.0
    assert "20 percentage points or more" in what_next.JUMP_TEXT
    rows = [
        ("2017-18", "001", "A", 50),
        ("2018-19", "001", "A", 70),
        ("2019-20", "001", "A", 50.1),
        ("2017-18", "002", "B", 80),
        ("2018-19", "002", "B", 99.9),
        ("2022-23", "003", "C", 10),
        ("2023-24", "003", "C", 40),
        ("2019-20", "004", "D", 10),
        ("2021-22", "004", "D", 90),
    ]
    j = what_next.jumps(what_next.SDS, df=_frame(rows)).set_index(["area_name", "to_year"])
    assert j.loc[("A", "2018-19"), "flagged"] and j.loc[("A", "2018-19"), "change"] == 20.0
    assert not j.loc[("A", "2019-20"), "flagged"] and not j.loc[("B", "2018-19"), "flagged"]  # 19.9 points
    assert j.loc[("C", "2023-24"), "flagged"] and j.loc[("C", "2023-24"), "across_break"]
    assert ("D", "2021-22") not in j.index  # not consecutive years: never compared


def test_a_flagged_jump_is_never_called_a_change_in_take_up():
    words = ("take-up", "rose", "fell", "increase", "decrease", "improv", "grew", "drop")
    texts = [
        what_next.jump_text(r) for g in (what_next.SDS, what_next.DP) for _, r in what_next.flagged_jumps(g).iterrows()
    ]
    texts += [what_next.trend_sentences(g).jumps for g in (what_next.SDS, what_next.DP)]
    texts += [j["text"] for c in ("Manchester", "Somerset") for j in what_next.council_trend(c)["jumps"]]
    assert len(texts) > 10
    for t in texts:
        assert "possible change in recording" in t
        assert not any(w in t.lower() for w in words), t
    m = what_next.council_trend("Manchester")["jumps"]
    assert {(j["from_year"], j["to_year"]) for j in m if j["group"] == what_next.SDS} == {
        ("2018-19", "2019-20"),
        ("2021-22", "2022-23"),
    }


def test_regions_and_spread_cover_every_year():
    r = what_next.region_series(what_next.DP)
    assert r.shape == (7, 9) and not r.isna().any().any()
    sp = what_next.council_spread_by_year(what_next.DP)
    assert list(sp["year"]) == list(what_next.TREND_YEARS)
    assert (sp["min"] <= sp["q1"]).all() and (sp["q3"] <= sp["max"]).all()


# --------------------------------------------------------------------------- the target claims


def test_the_targets_are_judged_against_the_whole_series():
    from pbanalysis.analysis import claims, register
    from pbanalysis.dataset import data

    t = claims.check(register.load_register(), data.load_council_year(), data.load_national_series())
    rows = t[t["figure_id"].isin(["target_all_eligible_pb_2012", "adass_expected_pb_share_2012"])]
    assert len(rows) == 2
    for _, r in rows.iterrows():
        assert r["status"] == "not_reached"
        assert "England's best year was 2021-22, at 94.5%" in r["reason"]
        assert "no council-level measure exists for 2010-11 to 2016-17" in r["reason"]
        assert "compiled from NHS Digital's ASCOF files" in r["reason"]
        assert r["rebuilt"] == 94.5


def test_against_target_series_reports_the_best_year():
    a = what_next.against_target_series("target_all_eligible_pb_2012")
    assert (a["reached"], a["best_year"], a["best_pct"], a["gap_points"]) == (False, "2021-22", 94.5, 5.5)
    sp = what_next.council_spread_by_year(what_next.SDS).set_index("year")
    assert a["councils_at_target"] == sp.loc["2021-22", "at_100"]
    assert "2010-11 to 2016-17" in a["cannot_show"]


# --------------------------------------------------------------------------- origins and charts


def test_the_compilation_is_recorded_as_a_secondary_compilation():
    o = origins.load_origins()["ascof/ascof_trend_2017-18_to_2023-24_compiled.csv"]
    assert o.kind == "secondary_compilation" and o.repository == "acbockmuehl/ascof-repos"
    assert o.commit == "1358a69c50b6613bd0c06b6d000594ccbcaa5286" and o.blob.startswith("dc26e6ca")
    assert o.accessed == "2025-05-13" and "300" in o.trusted_because and o.compiled_by
    pkg = json.loads(paths.DATAPACKAGE_JSON.read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}["ascof-sds-dp-2017-18-to-2023-24"]
    (src,) = res["sources"]
    assert src["kind"] == "secondary_compilation" and src["sha256"] == o.sha256 and src["trusted_because"]
    assert "compiled from NHS Digital's ASCOF files" in res["title"]
    line = datapackage.source_line("ascof-sds-dp-2017-18-to-2023-24")
    assert "compiled from NHS Digital's ASCOF files" in line and "not an official file" in line
    assert "compiled from NHS Digital's ASCOF files" in datapackage.source_line(
        "ascof-sds-dp-2017-18-to-2023-24", form="short"
    )


def test_a_compilation_without_its_reason_is_refused(tmp_path):
    text = paths.ORIGINS_YAML.read_text(encoding="utf-8")
    start = text.index("    trusted_because:")
    cut = text[:start] + text[text.index("\n", start) + 1 :]
    (tmp_path / "origins.yaml").write_text(cut, encoding="utf-8")
    with pytest.raises(InputError, match=r"origins\.yaml, row \d+, column 'trusted_because': expected 'compiled_by' "):
        origins.load_origins(tmp_path / "origins.yaml")


@pytest.mark.parametrize("name", ["what_next_trend_sds", "what_next_trend_dp"])
def test_what_next_trend_chart_breaks_at_2023_24_and_says_it_is_compiled(name):
    from pbanalysis.charts import style
    from pbanalysis.pipeline import registry

    chart = registry.draw(name)
    try:
        ax = chart.fig.axes[0]
        brk = [ln.get_xdata()[0] for ln in ax.lines if ln.get_gid() == style.DEFINITION_CHANGE_GID]
        assert brk == [5.5]
        data_lines = [ln for ln in ax.lines if ln.get_gid() != style.DEFINITION_CHANGE_GID]
        assert len(data_lines) == 2 * 10  # England and nine regions, each in two runs
        for ln in data_lines:
            x = np.asarray(ln.get_xdata(), dtype=float)
            assert (x < 5.5).all() or (x > 5.5).all()
        texts = " ".join(t.get_text() for t in chart.fig.texts)
        assert "compiled from NHS Digital's ASCOF files" in texts
        assert set(chart.numbers["england"]) == set(what_next.TREND_YEARS)
    finally:
        plt.close(chart.fig)


def test_what_next_rank_chart_axis_ends_at_its_last_council():
    from pbanalysis.charts.what_next import rank_ticks
    from pbanalysis.pipeline import registry

    chart = registry.draw("what_next_sds_rank")
    try:
        ax = chart.fig.axes[0]
        n = chart.numbers["councils"]
        assert ax.get_xlim()[1] == n + 0.5
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert max(ticks) == n and all(t <= n for t in ax.get_xticks())
    finally:
        plt.close(chart.fig)
    assert rank_ticks(150) == [1, 25, 50, 75, 100, 125, 150]
    assert rank_ticks(148) == [1, 25, 50, 75, 100, 125, 148]
    assert rank_ticks(130) == [1, 25, 50, 75, 100, 130]
