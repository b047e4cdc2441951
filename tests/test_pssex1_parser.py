"""The PSS-EX1 reader: one test per quirk of the official files, and clear errors for bad input."""

from __future__ import annotations

import pytest
from conftest import ACTIVITY_COLUMNS, activity_rows, write_table

from pbanalysis.core.errors import InputError
from pbanalysis.sources import pssex1


def values(path, measure="dp_clients_31mar"):
    df = pssex1.extract(pssex1.read_table(path))
    sub = df[df["measure"] == measure]
    return dict(zip(sub["council_code"], zip(sub["value"], sub["flag"], sub["flag_reason"])))


def test_reads_a_plain_table(activity_file):
    t = pssex1.read_table(activity_file())
    assert (t.year, t.kind, t.encoding) == ("2009-10", "activity", "utf-8")
    assert [c[1] for c in t.councils] == ["306", "905"]
    v = values(activity_file(), "home_care_clients_31mar")
    assert v["306"][0] == "1200" and v["ENG"][0] == "3200"


def test_utf8_bom_is_read(activity_file):
    t = pssex1.read_table(activity_file(bom=True))
    assert t.encoding == "utf-8-sig" and t.title.startswith("Personal Social Services")


def test_latin1_pound_sign_is_read(tmp_path):
    cols = [
        (g, leaf.replace("Meals", "Meals") + (" (£000's)" if i == 0 else ""), c)
        for i, (g, leaf, c) in enumerate(ACTIVITY_COLUMNS)
    ]
    p = write_table(tmp_path / "pssex1_activity_2009-10.csv", activity_rows(columns=cols), encoding="latin-1")
    t = pssex1.read_table(p)
    assert t.encoding == "windows-1252"
    assert "£000's" in t.columns[0].header


def test_thousands_separators_and_padding():
    assert pssex1.parse_value("f", " 1,369,190 ", 1, 1)[0] == 1369190
    assert pssex1.parse_value("f", "12.5", 1, 1)[0] == 12.5


@pytest.mark.parametrize("mark", ["-", "..", "."])
def test_suppression_marks_become_missing_with_a_reason_never_zero(mark):
    value, flag, reason = pssex1.parse_value("f", mark, 1, 1)
    assert value is None and flag == mark and reason


def test_suppressed_cells_in_a_table_are_empty_not_zero(activity_file):
    v = values(activity_file())
    assert v["905"] == ("", "-", pssex1.SUPPRESSION["-"])


def test_multi_row_header_group_text_spans_its_columns(activity_file):
    t = pssex1.read_table(activity_file())
    dp = [c for c in t.columns if c.code == "A4.20"][0]
    assert dp.header.startswith("ASSESSMENTS, REVIEWS AND SERVICES | People receiving services at 31 March 2010")


def test_columns_are_found_by_header_not_position(tmp_path):
    cols = list(reversed(ACTIVITY_COLUMNS))
    cols[0], cols[-1] = (ACTIVITY_COLUMNS[0][0], cols[0][1], cols[0][2]), ("", cols[-1][1], cols[-1][2])
    councils = [[r[0]] + list(reversed(r[1:])) for r in activity_rows()[5:7]]
    england = ["TOTAL England", "2,505", "55", "700", "3,200"]
    p = write_table(
        tmp_path / "pssex1_activity_2009-10.csv", activity_rows(columns=cols, councils=councils, england=england)
    )
    assert values(p)["306"][0] == "2500"
    assert values(p, "home_care_clients_31mar")["306"][0] == "1200"


def test_two_cell_council_labels_2008_09_style(activity_file):
    councils = [["306", "Manchester", "1,200", "300", "50", "2,500"], ["905", "Somerset", "2,000", "400", "..", "-"]]
    rows = activity_rows(councils=councils, england=["", "England", "3,200", "700", "55", "2,505"])
    rows = [r if i >= 5 else [""] + r for i, r in enumerate(rows)]
    p = write_table(activity_file().parent / "two_cell.csv", rows)
    v = values(p)
    assert v["306"][0] == "2500" and "ENG" in v


