"""The data tables a reader takes away: the workbook follows the Analysis Function's spreadsheet
guidance (cover, contents, notes; a title in A1; no merged cells; numbers stored as numbers; every
symbol explained), holds every council in every year with the report's values, and its CSV files
hold the same cells."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from pbanalysis.core import columns, paths, reproducible_zip
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.dataset import data, datapackage
from pbanalysis.outputs import datatables
from pbanalysis.sources import pssex1_rules

NUMBER_TEXT = re.compile(r"^[£-]?\d[\d,]*(\.\d+)?%?$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The workbook and CSVs written once into a temporary reports folder."""
    reports = tmp_path_factory.mktemp("reports")
    inputs = datatables.load_inputs()
    written = datatables.write(reports, inputs)
    book = openpyxl.load_workbook(written[0])
    return {"reports": reports, "book": book, "sheets": datatables.sheets(inputs), "written": written}


def table_cells(ws) -> tuple[list, list[list]]:
    """(header row, body rows) of the one Excel table on a sheet."""
    (table,) = ws.tables.values()
    c0, r0, c1, r1 = range_boundaries(table.ref)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1)]
    return rows[0], rows[1:]


def test_cover_contents_and_notes_come_first_then_one_sheet_per_table(built):
    names = built["book"].sheetnames
    assert names[:3] == ["Cover", "Contents", "Notes"]
    assert names[3:] == [s.label for s in built["sheets"]]
    cover = "\n".join(str(c.value) for row in built["book"]["Cover"].iter_rows() for c in row if c.value)
    for needed in ("NI 130", "ADASS", "Open Government Licence", "Commit ", "2008-09 to 2013-14", "Credit line"):
        assert needed in cover, needed
    gap = datatables._year_after("2013-14")
    assert f"A gap from {gap} to" in cover


def test_contents_has_a_row_and_a_link_for_every_table(built):
    _, rows = table_cells(built["book"]["Contents"])
    ws = built["book"]["Contents"]
    links = {c.value: c.hyperlink.location for c in ws["A"] if c.hyperlink is not None}
    for s in built["sheets"]:
        assert [s.label, s.table.title] in [list(r) for r in rows]
        assert links[s.label] == f"'{s.label}'!A1"


def test_every_table_sheet_has_a_title_in_a1_no_merged_cells_and_numbers_stored_as_numbers(built):
    for s in built["sheets"]:
        ws = built["book"][s.label]
        assert ws["A1"].value == s.table.title
        assert not ws.merged_cells.ranges, s.label
        header, body = table_cells(ws)
        assert header == [c.label for c in s.table.columns]
        assert len(body) == len(s.table.df) > 0
        numeric = {header.index(label) for label in s.numeric_labels()}
        assert numeric, s.label
        for row in body:
            for j, v in enumerate(row):
                assert v is not None and v != "", f"{s.label}: a blank cell in {header[j]}"
                if j in numeric:
                    assert (isinstance(v, (int, float)) and not isinstance(v, bool)) or v in fmt.SYMBOLS, (
                        f"{s.label}, {header[j]}: {v!r}"
                    )
                else:
                    assert isinstance(v, str), f"{s.label}, {header[j]}: {v!r} in a text column"
                    assert not NUMBER_TEXT.match(v) or "code" in header[j], f"{s.label}, {header[j]}: {v!r} as text"
        source = [c.value for c in ws["A"][:8] if isinstance(c.value, str) and c.value.startswith("Source: ")]
        assert source, f"{s.label}: no source line"


def _notes(book) -> dict[int, str]:
    _, rows = table_cells(book["Notes"])
    return {int(n): text for n, text in rows}


