"""ASCOF measure 1C, England 2020-21 -> a tidy long extract.

Source
    NHS Digital (now NHS England), *Measures from the Adult Social Care
    Outcomes Framework, England - 2020-21*, open data file. The copy read is a
    one-sheet workbook (sheet ``in``) saved from the published CSV; its
    publisher, page, stored copy and licence (Open Government Licence v3.0)
    are recorded in ``data/reference/origins.yaml``.

Measure 1C is "the proportion of people using social care who receive
self-directed support, and those receiving direct payments": part 1 (1C1)
self-directed support, part 2 (1C2) direct payments; A = people using social
care (users), B = carers. The denominator is people receiving long-term
community support at 31 March 2021. It is neither NI 130 (2008-09 to
2010-11, counted during the year) nor the PSS-EX1 count of people on direct
payments at 31 March.

Every quirk of this file is handled here and nowhere else:

* one row per area x measure code x measure type; columns are found by their
  header text in row 1, never by position;
* measure types ``Numerator``, ``Denominator`` and ``Outcome`` (a percent to
  one decimal); all three are kept, so shares can be recomputed;
* suppression marks ``[x]`` and ``[c]`` become missing values with a reason,
  never 0;
* councils (3-digit CASSR code, GSS code), regions (letter codes), council
  types (no GSS code) and the England row, as ``area_level``;
* age splits carried in the measure code (``1C1A65OV``) and checked against
  the Disaggregation Level text;
* carers' measures (1C1B, 1C2B) kept apart from users' (``recipients``);
* all the other ASCOF measures in the file are ignored.

Bad input raises :class:`pbanalysis.core.errors.InputError` naming the file, the
sheet, the row (1-based, as the spreadsheet shows it), the column and what
was expected.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import OrderedDict
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

SHEET = "in"
YEAR = "2020-21"

#: Our name for each column -> its header text in row 1.
HEADERS = {
    "area_code": "Geographical Code",
    "area_name": "Geographical Description",
    "level": "Geographical Level",
    "gss": "ONS Code",
    "code": "ASCOF Measure Code",
    "disaggregation": "Disaggregation Level",
    "type": "Measure Type",
    "value": "Measure Value",
    "group": "Measure Group",
    "description": "Measure Group Description",
}

#: Measure group -> (recipients, measure, the file's description of it).
GROUPS = {
    "1C1A": (
        "users",
        "self_directed_support",
        "Proportion of people using social care who receive self-directed support",
    ),
    "1C2A": ("users", "direct_payments", "Proportion of people using social care who receive direct payments"),
    "1C1B": ("carers", "self_directed_support", "Proportion of carers who receive self-directed support"),
    "1C2B": ("carers", "direct_payments", "Proportion of carers who receive direct payments"),
}
_USER_AGES = {"": ("Total", "all_ages"), "1864": ("18-64", "18-64"), "65OV": ("65 and over", "65+")}
_CARER_AGES = {
    "": ("Total", "all_ages"),
    "64U": ("64 and under", "0-64"),
    "6584": ("65-84", "65-84"),
    "85OV": ("85 and over", "85+"),
}
#: Measure group -> code suffix -> (Disaggregation Level text, our age band).
AGES = {g: (_USER_AGES if GROUPS[g][0] == "users" else _CARER_AGES) for g in GROUPS}

#: Measure Type -> (our measure type, unit).
TYPES = {
    "Numerator": ("numerator", "people"),
    "Denominator": ("denominator", "people"),
    "Outcome": ("outcome", "percent"),
}
#: Geographical Level -> our area level.
LEVELS = {"England": "england", "Region": "region", "Council Type": "council_type", "Council": "council"}

#: Suppression marks and the reason each stands for (GSS symbols, as the publisher uses them).
SUPPRESSION = {
    "[x]": "not available: the publisher marks the value [x] (no data for this council or group)",
    "[c]": "suppressed: the publisher marks the value [c] (confidential, small numbers)",
}

EXTRACT_COLUMNS = [
    "year",
    "area_level",
    "area_code",
    "area_name",
    "gss_code",
    "council_code_2009_14",
    "boundary",
    "measure_code",
    "measure_group",
    "recipients",
    "measure",
    "age_band",
    "measure_type",
    "unit",
    "value",
    "flag",
    "flag_reason",
    "sheet_row",
    "definition",
    "source_file",
]

_NUMBER = re.compile(r"^\s*\d+(\.\d+)?\s*$")
_CASSR = re.compile(r"^\d{3}$")
#: The sheets of the workbooks read most recently, by sha256 (a bad-input test reads many
#: altered copies between two reads of the real file, so the least recently used one goes first).
_cache: OrderedDict[str, tuple[list[str], list[tuple]]] = OrderedDict()
_CACHE_SIZE = 4


def _cell(v: object) -> object:
    """A cell as the rules below read it: empty cells None, whole numbers int (calamine gives
    every number as a float, and a CASSR code such as 306 must read as ``306``)."""
    if v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _read_sheet(path: Path) -> tuple[list[str], list[tuple]]:
    """Sheet names and the rows of sheet ``in`` (cached values only, as Excel last saved them).

    Read with python-calamine, a Rust xlsx reader: the 18 MB sheet takes about a second,
    where openpyxl's read-only mode takes five or more."""
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
        sheet = wb.get_sheet_by_name(SHEET).to_python(skip_empty_area=False) if SHEET in names else []
    except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(path, "an .xlsx workbook", row=1, found=f"{type(exc).__name__}: {exc}") from None
    rows = [tuple(_cell(v) for v in row) for row in sheet]
    _cache[key] = (names, rows)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return names, rows


