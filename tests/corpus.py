"""A bad-input corpus built from the real official files.

Every case copies the official source folder (``pssex1/`` + ``lookup/``, see
``/work/shared/data/SOURCES.md``), or the register in ``data/reference``, into a
temporary folder and changes ONE file: its bytes, or its CSV rows. A case is
either refused (``error`` holds regexes that the InputError message must
match) or accepted (``check`` compares the extracts with an unmodified run).

The real files used, and the quirk each one brings:

* ``pssex1_activity_2008-09.csv`` - UTF-8 with a byte-order mark, council code
  and name in two cells, title in field 1;
* ``pssex1_activity_2009-10.csv`` - plain UTF-8, labels like ``102-Cumbria``,
  the DP column ``A4.20`` in field 31 (column AF), code row 6;
* ``pssex1_activity_2012-13.csv`` - Windows-1252, labels like
  ``102 - Cumbria ``, DP column ``A4.18`` in field 29 (column AD), code row 6;
* ``pssex1_unitcosts_2011-12.csv`` - Windows-1252, no column-code row, DP
  recipients in field 101 (column CX);
* ``pssex1_unitcosts_2013-14.csv`` - Windows-1252, DP gross cost in field 100;
* ``ascof_measures_2020-21.xlsx`` - a workbook, sheet ``in``, one row per area x
  measure code x measure type; Manchester's 1C1A outcome (90.1) is on row 8572;
* ``ascof_trend_2017-18_to_2023-24_compiled.csv`` - a compilation of ASCOF outcomes,
  one row per year x area x measure; Manchester's self-directed support is on rows 12822
  (2020-21, 1C1A) and 23401 (2023-24, 3D1A), North Northamptonshire's 2021-22 on row 15062.

Row numbers in the expected messages are the files' own (1-based, as a
spreadsheet shows them); the official copies are fixed, so they are too.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.sources import pssex1

SOURCE = paths.DEFAULT_SOURCE_DIR

ACT_0809 = "pssex1/pssex1_activity_2008-09.csv"
ACT_0910 = "pssex1/pssex1_activity_2009-10.csv"
ACT_1213 = "pssex1/pssex1_activity_2012-13.csv"
UC_1112 = "pssex1/pssex1_unitcosts_2011-12.csv"
UC_1314 = "pssex1/pssex1_unitcosts_2013-14.csv"
LOOKUP = "lookup/uk_local_authorities_mysociety.csv"
ASCOF = "ascof/ascof_measures_2020-21.xlsx"
TREND = "ascof/ascof_trend_2017-18_to_2023-24_compiled.csv"
REGISTER = "reported_figures.csv"
EXTRACTS = (
    "pssex1_activity.csv",
    "pssex1_unitcosts.csv",
    "councils.csv",
    "ascof_1c_2020_21.csv",
    "ascof_sds_dp_2017_18_to_2023_24.csv",
)
#: The workbook row of Manchester's ASCOF 1C1A outcome (all ages), and its columns (E, H).
ASCOF_ROW, ASCOF_CODE_COL, ASCOF_VALUE_COL = 8572, 4, 7
#: The workbook row of Manchester's 1C1A numerator (not compared with the compilation).
ASCOF_NUMERATOR_ROW = 8573
#: Rows of the compilation (1-based): Manchester 2020-21 1C1A, Manchester 2023-24 3D1A,
#: North Northamptonshire 2021-22 1C1A; its columns: C (ONS Code), D (code), E (description), F (value).
TREND_MAN_2021, TREND_MAN_2324, TREND_NNT_2122 = 12822, 23401, 15062
TREND_GSS, TREND_CODE, TREND_DESC, TREND_VALUE = 2, 3, 4, 5


# --------------------------------------------------------------------------- copying and editing


def copy_source(dst: Path) -> Path:
    """A writable copy of the official source folder (pssex1/, lookup/ and ascof/) in ``dst``."""
    for sub, pattern in (("pssex1", "*.csv"), ("lookup", "*.csv"), ("ascof", "*.xlsx"), ("ascof", "*.csv")):
        (dst / sub).mkdir(parents=True, exist_ok=True)
        for p in sorted((SOURCE / sub).glob(pattern)):
            shutil.copyfile(p, dst / sub / p.name)  # copyfile: not the read-only mode bits
    return dst


def copy_register(dst: Path) -> Path:
    """A writable copy of the register (figures + sources) in ``dst``; returns the figures file."""
    dst.mkdir(parents=True, exist_ok=True)
    for p in (paths.REGISTER_CSV, paths.REGISTER_SOURCES_CSV):
        shutil.copyfile(p, dst / p.name)
    return dst / paths.REGISTER_CSV.name


def read_rows(path: Path) -> tuple[list[list[str]], str]:
    """The CSV rows of an official file and its encoding (as the reader detects it)."""
    text, encoding = pssex1.decode(path, path.read_bytes())
    return list(csv.reader(io.StringIO(text))), encoding


def write_rows(path: Path, rows, encoding: str) -> None:
    """Write rows back in the file's own encoding (BOM kept for utf-8-sig)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252" if encoding == "windows-1252" else encoding))


