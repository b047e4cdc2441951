"""Where every official file comes from, and the data package describing ``data/raw/``.

``data/reference/origins.yaml`` holds one record per official file: publisher,
publication title, the publisher's page where known, the stored copy it was
read from (repository, path, commit, git blob), the date accessed, licence
and sha256. :func:`load_origins` validates it on load. The Frictionless Data
Package (``datapackage.json``) is built from those records: for each extract
it lists the official files read, the code that made it, its own sha256 and
size, and a schema with types and units. Charts build their source line from
the package (:func:`source_line`), so no credit is typed by hand, or twice.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

if TYPE_CHECKING:
    from pbanalysis.sources.pssex1 import Table

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

_ASCOF_FIELDS = [
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

_TREND_FIELDS = [
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

_SUCCESSOR_FIELDS = [
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


def sha256(path: Path | str) -> str:
    """The sha256 of a file's bytes, as 64 hex digits."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- origins.yaml

#: Fields of a publication record: name -> pattern its value must match (None: any text).
PUBLICATION_FIELDS = {
    "publisher": None,
    "publication": None,
    "licence": None,
    "licence_url": r"^https?://\S+$",
    "repository": r"^[\w.-]+/[\w.-]+$",
    "accessed": r"^\d{4}-\d{2}-\d{2}$",
}
OPTIONAL_PUBLICATION_FIELDS = {
    "publisher_page": r"^https?://\S+$",
    "credit": None,
    # A file that is not the publisher's own: ``kind: secondary_compilation``, who compiled it,
    # and why its values are trusted (a compilation must say all three).
    "kind": r"^(official|secondary_compilation)$",
    "compiled_by": None,
    "trusted_because": None,
}
#: What a chart or page using a secondary compilation says of it.
COMPILED_FROM = "compiled from NHS Digital's ASCOF files"
#: Fields of a file record.
FILE_FIELDS = {
    "file": r"^[\w.-]+/[\w. ()-]+$",
    "publication": None,
    "year": r"^\d{4}(-\d{2})?( to \d{4}-\d{2})?$",
    "path": None,
    "commit": r"^[0-9a-f]{40}$",
    "blob": r"^[0-9a-f]{40}$",
    "sha256": r"^[0-9a-f]{64}$",
}
OPTIONAL_FILE_FIELDS = {"publisher_page": r"^https?://\S+$"}


@dataclass(frozen=True)
class Origin:
    """Where one official file comes from (a record of ``origins.yaml`` with its publication's fields)."""

    file: str  #: path relative to the source folder, e.g. ``pssex1/pssex1_activity_2009-10.csv``
    key: str  #: the publication key (pssex1, lookup, ascof)
    publisher: str
    publication: str
    publisher_page: str  #: the publisher's page, or "" where not known
    credit: str  #: short credit for a chart's source line (publisher and publication), or ""
    licence: str
    licence_url: str
    repository: str  #: the stored copy: GitHub owner/name
    path: str  #: ... its path in the repository
    commit: str  #: ... the commit (40 hex digits)
    blob: str  #: ... the git blob id (40 hex digits)
    accessed: str  #: ISO date accessed
    year: str  #: the financial year (or version) the file covers
    sha256: str  #: sha256 of the file's bytes
    kind: str = "official"  #: official, or secondary_compilation (not the publisher's own file)
    compiled_by: str = ""  #: for a compilation: who compiled it, as far as is known
    trusted_because: str = ""  #: for a compilation: why its values are trusted (what was checked)

    @property
    def stored_copy_url(self) -> str:
        """Address of the stored copy at its commit on GitHub."""
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.path}".replace(" ", "%20")

    def source(self, title: str, actual_sha256: str | None = None, **extra: object) -> dict:
        """This origin as a data-package source entry (``actual_sha256``: of the file actually read)."""
        out = {
            "title": title,
            "publisher": self.publisher,
            "publication": self.publication,
            "year": self.year,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "retrieved": self.accessed,
        }
        if self.publisher_page:
            out["path"] = self.publisher_page
        if self.credit:
            out["credit"] = self.credit
        out["stored_copy"] = {
            "repository": self.repository,
            "path": self.path,
            "commit": self.commit,
            "blob": self.blob,
            "url": self.stored_copy_url,
        }
        out["file"] = Path(self.file).name
        if self.kind != "official":
            out["kind"] = self.kind
            out["compiled_by"] = self.compiled_by
            out["trusted_because"] = self.trusted_because
        out.update(extra)
        out["sha256"] = actual_sha256 or self.sha256
        if actual_sha256 and actual_sha256 != self.sha256:
            out["sha256_in_origins"] = self.sha256
        return out


