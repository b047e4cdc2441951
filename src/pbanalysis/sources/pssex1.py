"""PSS-EX1 council-level annex tables -> tidy long extracts.

Source
    The NHS Information Centre for health and social care (from 2013 the Health
    and Social Care Information Centre, HSCIC; now NHS England), *Personal Social
    Services: Expenditure and Unit Costs, England*, council-level ("CASSR")
    annex tables, 2008-09 to 2013-14: the **activity** tables (RAP P2s counts of
    people receiving services at 31 March, carers on direct payments) and the
    **unit-cost** tables (PSS-EX1 gross spend on direct payments and its
    denominators). Licence: not stated in the files; HSCIC official statistics
    are normally reusable under the Open Government Licence v3.0, so we record
    "OGL v3 (presumed)".

Every quirk of these files is handled here and nowhere else:

* encodings: a UTF-8 byte-order mark (2008-09), UTF-8, and Windows-1252 /
  latin-1 (the ``£`` in later headers);
* multi-row headers: a group header spans the columns to its right until a
  cell appears in its own row or a row above; columns are found by their header
  text (and checked against the table's column codes, e.g. ``A4.20``), never
  by position;
* two council label formats: ``"306-Manchester"`` / ``"905 - Somerset "`` in
  one cell, or the code and name in two cells (2008-09 activity);
* thousands separators (``"1,234"``) and padding (``" 67,685 "``);
* suppression marks: ``-`` (more than 0 and at most 5), ``..`` (not
  available) and ``.`` (not applicable) become missing values with a reason,
  never 0;
* notes and footnotes below (or inside) the data, and blank rows;
* a footnote that turns the 2008-09 unit-cost denominators into annualised
  client-weeks, which we carry as a different measure.

What the extracted numbers mean (the 2010-11 count, zero spend, councils per year) is
:mod:`pbanalysis.sources.pssex1_rules`: this module reads the files, that one reads the extracts.

Bad input raises :class:`pbanalysis.core.errors.InputError` naming the file, row
(1-based, as a spreadsheet shows it), column and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from pbanalysis.core import keys as k
from pbanalysis.core.errors import InputError, column_letter

# Publisher, publication, licence and where each file was read from: data/reference/origins.yaml.

#: Suppression marks and the reason each one stands for, as the files' notes say.
SUPPRESSION = {
    "-": "suppressed: more than 0 and at most 5",
    "..": "not available: data missing or not returned",
    ".": "not applicable",
}

KINDS = ("activity", "unitcosts")

#: Output columns of the tidy extracts, in order.
EXTRACT_COLUMNS = [
    "year",
    "council_code",
    "council_name",
    "area",
    "measure",
    "client_group",
    "age_band",
    k.DEFINITION_BASIS,
    "unit",
    "value",
    "flag",
    "flag_reason",
    "source_file",
    "source_code",
    "source_field",
    "definition",
]

_CODE_CELL = re.compile(r"^[A-Z]{0,2}\d+(\.\d+)*[A-Z]?$")
_ONE_CELL_LABEL = re.compile(r"^\s*(\d{3})\s*-\s*(.*?)\s*$")
_CODE_ONLY = re.compile(r"^\s*(\d{3})\s*$")
_ENGLAND = re.compile(r"^\s*(TOTAL\s+)?England\s*$", re.I)
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*-\s*(\d\d)")


# --------------------------------------------------------------------------
# Measures: which header text means what
# --------------------------------------------------------------------------

GROUPS = {
    "physical disability": "physical_disability",
    "pd": "physical_disability",
    "mental health": "mental_health",
    "mh": "mental_health",
    "learning disability": "learning_disability",
    "ld": "learning_disability",
    "total": "all",
    "": "all",
}
AGES = {
    "18-64": "18-64",
    "65 and over": "65+",
    "65+": "65+",
    "65-74": "65-74",
    "75-84": "75-84",
    "85 and over": "85+",
    "85+": "85+",
    "all ages": "all_ages",
    "16-17": "16-17",
}
SERVICES = {
    "home care": k.HOME_CARE_CLIENTS_31MAR,
    "day care": k.DAY_CARE_CLIENTS_31MAR,
    "meals": k.MEALS_CLIENTS_31MAR,
}


@dataclass(frozen=True)
class Rule:
    """One family of columns, found by header text and checked by column code."""

    kind: str
    pattern: re.Pattern
    codes: re.Pattern  # the column codes this family may carry
    describe: str


_SERVICE_2009 = re.compile(
    r"receiving services at 31 March.*\|\s*(?P<group>Physical disability|Mental health|"
    r"Learning disability|Total)\s*,?\s*(?P<age>18-64|65 and over|65-74|75-84|85 and over|all ages)\s*,\s*"
    r"(?P<service>Home care|Day care|Meals|Existing / new Direct payments and Personal Budgets|"
    r"Direct payments|Number of clients receiving Direct payments)\b",
    re.I,
)
_SERVICE_2008 = re.compile(
    r"receiving services at 31 March.*\((?P<age>18-64|65\+|65-74|75-84|85\+|all ages)"
    r"(?: (?P<group>pd|ld|mh|total))? (?P<service>home care|day care|meals|direct payments)\)",
    re.I,
)
_CARERS_YEAR = re.compile(
    r"Carers receiving direct payments during year.*\|\s*(?:Young carers|Carers)\s*\(?aged\s+"
    r"(?P<age>16-17|18-64|65-74|75-84|85 and over)\)?\s*$",
    re.I,
)
_CARERS_31MAR = re.compile(r"\|\s*Carers receiving direct payments at 31 March(?P<when>[^|]*)$", re.I)
_WHO = (
    r"(?P<who>adults? and older (?:people|person)|older (?:people|person)|adults? aged under 65 with "
    r"(?:a )?(?:Learning disability|mental health needs|Physical disability))"
)
_DP_COST = re.compile(r"Gross total cost for direct payments to " + _WHO + r" during year.*\(£000'?s\)", re.I)
_DP_COUNT = re.compile(r"^(?!.*Average)(?:.*\|\s*)?Number of " + _WHO + r" receiving direct payments at 31 March", re.I)
_DP_WEEKLY = re.compile(r"Average gross weekly expenditure on direct payments per " + _WHO + r" receiving", re.I)

RULES = [
    Rule("activity", _SERVICE_2009, re.compile(r"^A4\.\d+$"), "service counts at 31 March (RAP P2s)"),
    Rule("activity", _SERVICE_2008, re.compile(r"^A2\.\d+$"), "service counts at 31 March (RAP P2s, 2008-09 layout)"),
    Rule("activity", _CARERS_YEAR, re.compile(r"^H3\.\d+$"), "carers receiving direct payments during the year"),
    Rule("activity", _CARERS_31MAR, re.compile(r"^H4$"), "carers receiving direct payments at 31 March"),
    Rule("unitcosts", _DP_COST, re.compile(r"^2\.3[0-4]$"), "gross cost of direct payments (£000)"),
    Rule("unitcosts", _DP_COUNT, re.compile(r"^2\.3[0-4]$"), "people receiving direct payments at 31 March"),
    Rule("unitcosts", _DP_WEEKLY, re.compile(r"^2\.3[0-4]$"), "average gross weekly cost of direct payments"),
]

#: Columns every file of a kind must have, with the header text a user should look for.
REQUIRED = {
    "activity": {
        (k.DP_CLIENTS_31MAR, "all", "all_ages"): "Total all ages, Direct payments (RAP P2s, people at 31 March)",
        (k.HOME_CARE_CLIENTS_31MAR, "all", "all_ages"): "Total all ages, Home care (RAP P2s, people at 31 March)",
        (k.DAY_CARE_CLIENTS_31MAR, "all", "all_ages"): "Total all ages, Day care (RAP P2s, people at 31 March)",
        (k.MEALS_CLIENTS_31MAR, "all", "all_ages"): "Total all ages, Meals (RAP P2s, people at 31 March)",
    },
    "unitcosts": {
        (
            k.DP_GROSS_COST,
            "all_adults",
            "18+",
        ): "Gross total cost for direct payments to adults and older people (£000's)",
    },
}


def _who(text: str) -> tuple[str, str]:
    t = text.lower()
    if t.startswith("adults and older") or t.startswith("adult and older"):
        return "all_adults", "18+"
    if t.startswith("older"):
        return "older_people", "65+"
    for key, group in (
        ("learning", "learning_disability"),
        ("mental", "mental_health"),
        ("physical", "physical_disability"),
    ):
        if key in t:
            return group, "18-64"
    raise ValueError(text)


@dataclass
class Measure:
    """What one column holds: measure key, client group, age band, unit and definition basis."""

    measure: str
    client_group: str
    age_band: str
    unit: str
    definition_basis: str

    @property
    def key(self) -> tuple[str, str, str]:
        """(measure, client group, age band): a column's identity within one table."""
        return (self.measure, self.client_group, self.age_band)