def test_every_symbol_used_is_explained_on_the_notes_sheet_and_referenced_by_its_table(built):
    notes = _notes(built["book"])
    by_symbol = {s: n for n, text in notes.items() for s in fmt.SYMBOLS if text.startswith(f"{s}:")}
    used_anywhere = set()
    for s in built["sheets"]:
        ws = built["book"][s.label]
        _, body = table_cells(ws)
        used = {v for row in body for v in row if v in fmt.SYMBOLS}
        used_anywhere |= used
        refs = {int(n) for n in re.findall(r"\[note (\d+)\]", ws["A2"].value)}
        assert refs <= set(notes), s.label
        for sym in used:
            assert sym in by_symbol, f"{sym} is used on {s.label} but not explained on the notes sheet"
            assert by_symbol[sym] in refs, f"{s.label} uses {sym} but does not point to its note"
    assert {"[c]", "[x]"} <= used_anywhere
    assert list(notes) == list(range(1, len(notes) + 1))


def test_the_notes_explain_the_proxy_the_count_definitions_and_the_symbols(built):
    text = " ".join(_notes(built["book"]).values())
    assert data.PROXY_DEFINITION in text
    assert "2009-10" in text and "2010-11" in text and "personal budgets" in text
    for s, meaning in fmt.SYMBOLS.items():
        assert f"{s}: {meaning}" in text


def _sheet(built, label):
    return next(s for s in built["sheets"] if s.label == label)


def _frame(built, label) -> pd.DataFrame:
    header, body = table_cells(built["book"][label])
    return pd.DataFrame(body, columns=header)


def test_the_council_table_holds_every_council_in_every_year(built):
    cy = data.load_council_year()
    councils = cy[cy["area"] == "council"]
    table = _frame(built, "Councils_by_year")
    got = set(zip(table["Financial year"], table["PSS-EX1 council code"]))
    assert got == set(zip(councils["year"], councils["council_code"]))
    assert len(got) == len(table)
    for year, n in table.groupby("Financial year").size().items():
        assert n == pssex1_rules.expected_councils(year)
    assert table["Council"].ne("[x]").all() and table["Region"].ne("[x]").all()
    assert table["Council type"].ne("[x]").all()
    assert table["GSS code"].str.match(r"^(E\d{8}|\[x\])$").all()


def test_manchesters_2009_10_proxy_take_up_equals_the_reports_value(built):
    cy = data.load_council_year()
    want = cy[(cy["council_name"] == "Manchester") & (cy["year"] == "2009-10")][k.PROXY_TAKEUP_PCT].item()
    table = _frame(built, "Councils_by_year")
    got = table[(table["Council"] == "Manchester") & (table["Financial year"] == "2009-10")]["Proxy take-up (%)"]
    assert got.item() == want


def test_a_suppressed_count_is_c_and_never_0_or_blank(built):
    cy = data.load_council_year()
    flagged = cy[(cy["area"] == "council") & (cy[k.flag(k.DP_CLIENTS_31MAR)] != "")]
    assert len(flagged)
    table = _frame(built, "Councils_by_year").set_index(["Financial year", "PSS-EX1 council code"])
    for _, r in flagged.iterrows():
        cell = table.loc[(r["year"], r["council_code"]), "People on direct payments at 31 March (number)"]
        assert cell == fmt.symbol(r[k.flag(k.DP_CLIENTS_31MAR)])


def test_england_ranks_ascof_and_claims_tables_hold_the_library_values(built):
    nat = data.load_national_series()
    england = _frame(built, "England_by_year")
    assert list(england["Financial year"]) == list(nat["year"])
    assert list(england["Proxy take-up (%)"]) == list(nat[k.ENGLAND_PROXY_TAKEUP_PCT])
    ranks = _frame(built, "Council_ranks")
    top = ranks[(ranks["Financial year"] == "2010-11") & (ranks["Rank on proxy take-up (1 = highest)"] == 1)]
    assert top["Council"].item() == "Barking and Dagenham"
    ascof = _frame(built, "ASCOF_1C_by_council")
    assert set(ascof["Financial year"]) == set(datatables.load_ascof()[0]["year"])
    manc = ascof[ascof["Council"] == "Manchester"]
    assert len(manc) == ascof["Financial year"].nunique()
    claims = _frame(built, "Claims_check")
    assert len(claims) == len(pd.read_csv(paths.REGISTER_CSV)) and claims["Status"].ne("[x]").all()
    assert claims["Article: headline"].ne("[x]").all()


