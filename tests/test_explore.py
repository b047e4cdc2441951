"""The council explorer: its logic (a council, its comparators, a measure and years), what it shows
for readers, the widgets' callback, and the web app served by `make explore`."""

from __future__ import annotations

import csv
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
    ascof_years = sorted(explore.tables().values.query("measure == 'ascof_sds_pct'")["year"].unique())
    assert t.years["ascof_sds_pct"] == ascof_years and "2020-21" in ascof_years


def test_the_ascof_years_are_those_the_extract_holds(t):
    # A second ASCOF year in the extract becomes a second year of the measure, nothing else needed.
    from pbanalysis.dataset import data
    from pbanalysis.sources import ascof, lookup

    one = ascof.load_1c()
    two = pd.concat([one, one.assign(year="2021-22", value=one["value"] + 1)], ignore_index=True)
    tt = explore.build_tables(data.load_council_year(), data.load_councils(), two, lookup.read_successors())
    assert tt.years["ascof_dp_pct"] == ["2020-21", "2021-22"]
    v = explore.view("Somerset", "ascof_dp_pct", None, "region", t=tt)
    assert v.value("2021-22") == pytest.approx(v.value("2020-21") + 1)


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
    v = explore.view("Dorset", "ascof_sds_pct", t=t)
    assert np.isnan(v.value()) and v.rank is None
    assert v.table.iloc[0]["2020-21_flag"] == "[z]"
    note = next(n for n in v.notes if n.startswith("Years without a value"))
    assert "boundary changed on 2019-04-01" in note and "Bournemouth, Christchurch and Poole" in note
    printed = shown.table(v)
    assert printed.frame().iloc[0].iloc[1] == "[z]"
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
    assert frame.iloc[0]["Change, 2008-09 to 2013-14"] == fmt.points(row["change"])
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
    assert next(csv.reader([lines[0]]))[:2] == ["Council", "Proxy take-up, 2008-09 (%)"]
    assert lines[1] == "Cheshire East,[x],25.25,40.8,50.63,45.16,32.68,[x],20"
    assert s.csv_name == "cheshire-east-proxy_takeup_pct-region-2008-09-to-2013-14.csv"


def test_save_csv_writes_the_shown_table(tmp_path, t):
    s = shown.render(explore.view("Somerset", years="2010-11", t=t))
    path = shown.save_csv(s, tmp_path)
    assert path.read_text(encoding="utf-8") == s.csv
    assert pd.read_csv(path).shape == (len(s.table.df), len(s.table.columns))


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