def edit_rows(fn: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    """A mutation that edits the CSV rows of a file in place."""

    def mutate(path: Path) -> None:
        rows, encoding = read_rows(path)
        fn(rows)
        write_rows(path, rows, encoding)

    return mutate


def edit_bytes(fn: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        path.write_bytes(fn(path.read_bytes()))

    return mutate


def row_index(rows, label: str) -> int:
    """0-based index of the row whose first cell (or code + name) starts with ``label``."""
    for i, r in enumerate(rows):
        if r and (r[0].strip().startswith(label) or " ".join(r[:2]).strip().startswith(label)):
            return i
    raise LookupError(label)


def col_index(rows, header: str) -> int:
    """0-based field of the header cell containing ``header`` (searched in the first rows)."""
    for r in rows[:12]:
        for j, c in enumerate(r):
            if header in c:
                return j
    raise LookupError(header)


def set_cell(label: str, header: str, value: str):
    """Set the cell of council ``label`` under ``header``."""

    def fn(rows):
        rows[row_index(rows, label)][col_index(rows, header)] = value

    return fn


def replace_bytes(old: bytes, new: bytes, count: int = 1):
    def fn(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, count)

    return fn


def edit_register(fn: Callable[[pd.DataFrame], None]) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        fn(frame)
        frame.to_csv(path, index=False)

    return mutate


# --------------------------------------------------------------------------- the mutations


def _utf16(data: bytes) -> bytes:
    return pssex1.decode("f", data)[0].encode("utf-16")


def _latin1_without_bom(data: bytes) -> bytes:
    assert data.startswith(b"\xef\xbb\xbf")
    return data[3:].decode("utf-8").encode("cp1252")


DP_0910 = "Total all ages, Existing / new Direct payments"


def _swap_header_with_left(header: str):
    """Swap a header cell with its left neighbour's: each header now sits over the other's
    column code and data."""

    def fn(rows):
        j = col_index(rows, header)
        i = next(i for i, r in enumerate(rows[:8]) if header in r[j])
        rows[i][j - 1], rows[i][j] = rows[i][j], rows[i][j - 1]

    return fn


def _shift_dp_header_right(rows):
    """Shift the leaf header cells from the DP column on one field right (the data stays)."""
    j = col_index(rows, DP_0910)
    i = next(i for i, r in enumerate(rows[:8]) if DP_0910 in r[j])
    width = len(rows[i])
    rows[i] = (rows[i][:j] + [""] + rows[i][j:])[:width]


def _rename_header(old: str, new: str):
    def fn(rows):
        j = col_index(rows, old)
        for r in rows[:8]:
            if old in r[j]:
                r[j] = r[j].replace(old, new)

    return fn


def _delete_column(header: str):
    def fn(rows):
        j = col_index(rows, header)
        for r in rows:
            if len(r) > j:
                del r[j]

    return fn


def _insert_after(label: str, *new_rows):
    def fn(rows):
        i = row_index(rows, label)
        width = len(rows[i])
        rows[i + 1 : i + 1] = [list(r) + [""] * (width - len(r)) for r in new_rows]

    return fn


def _insert_blank_rows(rows):
    width = len(rows[0])
    for label in ("914 - Torbay", "312 - Trafford", "102 - Cumbria"):
        i = row_index(rows, label)
        rows[i + 1 : i + 1] = [[""] * width, [], [" "] + [""] * (width - 1)]


def _duplicate_row(label: str):
    def fn(rows):
        i = row_index(rows, label)
        rows.insert(i + 1, list(rows[i]))

    return fn


def _relabel(old: str, new: str):
    def fn(rows):
        rows[row_index(rows, old)][0] = new

    return fn


def _rename_two_cell(code: str, name: str):
    def fn(rows):
        r = rows[row_index(rows, code + " ")]
        assert r[0] == code
        r[1] = name

    return fn


def _truncate_half_way(data: bytes) -> bytes:
    """Cut the file in the middle of the line of the middle council row (the 76th of 152)."""
    lines = data.split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"102 - Cumbria"))
    middle = start + 75
    cut = sum(len(x) + 1 for x in lines[:middle]) + len(lines[middle]) // 2
    return data[:cut]


