"""A value the official PSS-EX1 files print as '-' (1 to 5 people) is suppressed, [c], in every extract
column and every output; never [x] (issue 28). Reads the official files in ../shared/data."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from conftest import SOURCE, has_source

from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.dataset import data
from pbanalysis.sources import pssex1

#: The council-by-year columns read straight from the activity table (all client groups, all ages).
COLUMNS = (k.DP_CLIENTS_31MAR, k.HOME_CARE_CLIENTS_31MAR, k.DAY_CARE_CLIENTS_31MAR, k.MEALS_CLIENTS_31MAR)


def _dash_cells() -> set[tuple[str, str, int]]:
    """(source file, first cell of the row, column index) of every cell printed '-' in the official files."""
    out = set()
    for path in sorted((SOURCE / "pssex1").glob("pssex1_*.csv")):
        text, _ = pssex1.decode(path, path.read_bytes())
        for row in csv.reader(io.StringIO(text)):
            for j, cell in enumerate(row):
                if cell.strip() == "-" and row and row[0].strip():
                    # the council code opens the row: its own cell, or '104-Northumberland UA' (2009-10)
                    code = row[0].strip().split("-")[0].strip()
                    out.add((f"pssex1/{path.name}", code, j))
    return out


@pytest.fixture(scope="module")
def extracts() -> pd.DataFrame:
    return pd.concat([data.load_extract("activity"), data.load_extract("unitcosts")], ignore_index=True)


@has_source
def test_every_dash_in_the_official_files_is_suppressed_in_the_extracts(extracts):
    dashes = _dash_cells()
    assert dashes, "the official files print '-' somewhere"
    keyed = extracts.assign(source_field=extracts["source_field"].astype(int))
    read = {(r.source_file, r.council_code, r.source_field): r for r in keyed.itertuples()}
    hits = [read[d] for d in dashes if d in read]
    assert hits, "some '-' cells are read into the extracts"
    for r in hits:
        assert r.flag == "-" and pd.isna(r.value) and fmt.symbol(r.flag) == "[c]", r
    # and the other way: every suppressed extract cell is a '-' in its file
    for r in keyed[keyed["flag"] == "-"].itertuples():
        assert (r.source_file, r.council_code, r.source_field) in dashes, r


@has_source
def test_every_dash_is_c_in_the_council_tables_and_the_workbook(extracts):
    from pbanalysis.outputs import datatables

    cy = data.load_council_year()
    dash = extracts[
        (extracts["flag"] == "-")
        & extracts["measure"].isin(COLUMNS)
        & (extracts["client_group"] == "all")
        & (extracts["age_band"] == "all_ages")
    ]
    assert {"714", "906"} <= set(dash["council_code"])  # City of London, Isles of Scilly
    sheet = datatables.council_table(datatables.load_inputs())
    cells = sheet.cells()
    labels = {c.key: c.label for c in sheet.table.columns}
    for r in dash.itertuples():
        hit = cy[(cy["year"] == r.year) & (cy["council_code"] == r.council_code)].iloc[0]
        assert hit[k.flag(r.measure)] == "-", (r.year, r.council_name, r.measure)
        row = cells[(cells["Financial year"] == r.year) & (cells["PSS-EX1 council code"] == r.council_code)].iloc[0]
        assert row[labels[r.measure]] == "[c]", (r.year, r.council_name, r.measure)
        # a sum or share whose only missing parts are suppressed is suppressed too
        parts = [hit[k.flag(m)] for m in k.COMMUNITY_MEASURES if pd.isna(hit[m])]
        if all(p == "-" for p in parts):
            assert row[labels[k.PROXY_TAKEUP_PCT]] == "[c]"
            assert row[labels[k.COMMUNITY_RECEIPTS_31MAR]] == "[c]"


def test_a_derived_value_is_c_only_when_every_missing_part_is_suppressed():
    df = pd.DataFrame(
        {
            "a": [1.0, None, None, None],
            "a_flag": ["", "-", "-", ".."],
            "b": [2.0, 3.0, None, None],
            "b_flag": ["", "", "..", "-"],
        }
    )
    value = pd.Series([3.0, None, None, None])
    assert list(data.derived_flag(df, ["a", "b"], value)) == ["", "-", "..", ".."]