def test_spaced_council_label_format(activity_file):
    p = activity_file(councils=[["306 - Manchester ", "1", "2", "3", "4"], ["905 - Somerset", "1", "2", "3", "4"]])
    t = pssex1.read_table(p)
    assert [c[2] for c in t.councils] == ["Manchester", "Somerset"]


def test_footnotes_below_the_data_are_kept_as_notes(activity_file):
    t = pssex1.read_table(activity_file())
    assert any("less than or equal to 5" in n for n in t.notes)


def test_dp_and_pb_definition_is_carried(activity_file):
    df = pssex1.extract(pssex1.read_table(activity_file()))
    dp = df[df["measure"] == "dp_clients_31mar"]
    assert set(dp["definition_basis"]) == {"dp_and_pb"}
    assert "Personal Budgets" in dp["definition"].iloc[0]


# --- bad input: file, row, column and what was expected --------------------------------------


def test_missing_header_names_the_header(activity_file):
    cols = [c for c in ACTIVITY_COLUMNS if "Direct payments" not in c[1]]
    rows = activity_rows(
        columns=cols, councils=[r[:4] for r in activity_rows()[5:7]], england=["TOTAL England", "1", "2", "3"]
    )
    p = write_table(activity_file().parent / "pssex1_activity_2009-10.csv", rows)
    with pytest.raises(
        InputError, match=r"pssex1_activity_2009-10.csv, row 2: expected a header 'Total all ages, Direct payments"
    ):
        pssex1.extract(pssex1.read_table(p))


def test_moved_column_code_mismatch_is_refused(activity_file):
    cols = list(ACTIVITY_COLUMNS)
    cols[3] = (cols[3][0], cols[3][1], "B1")
    with pytest.raises(InputError, match=r"row 5, column E \(field 4\): expected a column code matching"):
        pssex1.extract(pssex1.read_table(activity_file(columns=cols)))


def test_wrong_encoding_utf16_is_refused(tmp_path):
    p = tmp_path / "pssex1_activity_2009-10.csv"
    p.write_bytes("Personal Social Services".encode("utf-16"))
    with pytest.raises(InputError, match="row 1: expected UTF-8 or Windows-1252"):
        pssex1.read_table(p)


def test_empty_file_is_refused(tmp_path):
    p = tmp_path / "pssex1_activity_2009-10.csv"
    p.write_bytes(b"")
    with pytest.raises(InputError, match=r"pssex1_activity_2009-10.csv, row 1: .*found 'an empty file'"):
        pssex1.read_table(p)


def test_duplicate_council_is_refused(activity_file):
    councils = [["306-Manchester", "1", "2", "3", "4"], ["306-Manchester", "1", "2", "3", "4"]]
    with pytest.raises(
        InputError,
        match=r"row 7, column A \(field 0\): expected each council once; council 306 already appears on row 6",
    ):
        pssex1.extract(pssex1.read_table(activity_file(councils=councils)))


def test_non_numeric_cell_names_row_and_column(activity_file):
    councils = [["306-Manchester", "1,200", "lots", "3", "4"], ["905-Somerset", "1", "2", "3", "4"]]
    with pytest.raises(InputError, match=r"row 6, column C \(field 2\): expected a number .* found 'lots'"):
        pssex1.extract(pssex1.read_table(activity_file(councils=councils)))


def test_wrong_year_in_title_is_refused(activity_file):
    with pytest.raises(InputError, match=r"row 1, column A \(field 0\): expected a title for year 2010-11"):
        pssex1.read_table(activity_file(), expect_year="2010-11")


def test_negative_count_is_refused():
    with pytest.raises(InputError, match="expected a count of 0 or more"):
        pssex1.parse_value("f.csv", "-5", 3, 2)


def test_odd_thousands_separator_is_refused():
    with pytest.raises(InputError, match=r"found '1,23,4'"):
        pssex1.parse_value("f.csv", "1,23,4", 3, 2)
