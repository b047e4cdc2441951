"""Every council-by-year table holds every council in every year it existed, with [x] (or [c]) and a
reason where it has no value; where England's total holds a council with no value, the note says so
(issue 28)."""

from __future__ import annotations

import pandas as pd
import pytest

from pbanalysis.outputs import datatables
from pbanalysis.sources import ascof_trend, lookup

SYMBOLS = {"[c]", "[x]"}


@pytest.fixture(scope="module")
def inp():
    return datatables.load_inputs()


def _check_reasons(sheet: datatables.Sheet, reason: str) -> None:
    cells = sheet.cells()
    numeric = sheet.numeric_labels()
    for _, r in cells.iterrows():
        empty = [c for c in numeric if r[c] in SYMBOLS]
        if empty:
            assert r[reason] not in ("", "[z]", "[x]"), (r.iloc[:4].tolist(), empty)
        else:
            assert r[reason] == "[z]", r.iloc[:4].tolist()


def test_the_council_table_gives_a_reason_for_every_missing_value(inp):
    _check_reasons(datatables.council_table(inp), "Why a value is missing")


def test_the_rank_table_gives_a_reason_for_every_missing_value(inp):
    sheet = datatables.rank_table(inp)
    cells = sheet.cells()
    for _, r in cells.iterrows():
        missing = (
            r["Proxy take-up (%)"] in SYMBOLS
            or r["Direct-payment spend per recipient (£ a year, cash terms)"] in SYMBOLS
        )
        assert (r["Why a value is missing"] != "[z]") == missing, r.iloc[:4].tolist()


def test_the_ascof_2020_21_table_gives_a_reason_for_every_missing_value(inp):
    sheet = datatables.ascof_table(inp)
    cells = sheet.cells()
    hackney = cells[cells["Council"] == "Hackney"].iloc[0]
    assert hackney["Self-directed support, ASCOF 1C(1A) (%)"] == "[x]"
    assert "not available" in hackney["Why a value is missing"]
    assert "suppressed" not in hackney["Why a value is missing"]


def test_the_ascof_series_has_every_council_in_every_year_it_existed(inp):
    sheet = datatables.ascof_series_table(inp)
    cells = sheet.cells()
    _check_reasons(sheet, "Why a value is missing")
    t = inp.ascof_trend
    c = t[t["area_level"] == "council"]
    ended = {r.gss_code_2009_14: r.changed_on for r in lookup.read_successors().itertuples()}
    for gss, g in c.groupby("gss_code"):
        first = g["year"].min()
        want = {y for y in ascof_trend.YEARS if y >= first and not (gss in ended and f"{y[:4]}-04-01" >= ended[gss])}
        got = set(cells.loc[cells["GSS code"] == gss, "Financial year"])
        assert got == want, gss
    h = cells[cells["Council"] == "Hackney"].set_index("Financial year")
    for y in ("2020-21", "2021-22", "2022-23", "2023-24"):
        assert h.loc[y, "Self-directed support, ASCOF 1C(1A), 3D1A from 2023-24 (%)"] == "[x]"
        assert "no row for this council" in h.loc[y, "Why a value is missing"]


def test_a_missing_council_year_is_found_on_a_made_up_series():
    trend = pd.DataFrame(
        {
            "year": ["2017-18", "2018-19", "2019-20", "2017-18", "2017-18", "2018-19", "2019-20"],
            "area_level": ["council"] * 7,
            "gss_code": ["E1", "E1", "E1", "E2", "E3", "E3", "E4"],
            "area_name": ["One", "One", "One", "Two", "Three", "Three", "Four"],
            "council_code_2009_14": [""] * 7,
            "boundary": ["unchanged"] * 7,
        }
    )
    successors = pd.DataFrame({"gss_code_2009_14": ["E3"], "changed_on": ["2019-04-01"]})
    m = ascof_trend.missing_councils(trend, successors)
    # Two has no row after 2017-18; Three ended in 2019; Four begins in 2019-20.
    assert list(zip(m["year"], m["gss_code"])) == [("2018-19", "E2"), ("2019-20", "E2")]


def test_the_note_says_england_holds_hackneys_people_computed_from_the_files(inp):
    from pbanalysis.analysis import what_next as wn

    official = inp.ascof[inp.ascof["year"] == "2020-21"]
    sds = ascof_trend.england_remainder(official, wn.SDS)
    dp = ascof_trend.england_remainder(official, wn.DP)
    assert sds["councils"] == dp["councils"] == ["Hackney"]
    assert (sds["denominator"], sds["numerator"], dp["numerator"]) == (2193, 2193, 447)
    t = inp.ascof_trend
    last = t[(t["area_name"] == "Hackney") & (t["year"] == "2019-20") & t["measure_group"].isin([wn.SDS, wn.DP])]
    last = last.set_index("measure_group")["value"]
    assert (sds["pct"], dp["pct"]) == (last[wn.SDS], last[wn.DP]) == (100.0, 20.4)
    note = datatables.notes(inp)["ascof_series"]
    assert "England's 2020-21 total counts 2,193 people" in note and "Hackney's 2019-20 values" in note
    assert "Hackney, 2020-21 to 2023-24" in note
