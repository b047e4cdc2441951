"""The data package describing ``data/raw/`` and the hand-curated tables, and the source lines read from it.

The Frictionless Data Package (``data/datapackage.json``) is built from the origin records
(:mod:`pbanalysis.dataset.origins`): for each extract it lists the official files read, the code
that made it, its own sha256 and size, and a schema with types and units
(:mod:`pbanalysis.dataset.schemas`). Charts build their source line from the package
(:func:`source_line`), so no credit is typed by hand, or twice.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pbanalysis.core import paths
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
    compiled = f", {origins.COMPILED_FROM}" if first.get("kind") == "secondary_compilation" else ""
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
