"""The Frictionless Data Package that describes every file in ``data/raw/``.

For each file it records where the data came from (publisher, publication,
year, licence and the sha256 of each official file read), the code that made
it, its own sha256 and size, and a schema with types and units. Charts build
their source line from it (:func:`source_line`), so no credit is typed by hand.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pbanalysis import paths

PACKAGE_NAME = "pbanalysis-raw"

_EXTRACT_FIELDS = [
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
        "definition_basis",
        "string",
        "dp_only (direct payments), dp_and_pb (existing/new direct payments "
        "and personal budgets, 2009-10 and 2010-11 headers) or as_stated.",
        None,
    ),
    ("unit", "string", "Unit of value: people, GBP thousand, GBP per week or client-weeks.", None),
    ("value", "number", "The figure; empty when the source suppressed or lacked it.", "see unit"),
    ("flag", "string", "Source mark for a missing value: '-', '..', '.', or 'blank'; empty when present.", None),
    ("flag_reason", "string", "What the mark means, from the table's own notes.", None),
    ("source_code", "string", "The table's column code (e.g. A4.20), where the table has one.", None),
    ("source_field", "integer", "0-based CSV field of the column in the official file.", None),
    ("definition", "string", "The column's header text as that year states it (header rows joined by ' | ').", None),
]

_COUNCIL_FIELDS = [
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

_REGISTER_FIELDS = [
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

_SOURCES_FIELDS = [
    ("source_id", "string", "Article id.", None),
    ("seed_file", "string", "File name of the article text kept outside the project.", None),
    ("publication", "string", "Publication.", None),
    ("headline", "string", "Headline.", None),
    ("published", "string", "Publication date (ISO), stated or estimated.", None),
    ("date_basis", "string", "stated or estimated.", None),
    ("date_reasoning", "string", "Why we date it so.", None),
]


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _schema(fields, header: list[str] | None = None):
    out = []
    for name, typ, desc, unit in fields:
        f = {"name": name, "type": typ, "description": desc}
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


def _header(path: Path) -> list[str]:
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def _resource(path: Path, title: str, description: str, fields, sources, made_by: str):
    return {
        "name": path.stem.replace("_", "-"),
        "path": path.name,
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": "sha256:" + sha256(path),
        "sources": sources,
        "pbanalysis:made_by": made_by,
        "schema": _schema(fields, _header(path)),
    }


def official_source(table, licence: str, publisher: str, publication: str, retrieved: str = "") -> dict:
    """One official file read, as a data-package source entry."""
    return {
        "title": f"{publication}, {table.year}: {'Activity Data' if table.kind == 'activity' else 'Unit Costs'} by council",
        "publisher": publisher,
        "publication": publication,
        "year": table.year,
        "licence": licence,
        "retrieved": retrieved,
        "file": table.path.name,
        "table_title": table.title,
        "encoding": table.encoding,
        "sha256": table.sha256,
    }


def build_package(pssex1_sources: dict[str, list[dict]], lookup_source: dict, raw_dir=None) -> dict:
    """The descriptor for every file in ``raw_dir`` (default ``data/raw``)."""
    raw = Path(raw_dir or paths.RAW_DIR)
    resources = []
    for kind, title in (
        ("activity", "PSS-EX1 activity: people receiving services at 31 March, by council"),
        ("unitcosts", "PSS-EX1 unit costs: direct-payment spend and recipients, by council"),
    ):
        p = raw / f"pssex1_{kind}.csv"
        resources.append(
            _resource(
                p,
                title,
                "Tidy long extract, one row per year x council x measure x client group x age band. "
                "Suppressed values are empty with a flag and its reason, never 0.",
                _EXTRACT_FIELDS,
                pssex1_sources[kind],
                "pbanalysis.sources.pssex1 (make raw)",
            )
        )
    resources.append(
        _resource(
            raw / "councils.csv",
            "Councils: PSS-EX1 codes joined to GSS code, region and type",
            "One row per PSS-EX1 council code, 2008-09 to 2013-14, joined by name.",
            _COUNCIL_FIELDS,
            [lookup_source],
            "pbanalysis.sources.lookup (make raw)",
        )
    )
    article_source = {
        "title": "Five news articles, 2010-2011 (see reported_sources.csv)",
        "licence": "Figures only; no article text is reproduced",
    }
    if (raw / "reported_figures.csv").exists():
        resources.append(
            _resource(
                raw / "reported_figures.csv",
                "Register of reported figures",
                "Every figure stated in the five articles, restated in our own words.",
                _REGISTER_FIELDS,
                [article_source],
                "hand-curated register, checked by pbanalysis.register",
            )
        )
    if (raw / "reported_sources.csv").exists():
        resources.append(
            _resource(
                raw / "reported_sources.csv",
                "Articles the register cites",
                "Publication, headline and date of each article.",
                _SOURCES_FIELDS,
                [article_source],
                "hand-curated, checked by pbanalysis.register",
            )
        )
    return {
        "name": PACKAGE_NAME,
        "title": "pbanalysis raw data: official PSS-EX1 extracts, council lookup and reported figures",
        "description": "Tidy extracts made by pbanalysis from official council-level tables, with the "
        "provenance of every official file read. The official files are not redistributed.",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "title": "Open Government Licence v3.0 (presumed for PSS-EX1)",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
            {"name": "MIT", "title": "MIT (mySociety council lookup)"},
        ],
        "resources": resources,
    }


def write_package(descriptor: dict, path=None) -> Path:
    from pbanalysis.atomic import write_text

    text = json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return write_text(path or paths.DATAPACKAGE_JSON, text)


def load_package(path=None) -> dict:
    return json.loads(Path(path or paths.DATAPACKAGE_JSON).read_text(encoding="utf-8"))


def source_line(resource: str = "pssex1-activity", years: list[str] | None = None, package=None) -> str:
    """A chart's source line, built from the data package: publisher, publication, years, licence."""
    pkg = package or load_package()
    res = next(r for r in pkg["resources"] if r["name"] == resource)
    srcs = res["sources"]
    if years:
        srcs = [s for s in srcs if s.get("year") in years] or srcs
    yrs = sorted({s["year"] for s in srcs if s.get("year")})
    span = f", {yrs[0]} to {yrs[-1]}" if len(yrs) > 1 else (f", {yrs[0]}" if yrs else "")
    first = srcs[0]
    pub = first.get("publisher", "")
    short_pub = pub.split(" (")[0]
    got = f" (retrieved {first['retrieved']})" if first.get("retrieved") else ""
    return (
        f"Source: {short_pub}, {first.get('publication', first['title'])}{span}{got}. "
        f"Licence: {first.get('licence', '')}."
    )
