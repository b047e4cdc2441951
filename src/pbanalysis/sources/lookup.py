"""Council codes: PSS-EX1 council (CASSR) labels joined to GSS codes, regions and types.

Source
    mySociety, *UK local authority names and codes*
    (``uk_local_authorities.csv``), licence MIT; the codes themselves come from
    ONS/GSS and the former GOV.UK local-authority registers.

The PSS-EX1 tables identify councils by a 3-digit DH/IC code and a name
(``306-Manchester``) and carry no GSS codes, so the join is made **by name**:
names are normalised (case, ``&``, "UA", "City of", "County", punctuation)
and matched against each English authority's official name, short name and
alternative names. Where a name matches more than one authority, the one that
existed during 2008-09 to 2013-14 and is a council (not a combined authority)
is taken. Councils abolished on 1 April 2009 (Bedfordshire, Cheshire), which
the lookup does not list, get the explicit entries in :data:`ABOLISHED_2009`;
their region comes from their successors in the lookup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError
from pbanalysis.sources import pssex1

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pbanalysis.sources.pssex1 import Location

# Publisher, publication, licence and the stored copy of the lookup: data/reference/origins.yaml.

#: The period the PSS-EX1 extracts cover: a council must have existed in it.
PERIOD_START, PERIOD_END = "2008-04-01", "2014-03-31"

#: County councils abolished on 1 April 2009, absent from the lookup:
#: DH/IC code -> (name, council type, successor lookup codes).
ABOLISHED_2009 = {
    "320": ("Cheshire", "County", ("CHE", "CHW")),
    "610": ("Bedfordshire", "County", ("BDF", "CBF")),
}

#: Regions the lookup gets wrong, corrected explicitly (tested): lookup code -> (region, why).
REGION_CORRECTIONS = {
    "LIN": (
        "East Midlands",
        "lookup gives Yorkshire and The Humber; Lincolnshire (E10000019) is in the East Midlands region (E12000004)",
    ),
    "DBY": (
        "East Midlands",
        "lookup gives West Midlands; Derbyshire (E10000007) is in the East Midlands region (E12000004)",
    ),
}

COUNCIL_COLUMNS = [
    "council_code",
    "council_name",
    "pssex1_names",
    "gss_code",
    "lookup_code",
    "lookup_name",
    "region",
    "council_type",
    "council_type_2008_09",
    "first_year",
    "last_year",
    "match",
    "note",
]


def normalise(name: str) -> str:
    """A council name reduced for matching: 'Bath and Somerset UA' -> 'bath and somerset'."""
    s = name.lower().replace("&", " and ")
    s = re.sub(r"\b(ua|council|city of|county|borough|metropolitan|district|the|city)\b", " ", s)
    s = re.sub(r"[^a-z ]", " ", s)
    return " ".join(s.split())


REQUIRED_LOOKUP_COLUMNS = [
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "start-date",
    "end-date",
    "nation",
    "region",
    "local-authority-type",
    "local-authority-type-name",
    "alt-names",
    "replaced-by",
]


def read_lookup(path: Path | str) -> pd.DataFrame:
    """The English councils that existed in 2008-09 to 2013-14, from the mySociety file."""
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "UTF-8 text", found=str(exc)) from None
    missing = [c for c in REQUIRED_LOOKUP_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, f"header columns {missing}", row=1, column=missing[0], found=", ".join(df.columns[:8]))
    eng = df[(df["nation"] == "England") & (df["local-authority-type"] != "COMB")].copy()
    # Some councils abolished since 2019 have no region in the lookup: take their successor's.
    region_of = dict(zip(eng["local-authority-code"], eng["region"]))
    eng["region_note"] = ""
    blank = (eng["region"] == "") & (eng["replaced-by"] != "")
    eng.loc[blank, "region"] = eng.loc[blank, "replaced-by"].map(region_of).fillna("")
    eng.loc[blank, "region_note"] = "region from successor " + eng.loc[blank, "replaced-by"]
    alive = (eng["start-date"].fillna("") <= PERIOD_END) & ((eng["end-date"] == "") | (eng["end-date"] > PERIOD_START))
    return eng[alive].reset_index(drop=True)


def _index(lookup: pd.DataFrame) -> dict[str, set[str]]:
    idx: dict[str, set[str]] = {}
    for _, r in lookup.iterrows():
        for n in [r["official-name"], r["nice-name"], *r["alt-names"].split(",")]:
            if n.strip():
                idx.setdefault(normalise(n), set()).add(r["local-authority-code"])
    return idx


def _scan_sources(lookup_path, years) -> dict:
    """Council locations in the PSS-EX1 files beside ``lookup_path`` (error path only).

    Used when the caller gave no ``where``: the lookup lives at
    ``<source>/lookup/...`` and the tables at ``<source>/pssex1/`` (see
    :mod:`pbanalysis.core.paths`). Anything unreadable gives no locations.
    """
    lookup_path = Path(lookup_path)
    source_dir = lookup_path.parent.parent
    if paths.lookup_csv(source_dir) != lookup_path:
        return {}
    tables = []
    for (_kind, year), p in pssex1.source_files(paths.pssex1_dir(source_dir)).items():
        if year in years:
            try:
                tables.append(pssex1.read_table(p))
            except InputError:
                continue
    return pssex1.council_locations(tables)


def _unmatched(code, names, years, hits, idx, lookup_path, where) -> InputError:
    """The error for a PSS-EX1 council the lookup cannot place, naming its file and row if known."""
    found = ", ".join(sorted(hits)) if hits else "no match"
    columns = "columns 'official-name', 'nice-name' or 'alt-names'"
    lookup_name = str(lookup_path) if lookup_path is not None else "the lookup"
    if where is None and lookup_path is not None:
        where = _scan_sources(lookup_path, set(years))
    spots = list((where or {}).get(code, []))
    if spots:
        # The odd one out: a name the lookup does not know, else the rarest name.
        count = {}
        for s in spots:
            count[s.name] = count.get(s.name, 0) + 1
        spot = min(spots, key=lambda s: (bool(idx.get(normalise(s.name))), count[s.name]))
        own = ", ".join(sorted(idx.get(normalise(spot.name), set()))) or "no match"
        others = "" if set(count) == {spot.name} else f"; all names of council {code}: {found}"
        return InputError(
            spot.path,
            f"a council named like exactly one English council in {lookup_name} ({columns})",
            row=spot.row,
            column=spot.column,
            found=f"{spot.label} (lookup: {own}{others})",
        )
    return InputError(
        lookup_path,
        f"exactly one English council in the lookup named like {names} "
        f"(PSS-EX1 council {code}, {', '.join(sorted(set(years)))})",
        column="official-name",
        found=found,
    )


def match_councils(
    pssex1_councils: pd.DataFrame,
    lookup: pd.DataFrame,
    lookup_path: Path | str | None = None,
    where: Mapping[str, list[Location]] | None = None,
) -> pd.DataFrame:
    """One row per PSS-EX1 council code with its GSS code, region and type.

    ``pssex1_councils`` has columns council_code, council_name, year (one row per
    name seen in a year). An unmatched or ambiguous name raises InputError naming
    the PSS-EX1 file and row where the council appears: ``where`` maps council
    code -> [:class:`~pbanalysis.sources.pssex1.Location`, ...] (see
    :func:`pbanalysis.sources.pssex1.council_locations`); without it the files
    beside ``lookup_path`` are searched.
    """
    idx = _index(lookup)
    by_code = lookup.set_index("local-authority-code")
    rows = []
    for code, grp in pssex1_councils.groupby("council_code", sort=True):
        names = sorted(set(grp["council_name"]))
        latest = grp.sort_values("year")["council_name"].iloc[-1]
        years = sorted(grp["year"])
        base = {
            "council_code": code,
            "council_name": normalise_display(latest),
            "pssex1_names": "; ".join(names),
            "first_year": years[0],
            "last_year": years[-1],
        }
        if code in ABOLISHED_2009:
            name, ctype, successors = ABOLISHED_2009[code]
            regions = sorted({by_code.loc[s, "region"] for s in successors})
            rows.append(
                {
                    **base,
                    "council_name": name,
                    "gss_code": "",
                    "lookup_code": "",
                    "lookup_name": "",
                    "region": regions[0],
                    "council_type": ctype,
                    "council_type_2008_09": ctype,
                    "match": "abolished_2009",
                    "note": (
                        "abolished 1 April 2009; not in the lookup; region from successors "
                        + ", ".join(by_code.loc[s, "nice-name"] for s in successors)
                    ),
                }
            )
            continue
        hits = set().union(*(idx.get(normalise(n), set()) for n in names))
        if len(hits) != 1:
            raise _unmatched(code, names, years, hits, idx, lookup_path, where)
        (lk,) = hits
        r = by_code.loc[lk]
        region, notes = r["region"], [r["region_note"]] if r["region_note"] else []
        if lk in REGION_CORRECTIONS:
            region, why = REGION_CORRECTIONS[lk]
            notes.append("region corrected: " + why)
        ctype = r["local-authority-type-name"]
        # A council in the 2008-09 tables whose lookup entry starts on 1 April 2009 became unitary
        # then: in 2008-09 it was a county council.
        type_0809 = ctype
        if years[0] == "2008-09" and r["start-date"] == "2009-04-01":
            type_0809 = "County"
            notes.append("a county council until the 2009 reorganisation (lookup start-date 2009-04-01)")
        rows.append(
            {
                **base,
                "gss_code": r["gss-code"],
                "lookup_code": lk,
                "lookup_name": r["official-name"],
                "region": region,
                "council_type": ctype,
                "council_type_2008_09": type_0809,
                "match": "name",
                "note": "; ".join(notes),
            }
        )
    out = pd.DataFrame(rows, columns=COUNCIL_COLUMNS)
    dup = out[(out["gss_code"] != "") & out["gss_code"].duplicated(keep=False)]
    if len(dup):
        raise InputError(
            lookup_path,
            "one PSS-EX1 council per GSS code",
            column="gss-code",
            found="; ".join(f"{c} {n}" for c, n in zip(dup.council_code, dup.council_name)),
        )
    return out


def normalise_display(name: str) -> str:
    """A council name for display: trailing ' UA' and padding removed."""
    return re.sub(r"\s+UA$", "", " ".join(name.split()))


#: The last year before the 1 April 2009 reorganisation, when some of today's unitary councils were counties.
BEFORE_REORGANISATION = "2008-09"


def council_type_in_year(year: pd.Series, council_type: pd.Series, council_type_2008_09: pd.Series) -> pd.Series:
    """Each row's council type in its own year: the 2008-09 type in 2008-09, else today's type.

    ``council_type_2008_09`` (from :func:`match_councils`) says "County" for a
    council the lookup starts on 1 April 2009; aligned on the index of ``year``.
    """
    return council_type.where(year != BEFORE_REORGANISATION, council_type_2008_09)


# --------------------------------------------------------------------------- 2020-21 councils (ASCOF)

SUCCESSOR_COLUMNS = [
    "council_code_2009_14",
    "council_name_2009_14",
    "gss_code_2009_14",
    "successor_code",
    "successor_name",
    "successor_gss_code",
    "changed_on",
    "relation",
    "note",
]
#: relation -> what a comparison shows: same_area is one-to-one; boundary_changed is never compared.
RELATIONS = {"same_area": "same area, new council", "boundary_changed": "boundary changed"}


def read_successors(path: Path | str | None = None) -> pd.DataFrame:
    """``data/reference/council_successors.csv``: which 2009-2014 councils became which later councils.

    Validated on load: columns, CASSR and GSS code formats, relation values, and
    that a ``same_area`` council has exactly one successor. InputError names the
    row and column.
    """
    path = Path(path or paths.COUNCIL_SUCCESSORS_CSV)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(df.columns) != SUCCESSOR_COLUMNS:
        raise InputError(path, f"the header {','.join(SUCCESSOR_COLUMNS)}", row=1, found=",".join(df.columns))
    checks = {
        "council_code_2009_14": r"^\d{3}$",
        "successor_code": r"^(\d{3})?$",  # empty where the files read give only a GSS code
        "gss_code_2009_14": r"^E(06|08|09|10)\d{6}$",
        "successor_gss_code": r"^E(06|08|09|10)\d{6}$",
        "changed_on": r"^\d{4}-\d{2}-\d{2}$",
        "relation": "^(" + "|".join(RELATIONS) + ")$",
    }
    for i, r in df.iterrows():
        for c, pattern in checks.items():
            if not re.match(pattern, r[c]):
                raise InputError(path, f"a value matching {pattern}", row=i + 2, column=c, found=r[c])
    same = df[df["relation"] == "same_area"]
    for code, grp in df.groupby("council_code_2009_14"):
        if code in set(same["council_code_2009_14"]) and len(grp) != 1:
            raise InputError(
                path,
                "one successor for a same_area council (one-to-one)",
                row=int(grp.index[1]) + 2,
                column="council_code_2009_14",
                found=code,
            )
    return df


def match_cassr(
    areas: pd.DataFrame,
    councils: pd.DataFrame,
    successors: pd.DataFrame,
    path: Path | str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Join later councils (CASSR code + GSS code) to the 2009-2014 councils of ``councils.csv``.

    ``areas`` has one row per council with area_code, area_name, gss_code and
    sheet_row (where it first appears in ``path``). Returns a frame with
    area_code, council_code_2009_14 and boundary: ``unchanged`` when the same
    CASSR code and GSS code are in ``councils.csv``; otherwise the row of
    ``successors`` decides: ``same_area`` (one-to-one, the 2009-2014 code is
    given) or ``boundary_changed`` (no one-to-one predecessor: empty code).
    A council matching neither raises InputError naming the sheet, row and
    column. Values are never merged or split.
    """
    current = councils[councils["last_year"] == councils["last_year"].max()]
    by_code = dict(zip(current["council_code"], current["gss_code"]))
    rows = []
    for _, a in areas.iterrows():
        succ = successors[
            (successors["successor_code"] == a["area_code"]) & (successors["successor_gss_code"] == a["gss_code"])
        ]
        if len(succ):
            if set(succ["relation"]) == {"same_area"} and len(succ) == 1:
                rows.append((a["area_code"], succ["council_code_2009_14"].iloc[0], "same_area"))
            else:
                rows.append((a["area_code"], "", "boundary_changed"))
        elif by_code.get(a["area_code"]) == a["gss_code"]:
            rows.append((a["area_code"], a["area_code"], "unchanged"))
        else:
            known = by_code.get(a["area_code"])
            found = f"{a['area_code']} {a['area_name']} {a['gss_code']}" + (
                f" (councils.csv has {a['area_code']} with {known})" if known else " (not in councils.csv)"
            )
            raise InputError(
                path,
                "a council whose CASSR code and ONS Code match one council in councils.csv, "
                "or a row of council_successors.csv",
                sheet=sheet,
                row=int(a["sheet_row"]),
                column=3,
                found=found,
            )
    out = pd.DataFrame(rows, columns=["area_code", "council_code_2009_14", "boundary"])
    accounted = set(out["council_code_2009_14"]) | set(successors["council_code_2009_14"])
    lost = sorted(set(current["council_code"]) - accounted)
    if lost:
        raise InputError(
            path,
            "every 2009-2014 council in the file, or in council_successors.csv",
            sheet=sheet,
            column=0,
            found="missing " + ", ".join(lost),
        )
    return out
