"""The council explorer: its logic (a council, its comparators, a measure and years), what it shows
for readers, the widgets' callback, and the web app served by `make explore`."""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from pbanalysis.analysis import explore
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.outputs import explore as shown


@pytest.fixture(scope="module")
def t():
    return explore.tables()


# --- finding a council -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Somerset", "somerset", "  SOMERSET ", "E10000027", "e10000027", "905", "Somerset (E10000027)"]
)
def test_a_council_is_found_by_name_or_code_in_any_case(query, t):
    assert explore.find_council(query, t)["council_name"] == "Somerset"


def test_a_later_council_over_the_same_area_finds_the_earlier_one(t):
    # Buckinghamshire became a unitary council in 2020 under a new GSS code, over the same area.
    assert explore.find_council("E06000060", t)["council_code"] == "612"


def test_an_unknown_name_fails_listing_close_matches(t):
    with pytest.raises(ParameterError) as err:
        explore.find_council("Somersett", t)
    text = str(err.value)
    assert "'Somersett'" in text and "closest matches" in text
    assert re.search(r"closest matches: Somerset\b", text), text


def test_a_name_with_nothing_like_it_still_says_what_is_expected(t):
    with pytest.raises(ParameterError, match="council name or GSS code"):
        explore.find_council("Zzzzqqq", t)


def test_a_council_formed_across_a_boundary_change_is_refused_naming_its_predecessors(t):
    with pytest.raises(ParameterError) as err:
        explore.find_council("Bournemouth, Christchurch and Poole", t)
    assert "Bournemouth" in str(err.value) and "Dorset" in str(err.value) and "Poole" in str(err.value)


# --- measures, years, comparators --------------------------------------------------------


def test_every_measure_of_the_issue_is_offered_with_its_years(t):
    assert set(t.years) == set(explore.MEASURES)
    assert t.years["proxy_takeup_pct"][0] == "2008-09" and t.years["proxy_takeup_pct"][-1] == "2013-14"
    every = ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    assert t.years["ascof_sds_pct"] == every and t.years["ascof_dp_pct"] == every


def test_the_ascof_years_are_those_the_compilation_holds(t):
    # A year the compilation adds becomes a year of the measure, nothing else needed.
    from pbanalysis.dataset import data
    from pbanalysis.sources import ascof_trend, lookup

    trend = ascof_trend.load_trend()
    last = trend[trend["year"] == "2023-24"]
    more = pd.concat([trend, last.assign(year="2024-25", value=last["value"] - 1)], ignore_index=True)
    tt = explore.build_tables(data.load_council_year(), data.load_councils(), more, lookup.read_successors())
    assert tt.years["ascof_dp_pct"][-2:] == ["2023-24", "2024-25"]
    v = explore.view("Leeds", "ascof_dp_pct", None, "region", t=tt)
    assert v.value("2024-25") == pytest.approx(v.value("2023-24") - 1)


def test_the_ascof_values_are_the_compilations(t):
    from pbanalysis.sources import ascof_trend

    trend = ascof_trend.load_trend()
    want = trend.query("measure_group == '1C1A' and area_level == 'council' and gss_code == 'E10000031'")
    v = explore.view("Warwickshire", "ascof_sds_pct", None, t=t)
    assert [v.value(y) for y in want["year"]] == want["value"].tolist()
    eng = trend.query("measure_group == '1C2A' and area_level == 'england'").set_index("year")["value"]
    got = explore.view("Leeds", "ascof_dp_pct", None, t=t).series.query("line == 'england'").set_index("year")
    assert got["value"].to_dict() == eng.to_dict()


def test_the_explorer_opens_on_the_councils_latest_year(t):
    assert explore.view("Leeds", "ascof_sds_pct", "latest", t=t).years == ["2023-24"]
    # Dorset's boundary changed in 2019: its latest comparable year is 2018-19.
    assert explore.view("Dorset", "ascof_sds_pct", "latest", t=t).years == ["2018-19"]
    assert explore.view("Leeds", "proxy_takeup_pct", "latest", t=t).years == ["2013-14"]


def test_the_2023_24_framework_change_is_a_break_with_both_sides_named(t):
    v = explore.view("Leeds", "ascof_sds_pct", None, t=t)
    assert v.breaks == ["2023-24"]
    assert v.sides["2023-24"] == ("earlier framework", "renumbered framework", "ASCOF renumbered")
    assert any("2017-18 to 2022-23: ASCOF's earlier framework" in n for n in v.notes)
    assert "change" in v.table and v.table["change"].isna().all()  # 2017-18 and 2023-24: not comparable
    assert explore.view("Leeds", "ascof_sds_pct", ("2017-18", "2022-23"), t=t).breaks == []


