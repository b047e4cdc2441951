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

import pandas as pd

from pbanalysis.errors import InputError

PUBLISHER = "mySociety"
PUBLICATION = "UK local authority names and codes (uk_local_authorities.csv)"
LICENCE = "MIT"

#: The period the PSS-EX1 extracts cover: a council must have existed in it.
PERIOD_START, PERIOD_END = "2008-04-01", "2014-03-31"

#: County councils abolished on 1 April 2009, absent from the lookup:
#: DH/IC code -> (name, council type, successor lookup codes).
ABOLISHED_2009 = {
    "320": ("Cheshire", "County", ("CHE", "CHW")),
    "610": ("Bedfordshire", "County", ("BDF", "CBF")),
}

COUNCIL_COLUMNS = ["council_code", "council_name", "pssex1_names", "gss_code", "lookup_code",
                   "lookup_name", "region", "council_type", "first_year", "last_year",
                   "match", "note"]


def normalise(name: str) -> str:
    """A council name reduced for matching: 'Bath and Somerset UA' -> 'bath and somerset'."""
    s = name.lower().replace("&", " and ")
    s = re.sub(r"\b(ua|council|city of|county|borough|metropolitan|district|the|city)\b", " ", s)
    s = re.sub(r"[^a-z ]", " ", s)
    return " ".join(s.split())


REQUIRED_LOOKUP_COLUMNS = ["local-authority-code", "official-name", "nice-name", "gss-code",
                           "start-date", "end-date", "nation", "region", "local-authority-type",
                           "local-authority-type-name", "alt-names", "replaced-by"]


def read_lookup(path) -> pd.DataFrame:
    """The English councils that existed in 2008-09 to 2013-14, from the mySociety file."""
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "UTF-8 text", found=str(exc)) from None
    missing = [c for c in REQUIRED_LOOKUP_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, f"header columns {missing}", row=1, found=", ".join(df.columns[:8]))
    eng = df[(df["nation"] == "England") & (df["local-authority-type"] != "COMB")].copy()
    # Some councils abolished since 2019 have no region in the lookup: take their successor's.
    region_of = dict(zip(eng["local-authority-code"], eng["region"]))
    eng["region_note"] = ""
    blank = (eng["region"] == "") & (eng["replaced-by"] != "")
    eng.loc[blank, "region"] = eng.loc[blank, "replaced-by"].map(region_of).fillna("")
    eng.loc[blank, "region_note"] = "region from successor " + eng.loc[blank, "replaced-by"]
    alive = (eng["start-date"].fillna("") <= PERIOD_END) & (
        (eng["end-date"] == "") | (eng["end-date"] > PERIOD_START))
    return eng[alive].reset_index(drop=True)


def _index(lookup: pd.DataFrame) -> dict[str, set[str]]:
    idx: dict[str, set[str]] = {}
    for _, r in lookup.iterrows():
        for n in [r["official-name"], r["nice-name"], *r["alt-names"].split(",")]:
            if n.strip():
                idx.setdefault(normalise(n), set()).add(r["local-authority-code"])
    return idx


def match_councils(pssex1_councils: pd.DataFrame, lookup: pd.DataFrame, lookup_path=None) -> pd.DataFrame:
    """One row per PSS-EX1 council code with its GSS code, region and type.

    ``pssex1_councils`` has columns council_code, council_name, year (one row per
    name seen in a year). An unmatched or ambiguous name raises InputError.
    """
    idx = _index(lookup)
    by_code = lookup.set_index("local-authority-code")
    rows = []
    for code, grp in pssex1_councils.groupby("council_code", sort=True):
        names = sorted(set(grp["council_name"]))
        latest = grp.sort_values("year")["council_name"].iloc[-1]
        years = sorted(grp["year"])
        base = {"council_code": code, "council_name": normalise_display(latest),
                "pssex1_names": "; ".join(names), "first_year": years[0], "last_year": years[-1]}
        if code in ABOLISHED_2009:
            name, ctype, successors = ABOLISHED_2009[code]
            regions = sorted({by_code.loc[s, "region"] for s in successors})
            rows.append({**base, "council_name": name, "gss_code": "", "lookup_code": "",
                         "lookup_name": "", "region": regions[0], "council_type": ctype,
                         "match": "abolished_2009",
                         "note": ("abolished 1 April 2009; not in the lookup; region from successors "
                                  + ", ".join(by_code.loc[s, "nice-name"] for s in successors))})
            continue
        hits = set().union(*(idx.get(normalise(n), set()) for n in names))
        if len(hits) != 1:
            raise InputError(lookup_path, f"exactly one English council in the lookup named like {names}",
                             column="official-name", found=", ".join(sorted(hits)) or "no match")
        (lk,) = hits
        r = by_code.loc[lk]
        rows.append({**base, "gss_code": r["gss-code"], "lookup_code": lk, "lookup_name": r["official-name"],
                     "region": r["region"], "council_type": r["local-authority-type-name"],
                     "match": "name", "note": r["region_note"]})
    out = pd.DataFrame(rows, columns=COUNCIL_COLUMNS)
    dup = out[(out["gss_code"] != "") & out["gss_code"].duplicated(keep=False)]
    if len(dup):
        raise InputError(lookup_path, "one PSS-EX1 council per GSS code", column="gss-code",
                         found="; ".join(f"{c} {n}" for c, n in zip(dup.council_code, dup.council_name)))
    return out


def normalise_display(name: str) -> str:
    """A council name for display: trailing ' UA' and padding removed."""
    return re.sub(r"\s+UA$", "", " ".join(name.split()))