def test_the_csvs_equal_the_sheets(built):
    for s in built["sheets"]:
        path = built["reports"] / "data" / s.csv_name
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
        header, body = table_cells(built["book"][s.label])
        assert rows[0] == header
        assert len(rows) - 1 == len(body)
        for got, want in zip(rows[1:], body):
            for g, w in zip(got, want, strict=True):
                if isinstance(w, (int, float)):
                    assert float(g) == w, (s.label, g, w)
                else:
                    assert g == w, (s.label, g, w)


def test_downloads_list_the_workbook_then_every_csv_with_its_size(built):
    got = datatables.downloads(built["reports"])
    assert [p for p, _, _ in got] == [datatables.WORKBOOK_NAME] + [f"data/{s.csv_name}" for s in built["sheets"]]
    for rel, title, size in got:
        assert title and size == (built["reports"] / rel).stat().st_size > 0


def test_every_ascof_extract_is_taken_and_a_compiled_year_is_noted(tmp_path):
    one = pd.read_csv(paths.ASCOF_1C_CSV, dtype=str, keep_default_na=False)
    (tmp_path / "ascof_1c_2020_21.csv").write_text(one.to_csv(index=False))
    # A compilation holding 2020-21 again and another year: each year comes from one file only.
    other = one.assign(year="2019-20")
    both = pd.concat([other, one.assign(value="")])
    (tmp_path / "ascof_1c_compiled.csv").write_text(both.to_csv(index=False))
    files = datatables.ascof_files(tmp_path)
    assert [f.name for f in files] == ["ascof_1c_2020_21.csv", "ascof_1c_compiled.csv"]
    rows, source = datatables.load_ascof(files)
    assert {y: f.name for y, f in source.items()} == {
        "2019-20": "ascof_1c_compiled.csv",
        "2020-21": "ascof_1c_2020_21.csv",
    }
    assert len(rows) == 2 * len(one)
    assert rows[rows["year"] == "2020-21"]["value"].notna().sum() == (one["value"] != "").sum()
    assert datatables.compiled_years(source) == ["2019-20"]


def test_an_ascof_extract_without_its_columns_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "ascof_1c_2021_22.csv"
    bad.write_text("year,value\n2021-22,1\n")
    from pbanalysis.core.errors import InputError

    with pytest.raises(InputError, match="ascof_1c_2021_22.csv"):
        datatables.load_ascof([bad])