def _fmt(v: float) -> str:
    """A value as the extract writes it: integers without a decimal point, others shortest."""
    f = round(float(v), 10)
    return str(int(f)) if f.is_integer() else repr(f)


def read_1c(path: Path | str | None = None, source_dir: Path | str | None = None) -> pd.DataFrame:
    """Every ASCOF 1C row of the workbook as a tidy frame (columns :data:`EXTRACT_COLUMNS`).

    ``council_code_2009_14`` and ``boundary`` are left empty here (see
    :func:`pbanalysis.sources.lookup.match_cassr`). ``value`` is text: the
    number as printed (people, or a percent for outcomes), empty when
    suppressed. ``source_file`` names the workbook, relative to ``source_dir`` (else its folder
    and name). Raises InputError naming sheet, row and column for bad input.
    """
    path = Path(path or paths.ascof_xlsx(paths.DEFAULT_SOURCE_DIR))
    source_file = f"{path.parent.name}/{path.name}"
    if source_dir is not None and path.is_relative_to(Path(source_dir)):
        source_file = path.relative_to(Path(source_dir)).as_posix()
    if not path.is_file():
        raise InputError(path, "the ASCOF 2020-21 workbook", found="no such file")
    names, rows = _read_sheet(path)
    if SHEET not in names:
        raise InputError(
            path,
            f"a sheet named {SHEET!r} holding the ASCOF open data",
            sheet=SHEET,
            row=1,
            found="sheets " + ", ".join(repr(n) for n in names),
        )
    if not rows:
        raise InputError(path, "a header row", sheet=SHEET, row=1, found="an empty sheet")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    col = {}
    for key, text in HEADERS.items():
        if text not in header:
            raise InputError(
                path,
                f"a header {text!r} in row 1",
                sheet=SHEET,
                row=1,
                column=len(header),
                found=", ".join(h for h in header if h),
            )
        col[key] = header.index(text)

    def err(r: int, key: str, expected: str, found) -> InputError:
        return InputError(path, expected, sheet=SHEET, row=r, column=col[key], found=str(found))

    out, seen, first_row = [], {}, {}
    for r, row in enumerate(rows[1:], start=2):
        cell = {k: (row[i] if i < len(row) else None) for k, i in col.items()}
        text = {k: ("" if v is None else str(v).strip()) for k, v in cell.items()}
        if not (text["code"].upper().startswith("1C") or text["group"].upper().startswith("1C")):
            continue
        group = text["group"]
        if group not in GROUPS:
            raise err(r, "group", f"a 1C measure group ({', '.join(GROUPS)}) in column 'Measure Group'", group)
        ages = AGES[group]
        suffix = text["code"][len(group) :] if text["code"].startswith(group) else None
        if suffix not in ages:
            allowed = ", ".join(group + s for s in ages)
            raise err(r, "code", f"an ASCOF Measure Code of group {group} ({allowed})", text["code"])
        disagg, age_band = ages[suffix]
        if text["disaggregation"] != disagg:
            raise err(
                r, "disaggregation", f"Disaggregation Level {disagg!r} for {text['code']}", text["disaggregation"]
            )
        recipients, measure, description = GROUPS[group]
        if " ".join(text["description"].split()) != description:
            raise err(r, "description", f"the description {description!r} for {group}", text["description"])
        if text["type"] not in TYPES:
            raise err(r, "type", f"a Measure Type ({', '.join(TYPES)})", text["type"])
        mtype, unit = TYPES[text["type"]]
        if text["level"] not in LEVELS:
            raise err(r, "level", f"a Geographical Level ({', '.join(LEVELS)})", text["level"])
        level = LEVELS[text["level"]]
        area = text["area_code"]
        if isinstance(cell["area_code"], float) and cell["area_code"].is_integer():
            area = str(int(cell["area_code"]))
        if level == "council" and not _CASSR.match(area):
            raise err(r, "area_code", "a 3-digit CASSR code for a council", area)
        if level == "council" and not re.match(r"^E0[6-9]\d{6}$|^E10\d{6}$", text["gss"]):
            raise err(r, "gss", "a council GSS code (E06, E07, E08, E09 or E10 and six digits)", text["gss"])
        key = (level, area, text["code"], mtype)
        if key in seen:
            raise err(
                r,
                "area_code",
                f"each area once per measure code and type (row {seen[key]} already has "
                f"{text['area_name']} {text['code']} {text['type']})",
                f"{area} {text['area_name']}",
            )
        seen[key] = r
        first_row.setdefault((level, area), r)

        raw, value, flag, reason = cell["value"], "", "", ""
        if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
            raise err(r, "value", "a number, or a suppression mark [x] or [c]", "" if raw is None else raw)
        if isinstance(raw, (int, float)):
            number = float(raw)
        elif raw.strip() in SUPPRESSION:
            number, flag, reason = None, raw.strip(), SUPPRESSION[raw.strip()]
        elif _NUMBER.match(raw):
            number = float(raw)
        else:
            raise err(r, "value", "a number, or a suppression mark [x] or [c]", raw)
        if number is not None:
            if number < 0 or (mtype == "outcome" and number > 100):
                limit = "a percent from 0 to 100" if mtype == "outcome" else "a count of at least 0"
                raise err(r, "value", limit, raw)
            if mtype != "outcome" and not number.is_integer():
                raise err(r, "value", "a whole number of people", raw)
            value = _fmt(number)
        out.append(
            {
                "year": YEAR,
                "area_level": level,
                "area_code": area,
                "area_name": text["area_name"],
                "gss_code": text["gss"],
                "council_code_2009_14": "",
                "boundary": "",
                "measure_code": text["code"],
                "measure_group": group,
                "recipients": recipients,
                "measure": measure,
                "age_band": age_band,
                "measure_type": mtype,
                "unit": unit,
                "value": value,
                "flag": flag,
                "flag_reason": reason,
                "sheet_row": r,
                "definition": description,
                "source_file": source_file,
            }
        )
    if not out:
        raise InputError(path, "rows of ASCOF measure 1C (codes 1C1A ...)", sheet=SHEET, row=2, column=col["code"])
    # Every area carries every 1C code and type; the England row must be there.
    wanted = {(g + s, t) for g in GROUPS for s in AGES[g] for t in (m for m, _ in TYPES.values())}
    have: dict[tuple[str, str], set] = {}
    for k in seen:
        have.setdefault(k[:2], set()).add(k[2:])
    if not any(level == "england" for level, _ in have):
        raise InputError(
            path, "an England row for measure 1C (is the file truncated?)", sheet=SHEET, row=len(rows), column=0
        )
    for area, got in have.items():
        missing = sorted(wanted - got)
        if missing:
            r = first_row[area]
            raise err(
                r,
                "code",
                f"every 1C measure code and type for {area[0]} {area[1]}",
                "missing " + ", ".join(f"{c} {t}" for c, t in missing[:4]) + (" ..." if len(missing) > 4 else ""),
            )
    df = pd.DataFrame(out, columns=EXTRACT_COLUMNS)
    order = {
        "area_level": {v: i for i, v in enumerate(LEVELS.values())},
        "measure_type": {v: i for i, (v, _) in enumerate(TYPES.values())},
    }
    codes = [g + s for g in GROUPS for s in AGES[g]]
    df["_l"] = df["area_level"].map(order["area_level"])
    df["_c"] = df["measure_code"].map({c: i for i, c in enumerate(codes)})
    df["_t"] = df["measure_type"].map(order["measure_type"])
    df = df.sort_values(["_l", "area_code", "_c", "_t"], kind="stable").drop(columns=["_l", "_c", "_t"])
    return df.reset_index(drop=True)