def _line_numbers(text: str) -> dict[tuple, int]:
    """1-based line of every mapping key and sequence item in a YAML text: path tuple -> line."""
    lines: dict[tuple, int] = {}

    def walk(node, at):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                lines[at + (k.value,)] = k.start_mark.line + 1
                walk(v, at + (k.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[at + (i,)] = v.start_mark.line + 1
                walk(v, at + (i,))

    walk(yaml.compose(text), ())
    return lines


def _text(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def load_origins(path: Path | str | None = None) -> dict[str, Origin]:
    """Every origin record of ``origins.yaml``, keyed by file (relative to the source folder).

    Raises InputError naming the file, line and field for a missing or malformed field.
    """
    path = Path(path or paths.ORIGINS_YAML)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "the origin records of the official files (data/reference/origins.yaml)") from None
    try:
        doc = yaml.safe_load(text)
        lines = _line_numbers(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, "valid YAML", row=mark.line + 1 if mark else None, found=str(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("publications"), dict):
        raise InputError(path, "a mapping 'publications' of publication records", row=1, column="publications")
    if not isinstance(doc.get("files"), list) or not doc["files"]:
        raise InputError(path, "a list 'files' of file records", row=1, column="files")

    def check(record, fields, optional, at, what):
        if not isinstance(record, dict):
            raise InputError(path, f"{what} as a mapping of fields", row=lines.get(at, 1))
        for name in record:
            if name not in fields and name not in optional:
                allowed = ", ".join([*fields, *optional])
                raise InputError(
                    path, f"only the fields {allowed} in {what}", row=lines.get(at + (name,)), column=name, found=name
                )
        out = {}
        for name, pattern in {**fields, **optional}.items():
            value = _text(record.get(name)).strip()
            if name in fields and not value:
                raise InputError(path, f"a value for field '{name}' in {what}", row=lines.get(at, 1), column=name)
            if value and pattern and not re.match(pattern, value):
                raise InputError(
                    path,
                    f"field '{name}' of {what} to match {pattern}",
                    row=lines.get(at + (name,)),
                    column=name,
                    found=value,
                )
            out[name] = value
        return out

    pubs = {
        key: check(rec, PUBLICATION_FIELDS, OPTIONAL_PUBLICATION_FIELDS, ("publications", key), f"publication {key!r}")
        for key, rec in doc["publications"].items()
    }
    origins: dict[str, Origin] = {}
    for i, rec in enumerate(doc["files"]):
        at = ("files", i)
        f = check(rec, FILE_FIELDS, OPTIONAL_FILE_FIELDS, at, f"file record {i + 1}")
        if f["publication"] not in pubs:
            raise InputError(
                path,
                f"a publication key defined under 'publications' ({', '.join(pubs)})",
                row=lines.get(at + ("publication",)),
                column="publication",
                found=f["publication"],
            )
        if f["file"] in origins:
            raise InputError(path, "each file once", row=lines.get(at + ("file",)), column="file", found=f["file"])
        pub = pubs[f["publication"]]
        if pub["kind"] == "secondary_compilation" and not (pub["compiled_by"] and pub["trusted_because"]):
            raise InputError(
                path,
                f"'compiled_by' and 'trusted_because' for a secondary compilation (publication {f['publication']!r})",
                row=lines.get(("publications", f["publication"]), 1),
                column="trusted_because" if pub["compiled_by"] else "compiled_by",
            )
        origins[f["file"]] = Origin(
            file=f["file"],
            key=f["publication"],
            publisher=pub["publisher"],
            publication=pub["publication"],
            publisher_page=f["publisher_page"] or pub["publisher_page"],
            credit=pub["credit"],
            licence=pub["licence"],
            licence_url=pub["licence_url"],
            repository=pub["repository"],
            path=f["path"],
            commit=f["commit"],
            blob=f["blob"],
            accessed=pub["accessed"],
            year=f["year"],
            sha256=f["sha256"],
            kind=pub["kind"] or "official",
            compiled_by=pub["compiled_by"],
            trusted_because=pub["trusted_because"],
        )
    return origins


def origin_of(
    file_path: Path | str,
    source_dir: Path | str,
    origins: dict[str, Origin],
    origins_path: Path | str | None = None,
) -> Origin:
    """The origin record of an official file read from ``source_dir``; InputError if it has none."""
    rel = Path(file_path).relative_to(Path(source_dir)).as_posix()
    if rel not in origins:
        raise InputError(
            origins_path or paths.ORIGINS_YAML,
            f"a record for the official file {rel} under 'files'",
            column="file",
            found="no record",
        )
    return origins[rel]


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
        # Relative to the package, which sits in data/ above raw/ and reference/.
        "path": f"{path.parent.name}/{path.name}",
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


def official_source(table: Table, origin: Origin) -> dict:
    """One PSS-EX1 file read, as a data-package source entry built from its origin record."""
    kind = "Activity Data" if table.kind == "activity" else "Unit Costs"
    return origin.source(
        f"{origin.publication}, {table.year}: {kind} by council",
        actual_sha256=table.sha256,
        table_title=table.title,
        encoding=table.encoding,
    )


def build_package(
    pssex1_sources: dict[str, list[dict]],
    lookup_source: dict,
    raw_dir: Path | str | None = None,
    ascof_sources: list[dict] | None = None,
    trend_sources: list[dict] | None = None,
) -> dict:
    """The descriptor (a dict) for every file in ``raw_dir`` (default ``data/raw``) and the
    hand-curated tables beside it in ``reference/`` (default ``data/reference``).

    ``pssex1_sources`` maps kind -> source entries; ``lookup_source`` and
    ``ascof_sources`` are the entries of the council lookup and the ASCOF
    workbook; ``trend_sources`` those of the ASCOF 2017-18 to 2023-24 compilation (see
    :meth:`Origin.source`).
    """
    raw = Path(raw_dir or paths.RAW_DIR)
    reference = raw.parent / paths.REFERENCE_DIR.name
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
    if ascof_sources is not None:
        resources.append(
            _resource(
                raw / paths.ASCOF_1C_CSV.name,
                "ASCOF 1C, 2020-21: self-directed support and direct payments, by council",
                "Tidy long extract of ASCOF measure 1C (users: 1C1A, 1C2A; carers: 1C1B, 1C2B, kept apart), "
                "one row per area x measure code x measure type (numerator, denominator, outcome). "
                "Suppressed values are empty with their mark and its reason, never 0.",
                _ASCOF_FIELDS,
                ascof_sources,
                "pbanalysis.sources.ascof (make raw)",
            )
        )
    if trend_sources is not None:
        resources.append(
            _resource(
                raw / paths.ASCOF_TREND_CSV.name,
                f"ASCOF self-directed support and direct payments, 2017-18 to 2023-24, by council ({COMPILED_FROM})",
                "Tidy long extract of the published outcomes (percent) of ASCOF 1C(1A), 1C(2A), 1C(1B) and "
                "1C(2B), and their 2023-24 successors 3D1A, 3D2A, 3D1B and 3D2B, one row per year x area x "
                "measure. Read from a third-party compilation of NHS Digital's yearly files, not an official "
                "file; its 2020-21 council values are checked against the official 2020-21 file on every "
                "build. A suppressed value has no row. 2023-24 is a definition break.",
                _TREND_FIELDS,
                trend_sources,
                "pbanalysis.sources.ascof_trend (make raw)",
            )
        )
    if (reference / paths.COUNCIL_SUCCESSORS_CSV.name).exists():
        resources.append(
            _resource(
                reference / paths.COUNCIL_SUCCESSORS_CSV.name,
                "Councils across boundary changes: 2009-2014 councils and their successors to 2023",
                "Hand-curated: one row per 2009-2014 council and later council it became (part of). "
                "same_area: one-to-one, compare directly; boundary_changed: no one-to-one successor, "
                "never compared.",
                _SUCCESSOR_FIELDS,
                [lookup_source],
                "hand-curated, checked by pbanalysis.sources.lookup",
            )
        )
    article_source = {
        "title": "Five news articles, 2010-2011 (see reported_sources.csv)",
        "licence": "Figures only; no article text is reproduced",
    }
    if (reference / "reported_figures.csv").exists():
        resources.append(
            _resource(
                reference / "reported_figures.csv",
                "Register of reported figures",
                "Every figure stated in the five articles, restated in our own words.",
                _REGISTER_FIELDS,
                [article_source],
                "hand-curated register, checked by pbanalysis.analysis.register",
            )
        )
    if (reference / "reported_sources.csv").exists():
        resources.append(
            _resource(
                reference / "reported_sources.csv",
                "Articles the register cites",
                "Publication, headline and date of each article.",
                _SOURCES_FIELDS,
                [article_source],
                "hand-curated, checked by pbanalysis.analysis.register",
            )
        )
    return {
        "name": PACKAGE_NAME,
        "title": "pbanalysis data: official PSS-EX1 and ASCOF extracts, council lookup and reported figures",
        "description": "Tidy extracts made by pbanalysis from official council-level tables, with the "
        "provenance of every official file read. The official files are not redistributed.",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "title": "Open Government Licence v3.0 (presumed for PSS-EX1; NHS Digital's licence for ASCOF 2020-21)",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
            {"name": "MIT", "title": "MIT (mySociety council lookup)"},
        ],
        "resources": resources,
    }


def write_package(descriptor: dict, path: Path | str | None = None) -> Path:
    """Write ``descriptor`` as JSON (atomically) to ``path`` (default ``data/datapackage.json``); returns the path."""
    from pbanalysis.core.atomic import write_text

    text = json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return write_text(path or paths.DATAPACKAGE_JSON, text)


@functools.lru_cache(maxsize=1)
def project_package() -> dict:
    """The project's ``data/datapackage.json``, read once per process (charts ask for source lines often)."""
    return load_package()


def load_package(path: Path | str | None = None) -> dict:
    """The data package descriptor (a dict) read from ``path`` (default ``data/datapackage.json``)."""
    return json.loads(Path(path or paths.DATAPACKAGE_JSON).read_text(encoding="utf-8"))


def source_line(
    resource: str = "pssex1-activity", years: list[str] | None = None, package: dict | None = None, short: bool = False
) -> str:
    """A chart's source line, built from the data package: publisher, publication, years, licence.

    ``short=True`` gives the credit alone (the publication's ``credit`` in ``origins.yaml``, else
    publisher and publication; then the years; no "Source:", retrieval date or licence), for
    charts that print the full line elsewhere or name a second source after the first."""
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
    # A secondary compilation always says so, in the short form too.
    compiled = f", {COMPILED_FROM}" if first.get("kind") == "secondary_compilation" else ""
    if short:
        return f"{first.get('credit') or short_pub + ', ' + first.get('publication', first['title'])}{span}{compiled}"
    if compiled:
        where = first.get("stored_copy", {}).get("repository", "")
        compiled += f" in {where}" if where else ""
        compiled += " (not an official file; checked against the official 2020-21 file)"
    return (
        f"Source: {short_pub}, {first.get('publication', first['title'])}{span}{compiled}{got}. "
        f"Licence: {first.get('licence', '')}."
    )