def test_the_chart_does_not_join_2023_24_and_names_each_side(t):
    import matplotlib.pyplot as plt

    from pbanalysis.charts.style import DARK_BLUE, DEFINITION_CHANGE_GID

    fig, _, numbers = shown.chart(explore.view("Leeds", "ascof_sds_pct", None, t=t))
    ax = fig.axes[0]
    council = [ln for ln in ax.get_lines() if ln.get_color() == DARK_BLUE and ln.get_gid() != DEFINITION_CHANGE_GID]
    assert [len(ln.get_xdata()) for ln in council] == [6, 1]
    texts = [x.get_text() for x in ax.texts]
    assert "ASCOF renumbered" in texts and any("earlier framework" in x for x in texts)
    assert any("renumbered framework" in x for x in texts)
    assert numbers["sides"] == {"2023-24": ["earlier framework", "renumbered framework"]}
    plt.close(fig)


@pytest.mark.parametrize("year", ["2020-21", "2023-24"])
def test_tied_councils_share_a_rank(year, t):
    # Warwickshire and Birmingham both stand at 100%: both joint 1st, whatever their names.
    w = explore.view("Warwickshire", "ascof_sds_pct", year, t=t)
    b = explore.view("Birmingham", "ascof_sds_pct", year, t=t)
    assert w.rank == b.rank == 1
    at_100 = (t.ranked("ascof_sds_pct", year)["value"] == 100).sum()
    assert w.rank_words.startswith(f"joint 1st with {at_100 - 1} other councils")
    assert "joint 1st" in w.title and "joint 1st" in w.rank_text()
    printed = shown.table(w).frame()
    assert printed.iloc[0].iloc[-1] == "=1st"


def test_the_ascof_ranks_are_the_packs(t):
    # One rank rule: the explorer's ASCOF ranks are those of the packs (every council published).
    from pbanalysis.analysis import what_next

    packs = what_next.council_ranks("1C1A").query("year == '2023-24'").set_index("key")
    ranked = t.ranked("ascof_sds_pct", "2023-24")
    assert len(ranked) == len(packs)
    for name in ["Somerset", "Leeds", "Warwickshire", "Isles of Scilly"]:
        code = explore.find_council(name, t)["council_code"]
        assert explore.view(name, "ascof_sds_pct", "2023-24", t=t).rank == packs.loc[code, "rank"]


@pytest.mark.parametrize("bad", [("2013-14", "2008-09"), "1999-00", ["2008-09"], 2010])
def test_bad_years_fail_listing_the_years(bad, t):
    with pytest.raises(ParameterError, match="2008-09, 2009-10"):
        explore.check_years(bad, "proxy_takeup_pct", t)


def test_a_span_of_years_keeps_the_years_between(t):
    assert explore.check_years(("2009-10", "2011-12"), "proxy_takeup_pct", t) == ["2009-10", "2010-11", "2011-12"]
    assert explore.check_years("2010-11", "proxy_takeup_pct", t) == ["2010-11"]


def test_an_unknown_measure_fails_listing_the_measures(t):
    with pytest.raises(ParameterError, match="proxy_takeup_pct"):
        explore.view("Somerset", "ni130")


def test_region_comparators_are_the_other_councils_of_the_region(t):
    v = explore.view("Somerset", t=t)
    regions = {t.region[c] for c in v.peers}
    assert regions == {"South West"} and t.councils.set_index("council_code").loc["905", "region"] == "South West"
    assert "905" not in v.peers and len(v.peers) == 15


def test_the_comparators_median_is_the_median_of_their_values(t):
    v = explore.view("Somerset", years="2010-11", t=t)
    ranked = t.ranked("proxy_takeup_pct", "2010-11").set_index("council_code")["value"]
    expected = float(np.median([ranked[c] for c in v.peers if c in ranked.index]))
    got = v.series.query("line == 'peer_median'")["value"].iloc[0]
    assert got == pytest.approx(expected)


def test_council_type_comparators_follow_the_type_of_the_last_year(t):
    v = explore.view("Northumberland", years=("2008-09", "2013-14"), comparators="type", t=t)
    last = t.values.query("year == '2013-14' and measure == 'proxy_takeup_pct'").set_index("council_code")
    assert {last.loc[c, "council_type"] for c in v.peers} == {"Unitary authority"}


