"""The data tables a reader takes away: one workbook, ``reports/pbanalysis-data-tables.xlsx``, and
each of its tables as a CSV file in ``reports/data/``.

The workbook follows the Government Analysis Function's guidance "Releasing statistics in
spreadsheets" and is written with ONS's ``gptables``: a cover sheet (what the tables are, the
period, the sources with their licences and credit lines, what the data cannot show, contact and
licence for reuse, the commit and date it was built from), a contents sheet with a link to every
table, a notes sheet (every note, numbered), then one table per sheet, each with its title in A1,
no merged cells, its source, and headers that give the unit.

A cell without a value holds its symbol (``[c]``, ``[x]`` or ``[z]``, :mod:`pbanalysis.core.format`),
never a blank or 0; every other cell of a numeric column is a number. The CSV files hold the same
columns and cells, with one header row, in UTF-8.

The tables are built by the library functions the notebooks call (:mod:`pbanalysis.dataset.data`,
:mod:`pbanalysis.analysis.measures`, :mod:`pbanalysis.analysis.claims`,
:mod:`pbanalysis.analysis.what_next`) and described by :class:`pbanalysis.outputs.tables.Table`;
nothing is computed a second time here. The ASCOF table takes every extract
``data/raw/ascof_1c_*.csv`` there is.

Two builds of the same commit give the same bytes: the build date on the cover is the commit's
date (or ``$SOURCE_DATE_EPOCH``), the document properties carry that date, and the zip is written
with fixed dates (:mod:`pbanalysis.core.reproducible_zip`).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pbanalysis.core import columns, paths
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.atomic import atomic_path, write_csv
from pbanalysis.core.errors import InputError
from pbanalysis.core.reproducible_zip import normalise_file
from pbanalysis.dataset import datapackage
from pbanalysis.outputs.tables import Column, Table, col

#: The workbook's file name, in the reports folder.
WORKBOOK_NAME = paths.DATA_TABLES_XLSX.name
#: The folder of the CSV files, in the reports folder.
CSV_DIR_NAME = paths.DATA_TABLES_DIR.name
#: The ASCOF measure 1C extracts in ``data/raw``: the 2020-21 extract and any other year or years.
ASCOF_GLOB = "ascof_1c_*.csv"

TITLE = "Personal budgets and direct payments in English adult social care: data tables"
AUTHOR = "The pbanalysis contributors"
#: Columns wider than this (characters) are narrowed, so long text does not push the table off screen.
MAX_WIDTH = 60

#: Excel number formats by column kind: whole numbers with separators, percentages to one decimal.
NUM_FORMATS = {
    "count": "#,##0",
    "rank": "#,##0",
    "gbp": "#,##0",
    "gbp_million": "#,##0.0",
    "pct": "0.0",
    "number": "General",
}
#: Kinds whose cells are numbers (or a symbol where the value is missing).
NUMERIC_KINDS = set(NUM_FORMATS)

#: What each symbol means on the notes sheet, beyond :data:`pbanalysis.core.format.SYMBOLS`.
SYMBOL_SOURCES = {
    "[c]": "PSS-EX1 prints '-' for 1 to 5 people; ASCOF prints [c] for small numbers it withholds",
    "[x]": "PSS-EX1 prints '..' or leaves the cell empty, ASCOF prints [x], or the tables read here do not "
    "cover that council or year",
    "[z]": "PSS-EX1 prints '.'; also used where a column does not apply to the row",
}
_SYMBOL_KEY = {"[c]": "symbol_c", "[x]": "symbol_x", "[z]": "symbol_z"}


@dataclass
class Sheet:
    """One table of the workbook: its sheet label, the :class:`Table` (title, columns, source), the
    notes its subtitle points to, and the name of its CSV file."""

    label: str
    table: Table
    note_keys: Sequence[str]
    subtitles: Sequence[str] = ()

    @property
    def csv_name(self) -> str:
        """The CSV file's name: the sheet label in lower case (``england_by_year.csv``)."""
        return f"{self.label.lower()}.csv"

    def numeric_labels(self) -> list[str]:
        """Headers of the columns whose cells are numbers."""
        return [c.label for c in self.table.columns if c.kind in NUMERIC_KINDS]

    def cells(self) -> pd.DataFrame:
        """The cells as written: numbers stay numbers (whole ones as int), a missing value is its symbol."""
        out = self.table.data().astype(object)
        rows = list(self.table.df.reset_index(drop=True).iterrows())
        for j, spec in enumerate(self.table.columns):
            values = []
            for (_, row), v in zip(rows, out.iloc[:, j]):
                if fmt.is_missing(v) or (spec.kind not in NUMERIC_KINDS and v == ""):
                    values.append(_symbol_of(spec, row))
                elif spec.kind in NUMERIC_KINDS:
                    f = float(v)
                    values.append(int(f) if f.is_integer() else f)
                else:
                    values.append(str(v))
            out[spec.label] = pd.Series(values, index=out.index, dtype=object)
        return out

    def symbols_used(self) -> list[str]:
        """The symbols the table's cells hold, in the order of :data:`pbanalysis.core.format.SYMBOLS`."""
        seen = set(self.cells().to_numpy().ravel().tolist()) if len(self.table.df) else set()
        return [s for s in fmt.SYMBOLS if s in seen]


def _symbol_of(col: Column, row: pd.Series) -> str:
    if col.flag:
        return fmt.symbol(row[col.flag])
    return "[x]"


# --------------------------------------------------------------------------- inputs