def _retitle(old: str, new: str):
    def fn(rows):
        rows[0][0] = rows[0][0].replace(old, new)
        assert new in rows[0][0]

    return fn


def _drop_lookup_column(name: str):
    def fn(data: bytes) -> bytes:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        return frame.drop(columns=[name]).to_csv(index=False).encode("utf-8")

    return fn


def edit_xlsx(sheet: Callable[[str], str] | None = None, workbook: Callable[[str], str] | None = None):
    """Rewrite a workbook's XML in place: ``sheet`` edits its one worksheet, ``workbook`` its sheet list.

    Working on the XML keeps every other byte of the real file as it was (and is quick).
    """

    def mutate(path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            members = [(info, z.read(info.filename)) for info in z.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in members:
                if sheet and info.filename == "xl/worksheets/sheet1.xml":
                    data = sheet(data.decode("utf-8")).encode("utf-8")
                if workbook and info.filename == "xl/workbook.xml":
                    data = workbook(data.decode("utf-8")).encode("utf-8")
                z.writestr(info, data)

    return mutate


def _xml_text_cell(ref: str, text: str) -> Callable[[str], str]:
    """Replace cell ``ref`` (e.g. ``H8572``) with an inline text value."""

    def fn(xml: str) -> str:
        new, n = re.subn(
            rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>', xml
        )
        assert n == 1, ref
        return new

    return fn


def _xml_copy_row(src: int, dst: int) -> Callable[[str], str]:
    """Overwrite row ``dst`` with a copy of row ``src`` (a repeated row)."""

    def fn(xml: str) -> str:
        row = re.search(rf'<row r="{src}".*?</row>', xml).group(0)
        copy = re.sub(rf'(r="[A-Z]*){src}"', rf'\g<1>{dst}"', row)
        new, n = re.subn(rf'<row r="{dst}".*?</row>', lambda m: copy, xml)
        assert n == 1
        return new

    return fn


def _rename_sheet(old: str, new: str) -> Callable[[str], str]:
    def fn(xml: str) -> str:
        out, n = re.subn(rf'<sheet name="{old}"', f'<sheet name="{new}"', xml)
        assert n == 1
        return out

    return fn


# --------------------------------------------------------------------------- checks for accepted cases


def same_extracts(out: Path, baseline: Path, source: Path) -> None:
    """Extracts (and councils) byte-identical to an unmodified run."""
    for name in EXTRACTS:
        assert (out / name).read_bytes() == (baseline / name).read_bytes(), name


def read_as(encoding: str, target: str):
    """Same extracts, and the changed file was read with ``encoding``."""

    def check(out: Path, baseline: Path, source: Path) -> None:
        same_extracts(out, baseline, source)
        assert pssex1.read_table(source / target).encoding == encoding

    return check


def note_kept(text: str, target: str):
    def check(out: Path, baseline: Path, source: Path) -> None:
        same_extracts(out, baseline, source)
        assert text in pssex1.read_table(source / target).notes

    return check


def only_cell_suppressed(mark: str, year: str, council: str, measure: str, client_group: str):
    """Identical extracts except one cell: empty value, the mark as flag, and its reason."""

    def check(out: Path, baseline: Path, source: Path) -> None:
        name = "pssex1_unitcosts.csv"
        got = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        want = pd.read_csv(baseline / name, dtype=str, keep_default_na=False)
        key = (
            (got["year"] == year)
            & (got["council_code"] == council)
            & (got["measure"] == measure)
            & (got["client_group"] == client_group)
        )
        assert key.sum() == 1
        cell = got[key].iloc[0]
        assert want[key].iloc[0]["value"] not in ("", "0")
        assert (cell["value"], cell["flag"], cell["flag_reason"]) == ("", mark, pssex1.SUPPRESSION[mark])
        pd.testing.assert_frame_equal(got[~key], want[~key])
        for other in ("pssex1_activity.csv", "councils.csv"):
            assert (out / other).read_bytes() == (baseline / other).read_bytes()

    return check


# --------------------------------------------------------------------------- the corpus


def only_ascof_cell_suppressed(mark: str, row: int):
    """Identical extracts except one ASCOF value: empty, the mark as flag, and its reason."""

    def check(out: Path, baseline: Path, source: Path) -> None:
        from pbanalysis.sources import ascof

        name = "ascof_1c_2020_21.csv"
        got = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        want = pd.read_csv(baseline / name, dtype=str, keep_default_na=False)
        key = got["sheet_row"] == str(row)
        assert key.sum() == 1
        cell = got[key].iloc[0]
        assert want[key].iloc[0]["value"] not in ("", "0")
        assert (cell["value"], cell["flag"], cell["flag_reason"]) == ("", mark, ascof.SUPPRESSION[mark])
        pd.testing.assert_frame_equal(got[~key], want[~key])
        for other in (*EXTRACTS[:3], EXTRACTS[4]):
            assert (out / other).read_bytes() == (baseline / other).read_bytes()

    return check


@dataclass(frozen=True)
class Case:
    id: str
    target: str  # the one file changed (relative to the source folder, or REGISTER)
    mutate: Callable[[Path], None]
    error: tuple[str, ...] = ()  # regexes the InputError message must match; () = accepted
    check: Callable | None = None  # accepted: check(out, baseline, source); register: check(frame) is true
    cli: bool = False  # also run `python -m pbanalysis raw` on it
    row: int | None = None  # the row the error must name (1-based)
    column: int | str | None = None  # the column it must name, where one applies

    @property
    def refused(self) -> bool:
        return bool(self.error)

    @property
    def is_register(self) -> bool:
        return self.target == REGISTER


FASCOF = r"ascof_measures_2020-21\.xlsx, sheet 'in'"
FTREND = r"ascof_trend_2017-18_to_2023-24_compiled\.csv"
F0910 = r"pssex1_activity_2009-10\.csv"
F1213 = r"pssex1_activity_2012-13\.csv"
F0809 = r"pssex1_activity_2008-09\.csv"
NUMBER = r"expected a number such as 1,234 or 12\.5, or a suppression mark"

CASES = [
    # --- encoding ---------------------------------------------------------------------------
    Case(
        "encoding-utf16",
        ACT_0910,
        edit_bytes(_utf16),
        (rf"{F0910}, row 1: expected UTF-8 or Windows-1252 \(latin-1\) text; found 'UTF-16",),
        cli=True,
        row=1,
    ),
    Case(
        "encoding-bom-then-invalid-utf8",
        ACT_0809,
        edit_bytes(replace_bytes(b"204,Barnsley,", b"204,Barns\x9cley,")),
        (
            rf"{F0809}, row 9, column B \(field 1\): expected UTF-8 text after the UTF-8 byte-order mark",
            r"found 'byte 0x9c'",
        ),
        cli=True,
        row=9,
        column=1,
    ),
    Case(
        "encoding-bom-accepted",
        ACT_0910,
        edit_bytes(lambda d: b"\xef\xbb\xbf" + d),
        check=read_as("utf-8-sig", ACT_0910),
    ),
    Case(
        "encoding-latin1-accepted", ACT_0809, edit_bytes(_latin1_without_bom), check=read_as("windows-1252", ACT_0809)
    ),
    # --- layout -----------------------------------------------------------------------------
    Case(
        "layout-moved-column",
        ACT_0910,
        edit_rows(_swap_header_with_left("Carers receiving direct payments at 31 March")),
        (
            rf"{F0910}, row 6, column DT \(field 123\): expected a column code matching \^H4\$ under the header "
            r"'Carers receiving direct payments at 31 March 2010' \(carers receiving direct payments at "
            r"31 March\): the header and the data columns seem to have moved apart; found 'H3\.5'",
        ),
        cli=True,
        row=6,
        column=123,
    ),
    Case(
        "layout-moved-column-unitcosts",
        UC_1314,
        edit_rows(_swap_header_with_left("Gross total cost for direct payments to adults and older")),
        (
            r"pssex1_unitcosts_2013-14\.csv, row 4, column CV \(field 99\): expected a column code matching "
            r"\^2\\\.3\[0-4\]\$ under the header 'Gross total cost for direct payments to adults and older "
            r"people during year ended 31 March \(£000's\)' \(gross cost of direct payments",
            r"moved apart; found '2\.29'",
        ),
        row=4,
        column=99,
    ),
    Case(
        "layout-header-row-shifted",
        ACT_0910,
        edit_rows(_shift_dp_header_right),
        (
            rf"{F0910}, row 6, column AF \(field 31\): expected one column for \('meals_clients_31mar', 'all', "
            r"'all_ages'\); the same header text also covers column AE \(field 30, code A4\.19\): a header "
            r"cell may be blank or the header and the data columns may have moved apart",
        ),
        row=6,
        column=31,
    ),
    Case(
        "layout-renamed-header",
        ACT_1213,
        edit_rows(_rename_header("Total all ages, Direct payments", "Total all ages, Cash payments")),
        (
            rf"{F1213}, row 2: expected a header 'Total all ages, Direct payments \(RAP P2s, people at "
            r"31 March\)' in rows 2-6; found 'no column with that header'",
        ),
        cli=True,
        row=2,
    ),
    Case(
        "layout-missing-column",
        ACT_0910,
        edit_rows(_delete_column("Total all ages, Home care")),
        (
            rf"{F0910}, row 2: expected a header 'Total all ages, Home care \(RAP P2s, people at 31 March\)' "
            r"in rows 2-6",
        ),
        row=2,
    ),
    Case("layout-blank-rows-inside-data", ACT_1213, edit_rows(_insert_blank_rows), check=same_extracts),
    Case(
        "layout-footnote-text-row",
        ACT_0910,
        edit_rows(_insert_after("107-Newcastle", ["* Figures for Newcastle upon Tyne are provisional"])),
        check=note_kept("* Figures for Newcastle upon Tyne are provisional", ACT_0910),
    ),
    Case(
        "layout-footnote-row-with-numbers",
        ACT_0910,
        edit_rows(_insert_after("102-Cumbria", ["North East subtotal", "12,345", "6,789"])),
        (
            rf"{F0910}, row 8, column A \(field 0\): expected a council label like '306-Manchester' "
            r"\(or 'England'\) in the first column; found 'North East subtotal'",
        ),
        row=8,
        column=0,
    ),
    # --- council rows -----------------------------------------------------------------------
    Case(
        "council-duplicate",
        ACT_1213,
        edit_rows(_duplicate_row("102 - Cumbria")),
        (
            rf"{F1213}, row 8, column A \(field 0\): expected each council once; council 102 already "
            r"appears on row 7; found '102 Cumbria'",
        ),
        cli=True,
        row=8,
        column=0,
    ),
    Case(
        "council-unknown",
        ACT_0910,
        edit_rows(_relabel("914-Torbay", "999-Atlantis")),
        (
            rf"{F0910}, row 158, column A \(field 0\): expected a council named like exactly one English "
            r"council in .*uk_local_authorities_mysociety\.csv \(columns 'official-name', 'nice-name' or "
            r"'alt-names'\); found '999-Atlantis \(lookup: no match\)'",
        ),
        cli=True,
        row=158,
        column=0,
    ),
    Case(
        "council-name-of-another-council",
        ACT_0809,
        edit_rows(_rename_two_cell("204", "Bolton")),
        (
            rf"{F0809}, row 9, column B \(field 1\): expected a council named like exactly one English council",
            r"found '204 Bolton \(lookup: BOL; all names of council 204: BNS, BOL\)'",
        ),
        row=9,
        column=1,
    ),
    # --- values -----------------------------------------------------------------------------
    Case(
        "value-odd-thousands-separator",
        ACT_0910,
        edit_rows(set_cell("102-Cumbria", "Total all ages, Existing / new Direct payments", "1,23,4")),
        (rf"{F0910}, row 7, column AF \(field 31\): {NUMBER}.*; found '1,23,4'",),
        cli=True,
        row=7,
        column=31,
    ),
    *[
        Case(
            f"value-suppression-{name}-accepted",
            UC_1314,
            edit_rows(set_cell("102 - Cumbria", "Gross total cost for direct payments to adults and older", mark)),
            check=only_cell_suppressed(mark, "2013-14", "102", "dp_gross_cost", "all_adults"),
        )
        for name, mark in (("dash", "-"), ("dotdot", ".."), ("dot", "."))
    ],
    Case(
        "value-negative-count",
        UC_1112,
        edit_rows(set_cell("102-Cumbria", "Number of adults and older people receiving direct payments", "-12")),
        (
            r"pssex1_unitcosts_2011-12\.csv, row 4, column CX \(field 101\): expected a count of 0 or more; "
            r"found '-12'",
        ),
        cli=True,
        row=4,
        column=101,
    ),
    Case(
        "value-non-numeric-text",
        ACT_1213,
        edit_rows(set_cell("102 - Cumbria", "Total all ages, Direct payments", "n/a")),
        (rf"{F1213}, row 7, column AD \(field 29\): {NUMBER}.*; found 'n/a'",),
        row=7,
        column=29,
    ),
    # --- whole files ------------------------------------------------------------------------
    Case(
        "file-empty",
        UC_1112,
        edit_bytes(lambda d: b""),
        (r"pssex1_unitcosts_2011-12\.csv, row 1: expected a PSS-EX1 CSV table .*found 'an empty file'",),
        cli=True,
        row=1,
    ),
    Case(
        "file-truncated",
        ACT_1213,
        edit_bytes(_truncate_half_way),
        (
            rf"{F1213}, row 83, column A \(field 0\): expected an England total row labelled 'England' or "
            r"'TOTAL England' after the council rows \(is the file truncated\?\); found 'none'",
        ),
        cli=True,
        row=83,
        column=0,
    ),
    Case(
        "file-wrong-year-in-title",
        ACT_0910,
        edit_rows(_retitle("2009-10", "2010-11")),
        (
            rf"{F0910}, row 1, column A \(field 0\): expected a title for year 2009-10 \(from the file name\); "
            r"found 'Personal Social Services .*2010-11",
        ),
        cli=True,
        row=1,
        column=0,
    ),
    Case(
        "lookup-missing-column",
        LOOKUP,
        edit_bytes(_drop_lookup_column("official-name")),
        (
            r"uk_local_authorities_mysociety\.csv, row 1, column 'official-name': expected header columns "
            r"\['official-name'\]",
        ),
        row=1,
        column="official-name",
    ),
    # --- the register -----------------------------------------------------------------------
    Case(
        "register-no-unit",
        REGISTER,
        edit_register(lambda f: f.__setitem__("unit", f["unit"].where(f["figure_id"] != "target_set_nov2009", ""))),
        (r"reported_figures\.csv, row 3, column 'unit': expected a unit, one of .*; found ''",),
        row=3,
        column="unit",
    ),
    Case(
        "register-derivation-unknown-figure",
        REGISTER,
        edit_register(
            lambda f: f.__setitem__(
                "derivation",
                f["derivation"].str.replace("pb_ongoing_expected_apr2011", "pb_ongoing_expected_apr2099", regex=False),
            )
        ),
        (
            r"reported_figures\.csv, row 20, column 'derivation': expected only figure_ids that exist in the "
            r"register; found 'pb_ongoing_expected_apr2099'",
        ),
        row=20,
        column="derivation",
    ),
    Case(
        "register-percent-over-100",
        REGISTER,
        edit_register(
            lambda f: f.__setitem__("value", f["value"].where(f["figure_id"] != "takeup_eligible_nov2010_pct", "130"))
        ),
        (r"reported_figures\.csv, row 4, column 'value': expected a percent of at most 100.*; found '130'",),
        row=4,
        column="value",
    ),
    Case(
        "register-percent-100-accepted",
        REGISTER,
        edit_register(
            lambda f: f.__setitem__("value", f["value"].where(f["figure_id"] != "takeup_eligible_nov2010_pct", "100"))
        ),
        check=lambda reg: reg.set_index("figure_id").loc["takeup_eligible_nov2010_pct", "value"] == 100,
    ),
]

CASES += [
    # --- ASCOF 2020-21 workbook ---------------------------------------------------------------
    Case(
        "ascof-missing-sheet",
        ASCOF,
        edit_xlsx(workbook=_rename_sheet("in", "data")),
        (rf"{FASCOF}, row 1: expected a sheet named 'in' holding the ASCOF open data; found \"sheets 'data'\"",),
        cli=True,
        row=1,
    ),
    Case(
        "ascof-renamed-measure-code",
        ASCOF,
        edit_xlsx(sheet=_xml_text_cell(f"E{ASCOF_ROW}", "1C1X")),
        (
            rf"{FASCOF}, row {ASCOF_ROW}, column E: expected an ASCOF Measure Code of group 1C1A "
            r"\(1C1A, 1C1A1864, 1C1A65OV\); found '1C1X'",
        ),
        cli=True,
        row=ASCOF_ROW,
        column=ASCOF_CODE_COL,
    ),
    Case(
        "ascof-non-numeric-value",
        ASCOF,
        edit_xlsx(sheet=_xml_text_cell(f"H{ASCOF_ROW}", "ninety")),
        (
            rf"{FASCOF}, row {ASCOF_ROW}, column H: expected a number, or a suppression mark \[x\] or \[c\]; found 'ninety'",
        ),
        row=ASCOF_ROW,
        column=ASCOF_VALUE_COL,
    ),
    Case(
        "ascof-unknown-suppression-mark",
        ASCOF,
        edit_xlsx(sheet=_xml_text_cell(f"H{ASCOF_ROW}", "[z]")),
        (
            rf"{FASCOF}, row {ASCOF_ROW}, column H: expected a number, or a suppression mark \[x\] or \[c\]; found '\[z\]'",
        ),
        row=ASCOF_ROW,
        column=ASCOF_VALUE_COL,
    ),
    Case(
        "ascof-duplicated-council",
        ASCOF,
        edit_xlsx(sheet=_xml_copy_row(ASCOF_ROW, ASCOF_ROW + 1)),
        (
            rf"{FASCOF}, row {ASCOF_ROW + 1}, column A: expected each area once per measure code and type "
            rf"\(row {ASCOF_ROW} already has Manchester 1C1A Outcome\); found '306 Manchester'",
        ),
        cli=True,
        row=ASCOF_ROW + 1,
        column=0,
    ),
    *[
        Case(
            f"ascof-suppression-{name}-accepted",
            ASCOF,
            edit_xlsx(sheet=_xml_text_cell(f"H{ASCOF_NUMERATOR_ROW}", mark)),
            check=only_ascof_cell_suppressed(mark, ASCOF_NUMERATOR_ROW),
        )
        for name, mark in (("x", "[x]"), ("c", "[c]"))
    ],
]


# --------------------------------------------------------------------------- the ASCOF compilation


def edit_trend(fn: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    """Edit the rows of the compilation (plain UTF-8, LF line ends, as the file has them)."""

    def mutate(path: Path) -> None:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        fn(rows)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")

    return mutate


def _trend_cell(row: int, col: int, value: str):
    def fn(rows):
        rows[row - 1][col] = value

    return fn


def _trend_copy_row(src: int, dst: int):
    def fn(rows):
        rows[dst - 1] = list(rows[src - 1])

    return fn


def _trend_delete_row(row: int):
    def fn(rows):
        del rows[row - 1]

    return fn


def _trend_drop_column(name: str):
    def fn(rows):
        j = rows[0].index(name)
        for r in rows:
            del r[j]

    return fn


def trend_row_changed(row: int, column: str, value: str):
    """The extracts of an unmodified run, except the compilation's row ``row``: ``column`` is ``value``."""

    def check(out: Path, baseline: Path, source: Path) -> None:
        name = EXTRACTS[-1]
        got = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        want = pd.read_csv(baseline / name, dtype=str, keep_default_na=False)
        key = got["source_row"] == str(row)
        assert key.sum() == 1 and got[key].iloc[0][column] == value != want[key].iloc[0][column]
        pd.testing.assert_frame_equal(got.drop(columns=column), want.drop(columns=column))
        for other in EXTRACTS[:-1]:
            assert (out / other).read_bytes() == (baseline / other).read_bytes(), other

    return check


def trend_row_gone(year: str, gss: str, group: str):
    """The compilation's row removed (a suppressed value): the extract lacks that row, nothing is filled in."""

    def check(out: Path, baseline: Path, source: Path) -> None:
        name = EXTRACTS[-1]
        got = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        want = pd.read_csv(baseline / name, dtype=str, keep_default_na=False)
        hit = (want["year"] == year) & (want["gss_code"] == gss) & (want["measure_group"] == group)
        assert hit.sum() == 1 and len(got) == len(want) - 1
        assert not ((got["year"] == year) & (got["gss_code"] == gss) & (got["measure_group"] == group)).any()

    return check


CASES += [
    Case(
        "ascof-trend-old-code-after-the-renumbering",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2324, TREND_CODE, "1C1A")),
        (
            rf"{FTREND}, row {TREND_MAN_2324}, column D \(field 3\): expected the 2023-24 code of this measure, "
            r"3D1A \(ASCOF was renumbered for 2023-24; 1C1A is its code in the other framework\); found '1C1A'",
        ),
        cli=True,
        row=TREND_MAN_2324,
        column=TREND_CODE,
    ),
    Case(
        "ascof-trend-code-of-another-measure",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2021, TREND_CODE, "1C2A")),
        (
            rf"{FTREND}, row {TREND_MAN_2021}, column D \(field 3\): expected the 2020-21 code of the measure "
            r"described \(1C1A\); found '1C2A'",
        ),
        row=TREND_MAN_2021,
        column=TREND_CODE,
    ),
    Case(
        "ascof-trend-description-of-another-measure",
        TREND,
        edit_trend(
            _trend_cell(TREND_MAN_2021, TREND_DESC, "Proportion of people who find it easy to find information")
        ),
        (
            rf"{FTREND}, row {TREND_MAN_2021}, column E \(field 4\): expected the description of 1C1A in 2020-21 "
            r"to name self-directed support, people using social care",
        ),
        row=TREND_MAN_2021,
        column=TREND_DESC,
    ),
    Case(
        "ascof-trend-other-wording-accepted",
        TREND,
        edit_trend(
            _trend_cell(
                TREND_MAN_2021,
                TREND_DESC,
                "The proportion of people who use services who receive self-directed support",
            )
        ),
        check=trend_row_changed(
            TREND_MAN_2021,
            "measure_description",
            "The proportion of people who use services who receive self-directed support",
        ),
    ),
    Case(
        "ascof-trend-suppressed-row-missing-accepted",
        TREND,
        edit_trend(_trend_delete_row(15868)),
        check=trend_row_gone("2021-22", "E08000003", "1C1A"),
    ),
    Case(
        "ascof-trend-suppression-mark",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2324, TREND_VALUE, "[c]")),
        (
            rf"{FTREND}, row {TREND_MAN_2324}, column F \(field 5\): expected a percent from 0 to 100 with at most "
            r"one decimal \(a suppressed value has no row\); found '\[c\]'",
        ),
        cli=True,
        row=TREND_MAN_2324,
        column=TREND_VALUE,
    ),
    Case(
        "ascof-trend-value-over-100",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2324, TREND_VALUE, "124.3")),
        (rf"{FTREND}, row {TREND_MAN_2324}, column F \(field 5\): expected a percent from 0 to 100",),
        row=TREND_MAN_2324,
        column=TREND_VALUE,
    ),
    Case(
        "ascof-trend-duplicated-row",
        TREND,
        edit_trend(_trend_copy_row(TREND_MAN_2324, TREND_MAN_2324 + 1)),
        (
            rf"{FTREND}, row {TREND_MAN_2324 + 1}, column C \(field 2\): expected each area once per year and "
            rf"measure \(row {TREND_MAN_2324} already has Manchester 3D1A 2023-24\); found 'E08000003 Manchester'",
        ),
        row=TREND_MAN_2324 + 1,
        column=TREND_GSS,
    ),
    Case(
        "ascof-trend-unknown-council",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2324, TREND_GSS, "E08000999")),
        (
            rf"{FTREND}, row {TREND_MAN_2324}, column C \(field 2\): expected a council GSS code of councils\.csv "
            r"\(2009-2014\) or a successor in council_successors\.csv; found 'E08000999 Manchester'",
        ),
        cli=True,
        row=TREND_MAN_2324,
        column=TREND_GSS,
    ),
    Case(
        "ascof-trend-council-after-its-boundary-changed",
        TREND,
        edit_trend(_trend_cell(TREND_NNT_2122, TREND_GSS, "E10000021")),
        (
            rf"{FTREND}, row {TREND_NNT_2122}, column C \(field 2\): expected a council that existed in 2021-22 "
            r"\(Northamptonshire changed on 2021-04-01 and became North Northamptonshire, West "
            r"Northamptonshire: council_successors\.csv\); found 'E10000021 North Northamptonshire'",
        ),
        row=TREND_NNT_2122,
        column=TREND_GSS,
    ),
    Case(
        "ascof-trend-successor-before-it-existed",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2021, TREND_GSS, "E06000066")),
        (
            rf"{FTREND}, row {TREND_MAN_2021}, column C \(field 2\): expected a council that existed in 2020-21 "
            r"\(this GSS code starts on 2023-04-01, council_successors\.csv\); found 'E06000066 Manchester'",
        ),
        row=TREND_MAN_2021,
        column=TREND_GSS,
    ),
    Case(
        "ascof-trend-disagrees-with-the-official-file",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2021, TREND_VALUE, "90.2")),
        (
            rf"{FTREND}, row {TREND_MAN_2021}, column F \(field 5\): expected the official 2020-21 value for "
            r"Manchester \(E08000003\) 1C1A, 90\.1; found 'Manchester 90\.2 here, 90\.1 in the official file'",
        ),
        cli=True,
        row=TREND_MAN_2021,
        column=TREND_VALUE,
    ),
    Case(
        "ascof-trend-age-split-row",
        TREND,
        edit_trend(_trend_cell(TREND_MAN_2021, 7, "65 and over")),
        (
            rf"{FTREND}, row {TREND_MAN_2021}, column H \(field 7\): expected Disaggregation Level 'Total' in "
            r"2020-21; found '65 and over'",
        ),
        row=TREND_MAN_2021,
        column=7,
    ),
    Case(
        "ascof-trend-missing-column",
        TREND,
        edit_trend(_trend_drop_column("Measure Group Description")),
        (rf"{FTREND}, row 1: expected a column headed 'Measure Group Description' in row 1",),
        row=1,
    ),
]

BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES)


def message_matches(case: Case, message: str) -> list[str]:
    """The expected regexes that ``message`` fails to match (empty when all match)."""
    return [rx for rx in case.error if not re.search(rx, message)]