def test_named_comparators_at_most_five(t):
    v = explore.view("Manchester", comparators="named", named=["Leeds", "E08000025"], t=t)
    assert [t.names[c] for c in v.peers] == ["Leeds", "Birmingham"]
    assert set(v.series["line"]) == {"council", "england", *v.peers}
    with pytest.raises(ParameterError, match="at most 5"):
        explore.view("Manchester", comparators="named", named=["Leeds", "York", "Bury", "Wigan", "Bolton", "Hull"])
    with pytest.raises(ParameterError, match="one to 5"):
        explore.view("Manchester", comparators="named", named=[])


def test_the_rank_is_among_every_council_with_a_value(t):
    v = explore.view("Manchester", years="2010-11", t=t)
    ranked = t.ranked("proxy_takeup_pct", "2010-11")
    assert v.ranked == len(ranked)
    better = (ranked["value"] > v.value()).sum()
    assert v.rank == better + 1
    assert f"{v.rank}" in v.title and str(v.ranked) in v.title


# --- missing years and boundary changes ----------------------------------------------------


def test_a_council_with_missing_years_shows_them_missing_and_says_why(t):
    # Cheshire East began in the 2009 reorganisation: no 2008-09 value, never a filled-in one.
    v = explore.view("Cheshire East", t=t)
    council = v.series.query("line == 'council'").set_index("year")
    assert np.isnan(council.loc["2008-09", "value"])
    assert council.loc["2009-10":, "value"].notna().all()
    row = v.table.iloc[0]
    assert row["name"] == "Cheshire East" and np.isnan(row["2008-09"])
    note = next(n for n in v.notes if n.startswith("Years without a value"))
    assert "2008-09" in note and "2009-10 to 2013-14" in note
    printed = shown.table(v).frame()
    assert printed.iloc[0]["Proxy take-up, 2008-09 (%)"] == "[x]"


def test_an_abolished_council_shows_only_its_years(t):
    v = explore.view("Cheshire", t=t)
    council = v.series.query("line == 'council'").set_index("year")["value"]
    assert council.notna().tolist() == [True, False, False, False, False, False]
    assert v.rank is None and "not ranked" in v.rank_text()


def test_a_council_whose_boundary_changed_has_no_later_value_and_says_why(t):
    # Dorset's boundary changed in 2019: its 2020-21 ASCOF value is for another area, so none is shown.
    v = explore.view("Dorset", "ascof_sds_pct", None, t=t)
    assert np.isnan(v.value()) and v.rank is None
    assert v.table.iloc[0]["2020-21_flag"] == "[z]" and v.value("2018-19") == pytest.approx(99.6)
    note = next(n for n in v.notes if n.startswith("Years without a value"))
    assert "boundary changed on 2019-04-01" in note and "Bournemouth, Christchurch and Poole" in note
    assert "in 2019-20 to 2023-24 its area" in note
    printed = shown.table(v)
    assert printed.frame().iloc[0].iloc[1] == "96.7%" and printed.frame().iloc[0].iloc[3] == "[z]"
    assert any(n.startswith("[z]:") for n in printed.all_notes())
    # Its PSS-EX1 years are there as before.
    assert explore.view("Dorset", t=t).series.query("line == 'council'")["value"].notna().all()


def test_a_suppressed_count_stays_suppressed(t):
    v = t.values.query("measure == 'dp_clients_31mar' and flag == '-'")
    assert len(v), "the PSS-EX1 extract has suppressed direct-payment counts"
    r = v.iloc[0]
    view = explore.view(t.names[r["council_code"]], "dp_clients_31mar", r["year"], t=t)
    assert np.isnan(view.value()) and shown.table(view).frame().iloc[0].iloc[1] == "[c]"


def test_lines_break_where_the_count_changes(t):
    v = explore.view("Somerset", t=t)
    assert v.breaks == ["2009-10", "2010-11"]
    assert any("definition changes in 2009-10, 2010-11" in n for n in v.notes)
    assert explore.view("Somerset", years=("2011-12", "2013-14"), t=t).breaks == []


# --- what the articles said -----------------------------------------------------------------


@pytest.mark.parametrize("council,value", [("Somerset", "3.3%"), ("Manchester", "58.7%")])
def test_what_the_articles_said_about_a_named_council(council, value, t):
    v = explore.view(council, t=t)
    assert any(m["value"] == value and "2009-10" in m["period"] for m in v.mentions)
    assert value in shown.said(v)


