"""make data: the processed tables are built from data/raw, validated and deterministic."""

from __future__ import annotations

import pandas as pd
import pytest

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError
from pbanalysis.dataset import data


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    data.build_processed(out_dir=out, progress=None)
    return out


def test_build_is_byte_identical_twice(built, tmp_path):
    data.build_processed(out_dir=tmp_path, progress=None)
    for p in built.iterdir():
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


def test_council_year_has_one_row_per_council_and_year(built):
    cy = pd.read_csv(built / paths.COUNCIL_YEAR_CSV.name, dtype={"council_code": str})
    councils = cy[cy["area"] == "council"]
    assert councils.groupby("year").size().to_dict()["2010-11"] == 152
    assert not councils.duplicated(["year", "council_code"]).any()
    assert councils["proxy_takeup_pct"].dropna().between(0, 100).all()


def test_proxy_is_missing_not_zero_when_a_service_count_is_missing(built):
    cy = pd.read_csv(built / paths.COUNCIL_YEAR_CSV.name, dtype={"council_code": str})
    gaps = cy[cy[data.COMMUNITY_MEASURES].isna().any(axis=1)]
    assert len(gaps) > 0 and gaps["proxy_takeup_pct"].isna().all()


def test_spend_per_recipient_is_spend_over_recipients(built):
    cy = pd.read_csv(built / paths.COUNCIL_YEAR_CSV.name)
    row = cy[(cy["area"] == "england") & (cy["year"] == "2010-11")].iloc[0]
    assert row["dp_spend_per_recipient_gbp"] == round(992849 * 1000 / 114090)


def test_validation_refuses_a_duplicate_council_year():
    cy = data.load_council_year() if paths.COUNCIL_YEAR_CSV.exists() else None
    if cy is None:
        pytest.skip("make data not run")
    bad = pd.concat([cy, cy.iloc[[5]]], ignore_index=True)
    with pytest.raises(InputError, match="one row per year and council"):
        data.validate_council_year(bad)


def test_a_missing_processed_table_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "COUNCIL_YEAR_CSV", tmp_path / "council_year.csv")
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    with pytest.raises(InputError, match="make data"):
        data.load_council_year()
