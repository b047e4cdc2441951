"""ASCOF 1C 2020-21: the extract, councils across boundary changes, origins, and what happened next."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
from conftest import SOURCE

from pbanalysis.analysis import what_next
from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.dataset import datapackage, origins
from pbanalysis.sources import ascof, lookup

has_ascof = pytest.mark.skipif(not paths.ascof_xlsx(SOURCE).is_file(), reason="ASCOF workbook not present")


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    return ascof.load_1c()


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    return pd.read_csv(paths.COUNCILS_CSV, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- the extract


def test_england_self_directed_support_is_92_2_percent_of_444128(extract):
    e = ascof.shares(extract, "1C1A", level="england").iloc[0]
    assert (e["numerator"], e["denominator"], e["outcome"]) == (409504, 444128, 92.2)
    assert ascof.shares(extract, "1C2A", level="england").iloc[0]["outcome"] == 26.6


def test_at_least_148_councils_have_2020_21_self_directed_support(extract):
    s = ascof.shares(extract, "1C1A", level="council")
    assert len(s) == 151
    assert s["outcome"].notna().sum() >= 148


@pytest.mark.parametrize("group,age", [(g, a) for g in ascof.GROUPS for _, a in ascof.AGES[g].values()])
def test_every_published_share_recomputes_from_its_numerator_and_denominator(extract, group, age):
    s = ascof.shares(extract, group, age)
    full = s.dropna(subset=["numerator", "denominator", "outcome"])
    full = full[full["denominator"] > 0]
    assert len(full) >= 100
    share = 100 * full["numerator"] / full["denominator"]
    # Published to one decimal: the recomputed share rounds to it (half-up or half-even at the edge).
    assert ((share - full["outcome"]).abs() <= 0.05 + 1e-9).all(), full[(share - full["outcome"]).abs() > 0.05]


def test_suppressed_values_are_missing_with_a_reason_never_zero(extract):
    flagged = extract[extract["flag"] != ""]
    assert len(flagged) > 0
    assert flagged["value"].isna().all()
    assert set(flagged["flag"]) <= set(ascof.SUPPRESSION)
    assert (flagged["flag_reason"] == flagged["flag"].map(ascof.SUPPRESSION)).all()
    assert extract[extract["flag"] == ""]["value"].notna().all()
    hackney = ascof.shares(extract, "1C1A", level="council").set_index("area_name").loc["Hackney"]
    assert pd.isna(hackney["outcome"]) and hackney["flag"] == "[x]"


def test_carers_are_kept_apart_from_users(extract):
    by = extract.groupby("measure_group")["recipients"].agg(set).to_dict()
    assert by == {"1C1A": {"users"}, "1C2A": {"users"}, "1C1B": {"carers"}, "1C2B": {"carers"}}
    assert set(extract[extract["recipients"] == "carers"]["age_band"]) == {"all_ages", "0-64", "65-84", "85+"}
    assert set(extract[extract["recipients"] == "users"]["age_band"]) == {"all_ages", "18-64", "65+"}


def test_councils_regions_council_types_and_england_are_all_kept(extract):
    areas = extract.drop_duplicates("area_code").groupby("area_level").size().to_dict()
    assert areas == {"council": 151, "region": 9, "council_type": 5, "england": 1}


# --------------------------------------------------------------------------- boundary changes


def test_successor_mapping_is_explicit_and_never_merges(extract):
    s = lookup.read_successors()
    changed = s[s["relation"] == "boundary_changed"]
    assert set(changed["council_code_2009_14"]) == {"809", "810", "811", "504", "102"}
    assert set(changed["successor_gss_code"]) == {
        "E06000058",
        "E06000059",
        "E06000061",
        "E06000062",
        "E06000063",
        "E06000064",
    }
    c = extract[extract["area_level"] == "council"].drop_duplicates("area_code").set_index("area_code")
    assert c.loc["738", "boundary"] == "boundary_changed" and c.loc["738", "council_code_2009_14"] == ""
    assert c.loc["809", "boundary"] == "boundary_changed" and c.loc["809", "council_code_2009_14"] == ""
    assert (c.loc["916", "boundary"], c.loc["916", "council_code_2009_14"]) == ("same_area", "612")
    # Every other council joins one-to-one on both CASSR code and GSS code.
    rest = c[c["boundary"] == "unchanged"]
    assert len(rest) == 148
    assert (rest.index == rest["council_code_2009_14"]).all()


def test_every_2009_14_council_has_a_2020_21_counterpart_or_a_mapping(extract, councils):
    current = councils[councils["last_year"] == "2013-14"]
    mapped = set(extract["council_code_2009_14"]) | set(lookup.read_successors()["council_code_2009_14"])
    assert set(current["council_code"]) <= mapped
    c = extract[(extract["area_level"] == "council") & (extract["boundary"] == "unchanged")]
    gss = dict(zip(current["council_code"], current["gss_code"]))
    assert (c["gss_code"] == c["council_code_2009_14"].map(gss)).all()


def test_a_council_matching_no_one_names_sheet_row_and_column(councils):
    areas = pd.DataFrame(
        {"area_code": ["809"], "area_name": ["Dorset"], "gss_code": ["E06000059"], "sheet_row": [9463]}
    )
    empty = lookup.read_successors().iloc[0:0]
    with pytest.raises(InputError, match=r"x\.xlsx, sheet 'in', row 9463, column D: .*809 Dorset E06000059 "):
        lookup.match_cassr(areas, councils, empty, path="x.xlsx", sheet="in")


def test_a_bad_successor_row_names_its_row_and_column(tmp_path):
    text = paths.COUNCIL_SUCCESSORS_CSV.read_text(encoding="utf-8").replace("boundary_changed", "merged", 1)
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"s\.csv, row 3, column 'relation': expected .*; found 'merged'"):
        lookup.read_successors(tmp_path / "s.csv")


# --------------------------------------------------------------------------- origins


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_every_official_file_has_an_origin_record():
    records = origins.load_origins()
    assert {o.key for o in records.values()} == {"pssex1", "lookup", "ascof", "ascof_trend"}
    for o in records.values():
        assert o.publisher and o.publication and o.licence and o.accessed and o.repository
        assert len(o.commit) == 40 and len(o.blob) == 40 and len(o.sha256) == 64
    if SOURCE.is_dir():
        files = [p for sub in ("pssex1", "lookup", "ascof") for p in sorted((SOURCE / sub).glob("*.*"))]
        assert {p.relative_to(SOURCE).as_posix() for p in files} == set(records)
        for p in files:
            o = records[p.relative_to(SOURCE).as_posix()]
            data = p.read_bytes()
            assert hashlib.sha256(data).hexdigest() == o.sha256, p.name
            assert _git_blob(data) == o.blob, f"{p.name} is not the stored copy's blob"


def test_datapackage_sources_are_built_from_the_origins():
    records = origins.load_origins()
    pkg = json.loads(paths.DATAPACKAGE_JSON.read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    (src,) = res["ascof-1c-2020-21"]["sources"]
    o = records["ascof/ascof_measures_2020-21.xlsx"]
    assert src["publisher"] == o.publisher and src["licence"] == o.licence and src["sha256"] == o.sha256
    assert src["stored_copy"]["blob"] == o.blob and src["path"] == o.publisher_page
    lk = res["councils"]["sources"][0]
    assert lk["year"] == records["lookup/uk_local_authorities_mysociety.csv"].year
    assert "council-successors" in res


def test_source_line_of_the_ascof_extract_comes_from_the_package():
    line = datapackage.source_line("ascof-1c-2020-21")
    assert line.startswith("Source: NHS Digital, Measures from the Adult Social Care Outcomes Framework")
    assert "2020-21" in line and "OGL-UK-3.0" in line


@pytest.mark.parametrize(
    "edit,match",
    [
        (lambda t: t.replace("    licence: MIT\n", ""), r"origins\.yaml, row \d+, column 'licence': expected a value"),
        (lambda t: t.replace("commit: 67ef8b", "commit: 67ef8", 1), r"row \d+, column 'commit': expected field"),
        (lambda t: t.replace("publication: ascof", "publication: ascofx"), r"column 'publication': expected a pub"),
        (lambda t: t.replace("    sha256: 3501", "    sha265: 3501"), r"column 'sha265': expected only the fields"),
        (lambda t: t + "  - [broken\n", r"origins\.yaml, row \d+: expected valid YAML"),
    ],
)
def test_a_bad_origins_file_names_the_file_row_and_field(tmp_path, edit, match):
    target = tmp_path / "origins.yaml"
    target.write_text(edit(paths.ORIGINS_YAML.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=match):
        origins.load_origins(target)


@has_ascof
def test_an_official_file_without_an_origin_record_is_refused(tmp_path, monkeypatch):
    from pbanalysis.dataset.raw import build_raw

    text = paths.ORIGINS_YAML.read_text(encoding="utf-8")
    cut = text.index("  - file: ascof/")
    (tmp_path / "origins.yaml").write_text(text[:cut], encoding="utf-8")
    monkeypatch.setattr(paths, "ORIGINS_YAML", tmp_path / "origins.yaml")
    with pytest.raises(InputError, match=r"origins\.yaml, column 'file': expected a record for the official file "):
        build_raw(SOURCE, raw_dir=tmp_path / "out", progress=None)
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- what happened next


def test_england_values_for_the_claims_check_and_briefings():
    e = what_next.england()
    assert (e["sds_pct"], e["sds_numerator"], e["sds_denominator"], e["dp_pct"]) == (92.2, 409504, 444128, 26.6)


@pytest.mark.parametrize("query", ["Manchester", "manchester", "306", "E08000003", "Manchester City Council"])
def test_council_value_finds_manchester_by_name_code_or_gss(query):
    v = what_next.council_value(query)
    assert (v["council_code_2009_14"], v["sds_pct"], v["sds_numerator"], v["sds_denominator"]) == (
        "306",
        90.1,
        3687,
        4091,
    )
    assert v["dp_pct"] == 15.5 and v["comparable"] and v["boundary"] == "unchanged"


def test_somerset_value_and_rank():
    v = what_next.council_value("Somerset")
    assert (v["sds_pct"], v["dp_pct"], v["ranked"]) == (68.7, 35.5, 150)
    table = what_next.council_table()
    assert v["rank"] == int((table["sds_pct"] > 68.7).sum()) + 1


@pytest.mark.parametrize("query", ["Dorset", "E10000009", "Bournemouth", "Poole"])
def test_a_council_whose_boundary_changed_gets_no_value_but_its_successors(query):
    v = what_next.council_value(query)
    assert v["boundary"] == "boundary_changed" and not v["comparable"]
    assert v["sds_pct"] is None and v["dp_pct"] is None
    assert v["successors"] and all(s["sds_pct"] is not None for s in v["successors"])
    assert "boundary changed" in v["note"]


def test_buckinghamshire_is_compared_one_to_one_across_its_new_code():
    v = what_next.council_value("612")
    assert (v["ascof_code"], v["boundary"], v["comparable"]) == ("916", "same_area", True)
    assert v["sds_pct"] is not None


def test_a_suppressed_council_has_no_value_and_says_why():
    v = what_next.council_value("Hackney")
    assert v["sds_pct"] is None and v["flag"] == "[x]" and "[x]" in v["note"]


def test_an_unknown_council_is_refused():
    with pytest.raises(ParameterError, match="council='Atlantis'"):
        what_next.council_value("Atlantis")


def test_spread_counts_councils_at_100_from_the_data(extract):
    sp = what_next.spread()
    s = ascof.shares(extract, "1C1A", level="council")
    assert sp["at_100"] == int((s["outcome"] == 100).sum())
    assert sp["everyone"] <= sp["at_100"]
    assert sp["published"] + len(sp["suppressed"]) == sp["councils"] == 151
    assert sp["min"] <= sp["q1"] <= sp["median"] <= sp["q3"] <= sp["max"] == 100


def test_against_target_says_what_it_can_and_cannot_show():
    t = what_next.against_target("target_all_eligible_pb_2012")
    assert t["target_pct"] == 100 and t["england_pct"] == 92.2 and t["gap_points"] == 7.8
    assert t["councils_at_target"] == what_next.spread()["at_100"]
    assert "NI 130" in t["cannot_show"] and "2012" in t["cannot_show"]


def test_sentences_name_the_measure_and_say_it_is_not_ni130():
    text = " ".join(what_next.sentences(target_figure="target_all_eligible_pb_2012"))
    assert what_next.MEASURE_NAMES["1C1A"] in text and "not NI 130" in text and "PSS-EX1" in text
    assert "92.2%" in text and "Somerset: 68.7%" in text and "Manchester: 90.1%" in text


@has_ascof
def test_the_extract_is_read_from_the_workbook_byte_for_byte(tmp_path):
    """The committed extract equals a fresh read of the workbook (boundary columns included)."""
    from pbanalysis.core.atomic import write_csv
    from pbanalysis.dataset.raw import _ascof_with_boundaries

    copy = paths.ascof_xlsx(tmp_path)
    copy.parent.mkdir()
    shutil.copyfile(paths.ascof_xlsx(SOURCE), copy)
    councils = pd.read_csv(paths.COUNCILS_CSV, dtype=str, keep_default_na=False)
    df = _ascof_with_boundaries(copy, councils, tmp_path)
    write_csv(tmp_path / "a.csv", df)
    assert (tmp_path / "a.csv").read_bytes() == paths.ASCOF_1C_CSV.read_bytes()


def test_the_chart_has_a_source_line_from_the_package_and_is_deterministic(tmp_path):
    from pbanalysis.pipeline import registry

    a = registry.draw("what_next_sds_rank").save(tmp_path / "a")
    b = registry.draw("what_next_sds_rank").save(tmp_path / "b")
    assert sorted(p.name for p in a) == [f"what_next_sds_rank.{x}" for x in ("alt.txt", "json", "png", "svg")]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    numbers = json.loads((tmp_path / "a" / "what_next_sds_rank.json").read_text())
    assert numbers["england_pct"] == 92.2 and numbers["councils"] == what_next.spread()["published"]
    assert datapackage.source_line(datapackage.ASCOF_2020_21) == datapackage.source_line("ascof-1c-2020-21")
    assert "Somerset 68.7%" in (tmp_path / "a" / "what_next_sds_rank.alt.txt").read_text()


def test_a_file_that_is_not_a_workbook_is_refused_naming_it(tmp_path):
    bad = tmp_path / "ascof_measures_2020-21.xlsx"
    bad.write_bytes(b"Geographical Code,Geographical Description\n")
    with pytest.raises(InputError, match=r"ascof_measures_2020-21\.xlsx, row 1: expected an \.xlsx workbook"):
        ascof.read_1c(bad)
    with pytest.raises(InputError, match=r"expected the ASCOF 2020-21 workbook; found 'no such file'"):
        ascof.read_1c(tmp_path / "missing.xlsx")


def test_every_file_read_is_the_copy_its_origin_records():
    """A file whose bytes differ from its origin record would show 'sha256_in_origins' in the package."""
    assert "sha256_in_origins" not in paths.DATAPACKAGE_JSON.read_text(encoding="utf-8")