def load_1c(path: Path | str | None = None) -> pd.DataFrame:
    """The committed extract ``data/raw/ascof_1c_2020_21.csv``: value as float (NaN when suppressed)."""
    path = Path(path or paths.ASCOF_1C_CSV)
    if not path.is_file():
        raise InputError(path, "the file to exist (run `make raw`)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["value"] = pd.to_numeric(df["value"].replace("", None), errors="raise").astype(float)
    df["sheet_row"] = df["sheet_row"].astype(int)
    return df


def shares(df: pd.DataFrame, group: str = "1C1A", age_band: str = "all_ages", level: str | None = None) -> pd.DataFrame:
    """One row per area for one measure group and age band: numerator, denominator, outcome (percent).

    Columns: area_level, area_code, area_name, gss_code, council_code_2009_14,
    boundary, numerator, denominator (people), outcome (percent, as published),
    flag and flag_reason (of the outcome; empty when published).
    """
    if group not in GROUPS:
        raise ValueError(f"measure group {group!r}: expected one of {', '.join(GROUPS)}")
    sel = df[(df["measure_group"] == group) & (df["age_band"] == age_band)]
    if level is not None:
        sel = sel[sel["area_level"] == level]
    keys = ["area_level", "area_code", "area_name", "gss_code", "council_code_2009_14", "boundary"]
    wide = sel.set_index([*keys, "measure_type"])["value"].unstack("measure_type")
    wide = wide.reindex(columns=["numerator", "denominator", "outcome"]).reset_index()
    flags = sel[sel["measure_type"] == "outcome"].set_index("area_code")[["flag", "flag_reason"]]
    wide = wide.join(flags, on="area_code")
    wide.columns.name = None
    return wide.sort_values(["area_level", "area_code"], kind="stable").reset_index(drop=True)
