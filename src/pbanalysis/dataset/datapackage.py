"""The data package describing ``data/raw/`` and the hand-curated tables, and the source lines read from it.

The Frictionless Data Package (``data/datapackage.json``) is built from the origin records
(:mod:`pbanalysis.dataset.origins`): for each extract it lists the official files read, the code
that made it, its own sha256 and size, and a schema with types and units
(:mod:`pbanalysis.dataset.schemas`). Every chart, table, page, pack and workbook sheet takes its
source line from :func:`source_line`, built from the package, so no credit is typed by hand, or twice.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pbanalysis.core import keys, paths
from pbanalysis.core.atomic import write_text
from pbanalysis.dataset import origins, schemas

if TYPE_CHECKING:
    from pbanalysis.sources.pssex1 import Table

PACKAGE_NAME = "pbanalysis-raw"


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
        "hash": "sha256:" + origins.sha256(path),
        "sources": sources,
        "pbanalysis:made_by": made_by,
        "schema": schemas.schema(fields, schemas.csv_header(path)),
    }


def official_source(table: Table, origin: origins.Origin) -> dict:
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
    :meth:`pbanalysis.dataset.origins.Origin.source`).
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
                schemas.EXTRACT_FIELDS,
                pssex1_sources[kind],
                "pbanalysis.sources.pssex1 (make raw)",
            )
        )
    resources.append(
        _resource(
            raw / "councils.csv",
            "Councils: PSS-EX1 codes joined to GSS code, region and type",
            "One row per PSS-EX1 council code, 2008-09 to 2013-14, joined by name.",
            schemas.COUNCIL_FIELDS,
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
                schemas.ASCOF_FIELDS,
                ascof_sources,
                "pbanalysis.sources.ascof (make raw)",
            )
        )
    if trend_sources is not None:
        resources.append(
            _resource(
                raw / paths.ASCOF_TREND_CSV.name,
                f"ASCOF self-directed support and direct payments, 2017-18 to 2023-24, by council ({origins.COMPILED_FROM})",
                "Tidy long extract of the published outcomes (percent) of ASCOF 1C(1A), 1C(2A), 1C(1B) and "
                "1C(2B), and their 2023-24 successors 3D1A, 3D2A, 3D1B and 3D2B, one row per year x area x "
                "measure. Read from a third-party compilation of NHS Digital's yearly files, not an official "
                "file; its 2020-21 council values are checked against the official 2020-21 file on every "
                "build. A suppressed value has no row. 2023-24 is a definition break.",
                schemas.TREND_FIELDS,
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
                schemas.SUCCESSOR_FIELDS,
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
                schemas.REGISTER_FIELDS,
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
                schemas.SOURCES_FIELDS,
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
    text = json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return write_text(path or paths.DATAPACKAGE_JSON, text)


@functools.lru_cache(maxsize=1)
def project_package() -> dict:
    """The project's ``data/datapackage.json``, read once per process (charts ask for source lines often)."""
    return load_package()


def load_package(path: Path | str | None = None) -> dict:
    """The data package descriptor (a dict) read from ``path`` (default ``data/datapackage.json``)."""
    return json.loads(Path(path or paths.DATAPACKAGE_JSON).read_text(encoding="utf-8"))


#: The resources of the package a source line names.
PSSEX1, UNIT_COSTS, COUNCILS = "pssex1-activity", "pssex1-unitcosts", "councils"
ASCOF_2020_21 = "ascof-1c-2020-21"
ASCOF_SERIES = paths.ASCOF_TREND_CSV.stem.replace("_", "-")
#: The register of reported figures: its line names the articles' publications and dates
#: (``reported_sources.csv``), not a file of the package.
REGISTER = "reported-figures"
#: The forms of a source line: "full" (publisher, publication, years, retrieval date, licence: a
#: table's or a page's), "short" (the credit and the years: a chart's, whose page prints the full
#: line), "licensed" (the credit, the years and the licence in brackets: a workbook sheet's).
FORMS = ("full", "short", "licensed")


def resource_of(measure: str) -> str:
    """The resource a council measure of PSS-EX1 is read from: the unit-cost tables for spend per
    recipient, the activity tables for the rest."""
    return UNIT_COSTS if measure == keys.DP_SPEND_PER_RECIPIENT_GBP else PSSEX1


def _register_credit() -> str:
    with open(paths.REGISTER_SOURCES_CSV, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pubs = sorted({r["publication"].split(" -")[0].split(" (")[0] for r in rows})
    dates = sorted(r["published"] for r in rows)
    return (
        f"reported figures from {', '.join(pubs)} articles, {dates[0][:7]} to {dates[-1][:7]} "
        "(pbanalysis register of reported figures)"
    )


def _credit(pkg: dict, resource: str, years: Sequence[str] | None, form: str) -> str:
    if resource == REGISTER:
        return _register_credit()
    res = next((r for r in pkg["resources"] if r["name"] == resource), None)
    if res is None:
        raise KeyError(
            f"the data package has no resource {resource!r}; it has {', '.join(r['name'] for r in pkg['resources'])}"
        )
    srcs = res["sources"]
    if years:
        srcs = [s for s in srcs if s.get("year") in years] or srcs
    yrs = sorted({s["year"] for s in srcs if s.get("year")})
    span = f", {yrs[0]} to {yrs[-1]}" if len(yrs) > 1 else (f", {yrs[0]}" if yrs else "")
    first = srcs[0]
    pub = first.get("publisher", "").split(" (")[0]
    publication = first.get("publication", first["title"])
    # A secondary compilation always says so, in the short forms too.
    compiled = f", {origins.COMPILED_FROM}" if first.get("kind") == "secondary_compilation" else ""
    if form == "full":
        if compiled:
            where = first.get("stored_copy", {}).get("repository", "")
            compiled += f" in {where}" if where else ""
            compiled += " (not an official file; checked against the official 2020-21 file)"
        got = f" (retrieved {first['retrieved']})" if first.get("retrieved") else ""
        return f"{pub}, {publication}{span}{compiled}{got}. Licence: {first.get('licence', '')}"
    credit = f"{first.get('credit') or pub + ', ' + publication}{span}{compiled}"
    return f"{credit} (licence: {first.get('licence', '')})" if form == "licensed" else credit


def source_line(
    *resources: str,
    years: Sequence[str] | None = None,
    form: str = "full",
    prefix: bool = True,
    processed: bool = False,
    then: Sequence[tuple[str, str]] = (),
    package: dict | None = None,
) -> str:
    """The source line of a chart or a table, built from the data package: its one definition.

    ``resources`` are the package's resources the figures come from, in order (default the PSS-EX1
    activity tables; :data:`REGISTER` for the reported figures); ``years`` the years the first of
    them covers (the others, and the first when None: all the years they have). ``form`` is one of
    :data:`FORMS`; ``prefix`` opens the line with "Source: " (a table that prints its own leaves it
    out); ``processed`` closes it with "Processed by pbanalysis."; ``then`` adds, for each pair
    (label, resource), the line of a second source after its label ("England proxy: ..."), in the
    same form. ``package`` defaults to ``data/datapackage.json``, read once a process."""
    if form not in FORMS:
        raise ValueError(f"form {form!r}: expected one of {', '.join(FORMS)}")
    pkg = package or project_package()
    credits = [_credit(pkg, r, years if i == 0 else None, form) for i, r in enumerate(resources or (PSSEX1,))]
    line = ("Source: " if prefix else "") + "; ".join(credits) + "."
    line += " Processed by pbanalysis." if processed else ""
    for label, resource in then:
        line += f" {label}: {source_line(resource, form=form, prefix=False, package=pkg)}"
    return line
