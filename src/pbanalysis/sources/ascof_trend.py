"""ASCOF self-directed support and direct payments, 2017-18 to 2023-24, from a compilation -> a tidy extract.

Source
    A third-party compilation of NHS Digital's yearly *Measures from the Adult
    Social Care Outcomes Framework, England* open data files: one CSV stacking
    their published "Outcome" values (percent, one decimal) at "Total"
    disaggregation for councils, regions, council types and England. It is not
    an official file: who compiled it, and how, is not recorded. Its
    repository, commit, blob, sha256, access date and the reason it is trusted
    are in ``data/reference/origins.yaml``; every build re-checks it against the
    official 2020-21 file (:func:`check_against_official`).

Every quirk of this file is handled here and nowhere else:

* columns are found by their header text, never by position;
* **measures are matched by their description, not their code.** ASCOF was
  renumbered for 2023-24: self-directed support is ``3D1A`` (people) and
  ``3D1B`` (carers), direct payments ``3D2A`` and ``3D2B``, and ``1C`` there
  is a different measure (carer-reported quality of life). The code printed
  must be the one the year's framework gives the described measure;
* the wording of a description varies across years ("people who use
  services" / "people using social care", with or without "The");
* in 2019-20 the carers' rows (``1C1B``, ``1C2B``) carry the users'
  description: the one listed mislabel (:data:`KNOWN_MISLABELS`), taken by its
  code and noted on every row it affects;
* 2023-24 leaves ``Disaggregation Level`` and ``Measure Type`` empty;
* a suppressed value is a missing row, never a mark: nothing is filled in;
* region names vary ("Eastern" / "East of England"): regions are keyed by
  GSS code; council types (``Council Type`` / ``Council type``, GSS code
  empty or ``-``) are kept by name;
* councils carry a GSS code and no CASSR code. Each is joined to the
  2009-2014 councils of ``councils.csv`` by GSS code, or through
  ``council_successors.csv`` (2019 Dorset and Bournemouth, Christchurch and
  Poole; 2020 Buckinghamshire; 2021 North and West Northamptonshire; 2023
  Cumberland, Westmorland and Furness, North Yorkshire and Somerset). A
  council whose boundary changed is never merged or split; a code used in a
  year its council did not exist is refused.

Bad input raises :class:`pbanalysis.core.errors.InputError` naming the file,
the row (1-based, the header is row 1), the column and what was expected.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

YEARS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24")
#: The first year of the renumbered framework: a definition break until shown otherwise.
BREAK_YEAR = "2023-24"
BREAK_TEXT = (
    "ASCOF was renumbered for 2023-24 (self-directed support became 3D1A, direct payments 3D2A): "
    "a framework change, so 2023-24 is not joined to the years before it"
)

#: Our name for each column -> its header text.
HEADERS = {
    "year": "Year",
    "area_name": "Geographical Description",
    "gss": "ONS Code",
    "code": "Measure Group",
    "description": "Measure Group Description",
    "value": "Measure_Value",
    "level": "Geographical Level",
    "disaggregation": "Disaggregation Level",
    "type": "Measure Type",
}

#: Our key for each measure (its code before 2023-24) -> recipients, measure, code in each framework.
MEASURES = {
    "1C1A": {"recipients": "users", "measure": "self_directed_support", "codes": ("1C1A", "3D1A")},
    "1C2A": {"recipients": "users", "measure": "direct_payments", "codes": ("1C2A", "3D2A")},
    "1C1B": {"recipients": "carers", "measure": "self_directed_support", "codes": ("1C1B", "3D1B")},
    "1C2B": {"recipients": "carers", "measure": "direct_payments", "codes": ("1C2B", "3D2B")},
}
#: Reader-facing names, as the report prints them.
MEASURE_NAMES = {
    "1C1A": "self-directed support, people using social care (ASCOF 1C(1A); 3D1A from 2023-24)",
    "1C2A": "direct payments, people using social care (ASCOF 1C(2A); 3D2A from 2023-24)",
    "1C1B": "self-directed support, carers (ASCOF 1C(1B); 3D1B from 2023-24)",
    "1C2B": "direct payments, carers (ASCOF 1C(2B); 3D2B from 2023-24)",
}

#: (year, code) whose description names the wrong recipients, and what the code shows instead.
KNOWN_MISLABELS = {
    ("2019-20", "1C1B"): "the file describes this carers' measure as people using social care; taken by its code",
    ("2019-20", "1C2B"): "the file describes this carers' measure as people using social care; taken by its code",
}

#: Geographical Level -> our area level.
LEVELS = {"England": "england", "Region": "region", "Council Type": "council_type", "Council": "council"}

EXTRACT_COLUMNS = [
    "year",
    "area_level",
    "area_name",
    "gss_code",
    "council_code_2009_14",
    "boundary",
    "measure_group",
    "measure_code",
    "recipients",
    "measure",
    "unit",
    "value",
    "definition_break",
    "measure_description",
    "note",
    "source_file",
    "source_row",
]

_DESCRIPTION = re.compile(
    r"^(?:the )?proportion of (?P<who>people (?:who use services|using social care)|carers) "
    r"who receive (?P<what>self-directed support|direct payments)$"
)
_WHO = {"people who use services": "users", "people using social care": "users", "carers": "carers"}
_WHAT = {"self-directed support": "self_directed_support", "direct payments": "direct_payments"}
_VALUE = re.compile(r"^\d{1,3}(\.\d)?$")
_COUNCIL_GSS = re.compile(r"^E(06|07|08|09|10)\d{6}$")
_REGION_GSS = re.compile(r"^E12\d{6}$")


def framework(year: str) -> int:
    """0 for the framework before 2023-24 (codes 1C...), 1 for 2023-24 on (codes 3D...)."""
    return 1 if year >= BREAK_YEAR else 0


def describe(text: str) -> tuple[str, str] | None:
    """(recipients, measure) of a Measure Group Description, whatever its wording; None if another measure."""
    m = _DESCRIPTION.match(" ".join(text.split()).lower())
    if not m:
        return None
    return _WHO[m["who"]], _WHAT[m["what"]]


def _group_of(recipients: str, measure: str) -> str:
    return next(g for g, m in MEASURES.items() if (m["recipients"], m["measure"]) == (recipients, measure))


def _source_name(path: Path, source_dir: Path | None) -> str:
    if source_dir is not None:
        try:
            return path.relative_to(source_dir).as_posix()
        except ValueError:
            pass
    return f"{path.parent.name}/{path.name}"


def read_trend(path: Path | str | None = None, source_dir: Path | str | None = None) -> pd.DataFrame:
    """The self-directed support and direct payments rows of the compilation (columns :data:`EXTRACT_COLUMNS`).

    ``council_code_2009_14`` and ``boundary`` are left empty (see :func:`join_councils`). ``value`` is
    text, the percent as printed. ``source_file`` is the file's path relative to ``source_dir``.
    """
    path = Path(path or paths.ascof_trend_csv(paths.DEFAULT_SOURCE_DIR))
    source_dir = Path(source_dir) if source_dir is not None else None
    if not path.is_file():
        raise InputError(path, "the ASCOF 2017-18 to 2023-24 compilation (a CSV file)", found="no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, "UTF-8 text", row=line, found=f"byte 0x{raw[exc.start]:02x}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(path, "a header row", row=1, found="an empty file")
    header = [h.strip() for h in rows[0]]
    col = {}
    for key, name in HEADERS.items():
        if name not in header:
            raise InputError(path, f"a column headed {name!r} in row 1", row=1, found=",".join(header))
        col[key] = header.index(name)
    source = _source_name(path, source_dir)

    def err(r: int, key: str, expected: str, found) -> InputError:
        return InputError(path, expected, row=r, column=col[key], found=str(found))

    out, seen = [], {}
    for r, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(
                path,
                f"{len(header)} fields, as in the header",
                row=r,
                column=min(len(row), len(header)) - 1,
                found=f"{len(row)} fields",
            )
        cell = {k: row[i].strip() for k, i in col.items()}
        year, code = cell["year"], cell["code"]
        if year not in YEARS:
            raise err(r, "year", f"a financial year from {YEARS[0]} to {YEARS[-1]}", year)
        described = describe(cell["description"])
        ours = {g for g, m in MEASURES.items() if code == m["codes"][framework(year)]}
        other_frame = {g for g, m in MEASURES.items() if code == m["codes"][1 - framework(year)]}
        if described is None and not ours:
            continue  # another ASCOF measure (1C in 2023-24 is carer-reported quality of life)
        note = ""
        if described is None:
            raise err(
                r,
                "description",
                f"the description of {code} in {year} to name {MEASURE_NAMES[next(iter(ours))]}",
                cell["description"],
            )
        group = _group_of(*described)
        want = MEASURES[group]["codes"][framework(year)]
        if code != want:
            mislabel = KNOWN_MISLABELS.get((year, code))
            if mislabel and ours and MEASURES[next(iter(ours))]["measure"] == described[1]:
                group, note = next(iter(ours)), mislabel
            elif other_frame:
                raise err(
                    r,
                    "code",
                    f"the {year} code of this measure, {want} (ASCOF was renumbered for {BREAK_YEAR}; "
                    f"{code} is its code in the other framework)",
                    code,
                )
            else:
                raise err(r, "code", f"the {year} code of the measure described ({want})", code)
        if year == BREAK_YEAR:
            allowed = {"disaggregation": ("", "Total"), "type": ("", "Outcome")}
        else:
            allowed = {"disaggregation": ("Total",), "type": ("Outcome",)}
        for key, ok in allowed.items():
            if cell[key] not in ok:
                shown = " or ".join(repr(v) if v else "empty" for v in ok)
                raise err(r, key, f"{HEADERS[key]} {shown} in {year}", cell[key])
        level_text = cell["level"]
        level = LEVELS.get({"Council type": "Council Type"}.get(level_text, level_text))  # both spellings occur
        if level is None:
            raise err(r, "level", f"a Geographical Level ({', '.join(LEVELS)})", level_text)
        gss = cell["gss"]
        if level == "council" and not _COUNCIL_GSS.match(gss):
            raise err(r, "gss", "a council GSS code (E06, E07, E08, E09 or E10 and six digits)", gss)
        if level == "region" and not _REGION_GSS.match(gss):
            raise err(r, "gss", "a region GSS code (E12 and six digits)", gss)
        if level == "england" and gss != "E92000001":
            raise err(r, "gss", "England's GSS code E92000001", gss)
        if level == "council_type":
            gss = ""
        if not _VALUE.match(cell["value"]) or float(cell["value"]) > 100:
            raise err(
                r,
                "value",
                "a percent from 0 to 100 with at most one decimal (a suppressed value has no row)",
                cell["value"],
            )
        area = gss or cell["area_name"].lower()
        key = (year, level, area, group)
        if key in seen:
            raise err(
                r,
                "gss",
                f"each area once per year and measure (row {seen[key]} already has {cell['area_name']} {code} {year})",
                f"{gss} {cell['area_name']}".strip(),
            )
        seen[key] = r
        m = MEASURES[group]
        out.append(
            {
                "year": year,
                "area_level": level,
                "area_name": cell["area_name"],
                "gss_code": gss,
                "council_code_2009_14": "",
                "boundary": "",
                "measure_group": group,
                "measure_code": code,
                "recipients": m["recipients"],
                "measure": m["measure"],
                "unit": "percent",
                "value": cell["value"],
                "definition_break": BREAK_TEXT if year == BREAK_YEAR else "",
                "measure_description": " ".join(cell["description"].split()),
                "note": note,
                "source_file": source,
                "source_row": r,
            }
        )
    if not out:
        raise InputError(path, "rows of self-directed support or direct payments", row=2, column=col["description"])
    have = {(k[0], k[3]) for k in seen if k[1] == "england"}
    for year in YEARS:
        for group in MEASURES:
            if (year, group) not in have:
                raise InputError(
                    path,
                    f"an England row of {MEASURE_NAMES[group]} in {year} (is the file truncated?)",
                    row=len(rows),
                    column=col["year"],
                    found="no such row",
                )
    df = pd.DataFrame(out, columns=EXTRACT_COLUMNS)
    order = {v: i for i, v in enumerate(LEVELS.values())}
    df["_l"] = df["area_level"].map(order)
    df["_g"] = df["measure_group"].map({g: i for i, g in enumerate(MEASURES)})
    df["_k"] = df["gss_code"].where(df["gss_code"] != "", df["area_name"])
    df = df.sort_values(["year", "_g", "_l", "_k"], kind="stable").drop(columns=["_l", "_g", "_k"])
    return df.reset_index(drop=True)


def join_councils(
    df: pd.DataFrame, councils: pd.DataFrame, successors: pd.DataFrame, path: Path | str | None = None
) -> pd.DataFrame:
    """Each council row joined by GSS code to its 2009-2014 council (``council_code_2009_14``, ``boundary``).

    ``unchanged``: the GSS code is a 2009-2014 council's in ``councils.csv``; ``same_area``: a
    one-to-one successor in ``council_successors.csv`` (its 2009-2014 code given);
    ``boundary_changed``: no one-to-one predecessor (code empty). A council in a year after its
    area changed, or a successor before it existed, or a GSS code in neither file, raises
    InputError naming the row and column. Values are never merged or split.
    """
    current = councils[councils["last_year"] == councils["last_year"].max()]
    by_gss = dict(zip(current["gss_code"], current["council_code"]))
    ended = {}  # old GSS code -> (date it ended, what it became)
    for s in successors.itertuples():
        if s.successor_gss_code != s.gss_code_2009_14:
            ended.setdefault(s.gss_code_2009_14, (s.changed_on, s.council_name_2009_14, []))[2].append(s.successor_name)
    succ = {}
    for gss, grp in successors.groupby("successor_gss_code"):
        same = grp["relation"].eq("same_area").all() and len(grp) == 1
        succ[gss] = (
            grp["council_code_2009_14"].iloc[0] if same else "",
            "same_area" if same else "boundary_changed",
            grp["changed_on"].iloc[0],
        )
    df = df.copy()
    is_council = df["area_level"] == "council"
    codes, bounds = [], []
    gss_col = list(HEADERS).index("gss")
    for r in df[is_council].itertuples():
        start = f"{r.year[:4]}-04-01"  # a financial year starts on 1 April
        if r.gss_code in succ:
            code, boundary, on = succ[r.gss_code]
            if start < on:
                raise InputError(
                    path,
                    f"a council that existed in {r.year} (this GSS code starts on {on}, council_successors.csv)",
                    row=int(r.source_row),
                    column=gss_col,
                    found=f"{r.gss_code} {r.area_name}",
                )
        elif r.gss_code in by_gss:
            code, boundary = by_gss[r.gss_code], "unchanged"
            if r.gss_code in ended and start >= ended[r.gss_code][0]:
                on, was, became = ended[r.gss_code]
                raise InputError(
                    path,
                    f"a council that existed in {r.year} ({was} changed on {on} and became "
                    f"{', '.join(became)}: council_successors.csv)",
                    row=int(r.source_row),
                    column=gss_col,
                    found=f"{r.gss_code} {r.area_name}",
                )
        else:
            raise InputError(
                path,
                "a council GSS code of councils.csv (2009-2014) or a successor in council_successors.csv",
                row=int(r.source_row),
                column=gss_col,
                found=f"{r.gss_code} {r.area_name}",
            )
        codes.append(code)
        bounds.append(boundary)
    df.loc[is_council, "council_code_2009_14"] = codes
    df.loc[is_council, "boundary"] = bounds
    return df


def check_against_official(trend: pd.DataFrame, official: pd.DataFrame, path: Path | str | None = None) -> int:
    """Every 2020-21 council value of 1C1A and 1C2A in the compilation equals the official file's.

    ``official`` is the 2020-21 extract (:func:`pbanalysis.sources.ascof.read_1c`). A council
    value in one and not the other, or two values that differ, raises InputError naming the
    council, both values and the compilation's row. Returns the number of pairs compared.
    """
    year = "2020-21"
    off = official[
        (official["area_level"] == "council")
        & (official["measure_type"] == "outcome")
        & (official["age_band"] == "all_ages")
        & official["measure_group"].isin(["1C1A", "1C2A"])
    ]
    off_val = {(r.gss_code, r.measure_group): (r.value, r.area_name) for r in off.itertuples()}
    comp = trend[
        (trend["year"] == year) & (trend["area_level"] == "council") & trend["measure_group"].isin(["1C1A", "1C2A"])
    ]
    value_col = list(HEADERS).index("value")
    pairs = 0
    for r in comp.itertuples():
        got = off_val.get((r.gss_code, r.measure_group))
        if got is None or got[0] == "" or (isinstance(got[0], float) and got[0] != got[0]):
            raise InputError(
                path,
                f"a council value the official {year} file also publishes ({r.measure_group})",
                row=int(r.source_row),
                column=value_col,
                found=f"{r.area_name} ({r.gss_code}) {r.value} here; the official file has none",
            )
        if float(got[0]) != float(r.value):
            raise InputError(
                path,
                f"the official {year} value for {r.area_name} ({r.gss_code}) {r.measure_group}, {got[0]}",
                row=int(r.source_row),
                column=value_col,
                found=f"{r.area_name} {r.value} here, {got[0]} in the official file",
            )
        pairs += 1
    have = set(zip(comp["gss_code"], comp["measure_group"]))
    for (gss, group), (v, name) in sorted(off_val.items()):
        published = not (v == "" or (isinstance(v, float) and v != v))
        if published and (gss, group) not in have:
            raise InputError(
                path,
                f"every council value of the official {year} file ({group})",
                column=list(HEADERS).index("gss"),
                found=f"{name} ({gss}) {v} in the official file; no row here",
            )
    return pairs


def load_trend(path: Path | str | None = None) -> pd.DataFrame:
    """The committed extract ``data/raw/ascof_sds_dp_2017_18_to_2023_24.csv``: value as float."""
    path = Path(path or paths.ASCOF_TREND_CSV)
    if not path.is_file():
        raise InputError(path, "the file to exist (run `make raw`)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["value"] = pd.to_numeric(df["value"], errors="raise").astype(float)
    df["source_row"] = df["source_row"].astype(int)
    return df


#: Why a council has no value in a year of the compilation, for the council-by-year tables.
NO_ROW_REASON = (
    "no value: the compilation of the ASCOF files has no row for this council in {year} (not available, [x])"
)
#: The same, where the official 2020-21 file marks the council [x].
NO_ROW_REASON_MARKED = (
    "no value: the compilation has no row for this council in {year}, and the official {year} file marks it "
    "[x] (not available)"
)


def missing_councils(
    trend: pd.DataFrame, successors: pd.DataFrame, official: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The council-years a council-by-year table of the compilation must still show: every council
    (GSS code) from the first year it has a row to the compilation's last year, except the years
    after its boundary or code changed (``successors``: a 2009-2014 GSS code replaced on
    ``changed_on``), that has no row. Columns: year, gss_code, area_name, council_code_2009_14,
    boundary, reason (why there is no value; ``official`` is the 2020-21 extract, whose [x] marks
    are named). Nothing is filled in: these rows have no value."""
    c = trend[trend["area_level"] == "council"]
    if c.empty:
        return pd.DataFrame(columns=["year", "gss_code", "area_name", "council_code_2009_14", "boundary", "reason"])
    years = sorted(c["year"].unique())
    have = set(zip(c["year"], c["gss_code"]))
    ended = {
        r.gss_code_2009_14: f"{int(r.changed_on[:4])}-{(int(r.changed_on[:4]) + 1) % 100:02d}"
        for r in successors.itertuples()
    }
    marked = set()
    if official is not None and len(official):
        o = official[(official["area_level"] == "council") & (official["flag"] == "[x]")]
        marked = set(zip(o["year"], o["gss_code"]))
    rows = []
    for gss, g in c.sort_values("year", kind="mergesort").groupby("gss_code", sort=True):
        last = g.iloc[-1]
        for year in years:
            if year < g["year"].iloc[0] or (gss in ended and year >= ended[gss]) or (year, gss) in have:
                continue
            reason = (NO_ROW_REASON_MARKED if (year, gss) in marked else NO_ROW_REASON).format(year=year)
            rows.append(
                {
                    "year": year,
                    "gss_code": gss,
                    "area_name": last["area_name"],
                    "council_code_2009_14": last["council_code_2009_14"],
                    "boundary": last["boundary"],
                    "reason": reason,
                }
            )
    return pd.DataFrame(rows, columns=["year", "gss_code", "area_name", "council_code_2009_14", "boundary", "reason"])