def test_a_council_the_articles_do_not_name(t):
    v = explore.view("Leeds", t=t)
    assert v.mentions == [] and "do not name Leeds" in shown.said(v)


# --- what readers see ------------------------------------------------------------------------


def test_the_table_reads_in_words_with_units_and_symbols(t):
    v = explore.view("Somerset", t=t)
    tab = shown.table(v)
    frame = tab.frame()
    assert list(frame.columns)[:2] == ["Council", "Proxy take-up, 2008-09 (%)"]
    assert frame.columns[-1] == f"Rank in 2013-14 of {v.ranked} councils (1 = highest)"
    assert "ascof" not in " ".join(frame.columns).lower()
    assert frame.iloc[0]["Council"] == "Somerset"
    assert list(frame["Council"].iloc[-2:]) == ["Median of South West councils", "England"]
    assert frame.iloc[-1].iloc[-1] == "[z]"
    assert all(re.fullmatch(r"\d+\.\d%|\[[cxz]\]", c) for c in frame.iloc[:, 1:-2].to_numpy().ravel())
    assert all(re.fullmatch(r"-?\d+\.\d points|\[[cxz]\]", c) for c in frame.iloc[:, -2])  # change, in points
    html = tab.html()
    assert "Source: " in html and "NHS" in html and "<th" in html and "index" not in html.lower()


def test_the_change_over_the_years_is_given_only_on_one_definition(t):
    v = explore.view("Somerset", t=t)
    row = v.table.iloc[0]
    assert row["change"] == pytest.approx(row["2013-14"] - row["2008-09"])  # both years count direct payments only
    frame = shown.table(v).frame()
    assert frame.iloc[0]["Change, 2008-09 to 2013-14 (percentage points)"] == fmt.points(row["change"])
    across = explore.view("Somerset", years=("2009-10", "2013-14"), t=t)
    assert across.table["change"].isna().all() and set(across.table["change_flag"]) == {"[z]"}
    assert any("different definitions" in n for n in shown.table(across).all_notes())
    assert "change" not in explore.view("Somerset", years="2010-11", t=t).table


def test_the_chart_never_joins_two_years_across_a_definition_change(t):
    import matplotlib.pyplot as plt

    from pbanalysis.charts.style import DARK_BLUE, DEFINITION_CHANGE_GID

    fig, _, _ = shown.chart(explore.view("Somerset", t=t))
    ax = fig.axes[0]
    council = [ln for ln in ax.get_lines() if ln.get_color() == DARK_BLUE and ln.get_gid() != DEFINITION_CHANGE_GID]
    assert [len(ln.get_xdata()) for ln in council] == [1, 1, 4]  # 2008-09 | 2009-10 | 2010-11 to 2013-14
    assert len([ln for ln in ax.get_lines() if ln.get_gid() == DEFINITION_CHANGE_GID]) == 2
    plt.close(fig)


def test_the_csv_is_the_table_with_symbols_for_missing_values(t):
    v = explore.view("Cheshire East", t=t)
    s = shown.render(v)
    lines = s.csv.splitlines()
    header = next(csv.reader([lines[0]]))
    assert header[:5] == [
        "Council",
        "Region",
        "Council type",
        "Proxy take-up, 2008-09 (%)",
        "Proxy take-up, 2008-09: flag",
    ]
    assert "Change, 2008-09 to 2013-14 (percentage points)" in header
    row = next(csv.reader([lines[1]]))
    assert row[:7] == ["Cheshire East", "North West", "Unitary authority", "", "[x]", "25.25", ""]
    # Numbers are numbers: every value column reads as numbers, the symbols are in the flag columns.
    df = pd.read_csv(io.StringIO(s.csv))
    for col in [c for c in df.columns if c.endswith("(%)") or c.endswith("points)") or "1 = highest" in c]:
        assert pd.api.types.is_numeric_dtype(df[col]), col
    assert df["Change, 2008-09 to 2013-14: flag"].fillna("").isin(["", "[x]", "[z]"]).all()
    assert df.loc[df["Council"] == "England", "Rank in 2013-14: flag"].iloc[0] == "[z]"
    assert s.csv_name == "cheshire-east-proxy_takeup_pct-region-2008-09-to-2013-14.csv"