def test_a_normalised_zip_keeps_every_member_with_fixed_dates():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("b.xml", (2024, 5, 6, 7, 8, 10)), b"<b/>")
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2023, 1, 1, 0, 0, 0)), b"<t/>")
        z.writestr(zipfile.ZipInfo("a/c.xml", (2025, 1, 1, 0, 0, 0)), b"<c/>")
    out = reproducible_zip.normalise(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == ["[Content_Types].xml", "a/c.xml", "b.xml"]
        assert {i.date_time for i in infos} == {reproducible_zip.FIXED_DATE_TIME}
        assert z.read("b.xml") == b"<b/>"
    assert reproducible_zip.normalise(out) == out


# --------------------------------------------------------------------------- the ASCOF series


def test_the_ascof_series_sheet_covers_every_year_of_the_compilation_with_its_values(built):
    from pbanalysis.analysis import what_next

    series = _frame(built, "ASCOF_by_council_year")
    assert sorted(series["Financial year"].unique()) == list(what_next.TREND_YEARS)
    ranks = what_next.council_ranks(what_next.SDS)
    assert all(series.groupby("Financial year").size() >= 150)
    got = series.set_index(["Financial year", "GSS code"])["Self-directed support, ASCOF 1C(1A), 3D1A from 2023-24 (%)"]
    for r in ranks.itertuples():
        assert got.loc[(r.year, r.gss_code)] == r.value, (r.year, r.area_name)
    assert set(series["Framework"]) == {"2023-24 framework (renumbered)", "before the 2023-24 renumbering"}
    sheet = next(s for s in built["sheets"] if s.label == "ASCOF_by_council_year")
    note = datatables.notes(datatables.load_inputs())["ascof_series"]
    assert "a compilation of the official ASCOF files" in note and "ascof_series" in sheet.note_keys
    assert "checked" in note and "300 council-measure pairs" in note


def test_each_ascof_sheet_credits_exactly_the_origins_it_uses(built):
    from pbanalysis.dataset import origins

    by_label = {s.label: s for s in built["sheets"]}
    pubs = {o.key: o for o in origins.load_origins().values()}
    official = pubs["ascof"].publication
    compiled = pubs[datatables.ASCOF_SERIES_ORIGIN]
    one = by_label["ASCOF_1C_by_council"].table.source
    series = by_label["ASCOF_by_council_year"].table.source
    assert datatables.ASCOF_1C_RESOURCES == (datapackage.ASCOF_2020_21, datapackage.COUNCILS)
    assert one.startswith(pubs["ascof"].credit + ", 2020-21 (licence: ") and one.endswith(". Processed by pbanalysis.")
    assert origins.COMPILED_FROM not in one and compiled.licence not in one, "2020-21 is read from its own file"
    assert origins.COMPILED_FROM in series and "2017-18 to 2023-24" in series
    assert official not in series
    claims_source = by_label["Claims_check"].table.source
    assert origins.COMPILED_FROM in claims_source, "the targets are judged against the series"


def test_a_compiled_2020_21_value_that_differs_from_the_official_file_fails_naming_the_council(built):
    from dataclasses import replace

    from pbanalysis.core.errors import InputError

    inputs = datatables.load_inputs()
    t = inputs.ascof_trend.copy()
    i = t.index[(t["year"] == "2020-21") & (t["area_level"] == "council") & (t["measure_group"] == "1C1A")][0]
    t.loc[i, "value"] = t.loc[i, "value"] - 1.5
    with pytest.raises(InputError, match=t.loc[i, "area_name"]):
        datatables.ascof_series_table(replace(inputs, ascof_trend=t))


def test_every_notebook_section_names_the_data_tables_behind_it(tmp_path):
    from pbanalysis.pipeline import report

    assert set(report.notebooks()) <= set(datatables.SECTION_TABLES)
    assert {n for names in datatables.SECTION_TABLES.values() for n in names} <= set(datatables.CSV_TITLES)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "england_by_year.csv").write_text("year\n")
    assert datatables.section_downloads("take_up", tmp_path) == [("data/england_by_year.csv", "England by year")]


def test_a_missing_value_s_reason_names_the_column_in_the_dictionary_s_words():
    row = {c: 1.0 for c in datatables._REASON_COLUMNS} | {"year": "2010-11", k.SPEND_NOTE: ""}
    df = pd.DataFrame(
        [
            row | {k.HOME_CARE_CLIENTS_31MAR: None, k.flag(k.HOME_CARE_CLIENTS_31MAR): ".."},
            row | {k.PROXY_TAKEUP_PCT: None, k.flag(k.PROXY_TAKEUP_PCT): "-"},
            row,
        ]
    )
    reasons = list(datatables.missing_reasons(df))
    assert (
        reasons[0]
        == "people receiving home care at 31 March: not available: data missing or not returned ('..' in the file)"
    )
    assert reasons[0].startswith(columns.short(k.HOME_CARE_CLIENTS_31MAR) + ": ")
    assert reasons[1] == "proxy take-up: a part of it is suppressed" and reasons[2] == ""
