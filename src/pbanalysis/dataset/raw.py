"""``make raw``: official files in a source folder -> tidy extracts in ``data/raw/``.

Reads every PSS-EX1 annex table, the council lookup, the ASCOF 2020-21
workbook and the compilation of ASCOF values for 2017-18 to 2023-24, writes
``pssex1_activity.csv``, ``pssex1_unitcosts.csv``, ``councils.csv``,
``ascof_1c_2020_21.csv`` and ``ascof_sds_dp_2017_18_to_2023_24.csv`` (after
checking the compilation against the official 2020-21 file), then the data package
describing everything in ``data/raw/`` (register included). Where each
official file comes from is read from ``data/reference/origins.yaml``; councils
across boundary changes from ``data/reference/council_successors.csv``.
The official files themselves are never copied into the project, and nothing
in the source folder is modified. Output is byte-identical for the same input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_csv
from pbanalysis.core.errors import InputError
from pbanalysis.dataset import datapackage, origins
from pbanalysis.sources import ascof, ascof_trend, lookup, pssex1

if TYPE_CHECKING:
    from collections.abc import Callable


def build_raw(
    source_dir: Path | str | None = None,
    raw_dir: Path | str | None = None,
    progress: Callable[[str], object] = print,
) -> list[Path]:
    """Regenerate ``data/raw`` extracts from ``source_dir``; returns the files written."""
    source_dir = Path(source_dir or paths.DEFAULT_SOURCE_DIR)
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    if not source_dir.is_dir():
        raise InputError(
            source_dir, "a folder holding pssex1/, lookup/ and ascof/ (the official files)", found="no such folder"
        )
    records = origins.load_origins()
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
    ascof_path = paths.ascof_xlsx(source_dir)
    if progress:
        progress(f"reading {ascof_path.name}")
    ascof_1c = _ascof_with_boundaries(ascof_path, councils, source_dir)
    trend_path = paths.ascof_trend_csv(source_dir)
    if progress:
        progress(f"reading {trend_path.name}")
    trend = ascof_trend.join_councils(
        ascof_trend.read_trend(trend_path, source_dir), councils, lookup.read_successors(), trend_path
    )
    # A compilation, not an official file: its overlap with the official 2020-21 file must agree exactly.
    ascof_trend.check_against_official(trend, ascof_1c, trend_path)
    # Every official file read must have an origin record (checked before anything is written).
    pssex1_origins = {t.path: origins.origin_of(t.path, source_dir, records) for t in tables}
    lookup_origin = origins.origin_of(lk_path, source_dir, records)
    ascof_origin = origins.origin_of(ascof_path, source_dir, records)
    trend_origin = origins.origin_of(trend_path, source_dir, records)

    written = []
    written.append(write_csv(raw_dir / paths.PSSEX1_ACTIVITY_CSV.name, frames["activity"]))
    written.append(write_csv(raw_dir / paths.PSSEX1_UNITCOSTS_CSV.name, frames["unitcosts"]))
    written.append(write_csv(raw_dir / paths.COUNCILS_CSV.name, councils))
    written.append(write_csv(raw_dir / paths.ASCOF_1C_CSV.name, ascof_1c))
    written.append(write_csv(raw_dir / paths.ASCOF_TREND_CSV.name, trend))

    sources = {
        kind: [
            datapackage.official_source(t, pssex1_origins[t.path])
            for t in sorted(tables, key=lambda t: t.year)
            if t.kind == kind
        ]
        for kind in pssex1.KINDS
    }
    lookup_source = lookup_origin.source(lookup_origin.publication, actual_sha256=origins.sha256(lk_path))
    ascof_source = ascof_origin.source(
        f"{ascof_origin.publication}: measure 1C, sheet {ascof.SHEET!r}",
        actual_sha256=origins.sha256(ascof_path),
    )
    trend_source = trend_origin.source(
        f"{trend_origin.publication}: self-directed support and direct payments",
        actual_sha256=origins.sha256(trend_path),
    )
    descriptor = datapackage.build_package(
        sources, lookup_source, raw_dir, ascof_sources=[ascof_source], trend_sources=[trend_source]
    )
    written.append(datapackage.write_package(descriptor, raw_dir.parent / paths.DATAPACKAGE_JSON.name))
    if progress:
        for p in written:
            progress(f"wrote {p}")
    return written


def _ascof_with_boundaries(path: Path, councils: pd.DataFrame, source_dir: Path) -> pd.DataFrame:
    """The ASCOF 1C extract with each council joined (CASSR + GSS code) to the 2009-2014 councils."""
    df = ascof.read_1c(path, source_dir)
    is_council = df["area_level"] == "council"
    areas = df[is_council].drop_duplicates("area_code")[["area_code", "area_name", "gss_code", "sheet_row"]]
    joined = lookup.match_cassr(areas, councils, lookup.read_successors(), path=path, sheet=ascof.SHEET)
    j = joined.set_index("area_code")
    df.loc[is_council, "council_code_2009_14"] = df.loc[is_council, "area_code"].map(j["council_code_2009_14"])
    df.loc[is_council, "boundary"] = df.loc[is_council, "area_code"].map(j["boundary"])
    return df