def test_the_chart_downloads_are_the_chart_on_screen(t):
    s = shown.render(explore.view("Somerset", "ascof_sds_pct", None, t=t))
    assert s.png.startswith(b"\x89PNG") and b"<svg" in s.svg[:500]
    svg = s.svg.decode()
    assert "Source:" in svg or "Source" in svg
    links = shown.download_link(s)
    for ext in ("csv", "png", "svg"):
        assert f'download="{s.file_name(ext)}"' in links
    assert base64.b64encode(s.png).decode() in links


def test_save_csv_writes_the_shown_table(tmp_path, t):
    s = shown.render(explore.view("Somerset", years="2010-11", t=t))
    path = shown.save_csv(s, tmp_path)
    assert path.read_text(encoding="utf-8") == s.csv
    assert pd.read_csv(path).shape[0] == len(s.table.df)


def test_the_chart_has_a_title_stating_the_finding_and_a_source_line(t):
    import matplotlib.pyplot as plt

    v = explore.view("Somerset", t=t)
    fig, alt, numbers = shown.chart(v)
    texts = [x.get_text() for x in fig.texts]
    assert any(x.startswith("Somerset: proxy take-up") for x in texts)
    assert any("Source:" in x for x in texts)
    assert numbers["breaks"] == ["2009-10", "2010-11"] and "Somerset" in alt
    plt.close(fig)
    fig, alt, numbers = shown.chart(explore.view("Somerset", years="2010-11", t=t))
    assert "Somerset" in numbers["values"] and set(numbers["lines"]) == {"England", "Median of South West councils"}
    plt.close(fig)


def test_the_query_string_chooses_the_council(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "council=Leeds&x=1")
    assert shown.query_value("council", "Somerset") == "Leeds"
    monkeypatch.delenv("QUERY_STRING")
    assert shown.query_value("council", "Somerset") == "Somerset"


START = {"council": "Somerset", "measure": "ascof_sds_pct", "years": "latest", "comparators": "region", "named": []}


def test_the_address_gives_every_choice(t):
    q = "council=Leeds&compare=named&named=York&named=Hull&measure=proxy_takeup_pct&years=2009-10+to+2012-13"
    choice, messages = shown.from_address(q, START)
    assert messages == []
    assert choice == {
        "council": "Leeds",
        "measure": "proxy_takeup_pct",
        "years": ("2009-10", "2012-13"),
        "comparators": "named",
        "named": ["York", "Hull"],
    }


def test_a_view_written_to_the_address_reads_back_as_the_same_view(t):
    v = explore.view("Leeds", "proxy_takeup_pct", ("2009-10", "2012-13"), "named", ["York", "Bristol"], t=t)
    q = shown.to_address(v)
    assert "council=E08000035" in q and "years=2009-10+to+2012-13" in q and "compare=named" in q
    choice, messages = shown.from_address(q, START)
    again = explore.view(**choice, t=t)
    assert messages == [] and again.summary() == v.summary()


@pytest.mark.parametrize(
    "query,said",
    [
        ("council=E10000022", "Council 'E10000022' not found"),
        ("measure=ascof_sds", "closest matches: ascof_sds_pct"),
        ("years=1999-00", "Years '1999-00' not found"),
        ("council=Somersett", "closest matches: Somerset"),
        ("compare=nearby", "Compare 'nearby' not found"),
        ("compare=named", "needs one to five councils"),
        ("council=Leeds&named=Yrok&compare=named", "Named council 'Yrok' not found"),
    ],
)
def test_a_bad_address_gives_the_default_view_and_says_what_was_not_found(query, said, t):
    choice, messages = shown.from_address(query, START)
    assert any(said in m for m in messages), messages
    explore.view(**choice, t=t)  # a view that can be shown
    assert choice["measure"] == "ascof_sds_pct" or "measure=" not in query


def test_a_bad_address_shows_the_controls_and_the_message(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "council=E10000022&years=2030-31")
    monkeypatch.setattr(shown, "_QUERY", {})
    app = shown.explorer("Somerset", "ascof_sds_pct", "latest", "region")
    assert isinstance(app, shown.Explorer) and app.view.council["name"] == "Somerset"
    assert "E10000022" in app.message.value and "2030-31" in app.message.value
    assert "closest matches" in app.message.value