def classify(kind: str, header: str, annualised_denominators: bool = False) -> tuple[Measure, Rule] | None:
    """The measure a column's header text describes, or ``None`` if we don't extract it."""
    for rule in RULES:
        if rule.kind != kind:
            continue
        m = rule.pattern.search(header)
        if not m:
            continue
        if rule.pattern in (_SERVICE_2009, _SERVICE_2008):
            service = m.group("service").lower()
            group = GROUPS[(m.group("group") or "").lower()]
            age = AGES[m.group("age").lower()]
            if "direct payment" in service:
                basis = k.BASIS_DP_AND_PB if "personal budget" in service else k.BASIS_DP_ONLY
                return Measure(k.DP_CLIENTS_31MAR, group, age, "people", basis), rule
            return Measure(SERVICES[service], group, age, "people", k.BASIS_AS_STATED), rule
        if rule.pattern is _CARERS_YEAR:
            age = AGES[m.group("age").lower()]
            return Measure(k.CARERS_DP_DURING_YEAR, "carers", age, "people", k.BASIS_DP_ONLY), rule
        if rule.pattern is _CARERS_31MAR:
            return Measure(k.CARERS_DP_31MAR, "carers", "all_ages", "people", k.BASIS_DP_ONLY), rule
        group, age = _who(m.group("who"))
        if rule.pattern is _DP_COST:
            return Measure(k.DP_GROSS_COST, group, age, "GBP thousand", k.BASIS_DP_ONLY), rule
        if rule.pattern is _DP_COUNT:
            if annualised_denominators:
                return Measure(k.DP_CLIENT_WEEKS_ANNUALISED, group, age, "client-weeks", k.BASIS_DP_ONLY), rule
            return Measure(k.DP_RECIPIENTS_31MAR, group, age, "people", k.BASIS_DP_ONLY), rule
        return Measure(k.DP_AVG_WEEKLY_COST, group, age, "GBP per week", k.BASIS_DP_ONLY), rule
    return None