def england_remainder(official: pd.DataFrame, group: str) -> dict | None:
    """England's total less the councils' sum in the official 2020-21 extract, for one measure group:
    ``numerator``, ``denominator`` (people), ``pct`` (their share, one decimal) and the ``councils``
    without a value; None where England equals the councils' sum. Shows whether England's total
    holds people of a council that has no published value."""
    sel = official[
        (official["measure_group"] == group)
        & (official["age_band"] == "all_ages")
        & (official["recipients"] == "users")
        if "recipients" in official
        else (official["measure_group"] == group) & (official["age_band"] == "all_ages")
    ]
    out = {}
    for t in ("numerator", "denominator"):
        x = sel[sel["measure_type"] == t]
        eng = pd.to_numeric(x[x["area_level"] == "england"]["value"], errors="coerce")
        councils = pd.to_numeric(x[x["area_level"] == "council"]["value"], errors="coerce")
        if eng.empty or not eng.notna().all():
            return None
        out[t] = float(eng.iloc[0]) - float(councils.sum())
    if out["denominator"] <= 0:
        return None
    outcome = sel[(sel["measure_type"] == "outcome") & (sel["area_level"] == "council")]
    out["councils"] = sorted(outcome.loc[pd.to_numeric(outcome["value"], errors="coerce").isna(), "area_name"])
    out["pct"] = round(100 * out["numerator"] / out["denominator"], 1)
    return out
