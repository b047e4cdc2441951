"""``make raw``: official files in a source folder -> tidy extracts in ``data/raw/``.

Reads every PSS-EX1 annex table and the council lookup, writes
``pssex1_activity.csv``, ``pssex1_unitcosts.csv`` and ``councils.csv``, then
the data package describing everything in ``data/raw/`` (register included).
The official files themselves are never copied into the project, and nothing
in the source folder is modified. Output is byte-identical for the same input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pbanalysis import paths, provenance
from pbanalysis.atomic import write_csv
from pbanalysis.errors import InputError
from pbanalysis.sources import lookup, pssex1


def build_raw(source_dir=None, raw_dir=None, progress=print) -> list[Path]:
    """Regenerate ``data/raw`` extracts from ``source_dir``; returns the files written."""
    source_dir = Path(source_dir or paths.DEFAULT_SOURCE_DIR)
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    if not source_dir.is_dir():
        raise InputError(
            source_dir, "a folder holding pssex1/ and lookup/ (the official files)", found="no such folder"
        )
    frames, tables = pssex1.extract_all(paths.pssex1_dir(source_dir), progress=progress)
    councils_seen = pd.concat(
        [f[f["area"] == "council"][["council_code", "council_name", "year"]] for f in frames.values()]
    ).drop_duplicates()
    lk_path = paths.lookup_csv(source_dir)
    if progress:
        progress(f"reading {lk_path.name}")
    councils = lookup.match_councils(
        councils_seen, lookup.read_lookup(lk_path), lk_path, where=pssex1.council_locations(tables)
    )

    written = []
    written.append(write_csv(raw_dir / paths.PSSEX1_ACTIVITY_CSV.name, frames["activity"]))
    written.append(write_csv(raw_dir / paths.PSSEX1_UNITCOSTS_CSV.name, frames["unitcosts"]))
    written.append(write_csv(raw_dir / paths.COUNCILS_CSV.name, councils))

    sources = {
        kind: [
            provenance.official_source(t, pssex1.LICENCE, pssex1.PUBLISHER, pssex1.PUBLICATION, pssex1.RETRIEVED)
            for t in sorted(tables, key=lambda t: t.year)
            if t.kind == kind
        ]
        for kind in pssex1.KINDS
    }
    lookup_source = {
        "title": lookup.PUBLICATION,
        "publisher": lookup.PUBLISHER,
        "publication": lookup.PUBLICATION,
        "year": "2025",
        "licence": lookup.LICENCE,
        "file": lk_path.name,
        "sha256": provenance.sha256(lk_path),
    }
    descriptor = provenance.build_package(sources, lookup_source, raw_dir)
    written.append(provenance.write_package(descriptor, raw_dir / paths.DATAPACKAGE_JSON.name))
    if progress:
        for p in written:
            progress(f"wrote {p}")
    return written