# --------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------


@dataclass
class Column:
    """One data column: its 0-based field, its header text (rows joined by " | ") and its code."""

    index: int
    header: str  # all header rows joined with " | ", group headers spanned
    code: str


@dataclass
class Table:
    """One official file read: where it is, what it is, its columns, council rows and England row."""

    path: Path
    kind: str
    year: str
    encoding: str
    title: str
    sha256: str
    columns: list[Column]
    councils: list[tuple[int, str, str, list[str]]]  # (row index, code, name, cells)
    england: tuple[int, list[str]] | None
    notes: list[str] = field(default_factory=list)
    code_row: int | None = None  # 0-based row of the column codes, if the table has one
    header_first_row: int = 0  # 1-based first header row (for messages)
    header_last_row: int = 0  # 1-based last header row (for messages)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding name of a file: UTF-8 with or without BOM, else Windows-1252."""
    if not data.strip():
        raise InputError(
            path, "a PSS-EX1 CSV table with a title row, headers and council rows", row=1, found="an empty file"
        )
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff") or b"\x00" in data[:4096]:
        raise InputError(
            path, "UTF-8 or Windows-1252 (latin-1) text", row=1, found="UTF-16 or binary bytes (NUL bytes)"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            pos = 3 + exc.start
            row = data[:pos].count(b"\n") + 1
            raise InputError(
                path,
                "UTF-8 text after the UTF-8 byte-order mark (or no mark and Windows-1252 text)",
                row=row,
                column=_field_at(data, pos),
                found=f"byte 0x{data[pos]:02x}",
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _field_at(data: bytes, pos: int) -> int:
    """The 0-based CSV field of the line holding byte ``pos`` (for an error message)."""
    start = data.rfind(b"\n", 0, pos) + 1
    prefix = data[start:pos].decode("utf-8", errors="replace")
    if start <= 3 and prefix.startswith("\ufeff"):
        prefix = prefix[1:]
    if not prefix:
        return 0
    return len(next(csv.reader([prefix]))) - 1


def _label(cells: list[str]) -> tuple[str, str, str] | None:
    """('council'|'england', code, name) for a data row's label, else None."""
    first = cells[0] if cells else ""
    second = cells[1] if len(cells) > 1 else ""
    m = _ONE_CELL_LABEL.match(first)
    if m and m.group(2):
        return "council", m.group(1), m.group(2)
    m = _CODE_ONLY.match(first)
    if m and second.strip():
        return "council", m.group(1), second.strip()
    if _ENGLAND.match(first) or (not first.strip() and _ENGLAND.match(second)):
        return "england", "ENG", "England"
    return None


def _name_fields(cells: list[str]) -> int:
    """How many leading fields hold the council label (1, or 2 for code + name)."""
    return 2 if _CODE_ONLY.match(cells[0] if cells else "") else 1


def read_table(path: Path | str, expect_year: str | None = None, expect_kind: str | None = None) -> Table:
    """Read one PSS-EX1 annex CSV into a :class:`Table` (headers located, rows classified)."""
    path = Path(path)
    data = path.read_bytes()
    text, encoding = decode(path, data)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(path, "a PSS-EX1 CSV table", row=1, found="no rows")

    # Title: the first non-empty cell of the first rows.
    title, title_row, title_col = "", 0, 0
    for i, r in enumerate(rows[:3]):
        cells = [c.strip() for c in r if c.strip()]
        if cells and re.search(r"Personal Social Services", cells[0], re.I):
            title, title_row = cells[0], i
            title_col = next(j for j, c in enumerate(r) if c.strip())
            if len(rows) > i + 1 and rows[i + 1] and rows[i + 1][0].strip() == "Final Results":
                title += " Final Results"
            break
    if not title:
        raise InputError(
            path,
            "a title row naming 'Personal Social Services' and the year",
            row=1,
            found=(rows[0][0] if rows[0] else ""),
        )
    ym = _YEAR_IN_TITLE.search(title)
    if not ym:
        raise InputError(
            path, "a financial year such as 2009-10 in the title", row=title_row + 1, column=title_col, found=title
        )
    year = f"{ym.group(1)}-{ym.group(2)}"
    if expect_year and year != expect_year:
        raise InputError(
            path,
            f"a title for year {expect_year} (from the file name)",
            row=title_row + 1,
            column=title_col,
            found=title,
        )
    kind = (
        "activity"
        if re.search(r"Activity", title, re.I)
        else ("unitcosts" if re.search(r"Unit Cost", title, re.I) else None)
    )
    if kind is None or (expect_kind and kind != expect_kind):
        raise InputError(
            path,
            "a title saying 'Activity Data' or 'Unit Cost'"
            + (f" for a {expect_kind} table (from the file name)" if expect_kind else ""),
            row=title_row + 1,
            column=title_col,
            found=title,
        )

    # Data rows: council labels and the England row.
    first_data = None
    for i, r in enumerate(rows):
        if i > title_row and _label(r) and _label(r)[0] == "council":
            first_data = i
            break
    if first_data is None:
        raise InputError(
            path,
            "council rows labelled like '306-Manchester' or '306','Manchester'",
            row=title_row + 2,
            column=0,
            found="no council rows",
        )
    nf = _name_fields(rows[first_data])
    width = max(len(r) for r in rows)
    header_rows = [r + [""] * (width - len(r)) for r in rows[title_row + 1 : first_data]]
    if not header_rows:
        raise InputError(
            path, "header rows between the title and the first council row", row=first_data + 1, found="none"
        )
    code_idx = None
    for hi, r in enumerate(header_rows):
        vals = [c.strip() for c in r[nf:] if c.strip()]
        if len(vals) >= 2 and sum(bool(_CODE_CELL.match(v)) for v in vals) >= 0.9 * len(vals):
            code_idx = hi
    # Span group headers to the right until a cell appears in their row or a row above.
    spanned = [[""] * width for _ in header_rows]
    for hi, r in enumerate(header_rows):
        if hi == code_idx:
            continue
        current = ""
        for j in range(nf, width):
            above = any(header_rows[k][j].strip() for k in range(hi) if k != code_idx)
            if r[j].strip():
                current = " ".join(r[j].split())
            elif above:
                current = ""
            spanned[hi][j] = current
    columns = []
    for j in range(nf, width):
        parts = [spanned[hi][j] for hi in range(len(header_rows)) if spanned[hi][j]]
        code = header_rows[code_idx][j].strip() if code_idx is not None else ""
        columns.append(Column(j, " | ".join(parts), code))

    councils, england, notes = [], None, []
    for i in range(first_data, len(rows)):
        r = rows[i] + [""] * (width - len(rows[i]))
        lab = _label(r)
        values = [c.strip() for c in r[nf:]]
        if lab is None:
            text_cells = [c.strip() for c in r if c.strip()]
            if not text_cells:
                continue
            if any(_NUMBER.match(v.replace(" ", "")) for v in values if v) and england is None:
                raise InputError(
                    path,
                    "a council label like '306-Manchester' (or 'England') in the first column",
                    row=i + 1,
                    column=0,
                    found=" ".join(r[:nf]).strip(),
                )
            notes.append(" ".join(text_cells))
            continue
        if lab[0] == "england":
            england = (i, r)
        else:
            councils.append((i, lab[1], lab[2], r))
    return Table(
        path,
        kind,
        year,
        encoding,
        title,
        hashlib.sha256(data).hexdigest(),
        columns,
        councils,
        england,
        notes,
        code_row=None if code_idx is None else title_row + 1 + code_idx,
        header_first_row=title_row + 2,
        header_last_row=first_data,
    )


def parse_value(
    path: Path | str, raw: str, row: int, column: int, *, allow_negative: bool = False
) -> tuple[float | None, str, str]:
    """(value, flag, reason) of one cell: a number, or a missing value with a reason.

    Suppression marks never become 0. A blank cell is missing with reason
    ``blank in source``. Anything else raises :class:`InputError`.
    """
    s = raw.strip()
    if s in SUPPRESSION:
        return None, s, SUPPRESSION[s]
    if s == "":
        return None, "blank", "blank in source"
    compact = s.replace(" ", "")
    if not _NUMBER.match(compact):
        raise InputError(
            path, "a number such as 1,234 or 12.5, or a suppression mark (-, .., .)", row=row, column=column, found=raw
        )
    if compact.startswith("-") and not allow_negative:
        raise InputError(path, "a count of 0 or more", row=row, column=column, found=raw)
    value = float(compact.replace(",", ""))
    return value, "", ""


def _format(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return repr(value)


def extract(table: Table) -> pd.DataFrame:
    """The tidy long rows of every measure we extract from one table."""
    path = table.path
    annualised = any("denominators as an annual figure" in n for n in table.notes)
    found: dict[tuple, tuple[Column, Measure]] = {}
    for col in table.columns:
        hit = classify(table.kind, col.header, annualised)
        if hit is None:
            continue
        measure, rule = hit
        if col.code and not rule.codes.match(col.code):
            parts = col.header.split(" | ")
            shown = next((p for p in reversed(parts) if rule.pattern.search(p)), parts[-1])
            raise InputError(
                path,
                f"a column code matching {rule.codes.pattern} under the header "
                f"'{shown}' ({rule.describe}): the header and the data "
                "columns seem to have moved apart",
                row=table.code_row + 1,
                column=col.index,
                found=col.code,
            )
        if measure.key in found:
            other = found[measure.key][0]
            code = f", code {other.code}" if other.code else ""
            raise InputError(
                path,
                f"one column for {measure.key}; the same header text also covers "
                f"column {column_letter(other.index)} (field {other.index}{code}): a header "
                "cell may be blank or the header and the data columns may have moved apart",
                row=table.header_last_row,
                column=col.index,
                found=col.header,
            )
        found[measure.key] = (col, measure)
    for key, header in REQUIRED[table.kind].items():
        if key not in found:
            raise InputError(
                path,
                f"a header '{header}' in rows {table.header_first_row}-{table.header_last_row}",
                row=table.header_first_row,
                found="no column with that header",
            )

    if table.england is None:
        # Checked before any value, so a file cut short says so rather than
        # failing on a half-written last row.
        last = table.councils[-1][0] + 1 if table.councils else table.header_last_row
        raise InputError(
            path,
            "an England total row labelled 'England' or 'TOTAL England' after "
            "the council rows (is the file truncated?)",
            row=last + 1,
            column=0,
            found="none",
        )

    seen: dict[str, int] = {}
    out = []
    items = [(i, code, name, cells, "council") for i, code, name, cells in table.councils]
    if table.england is not None:
        items.append((table.england[0], "ENG", "England", table.england[1], "england"))
    for i, code, name, cells, area in items:
        if area == "council":
            if code in seen:
                raise InputError(
                    path,
                    f"each council once; council {code} already appears on row {seen[code]}",
                    row=i + 1,
                    column=0,
                    found=f"{code} {name}",
                )
            seen[code] = i + 1
        for key in sorted(found, key=lambda k: found[k][0].index):
            col, m = found[key]
            raw = cells[col.index] if col.index < len(cells) else ""
            value, flag, reason = parse_value(path, raw, i + 1, col.index)
            out.append(
                {
                    "year": table.year,
                    "council_code": code,
                    "council_name": name,
                    "area": area,
                    "measure": m.measure,
                    "client_group": m.client_group,
                    "age_band": m.age_band,
                    k.DEFINITION_BASIS: m.definition_basis,
                    "unit": m.unit,
                    "value": _format(value),
                    "flag": flag,
                    "flag_reason": reason,
                    "source_file": f"pssex1/{path.name}",
                    "source_code": col.code,
                    "source_field": col.index,
                    "definition": col.header,
                }
            )
    return pd.DataFrame(out, columns=EXTRACT_COLUMNS)


class Location(NamedTuple):
    """Where a council row is: file, row (1-based), label field, label as written, name."""

    path: Path
    row: int
    column: int
    label: str
    name: str


def council_locations(tables: list[Table]) -> dict[str, list[Location]]:
    """Every row each council code appears on, by code (for error messages).

    The label field is 1 for two-cell labels (the name is in field 1), else 0.
    """
    out: dict[str, list[Location]] = {}
    for t in tables:
        for i, code, name, cells in t.councils:
            two = _name_fields(cells) == 2
            label = f"{cells[0].strip()} {cells[1].strip()}" if two else cells[0].strip()
            out.setdefault(code, []).append(Location(t.path, i + 1, 1 if two else 0, label, name))
    return out


def source_files(pssex1_dir: Path | str) -> dict[tuple[str, str], Path]:
    """The official files in a folder, keyed by (kind, year), from their names."""
    found = {}
    for p in sorted(Path(pssex1_dir).glob("pssex1_*_*.csv")):
        m = re.match(r"pssex1_(activity|unitcosts)_(\d{4}-\d{2})\.csv$", p.name)
        if m:
            found[(m.group(1), m.group(2))] = p
    return found


def extract_all(
    pssex1_dir: Path | str, progress: Callable[[str], object] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Table]]:
    """Extract every official file in a folder: {kind: long frame}, plus the tables read."""
    files = source_files(pssex1_dir)
    if not files:
        raise InputError(pssex1_dir, "files named pssex1_<activity|unitcosts>_<YYYY-YY>.csv", found="none")
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in KINDS}
    tables = []
    for (kind, year), path in files.items():
        if progress:
            progress(f"reading {path.name}")
        table = read_table(path, expect_year=year, expect_kind=kind)
        tables.append(table)
        frames[kind].append(extract(table))
    out = {}
    for kind, parts in frames.items():
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=EXTRACT_COLUMNS)
        out[kind] = df.sort_values(
            ["year", "area", "council_code", "measure", "client_group", "age_band"], kind="mergesort"
        ).reset_index(drop=True)
    return out, tables
