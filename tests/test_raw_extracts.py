"""The committed extracts in data/raw: coverage, reconciliation, refresh and provenance."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SOURCE, has_source
from frictionless import validate

from pbanalysis.core import paths
from pbanalysis.dataset import data
from pbanalysis.dataset.raw import build_raw


@pytest.fixture(scope="module")
def activity():
    return data.load_extract("activity")


@pytest.fixture(scope="module")
def unitcosts():
    return data.load_extract("unitcosts")


def test_extracts_cover_150_councils_in_2008_09_and_152_after(activity):
    n = activity[activity["area"] == "council"].groupby("year")["council_code"].nunique()
    assert n.to_dict() == {
        "2008-09": 150,
        "2009-10": 152,
        "2010-11": 152,
        "2011-12": 152,
        "2012-13": 152,
        "2013-14": 152,
    }


def test_every_year_keeps_its_england_row(activity, unitcosts):
    for df in (activity, unitcosts):
        assert set(df[df["area"] == "england"]["year"]) == set(df["year"])


def test_dp_spend_and_recipients_for_every_year_that_has_them(unitcosts):
    years = set(unitcosts[unitcosts["measure"] == "dp_gross_cost"]["year"])
    assert years == {"2008-09", "2010-11", "2011-12", "2012-13", "2013-14"}
    groups = set(unitcosts[unitcosts["measure"] == "dp_gross_cost"]["client_group"])
    assert groups == {"all_adults", "older_people", "learning_disability", "mental_health", "physical_disability"}


def test_no_suppressed_cell_becomes_zero(activity, unitcosts):
    for df in (activity, unitcosts):
        flagged = df[df["flag"] != ""]
        assert len(flagged) > 0
        assert flagged["value"].isna().all()
        assert (flagged["flag_reason"] != "").all()


def test_definition_change_is_carried_with_every_dp_figure(activity):
    dp = activity[(activity["measure"] == "dp_clients_31mar") & (activity["age_band"] == "all_ages")]
    basis = dp.groupby("year")["definition_basis"].agg(set).to_dict()
    assert basis["2009-10"] == {"dp_and_pb"} and basis["2010-11"] == {"dp_and_pb"}
    assert basis["2008-09"] == {"dp_only"} and basis["2013-14"] == {"dp_only"}


def test_england_rows_reconcile_with_council_sums_and_gaps_are_explained():
    act, uc = data.load_extract("activity"), data.load_extract("unitcosts")
    rec = data.build_reconciliation(act, uc)
    assert len(rec) >= 30
    assert (rec["explanation"] != "unexplained").all(), rec[rec["explanation"] == "unexplained"]
    # Where every council reported, the England row is the council sum within rounding.
    full = rec[rec["councils_missing"] == 0]
    assert (full["difference_pct"].abs() < 0.1).all()


def test_abolished_2009_councils_are_mapped_not_dropped():
    c = data.load_councils()
    abolished = c[c["match"] == "abolished_2009"].set_index("council_code")
    assert set(abolished["council_name"]) == {"Bedfordshire", "Cheshire"}
    assert (abolished["last_year"] == "2008-09").all()
    assert set(abolished["region"]) == {"East of England", "North West"}


def test_every_council_from_2009_10_has_a_unique_gss_code_region_and_type():
    c = data.load_councils()
    current = c[c["last_year"] == "2013-14"]
    assert len(current) == 152
    assert current["gss_code"].str.match(r"^E(06|08|09|10)\d{6}$").all()
    assert current["gss_code"].is_unique
    assert (current["region"] != "").all() and (current["council_type"] != "").all()


def test_datapackage_validates_with_frictionless():
    report = validate(str(paths.DATAPACKAGE_JSON))
    assert report.valid, report.flatten(["title", "message"])[:5]


def test_datapackage_records_provenance_of_every_official_file():
    pkg = json.loads(paths.DATAPACKAGE_JSON.read_text())
    names = {r["path"] for r in pkg["resources"]}
    assert {f"raw/{p.name}" for p in paths.RAW_DIR.glob("*.csv")} <= names
    assert {f"reference/{p.name}" for p in paths.REFERENCE_DIR.glob("*.csv")} <= names
    srcs = [s for r in pkg["resources"] if r["name"].startswith("pssex1") for s in r["sources"]]
    assert len(srcs) == 11
    for s in srcs:
        assert len(s["sha256"]) == 64 and s["publisher"] and s["licence"] and s["year"]
    for r in pkg["resources"]:
        assert r["pbanalysis:made_by"] and r["schema"]["fields"]


def test_datapackage_fails_on_a_corrupted_copy(tmp_path):
    shutil.copytree(paths.RAW_DIR, tmp_path / "raw")
    shutil.copytree(paths.REFERENCE_DIR, tmp_path / "reference")
    shutil.copy(paths.DATAPACKAGE_JSON, tmp_path / paths.DATAPACKAGE_JSON.name)
    target = tmp_path / "raw" / "councils.csv"
    text = target.read_text().replace("Manchester", "Manchestre", 1)
    target.write_text(text)
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "hash" in json.dumps(report.flatten(["type"])).lower()


@has_source
def test_refresh_from_official_files_is_byte_identical(tmp_path):
    # The hand-curated inputs (the register, checks, origins, boundary changes) are read, not made.
    shutil.copytree(paths.REFERENCE_DIR, tmp_path / "reference")
    (tmp_path / "raw").mkdir()
    build_raw(SOURCE, raw_dir=tmp_path / "raw", progress=None)
    assert (tmp_path / "raw" / paths.ASCOF_1C_CSV.name).is_file(), "the ASCOF extract is part of the rebuild"
    for p in sorted(paths.RAW_DIR.iterdir()):
        assert (tmp_path / "raw" / p.name).read_bytes() == p.read_bytes(), f"{p.name} differs from a fresh extraction"
    package = tmp_path / paths.DATAPACKAGE_JSON.name
    assert package.read_bytes() == paths.DATAPACKAGE_JSON.read_bytes(), "datapackage.json differs"


@has_source
def test_no_official_file_is_committed():
    import hashlib
    import subprocess

    official = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SOURCE.rglob("*.*") if p.is_file()}
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    for f in tracked:
        p = paths.ROOT / f
        if p.is_file():
            assert hashlib.sha256(p.read_bytes()).hexdigest() not in official, f