def test_a_view_the_address_asks_for_is_drawn_after_the_cell_and_a_change_meanwhile_wins(monkeypatch):
    import asyncio

    monkeypatch.setattr(shown, "DRAW_AFTER_S", 0.01)

    async def served(change: bool):
        app = shown.Explorer("Leeds", "ascof_sds_pct", "latest", "region", defer=True)
        waiting = (app.shown, app.chart.value, app.message.value, app.view.council["name"], app.council.value)
        if change:
            app.council.value = "York (E06000014)"
        await asyncio.sleep(0.2)
        return app, waiting

    app, (drawn, png, message, name, box) = asyncio.run(served(False))
    assert drawn is None and png == b"" and "Drawing" in message and name == "Leeds" and box.startswith("Leeds")
    assert app.view.council["name"] == "Leeds" and app.chart.value and "Leeds" in app.table.value
    assert app.message.value == ""
    app, _ = asyncio.run(served(True))
    assert app.view.council["name"] == "York" and "York" in app.table.value


# --- the widgets' callback ---------------------------------------------------------------------


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    return shown.Explorer("Somerset", "proxy_takeup_pct", None, "region")


def test_changing_the_council_redraws_the_chart_and_the_table(app):
    before = app.chart.value
    app.council.value = "Manchester (E08000003)"
    assert app.view.council["name"] == "Manchester"
    assert app.chart.value != before and "Manchester" in app.table.value and "North West" in app.table.value
    assert "58.7%" in app.said.value and "manchester-" in app.download.value


def test_an_unknown_council_in_the_box_keeps_the_view_and_lists_close_matches(app):
    app.council.value = "Manchestr"
    assert app.view.council["name"] == "Somerset"
    assert "Manchester" in app.message.value and "closest matches" in app.message.value


def test_every_change_is_written_to_the_address(app):
    app.council.value = "Leeds (E08000035)"
    assert 'data-query="council=E08000035&amp;compare=region' in app.address.value
    app.measure.value = "ascof_dp_pct"
    assert "measure=ascof_dp_pct" in app.address.value and "years=2017-18+to+2023-24" in app.address.value
    assert app.years_text.value == "2017-18 to 2023-24" and app.years.readout is False


def test_changing_the_measure_offers_its_years(app):
    app.measure.value = "ascof_dp_pct"
    assert list(app.years.options) == explore.tables().years["ascof_dp_pct"]
    assert app.view.measure.key == "ascof_dp_pct"


def test_named_comparators_in_the_widgets(app):
    app.comparators.value = "named"
    assert "Add one to five" in app.message.value
    app.named.value = ["Leeds (E08000035)", "Bristol (E06000023)"]
    assert [app.view.council["name"], *(explore.tables().names[c] for c in app.view.peers)] == [
        "Somerset",
        "Leeds",
        "Bristol",
    ]


def test_the_save_button_writes_the_csv(app, tmp_path):
    app.save.click()
    files = list((tmp_path / "explore").glob("*.csv"))
    assert [f.name for f in files] == [app.shown.csv_name] and files[0].read_text() == app.shown.csv


def test_the_static_page_shows_chart_rank_and_table():
    page = shown.explorer("Somerset", "proxy_takeup_pct", None, "region", static=True)
    html = page._repr_html_()
    assert html.count("<img") == 1 and "111th of 152" in html and "<table>" in html
    # The report's default page: the council's latest ASCOF year.
    page = shown.explorer("Somerset", "ascof_sds_pct", "latest", "region", static=True)
    assert "Rank in 2023-24: 98th of 152" in page._repr_html_()


# --- the web app -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_explore_serves_the_page_on_loopback_and_stops_by_pid():
    port = _free_port()
    env = dict(os.environ, PORT=str(port))
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "explore", f"PORT={port}"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As in a terminal, where Ctrl-C reaches the server (a shell's background job would ignore it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline, page, status = time.monotonic() + 120, "", None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=90) as r:
                    status, page = r.status, r.read().decode("utf-8", "replace")
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert status == 200, proc.stdout.read().decode() if proc.poll() is not None else "no answer in time"
        assert "Somerset" in page
        # Bound to loopback only: the port is not open on another address of this machine.
        with socket.socket() as s:
            s.settimeout(1)
            other = socket.gethostbyname(socket.gethostname())
            if not other.startswith("127."):
                assert s.connect_ex((other, port)) != 0
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to make and the server
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
            pytest.fail("the server did not stop within 15 s of Ctrl-C")
    out = proc.stdout.read().decode()
    assert f"http://127.0.0.1:{port}/" in out
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the server still listens after Ctrl-C"
