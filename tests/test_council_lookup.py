"""The one council look-up (:func:`pbanalysis.analysis.measures.find_council`): names in any spelling,
GSS and PSS-EX1 codes, successor councils, and errors that name what was not found and the closest
matches. First on small made-up frames, then on the real councils table and through every caller
(the explorer, what_next, the packs and the CLI)."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from pbanalysis import cli
from pbanalysis.analysis import explore, measures, what_next
from pbanalysis.core import paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data
from pbanalysis.outputs import packs
from pbanalysis.sources import lookup

# --- small made-up frames -----------------------------------------------------------------

COLUMNS = ["council_code", "council_name", "pssex1_names", "gss_code", "lookup_code", "lookup_name", "last_year"]


@pytest.fixture
def councils() -> pd.DataFrame:
    rows = [
        ["101", "Northshire", "Northshire; Northshire UA", "E10000001", "NSH", "Northshire County Council", "2013-14"],
        [
            "102",
            "Stoke on Sea",
            "Stoke on Sea; Stoke-on-Sea",
            "E06000002",
            "SOS",
            "Stoke-on-Sea City Council",
            "2013-14",
        ],
        ["103", "Eastshire", "Eastshire", "E10000003", "ESH", "Eastshire County Council", "2013-14"],
        ["104", "Westshire", "Westshire", "E10000004", "WSH", "Westshire County Council", "2013-14"],
        ["199", "Oldshire", "Oldshire", "", "", "", "2008-09"],  # abolished in 2009: no GSS code
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def successors() -> pd.DataFrame:
    def row(code, name, gss, s_code, s_name, s_gss, on, relation):
        return [code, name, gss, s_code, s_name, s_gss, on, relation, ""]

    rows = [
        row("101", "Northshire", "E10000001", "201", "North Unitary", "E06000091", "2020-04-01", "same_area"),
        row("103", "Eastshire", "E10000003", "", "East Town", "E06000092", "2021-04-01", "boundary_changed"),
        row("103", "Eastshire", "E10000003", "", "East Vale", "E06000093", "2021-04-01", "boundary_changed"),
    ]
    return pd.DataFrame(rows, columns=lookup.SUCCESSOR_COLUMNS)


@pytest.fixture
def later() -> pd.DataFrame:
    """Later councils as the ASCOF tables list them: one formed over a changed boundary, one over the
    same area as a 2009-2014 council."""
    return pd.DataFrame(
        [["301", "East Town", "E06000092", ""], ["201", "North Unitary", "E06000091", "101"]],
        columns=["council_code", "council_name", "gss_code", "council_code_2009_14"],
    )


@pytest.mark.parametrize(
    "query",
    [
        "Stoke on Sea",
        "Stoke-on-Sea",
        "stoke-on-sea",
        "  STOKE   ON SEA ",
        "Stoke-on-Sea City Council",
        "E06000002",
        "e06000002",
        "102",
        "Stoke on Sea (E06000002)",
    ],
)
def test_a_made_up_council_is_found_by_any_spelling_or_code(query, councils, successors):
    row = measures.find_council(query, councils, successors)
    assert (row["council_code"], row["council_name"], row["later"]) == ("102", "Stoke on Sea", False)


def test_the_row_comes_back_whole_and_labelled(councils, successors):
    row = measures.find_council("Westshire", councils, successors)
    assert row.name == 3 and row["gss_code"] == "E10000004" and row["lookup_name"] == "Westshire County Council"


@pytest.mark.parametrize("query", ["North Unitary", "E06000091", "e06000091", "201"])
def test_a_later_council_over_the_same_area_finds_its_2009_2014_council(query, councils, successors):
    assert measures.find_council(query, councils, successors)["council_code"] == "101"


@pytest.mark.parametrize("query", ["East Town", "E06000093", "East Vale"])
def test_a_council_formed_across_a_boundary_change_fails_naming_where_its_area_came_from(query, councils, successors):
    with pytest.raises(ParameterError) as err:
        measures.find_council(query, councils, successors)
    text = str(err.value)
    assert f"council={query!r}" in text and "changed in 2021 from parts of Eastshire" in text
    assert "choose one of Eastshire" in text


def test_a_later_council_is_found_among_the_later_councils_given(councils, successors, later):
    row = measures.find_council("East Town", councils, successors, later=later)
    assert (row["later"], row["gss_code"], row["council_code"]) == (True, "E06000092", "301")
    assert measures.find_council("301", councils, successors, later=later)["gss_code"] == "E06000092"
    # A later council that is a 2009-2014 council's (same area) gives that council, not its own row.
    back = measures.find_council("North Unitary", councils, successors, later=later)
    assert (back["later"], back["council_code"]) == (False, "101")
    # Not among them: still refused, naming its area's councils.
    with pytest.raises(ParameterError, match="parts of Eastshire"):
        measures.find_council("East Vale", councils, successors, later=later)


def test_a_misspelt_name_fails_naming_the_closest_matches(councils, successors):
    with pytest.raises(ParameterError) as err:
        measures.find_council("Northshir", councils, successors)
    assert "council='Northshir'" in str(err.value)
    assert "closest matches: Northshire" in str(err.value)


def test_a_bad_code_fails_naming_the_nearest_codes_of_its_kind_with_their_councils(councils, successors):
    with pytest.raises(ParameterError) as err:
        measures.find_council("E10000002", councils, successors)
    text = str(err.value)
    # E10 codes nearest in number (1 and 3 one away, in order; 4 two away); the E06 code is another kind.
    assert "closest matches: Northshire (E10000001), Eastshire (E10000003), Westshire (E10000004)" in text
    assert "E06000002" not in text
    with pytest.raises(ParameterError, match=r"closest matches: Westshire \(104\), Eastshire \(103\)"):
        measures.find_council("105", councils, successors)


def test_a_name_like_nothing_still_says_what_is_expected(councils, successors):
    with pytest.raises(ParameterError, match="a council name or GSS code, or a PSS-EX1 council code, such as"):
        measures.find_council("Qqqqzzzz", councils, successors)


@pytest.mark.parametrize("query", ["", "   ", None, 306])
def test_no_query_is_refused(query, councils, successors):
    with pytest.raises(ParameterError, match="a council name or GSS code"):
        measures.find_council(query, councils, successors)


def test_a_council_abolished_in_2009_is_found_only_when_asked_for(councils, successors):
    with pytest.raises(ParameterError, match="Oldshire was abolished on 1 April 2009 and has figures for 2008-09 only"):
        measures.find_council("Oldshire", councils, successors)
    assert measures.find_council("Oldshire", councils, successors, abolished=True)["council_code"] == "199"
    assert measures.find_council("199", councils, successors, abolished=True)["council_name"] == "Oldshire"


def test_a_name_two_councils_share_is_refused_naming_both(councils, successors):
    twins = councils.copy()
    twins.loc[3, "lookup_name"] = "Eastshire Council"  # Westshire's other name reads as Eastshire
    with pytest.raises(ParameterError, match="one council; it names 2: Eastshire, Westshire"):
        measures.find_council("Eastshire", twins, successors)


def test_the_table_given_is_the_table_searched(councils, successors):
    # Westshire dropped: no longer found, and no longer offered.
    fewer = councils[councils["council_code"] != "104"]
    with pytest.raises(ParameterError) as err:
        measures.find_council("Westshire", fewer, successors)
    assert "closest matches: Westshire" not in str(err.value)


# --- the real councils table --------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return data.load_councils()


@pytest.mark.parametrize(
    "query,code",
    [
        ("Stoke on Trent", "414"),
        ("Stoke-on-Trent", "414"),
        ("stoke-on-trent city council", "414"),
        ("Hull", "215"),
        ("Kingston upon Hull", "215"),
        ("Telford & Wrekin Council", "418"),
        ("St. Helens", "318"),
        ("Medway Towns", "821"),
        ("city-of-york-council", "219"),  # 'City of York Council', hyphenated as in a web address
        ("City of London", "714"),
        ("E08000003", "306"),
        ("306", "306"),
        ("E06000060", "612"),  # Buckinghamshire's unitary council (2020), same area
        ("916", "612"),
        ("E06000066", "905"),  # Somerset's unitary council (2023), same area
        ("E06000065", "218"),  # North Yorkshire's (2023)
    ],
)
def test_real_councils_by_alias_code_and_successor(query, code, real):
    assert measures.find_council(query, real)["council_code"] == code


def test_every_real_council_is_found_by_its_name_gss_code_and_pss_ex1_code(real):
    current = real[real["gss_code"].fillna("") != ""]
    assert len(current) == 152
    for r in current.itertuples():
        for q in (r.council_name, r.gss_code, r.council_code, r.council_name.upper()):
            assert measures.find_council(q, real)["council_code"] == r.council_code, q


def test_a_bad_real_code_names_the_nearest_county_codes():
    with pytest.raises(ParameterError) as err:
        measures.find_council("E10000022", data.load_councils())
    text = str(err.value)
    assert "council='E10000022'" in text
    assert "closest matches: Northamptonshire (E10000021), North Yorkshire (E10000023)" in text


def test_a_real_misspelling_names_the_council_meant(real):
    with pytest.raises(ParameterError, match="closest matches: Manchester"):
        measures.find_council("Manchster", real)
    with pytest.raises(ParameterError, match="closest matches: Somerset"):
        measures.find_council("Somersett", real)


def test_real_later_councils_over_a_changed_boundary_name_their_predecessors(real):
    with pytest.raises(ParameterError, match="from parts of Northamptonshire"):
        measures.find_council("North Northamptonshire", real)
    with pytest.raises(ParameterError, match="from parts of Bournemouth, Dorset, Poole"):
        measures.find_council("E06000058", real)


def test_cheshire_abolished_in_2009_names_the_councils_that_took_its_area(real):
    with pytest.raises(ParameterError, match="its area is now Cheshire East and Cheshire West and Chester"):
        measures.find_council("Cheshire", real)
    assert measures.find_council("Cheshire", real, abolished=True)["council_code"] == "320"


# --- every caller uses it -----------------------------------------------------------------


@pytest.mark.parametrize("query", ["Stoke-on-Trent", "stoke on trent", "E06000021", "414"])
def test_the_explorer_and_what_next_find_the_same_council(query):
    assert explore.find_council(query)["council_code"] == "414"
    assert what_next.council_value(query)["council_code_2009_14"] == "414"
    assert what_next.council_trend(query)["key"] == "414"


def test_what_next_finds_a_later_council_by_its_own_name_or_code():
    v = what_next.council_value("Bournemouth, Christchurch and Poole")  # formed 2019, in the 2020-21 file
    assert (v["council_code_2009_14"], v["gss_code"], v["boundary"]) == (None, "E06000058", "boundary_changed")
    assert what_next.council_value("E06000058")["ascof_code"] == v["ascof_code"] == "738"
    assert what_next.council_trend("E06000061")["council_name"] == "North Northamptonshire"  # formed 2021
    # North Northamptonshire has no 2020-21 value: the 2020-21 look-up names where its area came from.
    with pytest.raises(ParameterError, match="from parts of Northamptonshire"):
        what_next.council_value("E06000061")
    # The ASCOF series' own spelling of a 2009-2014 council gives that council's story.
    assert what_next.council_trend("Herefordshire, County of")["key"] == "415"


def test_what_next_fails_with_the_closest_matches():
    with pytest.raises(ParameterError, match="closest matches: Manchester"):
        what_next.council_value("Manchster")
    with pytest.raises(ParameterError, match=r"closest matches: Northamptonshire \(E10000021\)"):
        what_next.council_trend("E10000022")


def test_the_explorer_finds_cheshire_which_has_a_2008_09_value():
    assert explore.find_council("Cheshire")["council_code"] == "320"


def test_packs_find_every_council_before_building_any(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(packs, "_one", lambda job: built.append(job[0]) or (job[0], "slug", "Region", 1, 152))
    with pytest.raises(ParameterError, match="Atlantis"):
        packs.build_all(out_dir=tmp_path, councils=["Somerset", "Atlantis"], progress=False, processes=1)
    assert built == [] and not any(tmp_path.iterdir())
    packs.build_all(out_dir=tmp_path, councils=["Stoke-on-Trent", "stoke on trent", "414"], progress=False, processes=1)
    assert built == ["Stoke on Trent"]  # two spellings and a code of one council: one pack


def test_the_chart_command_says_which_council_was_not_found_and_exits_2(tmp_path, capsys):
    status = cli.main(["chart", "council_trend", "--council", "E10000022", "--out", str(tmp_path)])
    said = capsys.readouterr().err
    assert status == 2
    assert "error: parameter council='E10000022'" in said and "Northamptonshire (E10000021)" in said
    assert [p.name for p in tmp_path.iterdir() if p.name != ".pbanalysis.lock"] == []  # no chart written


# --- one resolver -------------------------------------------------------------------------


def test_no_other_module_matches_council_names_itself():
    """Only the resolver (and the sources that match the official files' names when data/raw is
    built) normalise council names or define a council finder."""
    src = paths.ROOT / "src" / "pbanalysis"
    bad = []
    for py in sorted(src.rglob("*.py")):
        rel = py.relative_to(src).as_posix()
        if rel.startswith("sources/") or rel == "analysis/measures.py":
            continue
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "normalise":
                bad.append(f"{rel}:{node.lineno} calls normalise")
            if (
                isinstance(node, ast.FunctionDef)
                and "council" in node.name
                and node.name.startswith(("find", "_resolve"))
            ):
                body = ast.unparse(node)
                if "measures.find_council(" not in body:
                    bad.append(f"{rel}:{node.lineno} defines {node.name} without the resolver")
    assert not bad, bad
