"""The schema of every table the data package describes: each column's name, type, description and unit.

One list of fields, ``(name, type, description, unit)``, per table: the PSS-EX1 and ASCOF
extracts, the councils, the council successors, the register of reported figures and its
articles. :func:`schema` turns a list into the Table Schema of a file, in the order of its
header (:func:`csv_header`); a field the column dictionary (:mod:`pbanalysis.core.columns`) has
takes its ``title`` from there, so the data package names a column as the tables do.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from pbanalysis.core import columns, keys

if TYPE_CHECKING:
    from pathlib import Path

#: The PSS-EX1 extracts (activity and unit costs): one row per year x council x measure x group x band.
EXTRACT_FIELDS = [
    ("year", "string", "Financial year the table covers, e.g. 2009-10 (April to March).", None),
    ("council_code", "string", "DH/IC 3-digit council (CASSR) code as printed; ENG for the England row.", None),
    ("council_name", "string", "Council name exactly as that year's table prints it.", None),
    ("area", "string", "council or england (the table's own England total).", None),
    ("measure", "string", "What the value counts (see the measure notes in the README).", None),
    (
        "client_group",
        "string",
        "Client group: all, physical_disability, mental_health, "
        "learning_disability, older_people, all_adults or carers.",
        None,
    ),
    ("age_band", "string", "Age band: 18-64, 65+, 65-74, 75-84, 85+, 16-17, 18+ or all_ages.", None),
    (
        keys.DEFINITION_BASIS,
        "string",
        "dp_only (direct payments), dp_and_pb (existing/new direct payments "
        "and personal budgets, 2009-10 and 2010-11 headers) or as_stated.",
        None,
    ),
    ("unit", "string", "Unit of value: people, GBP thousand, GBP per week or client-weeks.", None),
    ("value", "number", "The figure; empty when the source suppressed or lacked it.", "see unit"),
    ("flag", "string", "Source mark for a missing value: '-', '..', '.', or 'blank'; empty when present.", None),
    ("flag_reason", "string", "What the mark means, from the table's own notes.", None),
    (
        "source_file",
        "string",
        "The official file the value was read from, under the source folder (origins.yaml has its record).",
        None,
    ),
    ("source_code", "string", "The table's column code (e.g. A4.20), where the table has one.", None),
    ("source_field", "integer", "0-based CSV field of the column in the official file.", None),
    ("definition", "string", "The column's header text as that year states it (header rows joined by ' | ').", None),
]

#: The councils table: PSS-EX1 codes joined to GSS code, region and type.
COUNCIL_FIELDS = [
    ("council_code", "string", "DH/IC 3-digit council (CASSR) code.", None),
    ("council_name", "string", "Display name (latest PSS-EX1 spelling, ' UA' dropped).", None),
    ("pssex1_names", "string", "Every spelling the PSS-EX1 tables use, separated by '; '.", None),
    ("gss_code", "string", "ONS GSS code from the lookup; empty for councils abolished in 2009.", None),
    ("lookup_code", "string", "mySociety local-authority-code matched by name.", None),
    ("lookup_name", "string", "Official name in the lookup.", None),
    ("region", "string", "English region.", None),
    (
        "council_type",
        "string",
        "Council type from 2009-10 (county, unitary, metropolitan district, London borough...).",
        None,
    ),
    (
        "council_type_2008_09",
        "string",
        "Council type in 2008-09 (County for the five that became unitary in 2009).",
        None,
    ),
    ("first_year", "string", "First financial year the council appears in the extracts.", None),
    ("last_year", "string", "Last financial year the council appears in the extracts.", None),
    ("match", "string", "How it was joined: name, or abolished_2009 (explicit mapping).", None),
    ("note", "string", "Anything a user should know about the join.", None),
]

#: The fields every ASCOF extract carries about a later council and its 2009-2014 predecessor.
_LATER_COUNCIL_FIELDS = [
    (
        "council_code_2009_14",
        "string",
        "Council rows: the 2009-2014 council (PSS-EX1 code in councils.csv) it is one-to-one with; "
        "empty when the boundary changed.",
        None,
    ),
    (
        "boundary",
        "string",
        "Council rows: unchanged, same_area (new council, same area) or boundary_changed (see council_successors.csv).",
        None,
    ),
]

#: The ASCOF 1C 2020-21 extract.
ASCOF_FIELDS = [
    ("year", "string", "Financial year, 2020-21 (people and carers at 31 March 2021).", None),
    ("area_level", "string", "council, region, council_type or england.", None),
    ("area_code", "string", "The file's Geographical Code: 3-digit CASSR code for councils.", None),
    ("area_name", "string", "The file's Geographical Description.", None),
    ("gss_code", "string", "The file's ONS (GSS) code; empty for council types.", None),
    *_LATER_COUNCIL_FIELDS,
    ("measure_code", "string", "ASCOF Measure Code as printed, e.g. 1C1A or 1C1A65OV.", None),
    ("measure_group", "string", "1C1A, 1C2A (people using social care) or 1C1B, 1C2B (carers).", None),
    ("recipients", "string", "users (people using social care) or carers: never combined.", None),
    ("measure", "string", "self_directed_support or direct_payments.", None),
    ("age_band", "string", "all_ages, 18-64, 65+ (users); all_ages, 0-64, 65-84, 85+ (carers).", None),
    ("measure_type", "string", "numerator, denominator or outcome.", None),
    ("unit", "string", "people (numerator, denominator) or percent (outcome).", None),
    ("value", "number", "The figure; empty when the file suppressed it.", "see unit"),
    ("flag", "string", "The file's mark for a missing value ([x] or [c]); empty when present.", None),
    ("flag_reason", "string", "What the mark means.", None),
    ("sheet_row", "integer", "1-based row of the value in the workbook's sheet.", None),
    ("definition", "string", "The file's Measure Group Description.", None),
    ("source_file", "string", "The official file the row comes from, relative to the source folder.", None),
]

#: The ASCOF 2017-18 to 2023-24 extract.
TREND_FIELDS = [
    ("year", "string", "Financial year, 2017-18 to 2023-24 (people and carers at 31 March).", None),
    ("area_level", "string", "council, region, council_type or england.", None),
    ("area_name", "string", "The file's Geographical Description, as printed.", None),
    ("gss_code", "string", "The file's ONS (GSS) code; empty for council types.", None),
    *_LATER_COUNCIL_FIELDS,
    (
        "measure_group",
        "string",
        "The measure, by its code before 2023-24: 1C1A, 1C2A (people using social care), 1C1B, 1C2B (carers).",
        None,
    ),
    ("measure_code", "string", "The code the file prints (3D1A, 3D2A, 3D1B, 3D2B in 2023-24).", None),
    ("recipients", "string", "users (people using social care) or carers: never combined.", None),
    ("measure", "string", "self_directed_support or direct_payments.", None),
    ("unit", "string", "percent.", None),
    ("value", "number", "The published outcome (percent, one decimal). A suppressed value has no row.", "percent"),
    ("definition_break", "string", "2023-24: the framework change, stated; empty before.", None),
    ("measure_description", "string", "The file's Measure Group Description, as printed.", None),
    ("note", "string", "Anything a user should know about the row (a description the code corrects).", None),
    ("source_file", "string", "The file the row comes from, relative to the source folder.", None),
    ("source_row", "integer", "1-based row of the value in that file (the header is row 1).", None),
]

#: The hand-curated council successors.
SUCCESSOR_FIELDS = [
    ("council_code_2009_14", "string", "PSS-EX1 council (CASSR) code, 2009-2014.", None),
    ("council_name_2009_14", "string", "Council name, 2009-2014.", None),
    ("gss_code_2009_14", "string", "GSS code in councils.csv.", None),
    (
        "successor_code",
        "string",
        "CASSR code of the later council it became (part of); empty where the files read give only its GSS code.",
        None,
    ),
    ("successor_name", "string", "Name of that council.", None),
    ("successor_gss_code", "string", "GSS code of that council.", None),
    ("changed_on", "date", "Date of the change.", None),
    ("relation", "string", "same_area (one-to-one) or boundary_changed (no one-to-one successor).", None),
    ("note", "string", "What changed, in our own words.", None),
]

#: The register of reported figures.
REGISTER_FIELDS = [
    ("figure_id", "string", "Unique id of a reported figure.", None),
    ("source_id", "string", "Article it comes from (see reported_sources.csv).", None),
    ("statement", "string", "What the figure says, in our own words.", None),
    ("value", "number", "The figure as reported.", "see unit"),
    ("unit", "string", "Unit of value.", None),
    ("period", "string", "Date or year the figure describes.", None),
    ("producer", "string", "Who measured or stated it.", None),
    ("kind", "string", "input, derived, council-level or target.", None),
    ("derivation", "string", "For derived figures: arithmetic over other figure_ids.", None),
    ("stated_precision", "string", "How precisely the article put it.", None),
    ("council", "string", "Council named, for council-level figures.", None),
    ("notes", "string", "Notes in our own words.", None),
]

#: The articles the register cites.
SOURCES_FIELDS = [
    ("source_id", "string", "Article id.", None),
    ("seed_file", "string", "File name of the article text kept outside the project.", None),
    ("publication", "string", "Publication.", None),
    ("headline", "string", "Headline.", None),
    ("published", "string", "Publication date (ISO), stated or estimated.", None),
    ("date_basis", "string", "stated or estimated.", None),
    ("date_reasoning", "string", "Why we date it so.", None),
]


def schema(fields: list[tuple], header: list[str] | None = None) -> dict:
    """The Table Schema of ``fields``; with ``header``, in its order, a column it has and ``fields`` lacks added as text.
    A field of the column dictionary has its header there as its ``title``."""
    known_columns = columns.entries()
    out = []
    for name, typ, desc, unit in fields:
        f = {"name": name, "type": typ, "description": desc}
        if name in known_columns and "{" not in known_columns[name].label + known_columns[name].unit:
            f = {"name": name, "title": columns.header(name), "type": typ, "description": desc}
        if unit:
            f["unit"] = unit
        out.append(f)
    if header is not None:
        known = {f["name"] for f in out}
        out = [f for f in out if f["name"] in header] + [
            {"name": h, "type": "string", "description": ""} for h in header if h not in known
        ]
        order = {h: i for i, h in enumerate(header)}
        out.sort(key=lambda f: order[f["name"]])
    return {"fields": out, "missingValues": [""]}


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (its first row)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))