def _year_after(year: str) -> str:
    start = int(year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def _year_before(year: str) -> str:
    start = int(year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def ascof_files(raw_dir: Path | None = None) -> list[Path]:
    """Every ASCOF 1C extract in ``data/raw`` (``ascof_1c_*.csv``), by name."""
    return sorted(Path(raw_dir or paths.RAW_DIR).glob(ASCOF_GLOB))


def load_ascof(files: Sequence[Path] | None = None) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Every ASCOF 1C extract, one year from one file: (the rows, {year: the file it comes from}).

    A year held by two extracts is taken from the one holding fewer years (an extract read
    straight from that year's official file, before a compilation of several years)."""
    from pbanalysis.sources import ascof

    files = [Path(f) for f in (ascof_files() if files is None else files)]
    if not files:
        raise InputError(paths.RAW_DIR / ASCOF_GLOB, "at least one ASCOF 1C extract (run `make raw`)")
    frames = []
    for p in files:
        header = list(pd.read_csv(p, nrows=0).columns)
        missing = [c for c in ascof.EXTRACT_COLUMNS if c not in header]
        if missing:
            raise InputError(
                p, f"the ASCOF extract columns {', '.join(ascof.EXTRACT_COLUMNS)}", row=1, found=", ".join(missing)
            )
        frames.append(ascof.load_1c(p).assign(_file=str(p)))
    rows = pd.concat(frames, ignore_index=True)
    years_in = rows.groupby("_file")["year"].nunique()
    source = {}
    for year, g in rows.groupby("year"):
        source[year] = min(g["_file"].unique(), key=lambda f: (years_in[f], Path(f).name))
    keep = rows["_file"] == rows["year"].map(source)
    out = rows[keep].drop(columns="_file").reset_index(drop=True)
    return out, {y: Path(f) for y, f in sorted(source.items())}


def compiled_years(source: dict[str, Path]) -> list[str]:
    """The ASCOF years taken from an extract that compiles several years' official files."""
    years = {f: pd.read_csv(f, usecols=["year"], dtype=str)["year"].nunique() for f in set(source.values())}
    return [y for y, f in source.items() if years[f] > 1]


@dataclass
class Inputs:
    """What the tables are built from, each read by its own loader."""

    council_year: pd.DataFrame
    national: pd.DataFrame
    councils: pd.DataFrame
    claims: pd.DataFrame
    sources: pd.DataFrame
    ascof: pd.DataFrame
    ascof_source: dict[str, Path]
    #: The ASCOF series 2017-18 to 2023-24 (:func:`pbanalysis.sources.ascof_trend.load_trend`), a
    #: compilation of the official ASCOF files; None leaves its sheet out.
    ascof_trend: pd.DataFrame | None = None


def load_inputs() -> Inputs:
    """The processed tables, the council lookup, the claims check and every ASCOF extract."""
    from pbanalysis.analysis import claims, register
    from pbanalysis.dataset import data
    from pbanalysis.sources import ascof_trend

    cy, nat = data.load_council_year(), data.load_national_series()
    reg = register.load_register()
    asc, asc_source = load_ascof()
    return Inputs(
        council_year=cy,
        national=nat,
        councils=data.load_councils(),
        claims=claims.check(reg, cy, nat),
        sources=register.load_sources(),
        ascof=asc,
        ascof_source=asc_source,
        ascof_trend=ascof_trend.load_trend(paths.ASCOF_TREND_CSV),
    )


# --------------------------------------------------------------------------- the build's date


def build_stamp(root: Path | None = None) -> dict:
    """``{"commit", "dirty", "date"}``: the commit the tables are built from and its date (ISO).

    The date is the commit's, so two builds of one commit agree; ``$SOURCE_DATE_EPOCH`` overrides
    it, and outside git it is today (:func:`pbanalysis.outputs.runlog.now`)."""
    from pbanalysis.outputs import runlog

    state = runlog.git_state(root)
    date = None
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        date = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC).date().isoformat()
    elif state["commit"]:
        try:
            r = subprocess.run(
                ["git", "show", "-s", "--format=%cI", state["commit"]],
                cwd=root or paths.ROOT,
                capture_output=True,
                text=True,
                timeout=20,
            )
            if r.returncode == 0 and r.stdout.strip():
                date = dt.datetime.fromisoformat(r.stdout.strip()).astimezone(dt.UTC).date().isoformat()
        except (OSError, subprocess.SubprocessError):
            date = None
    return {"commit": state["commit"], "dirty": state["dirty"], "date": date or runlog.now()[:10]}


# --------------------------------------------------------------------------- notes and sources


def _basis_label(basis: str) -> str:
    from pbanalysis.analysis import measures

    text = measures.BASIS_LABEL.get(basis, basis)
    return text[:1].upper() + text[1:]


def _origins_by_publication() -> dict[str, dict]:
    """Each publication of ``origins.yaml``: its fields and the years of the files read."""
    from pbanalysis.dataset import origins

    pubs: dict[str, dict] = {}
    for o in origins.load_origins().values():
        p = pubs.setdefault(
            o.key,
            {
                "key": o.key,
                "publisher": o.publisher,
                "publication": o.publication,
                "credit": o.credit,
                "licence": o.licence,
                "licence_url": o.licence_url,
                "publisher_page": o.publisher_page,
                "kind": o.kind,
                "years": set(),
            },
        )
        p["years"].add(o.year)
    return pubs


def _span(years: Sequence[str]) -> str:
    ys = sorted(set(years))
    if not ys:
        return ""
    return ys[0] if len(ys) == 1 else f"{ys[0]} to {ys[-1]}"


#: The origin (``origins.yaml``) of the compiled ASCOF series, whose provenance the notes give.
ASCOF_SERIES_ORIGIN = "ascof_trend"
#: The data-package resources each kind of sheet is read from: the PSS-EX1 tables, the ASCOF 1C
#: extracts (2020-21) or the compiled ASCOF series, with the council lookup. A sheet's source line
#: gives each one's credit and licence and ends "Processed by pbanalysis." (the sheet prints "Source:").
SHEET_SOURCE = {"form": "licensed", "prefix": False, "processed": True}
PSSEX1_RESOURCES = (datapackage.PSSEX1, datapackage.COUNCILS)
ASCOF_1C_RESOURCES = (datapackage.ASCOF_2020_21, datapackage.COUNCILS)
ASCOF_SERIES_RESOURCES = (datapackage.ASCOF_SERIES, datapackage.COUNCILS)


def notes(inp: Inputs) -> dict[str, str]:
    """Every note a table may point to: reference key -> text (the notes sheet numbers them)."""
    from pbanalysis.analysis import claims
    from pbanalysis.analysis import what_next as wn
    from pbanalysis.dataset import data
    from pbanalysis.sources import pssex1_rules

    cy = inp.council_year
    basis = cy.groupby("year")[k.DEFINITION_BASIS].first()
    pb_years = [y for y, b in basis.items() if b == k.BASIS_DP_AND_PB]
    stated = cy[cy[k.DEFINITION_NOTE] != ""].groupby("year")[k.DEFINITION_NOTE].first()
    no_spend = [
        y
        for y, g in cy.groupby("year")
        if g[k.DP_GROSS_COST_GBP000].isna().all() and not (g[k.flag(k.DP_GROSS_COST_GBP000)] != "").any()
    ]
    out = {
        "proxy": data.PROXY_NAME + ". " + data.PROXY_DEFINITION + " " + claims.proxy_note(cy=cy, nat=inp.national),
        "count_definition": (
            "What the count of people on direct payments counts changes twice. "
            + (
                f"In {', '.join(pb_years)} the PSS-EX1 activity table counts 'existing / new direct payments and "
                "personal budgets' at 31 March, so the count includes personal budgets held other than as a direct "
                "payment and the proxy take-up is higher than in the years either side. "
                if pb_years
                else ""
            )
            + " ".join(f"In {y}: {t}" for y, t in stated.items())
            + f" The column '{columns.header('count_basis')}' gives each year's."
        ),
        "spend": (
            "Direct-payment spend is the gross total cost of direct payments to adults and older people (18 and "
            "over) during the year, in thousands of pounds, from the PSS-EX1 unit-cost table. Spend per recipient "
            "divides it by the people receiving direct payments at 31 March: the unit-cost table's own count where "
            f"it has one, otherwise the activity table's ('{pssex1_rules.RECIPIENTS_FROM_ACTIVITY}'), rounded to the "
            f"pound. It is withheld ([x]) where the gross cost is 0 with recipients at 31 March "
            f"('{pssex1_rules.NOT_CREDIBLE_SPEND}'). All money is in cash terms: each year's pounds as spent, "
            "not adjusted for inflation, so a rise from one year to the next is partly a rise in prices."
            + (f" There is no unit-cost table for {', '.join(no_spend)} among the files read." if no_spend else "")
        ),
        "rank": (
            "Rank 1 is the highest value in the year; councils with the same value share the best rank of their "
            "group (two councils joint 3rd are both 3, and the next is 5th), as every page of the report ranks. "
            "A council without a value in that year is not ranked ([x]). 'Councils ranked' is how many had a value."
        ),
        "ascof": (
            f"{wn.MEASURE_NAMES[wn.SDS]}; {wn.MEASURE_NAMES[wn.DP]}. The denominator is people using social care "
            "who received long-term community support at 31 March of the year; the numerators are those of them "
            "receiving self-directed support, and direct payments. Percentages are as published (one decimal). "
            "ASCOF 1C is neither NI 130 (clients and carers receiving self-directed support during the year) nor "
            "the PSS-EX1 count of people on direct payments at 31 March, so its years are read beside the "
            "PSS-EX1 years, not as a continuation of their trend."
        ),
        "ascof_boundary": (
            "'Same area as a 2009-2014 council' says how a council compares with the councils of the PSS-EX1 "
            f"tables: {'; '.join(f'{v}' for v in wn.BOUNDARY_TEXT.values())}. The 2009-2014 council code is not "
            "applicable ([z]) where the boundary changed."
        ),
        "claims": (
            "Each figure reported in the news articles of 2010 and 2011, with the check the report makes of it "
            "against the official tables. Basis of the check: "
            + "; ".join(f"{claims.BASIS_LABEL[b]}: {m}" for b, m in claims.BASIS_MEANING.items())
            + ". Figures by basis: "
            + "; ".join(
                f"{claims.BASIS_LABEL[b]}, {', '.join(f'{fmt.count(n)} {claims.STATUS_LABEL[s].lower()}' for s, n in st.items())}"
                for b, st in claims.basis_counts(inp.claims).items()
            )
            + ". Status: "
            + "; ".join(f"{claims.STATUS_LABEL[s]}: {m}" for s, m in claims.STATUS_MEANING.items())
            + ". The statement is the project's own wording of the figure; no article text is reproduced. "
            f"'{columns.label('rebuilt')}' is in the figure's unit; it is not applicable ([z]) where the method "
            "rebuilds no value."
        ),
    }
    if inp.ascof_trend is not None:
        from pbanalysis.sources import ascof_trend

        years = sorted(inp.ascof_trend["year"].unique())
        out["ascof_series"] = (
            f"The ASCOF values for {_span(years)} are a compilation of the official ASCOF files, one a year "
            f"({provenance_text()}); it is not an official file. Its 2020-21 council values equal the official "
            f"2020-21 file's for all {series_check(inp)} council-measure pairs, checked whenever the tables are "
            f"built. Values are the published shares (one decimal). Every council appears in every year it "
            f"existed: where the compilation has no row for a council in a year, the row shows [x] and the reason"
            + (f" ({ascof_missing_text(inp)})" if ascof_missing_text(inp) else "")
            + ". "
            + (england_remainder_text(inp) + " " if england_remainder_text(inp) else "")
            + f"{ascof_trend.BREAK_TEXT.rstrip('.')}; the column 'Framework' says which each year belongs to. "
            "ASCOF is neither NI 130 nor the PSS-EX1 count, so its years are read beside the PSS-EX1 years."
        )
    compiled = compiled_years(inp.ascof_source)
    if compiled:
        out["ascof_compiled"] = (
            f"The ASCOF values for {_span(compiled)} are a compilation of the official ASCOF files, one a year, "
            "read into one extract; each value is as its year's file publishes it."
        )
    for s, meaning in fmt.SYMBOLS.items():
        out[_SYMBOL_KEY[s]] = f"{s}: {meaning} ({SYMBOL_SOURCES[s]}). Such a cell holds the symbol, never 0."
    return out


# --------------------------------------------------------------------------- the tables


def _councils_meta(councils: pd.DataFrame) -> pd.DataFrame:
    """Region and council type by GSS code, the latest council row for each code."""
    c = councils[councils["gss_code"] != ""].sort_values("last_year", kind="mergesort")
    return c.drop_duplicates("gss_code", keep="last").set_index("gss_code")[["region", "council_type"]]


#: Council type by the entity code that opens a GSS code (ONS's register of codes).
GSS_ENTITY_TYPE = {"E06": "Unitary authority", "E08": "Metropolitan district", "E09": "London borough", "E10": "County"}


def england_table(inp: Inputs) -> Sheet:
    """England by year: the national series (:func:`pbanalysis.dataset.data.load_national_series`)."""
    nat = inp.national.rename(columns={"councils": "councils_in_tables"})
    nat["count_basis"] = nat[k.DEFINITION_BASIS].map(_basis_label)
    # England's value of each council measure, under the council measure's header.
    cols = [
        *map(col, ("year", "count_basis", "councils_in_tables")),
        *(col(k.england(c), entry=c) for c in _PSSEX1_MEASURES[:6]),
        col(k.COUNCILS_WITH_PROXY),
        col(k.COUNCIL_MEDIAN_PROXY_TAKEUP_PCT),
        *(col(k.england(c), entry=c) for c in _PSSEX1_MEASURES[6:]),
        col(k.COUNCILS_WITH_DP_SPEND),
    ]
    title = "People on direct payments, proxy take-up and direct-payment spend"
    return _sheet("England_by_year", nat, cols, title, ["proxy", "count_definition", "spend"], [datapackage.PSSEX1])


def _sheet(
    label: str,
    df: pd.DataFrame,
    cols: list[Column],
    title: str,
    note_keys: list[str],
    resources: Sequence[str] = PSSEX1_RESOURCES,
    dated: bool = True,
) -> Sheet:
    """A sheet of rows by year: ``title`` with England and the span of the years, the source line of
    ``resources`` of the data package (default the PSS-EX1 tables and the lookup; for those years
    where ``dated``), the table named as the sheet in lower case."""
    years = sorted(df["year"].unique())
    source = datapackage.source_line(*resources, years=years if dated else None, **SHEET_SOURCE)
    return Sheet(label, Table(df, cols, f"{title}, England, {_span(years)}", source, name=label.lower()), note_keys)


def _council_rows(inp: Inputs) -> pd.DataFrame:
    cy = inp.council_year
    out = cy[cy["area"] == "council"].copy()
    out["count_basis"] = out[k.DEFINITION_BASIS].map(_basis_label)
    return out.reset_index(drop=True)


_COUNCIL_ID = [col(c) for c in ("year", "gss_code", "council_code", "council_name", "region", "council_type")]
#: The PSS-EX1 measures of the council and England tables, in their order.
_PSSEX1_MEASURES = (
    k.DP_CLIENTS_31MAR,
    k.HOME_CARE_CLIENTS_31MAR,
    k.DAY_CARE_CLIENTS_31MAR,
    k.MEALS_CLIENTS_31MAR,
    k.COMMUNITY_RECEIPTS_31MAR,
    k.PROXY_TAKEUP_PCT,
    k.DP_GROSS_COST_GBP000,
    k.DP_RECIPIENTS_31MAR,
    k.DP_SPEND_PER_RECIPIENT_GBP,
)


#: The council-by-year columns a reason for a missing value names, in the column dictionary's
#: words for the measure in a sentence (:func:`pbanalysis.core.columns.short`): every PSS-EX1
#: measure but the recipients at 31 March.
_REASON_COLUMNS = tuple(c for c in _PSSEX1_MEASURES if c != k.DP_RECIPIENTS_31MAR)


def _with_symbol(df: pd.DataFrame, column: str, texts: Sequence[str]) -> None:
    """``texts`` into ``df[column]``, and into ``<column>_flag`` the symbol [z] where a text is empty
    (nothing to say: not applicable)."""
    df[column] = texts
    df[f"{column}_flag"] = np.where(df[column] == "", "[z]", "")


def missing_reasons(df: pd.DataFrame, only: Sequence[str] | None = None) -> pd.Series:
    """Why each row's missing values are missing, in words ('' where none is): the file's mark
    ('-' suppressed, '..' not available), a sum or share of a missing part, no unit-cost table
    for the year, or the spend note."""
    from pbanalysis.sources import pssex1

    no_table = {y for y, g in df.groupby("year") if g[k.DP_GROSS_COST_GBP000].isna().all()}
    out = []
    for _, r in df.iterrows():
        parts = []
        for c in _REASON_COLUMNS:
            if (only is not None and c not in only) or not fmt.is_missing(r[c]):
                continue
            flag = str(r.get(k.flag(c), "") or "")
            if c in (k.COMMUNITY_RECEIPTS_31MAR, k.PROXY_TAKEUP_PCT):
                why = "a part of it is suppressed" if flag == "-" else "a part of it is missing"
            elif flag in pssex1.SUPPRESSION:
                why = pssex1.SUPPRESSION[flag] + f" ('{flag}' in the file)"
            elif r["year"] in no_table:
                why = "no unit-cost table for the year among the files read"
            elif c == k.DP_SPEND_PER_RECIPIENT_GBP and r.get(k.SPEND_NOTE):
                why = str(r[k.SPEND_NOTE])
            elif c == k.DP_SPEND_PER_RECIPIENT_GBP:
                why = "no spend or no recipients to divide it by"
            else:
                why = "blank in the file"
            parts.append(f"{columns.short(c)}: {why}")
        out.append("; ".join(parts))
    return pd.Series(out, index=df.index, dtype=object)


def council_table(inp: Inputs) -> Sheet:
    """Every council in every year (:func:`pbanalysis.dataset.data.load_council_year`), with the reason
    for each missing value."""
    df = _council_rows(inp)
    _with_symbol(df, "missing_reason", missing_reasons(df))
    _with_symbol(df, "quality_flags", _quality_text(inp, df))
    cols = [
        *_COUNCIL_ID,
        col("count_basis"),
        *(col(c, flag=k.flag(c)) for c in _PSSEX1_MEASURES[:7]),
        col(k.DP_RECIPIENTS_31MAR),
        col(k.RECIPIENTS_SOURCE),
        col(k.DP_SPEND_PER_RECIPIENT_GBP),
        col("missing_reason", flag="missing_reason_flag"),
        col("quality_flags", flag="quality_flags_flag"),
    ]
    title = "People on direct payments, proxy take-up and direct-payment spend by council"
    return _sheet("Councils_by_year", df, cols, title, ["proxy", "count_definition", "spend"])


def rank_table(inp: Inputs) -> Sheet:
    """Every council in every year with its ranks (:func:`pbanalysis.analysis.measures.councils_in_year`)."""
    from pbanalysis.analysis import measures

    df = _council_rows(inp)
    keys = ["year", "council_code"]
    for measure, prefix in ((k.PROXY_TAKEUP_PCT, "proxy"), (k.DP_SPEND_PER_RECIPIENT_GBP, "spend")):
        ranked = pd.concat(
            [measures.councils_in_year(inp.council_year, y, measure) for y in sorted(df["year"].unique())],
            ignore_index=True,
        )
        ranked = ranked[[*keys, "rank", "of"]].rename(columns={"rank": f"{prefix}_rank", "of": f"{prefix}_of"})
        df = df.merge(ranked, on=keys, how="left")
        of = df.groupby("year")[f"{prefix}_of"].transform("max")
        df[f"{prefix}_of"] = of
    _with_symbol(df, "missing_reason", missing_reasons(df, [k.PROXY_TAKEUP_PCT, k.DP_SPEND_PER_RECIPIENT_GBP]))
    cols = [
        *_COUNCIL_ID,
        col(k.PROXY_TAKEUP_PCT, flag=k.flag(k.PROXY_TAKEUP_PCT)),
        *map(col, ("proxy_rank", "proxy_of", k.DP_SPEND_PER_RECIPIENT_GBP, "spend_rank", "spend_of")),
        col("missing_reason", flag="missing_reason_flag"),
    ]
    title = f"Council ranks on {columns.short(k.PROXY_TAKEUP_PCT)} and on {columns.short(k.DP_SPEND_PER_RECIPIENT_GBP)}"
    return _sheet("Council_ranks", df, cols, title, ["rank", "proxy", "spend"])


def ascof_table(inp: Inputs) -> Sheet:
    """ASCOF 1C by council and year, every extract (:func:`pbanalysis.analysis.what_next.council_table`)."""
    from pbanalysis.analysis import what_next as wn

    meta = _councils_meta(inp.councils)
    successors = _successor_regions(inp.councils)
    parts = []
    for year, g in inp.ascof.groupby("year"):
        t = wn.council_table(g)
        t.insert(0, "year", year)
        parts.append(t)
    df = pd.concat(parts, ignore_index=True)
    df["region"] = df["gss_code"].map(meta["region"]).fillna(df["gss_code"].map(successors)).fillna("")
    df["council_type"] = (
        df["gss_code"].map(meta["council_type"]).fillna(df["gss_code"].str[:3].map(GSS_ENTITY_TYPE)).fillna("")
    )
    df["boundary_text"] = df["boundary"].map(wn.BOUNDARY_TEXT).fillna("")
    df["council_code_2009_14"] = np.where(
        (df["council_code_2009_14"] == "") & (df["boundary"] == "boundary_changed"), "[z]", df["council_code_2009_14"]
    )
    df = df.sort_values(["year", "council_code"], kind="mergesort").reset_index(drop=True)
    # Where a value is missing, the reason the file gives (a suppressed or not-available mark).
    reasons = df[["sds_flag_reason", "dp_flag_reason"]].fillna("")
    _with_symbol(
        df,
        "missing_reason",
        [
            "; ".join(dict.fromkeys(x for x in (a, b) if x))
            for a, b in zip(reasons["sds_flag_reason"], reasons["dp_flag_reason"])
        ],
    )
    cols = [
        col("year"),
        col("gss_code"),
        col("council_code", entry="ascof_council_code"),
        *map(col, ("council_name", "region", "council_type", "boundary_text", "council_code_2009_14")),
        *(col(c, flag="sds_flag") for c in ("sds_denominator", "sds_numerator", "sds_pct")),
        *(col(c, flag="dp_flag") for c in ("dp_numerator", "dp_pct")),
        col("missing_reason", flag="missing_reason_flag"),
    ]
    title = "Self-directed support and direct payments (ASCOF 1C) by council"
    keys = ["ascof", "ascof_boundary"] + (["ascof_compiled"] if compiled_years(inp.ascof_source) else [])
    return _sheet("ASCOF_1C_by_council", df, cols, title, keys, ASCOF_1C_RESOURCES, dated=False)


def provenance_text() -> str:
    """Who compiled the ASCOF series and where it is kept, from ``origins.yaml``."""
    from pbanalysis.dataset import origins

    o = next(o for o in origins.load_origins().values() if o.key == ASCOF_SERIES_ORIGIN)
    return f"{origins.COMPILED_FROM}, kept in the repository {o.repository}"


def series_check(inp: Inputs) -> int:
    """The compiled 2020-21 council values checked equal to the official 2020-21 file's (pairs compared).

    Raises InputError naming the council and both values if any differs (see
    :func:`pbanalysis.sources.ascof_trend.check_against_official`)."""
    from pbanalysis.sources import ascof_trend

    official = inp.ascof[inp.ascof["year"] == "2020-21"]
    return ascof_trend.check_against_official(inp.ascof_trend, official, paths.ASCOF_TREND_CSV)


def ascof_missing_text(inp: Inputs) -> str:
    """'Hackney, 2020-21 to 2023-24': the councils the compilation has no row for, and their years."""
    from pbanalysis.sources import ascof_trend, lookup

    t = inp.ascof_trend
    c = t[t["area_level"] == "council"]
    m = ascof_trend.missing_councils(c, lookup.read_successors(), inp.ascof)
    return "; ".join(f"{name}, {_span(sorted(g['year']))}" for name, g in m.groupby("area_name"))


def england_remainder_text(inp: Inputs) -> str:
    """Where the official 2020-21 England total holds people of a council with no published value:
    England less the councils, and the same council's last published shares, computed from the files."""
    from pbanalysis.analysis import what_next as wn
    from pbanalysis.sources import ascof_trend

    official = inp.ascof[inp.ascof["year"] == "2020-21"]
    rest = {g: ascof_trend.england_remainder(official, g) for g in (wn.SDS, wn.DP)}
    if not all(rest.values()) or len(rest[wn.SDS]["councils"]) != 1:
        return ""
    name = rest[wn.SDS]["councils"][0]
    t = inp.ascof_trend
    own = t[(t["area_name"] == name) & (t["area_level"] == "council") & t["measure_group"].isin([wn.SDS, wn.DP])]
    if own.empty:
        return ""
    last_year = sorted(own["year"])[-1]
    last = own[own["year"] == last_year].set_index("measure_group")["value"]
    same = all(fmt.rounded(rest[g]["pct"], 1) == fmt.rounded(float(last.get(g, np.nan)), 1) for g in (wn.SDS, wn.DP))
    text = (
        f"England's 2020-21 total counts {fmt.count(rest[wn.SDS]['denominator'])} people receiving long-term "
        f"community support more than the councils with a value, {fmt.count(rest[wn.SDS]['numerator'])} of them "
        f"on self-directed support ({fmt.pct(rest[wn.SDS]['pct'])}) and {fmt.count(rest[wn.DP]['numerator'])} on "
        f"direct payments ({fmt.pct(rest[wn.DP]['pct'])}): {name} has no value that year"
    )
    if same:
        text += (
            f", and these shares equal {name}'s {last_year} values ({fmt.pct(float(last[wn.SDS]))} and "
            f"{fmt.pct(float(last[wn.DP]))}), so England's total includes a value for {name} that is not published "
            "for the council"
        )
    return text + "."


def ascof_series_table(inp: Inputs) -> Sheet:
    """ASCOF self-directed support and direct payments by council and year, 2017-18 to 2023-24, from
    the compilation of the official files (its 2020-21 values checked equal to the official file's)."""
    from pbanalysis.analysis import what_next as wn
    from pbanalysis.sources import ascof_trend, lookup

    series_check(inp)
    t = inp.ascof_trend
    c = t[(t["area_level"] == "council") & t["measure_group"].isin([wn.SDS, wn.DP])]
    keys = ["year", "gss_code", "area_name", "council_code_2009_14", "boundary", "definition_break"]
    df = c.pivot_table(index=keys, columns="measure_group", values="value", aggfunc="first").reset_index()
    df.columns.name = None
    for g in (wn.SDS, wn.DP):
        if g not in df:
            df[g] = np.nan
    # Every council in every year it existed: a council-year the compilation has no row for is
    # shown, without a value, with the reason.
    missing = ascof_trend.missing_councils(c, lookup.read_successors(), inp.ascof)
    breaks = t.groupby("year")["definition_break"].first()
    missing["definition_break"] = missing["year"].map(breaks).fillna("")
    df["reason"] = ""
    df = pd.concat([df, missing], ignore_index=True).rename(columns={"area_name": "council_name"})
    _with_symbol(df, "missing_reason", df["reason"])
    df["boundary_text"] = df["boundary"].map(wn.BOUNDARY_TEXT).fillna("")
    df["council_code_2009_14"] = np.where(
        (df["council_code_2009_14"] == "") & (df["boundary"] == "boundary_changed"), "[z]", df["council_code_2009_14"]
    )
    df["framework"] = np.where(
        df["definition_break"].astype(str).str.strip() != "",  # the extract states the break, else blank
        "2023-24 framework (renumbered)",
        "before the 2023-24 renumbering",
    )
    df = df.sort_values(["year", "gss_code"], kind="mergesort").reset_index(drop=True)
    cols = [
        *map(col, ("year", "gss_code", "council_name", "boundary_text", "council_code_2009_14", wn.SDS, wn.DP)),
        col("framework"),
        col("missing_reason", flag="missing_reason_flag"),
    ]
    title = "Self-directed support and direct payments (ASCOF) by council"
    return _sheet("ASCOF_by_council_year", df, cols, title, ["ascof_series", "ascof_boundary"], ASCOF_SERIES_RESOURCES)


def _successor_regions(councils: pd.DataFrame) -> dict[str, str]:
    """Region of each later council (by GSS code) whose 2009-2014 predecessors all lie in one region."""
    from pbanalysis.sources import lookup

    succ = lookup.read_successors()
    region = dict(zip(councils["council_code"], councils["region"]))
    out = {}
    for gss, g in succ.groupby("successor_gss_code"):
        regions = {region.get(c, "") for c in g["council_code_2009_14"]}
        if len(regions) == 1 and "" not in regions:
            out[gss] = regions.pop()
    return out


def claims_table(inp: Inputs) -> Sheet:
    """Each reported figure's check (:func:`pbanalysis.analysis.claims.check`) with its article, its
    basis and its status in words."""
    from pbanalysis.analysis import claims

    c = inp.claims.merge(inp.sources[["source_id", "publication", "headline", "published"]], on="source_id", how="left")
    c["rebuilt_flag"] = np.where(c["rebuilt"].isna(), "[z]", "")
    c["check_basis"] = c["basis"].map(claims.BASIS_LABEL)
    c["status"] = c["status"].map(claims.STATUS_LABEL)
    cols = [
        col("figure_id", kind="text"),
        *map(col, ("publication", "headline", "published", "statement", "reported", "unit", "method")),
        col("check_basis"),
        col("status"),
        col("rebuilt", flag="rebuilt_flag"),
        col("official_values"),
        col("reason"),
    ]
    c["official_values"] = c["official_values"].where(c["official_values"] != "", "[z]")
    t = Table(
        c,
        cols,
        "Check of each figure reported in the news articles against the official tables",
        "News articles of 2010 and 2011 (publication, headline and date as listed); "
        + datapackage.source_line(datapackage.PSSEX1, datapackage.ASCOF_SERIES, **SHEET_SOURCE),
        name="claims_check",
    )
    return Sheet("Claims_check", t, ["claims", "proxy"])


def _quality_series(inp: Inputs):
    """The data-quality rules' input, read from the tables' own inputs."""
    from pbanalysis.analysis import quality
    from pbanalysis.analysis import what_next as wn

    official = inp.ascof[inp.ascof["year"] == wn.YEAR]
    official_table = wn.council_table(official) if len(official) else None
    return quality.Series(inp.council_year, inp.ascof_trend, official_table, wn.YEAR)


def _quality_text(inp: Inputs, rows: pd.DataFrame) -> list[str]:
    """For each council-year row, the PSS-EX1 values the data-quality rules flag: "measure: rule; ...",
    or "" where none is flagged. A flagged value keeps its number in its own column."""
    from pbanalysis.analysis import quality

    f = quality.flags(_quality_series(inp))
    f = f[f["series"] == quality.SERIES_PSSEX1]
    by: dict[tuple[str, str], list[str]] = {}
    for r in f.itertuples():
        by.setdefault((r.gss_code, r.year), []).append(f"{r.measure_name}: {r.rule_name}")
    return ["; ".join(by.get((g, y), [])) for g, y in zip(rows["gss_code"], rows["year"])]


def data_quality_table(inp: Inputs) -> Sheet:
    """Every data-quality flag (:func:`pbanalysis.analysis.quality.flags`) over the tables' own series,
    by rule; each rule's test is a subtitle."""
    from pbanalysis.analysis import quality

    series = _quality_series(inp)
    cols = [
        *map(col, ("rule_name", "council_name", "gss_code", "year", "measure_name", "flagged_value", "values_text")),
        col("flag_meaning"),
        col("series"),
    ]
    years = sorted(inp.council_year["year"].unique())
    t = Table(
        quality.flags(series).rename(columns={"value": "flagged_value", "meaning": "flag_meaning"}),
        cols,
        "Data-quality flags: values out of line, degenerate or in doubt, by rule, every council and year",
        datapackage.source_line(
            datapackage.PSSEX1, datapackage.ASCOF_SERIES, datapackage.ASCOF_2020_21, years=years, **SHEET_SOURCE
        ),
        name="data_quality",
    )
    rules = " ".join(f"{r.name}: {r.test}." for r in quality.RULES.values())
    keys = ["count_definition", "spend"] + (["ascof_series"] if inp.ascof_trend is not None else [])
    return Sheet("Data_quality", t, keys, [f"The rules (a flagged value keeps its number). {rules}"])


def sheets(inp: Inputs | None = None) -> list[Sheet]:
    """Every table of the workbook, in its order."""
    inp = inp or load_inputs()
    out = [england_table(inp), council_table(inp), rank_table(inp), ascof_table(inp)]
    if inp.ascof_trend is not None:
        out.append(ascof_series_table(inp))
    out.append(claims_table(inp))
    out.append(data_quality_table(inp))
    for s in out:
        s.note_keys = [*s.note_keys, *(_SYMBOL_KEY[sym] for sym in s.symbols_used())]
    return out


# --------------------------------------------------------------------------- the cover


def _years(inp: Inputs) -> tuple[list[str], list[str]]:
    pss = sorted(inp.council_year["year"].unique())
    asc = set(inp.ascof["year"]) | (set(inp.ascof_trend["year"]) if inp.ascof_trend is not None else set())
    return pss, sorted(asc)


def cover_text(inp: Inputs, stamp: dict, csv_names: Sequence[str]) -> dict[str, list]:
    """The cover's intro, about and contact paragraphs (gptables' rich-text lists for headings)."""
    from pbanalysis.analysis import register
    from pbanalysis.dataset import periods

    pss, asc = _years(inp)
    bold = {"bold": True}
    pubs = _origins_by_publication()
    sources = []
    for p in pubs.values():
        line = (
            f"{p['publisher']}, {p['publication']}, {_span(p['years'])}. Licence: {p['licence']} ({p['licence_url']})."
        )
        if p["credit"]:
            line += f" Credit line: {p['credit']}."
        if p["publisher_page"]:
            line += f" Publisher's page: {p['publisher_page']}"
        sources.append(line)
    articles = register.load_sources()
    sources.append(
        f"Figures reported in {len(articles)} news articles of 2010 and 2011 ("
        + "; ".join(sorted(set(articles["publication"].str.split(" - ").str[0])))
        + "), checked on the Claims_check "
        "sheet; the figures are facts reported by those publications and are cited to them."
    )
    gap = [] if not asc else [_year_after(pss[-1]), _year_before(asc[0])]
    cannot = [
        "No council-level NI 130: NI 130 (clients and carers receiving self-directed support during the year, as a "
        "share of community-based clients and carers) is the indicator the articles quote, and it is not published "
        "per council in the data available here. The proxy take-up stands in for it and is not the same measure.",
        "No ADASS survey per council: the ADASS and LGA personal budget surveys the articles cite are reported for "
        "England, not council by council.",
    ]
    if gap and gap[0] <= gap[1]:
        cannot.append(
            f"A gap from {gap[0]} to {gap[1]}: the PSS-EX1 council tables read here end in {pss[-1]} and the ASCOF "
            f"extracts start in {asc[0]}. No year in between is filled in or estimated."
        )
    cannot.append(
        "No comparison across the change of measure: ASCOF 1C counts people receiving long-term community support "
        "and is not a continuation of the PSS-EX1 proxy."
    )
    commit = stamp["commit"] or "not recorded (built outside git)"
    dirty = " (with uncommitted changes)" if stamp["dirty"] else ""
    intro = [
        "These tables hold the numbers behind the pbanalysis report on personal budgets and direct payments in "
        "English adult social care: people on direct payments at 31 March and the proxy take-up of direct payments, "
        "direct-payment spend, council ranks, the ASCOF measure of self-directed support and direct payments, and "
        "the check of each figure reported in the news articles against the official tables.",
        " ".join(periods.statement()),  # the report's period and each measure's years, from data/raw
        "Each table is also a CSV file (UTF-8, one header row, the same columns) in the folder data/ beside this "
        "workbook: " + ", ".join(csv_names) + ".",
    ]
    about = [
        [bold, "Sources"],
        *sources,
        [bold, "What the data cannot show"],
        *cannot,
        [bold, "Notes, symbols and units"],
        "Some tables point to notes, found on the Notes sheet; note markers are in square brackets, such as "
        "[note 1]. Units are in round brackets in each column heading.",
        "A cell without a value holds a symbol, never a blank or 0: "
        + "; ".join(f"{s} {m}" for s, m in fmt.SYMBOLS.items())
        + ". The other cells of a numeric column are numbers.",
        [bold, "Built from"],
        f"Commit {commit}{dirty} of pbanalysis, dated {stamp['date']}.",
    ]
    contact = [
        f"Made by {AUTHOR} (see CITATION.cff in the project). Questions about the official statistics go to "
        "their publishers, named above.",
        "Reuse: the official statistics are under the Open Government Licence v3.0 "
        "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/); the council names and codes "
        "come from mySociety under the MIT licence; the tables as compiled here are released with the code under "
        "the MIT licence. When reusing them, credit the publishers as in each table's source line and say: "
        "'Contains public sector information licensed under the Open Government Licence v3.0. Processed by "
        "pbanalysis.'",
    ]
    return {"intro": intro, "about": about, "contact": contact}


# --------------------------------------------------------------------------- writing


def workbook_path(reports_dir: Path | str | None = None) -> Path:
    """Where the workbook goes: ``<reports>/pbanalysis-data-tables.xlsx``."""
    return Path(reports_dir or paths.REPORTS_DIR) / WORKBOOK_NAME


def csv_dir(reports_dir: Path | str | None = None) -> Path:
    """Where the CSV files go: ``<reports>/data/``."""
    return Path(reports_dir or paths.REPORTS_DIR) / CSV_DIR_NAME


def _gptable(sheet: Sheet, stamp: dict):
    import gptables as gpt

    cells = sheet.cells()
    subtitles = [
        # gptables moves each marker to the end of its text, as [note N]
        "Notes on this table: " + "".join(f"$${key}$$" for key in sheet.note_keys),
        f"Built from pbanalysis commit {(stamp['commit'] or 'not recorded')[:12]}, dated {stamp['date']}.",
        *sheet.subtitles,
    ]
    formatting = []
    for kind, num_format in NUM_FORMATS.items():
        labels = [c.label for c in sheet.table.columns if c.kind == kind]
        if labels:
            formatting.append({"column": {"columns": labels, "format": {"num_format": num_format}}})
    return gpt.GPTable(
        table=cells,
        table_name=sheet.table.name,
        title=sheet.table.title,
        subtitles=subtitles,
        source="Source: " + sheet.table.source,
        index_columns={},
        additional_formatting=formatting,
    )


#: Page setup: A4 (XlsxWriter's paper code 9); a table wider than this many characters (the sum of
#: its column widths) prints landscape; every sheet is fitted to one page wide.
A4_PAPER = 9
LANDSCAPE_ABOVE_CHARS = 110
#: Printed height of one line of 12-point text, in points, and characters of it per unit of width.
LINE_POINTS = 15.75
CHARS_PER_WIDTH = 1.2
#: The cover's one column, in characters: the width of A4 portrait's text in the workbook's 12-point font.
COVER_WIDTH = 72


def _chars(pixels: float | None) -> float:
    """A column width XlsxWriter holds in pixels, in characters (its default font: 7 pixels a
    digit and 5 of padding); the default width where none is set."""
    return 8.43 if pixels is None else max((pixels - 5) / 7, 0)


def _cell_text(cell, strings: dict[int, str]) -> str:
    if hasattr(cell, "raw_string"):
        return str(cell.raw_string)
    if type(cell).__name__ == "String":
        return strings.get(cell.string, "")
    return ""


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` characters takes for ``text`` (each paragraph on its own)."""
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _shown(cell, strings: dict[int, str]) -> str:
    """A cell's text as printed (a number with its separators and one decimal place at most)."""
    if type(cell).__name__ == "Number":
        n = cell.number
        return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"
    return _cell_text(cell, strings)


def _fit_columns(ws: Any, header_row: int, strings: dict[int, str], widths: dict[int, float]) -> None:
    """Each table column as wide as its longest value (at most :data:`MAX_WIDTH`), its heading
    wrapping onto up to three lines, so a table prints readably at A4 width; ``widths`` is updated."""
    import math

    longest: dict[int, int] = {}
    heading: dict[int, str] = {}
    for row, cells in ws.table.items():
        for c, cell in cells.items():
            text = _shown(cell, strings)
            if row == header_row:
                heading[c] = text
            elif row > header_row:
                longest[c] = max(longest.get(c, 0), max((len(t) for t in text.split("\n")), default=0))
    for c, head in heading.items():
        words = max((len(w) for w in head.split()), default=0)
        width = min(MAX_WIDTH, max(longest.get(c, 0), words, math.ceil(len(head) / 3)) + 2)
        ws.set_column(c, c, width)
        widths[c] = width


def _row_height(cells: dict, strings: dict[int, str], widths: dict[int, float]) -> float:
    """Points a row needs for its wrapped cells' text (0 where none wraps onto a second line)."""
    need = 0.0
    for c, cell in cells.items():
        fmt_ = getattr(cell, "format", None)
        if fmt_ is None or not getattr(fmt_, "text_wrap", 0):
            continue  # text that does not wrap runs on to the right, on one line
        size = getattr(fmt_, "font_size", 12) or 12
        lines = _lines(_cell_text(cell, strings), widths.get(c, 8.43) * 12 / size)
        if lines > 1:
            need = max(need, lines * LINE_POINTS * size / 12)
    return need


def page_setup(wb: Any, cover_label: str) -> None:
    """Every sheet prints on A4 with nothing cut: its print area, fitted to one page wide (wide
    tables landscape, each column as wide as its values), the table's header row repeated on each
    page, the sheet and page number in the footer, and each row of wrapped text (the cover, the
    notes, long cells) as tall as its text."""
    from xlsxwriter.utility import xl_cell_to_rowcol

    for ws in wb.worksheets():
        if ws.name == cover_label:
            ws.set_column(0, 0, COVER_WIDTH)
        strings = {i: t for t, i in ws.str_table.string_table.items()}
        widths = {c: _chars(info.width) for c, info in ws.col_info.items()}
        if ws.tables:
            header_row, _ = xl_cell_to_rowcol(ws.tables[0]["range"].split(":")[0])
            ws.repeat_rows(header_row)
            _fit_columns(ws, header_row, strings, widths)
        last_row, last_col = ws.dim_rowmax or 0, ws.dim_colmax or 0
        ws.set_paper(A4_PAPER)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.print_area(0, 0, last_row, last_col)
        ws.fit_to_pages(1, 0)
        ws.set_footer("&L&A&RPage &P of &N")
        total = sum(widths.get(c, 8.43) for c in range(last_col + 1))
        if ws.name != cover_label and total > LANDSCAPE_ABOVE_CHARS:
            ws.set_landscape()
        else:
            ws.set_portrait()
        for row, cells in ws.table.items():
            need = _row_height(cells, strings, widths)
            if need:
                held = ws.row_info.get(row)
                ws.set_row(row, max(need, (held.height or 0) if held else 0), held.row_format if held else None)


def write(reports_dir: Path | str | None = None, inp: Inputs | None = None) -> list[Path]:
    """Write the workbook and one CSV per table into ``reports_dir`` (default ``reports/``), each
    atomically; returns the files written, the workbook first."""
    import gptables as gpt

    inp = inp or load_inputs()
    stamp = build_stamp()
    all_sheets = sheets(inp)
    folder = csv_dir(reports_dir)
    written_csv = [write_csv(folder / s.csv_name, s.cells()) for s in all_sheets]
    note_text = notes(inp)
    used = list(dict.fromkeys(key for s in all_sheets for key in s.note_keys))
    notes_table = pd.DataFrame({"Note reference": used, "Note text": [note_text[key] for key in used]})
    text = cover_text(inp, stamp, [f"{CSV_DIR_NAME}/{s.csv_name}" for s in all_sheets])
    cover = gpt.Cover(title=TITLE, intro=text["intro"], about=text["about"], contact=text["contact"])
    target = workbook_path(reports_dir)
    date = dt.datetime.fromisoformat(stamp["date"]).replace(tzinfo=None)
    with atomic_path(target) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        wb = gpt.produce_workbook(
            filename=str(tmp),
            sheets={s.label: _gptable(s, stamp) for s in all_sheets},
            cover=cover,
            notes_table=notes_table,
        )
        for ws in wb.worksheets():
            if ws.name == cover.cover_label:
                continue
            for col, info in list(ws.col_info.items()):
                if info.width and _chars(info.width) > MAX_WIDTH:  # XlsxWriter holds widths in pixels
                    ws.set_column(col, col, MAX_WIDTH)
        page_setup(wb, cover.cover_label)
        wb.set_properties(
            {
                "title": TITLE,
                "author": AUTHOR,
                "company": AUTHOR,
                "created": date,
                "comments": f"Built from pbanalysis commit {stamp['commit'] or 'not recorded'}",
            }
        )
        wb.close()
        normalise_file(tmp)
    return [target, *written_csv]


def downloads(reports_dir: Path | str | None = None) -> list[tuple[str, str, int]]:
    """The downloads for the landing page: (path relative to ``reports_dir``, title, size in bytes),
    the workbook first, then each table's CSV; only files that exist."""
    reports_dir = Path(reports_dir or paths.REPORTS_DIR)
    out = []
    book = workbook_path(reports_dir)
    if book.is_file():
        out.append(
            (
                book.relative_to(reports_dir).as_posix(),
                "All tables, with cover and notes (Excel workbook)",
                book.stat().st_size,
            )
        )
    for name, title in CSV_TITLES.items():
        p = csv_dir(reports_dir) / name
        if p.is_file():
            out.append((p.relative_to(reports_dir).as_posix(), title + " (CSV)", p.stat().st_size))
    return out


#: The data tables behind each notebook's section: what its tables and charts show, to take away.
SECTION_TABLES = {
    "take_up": ("england_by_year.csv", "claims_check.csv"),
    "spending": ("england_by_year.csv", "councils_by_year.csv", "claims_check.csv"),
    "variance": ("councils_by_year.csv", "council_ranks.csv", "claims_check.csv"),
    "what_next": ("ascof_by_council_year.csv", "ascof_1c_by_council.csv", "claims_check.csv"),
    "claims": ("claims_check.csv",),
    "council_briefing": ("councils_by_year.csv", "council_ranks.csv"),
    "explore": ("councils_by_year.csv", "ascof_by_council_year.csv"),
    "data_quality": ("data_quality.csv",),
}


def section_downloads(notebook: str, reports_dir: Path | str | None = None) -> list[tuple[str, str]]:
    """The data tables a notebook's section shows, those written: (path relative to the reports
    folder, title)."""
    reports_dir = Path(reports_dir or paths.REPORTS_DIR)
    out = []
    for name in SECTION_TABLES.get(notebook, ()):
        p = csv_dir(reports_dir) / name
        if p.is_file():
            out.append((p.relative_to(reports_dir).as_posix(), CSV_TITLES[name]))
    return out


#: Each CSV file and what it holds, in the workbook's order.
CSV_TITLES = {
    "england_by_year.csv": "England by year",
    "councils_by_year.csv": "Every council by year",
    "council_ranks.csv": "Council ranks by year",
    "ascof_1c_by_council.csv": "ASCOF 1C self-directed support and direct payments by council, 2020-21 file",
    "ascof_by_council_year.csv": "ASCOF self-directed support and direct payments by council and year, 2017-18 to 2023-24",
    "claims_check.csv": "Check of each reported figure",
    "data_quality.csv": "Data-quality flags: each flagged value, its rule and what it may mean",
}
