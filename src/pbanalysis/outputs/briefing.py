"""One council's briefing: its numbers, its charts, its key points and its Word document.

:func:`council_numbers` computes everything for one council (the key points come
from the rules in :mod:`pbanalysis.outputs.sentences`); :func:`build_pack` composes its
pack: HTML page, charts (drawn by :mod:`pbanalysis.charts.figures`, which only
draws), ``numbers.json`` and the Word document (:mod:`pbanalysis.outputs.briefing_docx`).
The briefing notebook and ``make briefings`` (:func:`build_all`, every council in
one or two processes) call the same functions, so they give identical numbers and
sentences.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pbanalysis.analysis import measures
from pbanalysis.build import data, datapackage
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.outputs import pages, sentences
from pbanalysis.outputs.sentences import same_definition_run
from pbanalysis.outputs.tables import Column, Table

#: The charts in every pack.
PACK_CHARTS = ("council_trend", "council_comparison")
#: Chart size in a pack, and in its Word document (printed across the A4 text width).
PACK_SIZE = DOCX_SIZE = "a4half"


@functools.lru_cache(maxsize=1)
def _tables():
    cy = data.load_council_year()
    return cy, data.load_councils()


@functools.lru_cache(maxsize=1)
def _shared() -> dict:
    """What every council's numbers share, computed once per process: the years, England, each
    council's rows, region medians by year, type medians by (year, type), definition changes."""
    cy, _ = _tables()
    cc = cy[cy["area"] == "council"]
    takeup = "proxy_takeup_pct"
    return {
        "years": sorted(cy["year"].unique()),
        "england": cy[cy["area"] == "england"].set_index("year"),
        "by_council": {code: g.set_index("year") for code, g in cc.groupby("council_code", sort=False)},
        "region_median": {r: g.groupby("year")[takeup].median() for r, g in cc.groupby("region", sort=False)},
        "type_median": cc.groupby(["year", "council_type"])[takeup].median().to_dict(),
        "changes": tuple(measures.definition_changes(cy)),
        "named": _named_councils(),
    }


def _named_councils() -> dict[str, list[dict]]:
    """The register figures that name a council, by its council code: each statement with its article
    and, for a claim of rank, the claims check's view of it on the proxy (read once per process)."""
    from pbanalysis.analysis import checks, claims, register

    cy, councils = _tables()
    reg = register.load_register()
    doc = checks.load_checks(figure_ids=reg["figure_id"])
    table = claims.check(reg, cy, data.load_national_series(), doc).set_index("figure_id")
    arts = register.load_sources().set_index("source_id")
    ni130 = {item["figure"] for item in doc["uses"].get("ni130_reference", [])}
    out: dict[str, list[dict]] = {}
    for _, r in reg[reg["council"].fillna("").str.strip() != ""].iterrows():
        code = measures.find_council(r["council"], councils)["council_code"]
        c, entry = table.loc[r["figure_id"]], doc["checks"][r["figure_id"]]
        rec = {
            "figure_id": r["figure_id"],
            "statement": r["statement"],
            "reported": fmt.value(float(r["value"]), r["unit"]),
            "reported_value": float(r["value"]),
            "unit": r["unit"],
            "period": str(r["period"]).removeprefix("FY"),
            "measure": "NI 130" if r["figure_id"] in ni130 else "",
            "position": entry.get("position", "") if entry["method"] == "rank" else "",
            "publication": arts.loc[r["source_id"], "publication"],
            "published": arts.loc[r["source_id"], "published"],
            "check_status": c["status"],
        }
        if rec["position"]:
            ranked = _ranked(entry["year"])
            extreme = ranked.iloc[0] if rec["position"] == "highest" else ranked.iloc[-1]
            rec.update(
                {
                    "proxy_year": entry["year"],
                    "proxy_value": float(c["rebuilt"]),
                    "rank": int(c["rank"]),
                    "of": int(c["of"]),
                    "proxy_agrees": c["proxy_agrees"],
                    "extreme": "" if c["proxy_agrees"] == "yes" else extreme["council_name"],
                }
            )
        out.setdefault(code, []).append(rec)
    return out


@functools.cache
def _ranked(year: str) -> pd.DataFrame:
    return measures.councils_in_year(_tables()[0], year)


@dataclass
class Briefing:
    """One council's briefing numbers: ``series`` (one row per year: the council's proxy take-up
    in %, England, region and type medians, counts, spend per recipient in £, definition basis),
    ``comparison`` (the chosen year against England, region and type), rank (1 = highest) of
    ``of`` councils, definition changes and the generated sentences."""

    name: str
    gss_code: str
    council_code: str
    region: str
    council_type: str
    year: str
    series: pd.DataFrame
    comparison: pd.DataFrame
    rank: int | None
    of: int
    definition_changes: list[str]
    sentences: list[str] = field(default_factory=list)
    #: What happened next: the council's ASCOF 1C values for 2020-21 beside England's
    #: (:func:`later_values`); a different measure from the proxy, shown apart from ``series``.
    later: dict = field(default_factory=dict)
    #: What the articles said of the council (:func:`articles_for`), and those statements in words.
    articles: list[dict] = field(default_factory=list)
    article_sentences: list[str] = field(default_factory=list)
    #: The council's ASCOF years, 2017-18 to 2023-24 (:func:`pbanalysis.analysis.what_next.council_trend`),
    #: and that story in words (:func:`pbanalysis.outputs.sentences.ascof_series`).
    ascof: dict = field(default_factory=dict)
    ascof_sentences: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The council's folder and file name (:func:`slugify` of its name)."""
        return slugify(self.name)

    def numbers(self) -> dict:
        """Everything the pack states, machine-readable (the batch and notebook tests compare these)."""
        return {
            "council": self.name,
            "gss_code": self.gss_code,
            "region": self.region,
            "council_type": self.council_type,
            "year": self.year,
            "rank": self.rank,
            "of": self.of,
            "series": json.loads(self.series.to_json(orient="records")),
            "comparison": json.loads(self.comparison.to_json(orient="records")),
            "definition_changes": self.definition_changes,
            "sentences": self.sentences,
            "later": self.later,
            "articles": {"named": self.articles, "sentences": self.article_sentences},
            "ascof_series": {
                "years": self.ascof.get("years", []),
                "jumps": self.ascof.get("jumps", []),
                "jump_rule": self.ascof.get("jump_rule", ""),
                "break_text": self.ascof.get("break_text", ""),
                "source": self.ascof.get("source", ""),
                "sentences": self.ascof_sentences,
            },
        }


def slugify(name: str) -> str:
    """The folder and file name of a council: lower case, hyphens (e.g. 'kingston-upon-hull-city-of')."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def council_numbers(council: str, year: str | None = None) -> Briefing:
    """The numbers of one council (name or GSS code, any case) for its briefing."""
    _, councils = _tables()
    shared = _shared()
    row = measures.find_council(council, councils)
    code = row["council_code"]
    years = shared["years"]
    year = measures.check_year("year", year or years[-1], years)
    eng = shared["england"]
    mine = shared["by_council"].get(code, eng.iloc[:0])  # no rows: every value missing
    region_med = shared["region_median"].get(row["region"], pd.Series(dtype=float))
    # Each year's type median uses the type the council had that year (five became unitary in 2009).
    own_type = mine["council_type"]
    type_med = pd.Series({y: shared["type_median"].get((y, t), float("nan")) for y, t in own_type.items()}, dtype=float)
    series = pd.DataFrame({"year": years})
    series["council"] = series["year"].map(mine["proxy_takeup_pct"])
    series["england"] = series["year"].map(eng["proxy_takeup_pct"])
    series["region_median"] = series["year"].map(region_med).round(2)
    series["type_median"] = series["year"].map(type_med).round(2)
    series["dp_clients_31mar"] = series["year"].map(mine["dp_clients_31mar"])
    series["dp_clients_31mar_flag"] = series["year"].map(mine["dp_clients_31mar_flag"]).fillna("")
    series["dp_spend_per_recipient_gbp"] = series["year"].map(mine["dp_spend_per_recipient_gbp"])
    series["definition_basis"] = series["year"].map(eng["definition_basis"])
    have = series.dropna(subset=["council"])
    latest_run = same_definition_run(series, have["year"].iloc[-1]) if len(have) else []
    series["in_latest_run"] = series["year"].isin(latest_run)
    ranked = _ranked(year)
    hit = ranked[ranked["council_code"] == code]
    rank = int(hit["rank"].iloc[0]) if len(hit) else None
    at = series.set_index("year").loc[year]
    ctype = own_type.get(year, row["council_type"])
    comparison = pd.DataFrame(
        {
            "label": [row["council_name"], "England", f"{row['region']} median", f"{ctype} median"],
            "value": [at["council"], at["england"], at["region_median"], at["type_median"]],
        }
    )
    b = Briefing(
        row["council_name"],
        row["gss_code"],
        code,
        row["region"],
        ctype,
        year,
        series,
        comparison,
        rank,
        len(ranked),
        list(shared["changes"]),
    )
    b.sentences = sentences.sentences(b)
    b.later = later_values(code)
    b.articles = articles_for(code)
    b.article_sentences = sentences.article_claims(b.name, b.articles)
    b.ascof = ascof_series(code)
    b.ascof_sentences = sentences.ascof_series(b.ascof)
    return b


def articles_for(council_code: str) -> list[dict]:
    """The register figures naming the council, with the articles and the claims check's proxy view
    (see :func:`pbanalysis.outputs.sentences.article_claims` for the fields); empty when none."""
    return [dict(r) for r in _shared()["named"].get(council_code, [])]


def ascof_series(council_code: str) -> dict:
    """The council's ASCOF self-directed support and direct payments, 2017-18 to 2023-24, with its rank
    each year, its status (published, not published or boundary changed) and its flagged jumps."""
    from pbanalysis.analysis import what_next

    t = what_next.council_trend(council_code)
    return {**t, "jumps": [{k: _plain(v) for k, v in j.items()} for j in t["jumps"]]}


def _plain(v):
    """A JSON-ready scalar (numpy numbers and booleans to Python's)."""
    return v.item() if hasattr(v, "item") else v


def later_values(council_code: str) -> dict:
    """The council's ASCOF 1C values for 2020-21 (percent, people) beside England's, and a sentence.

    Returns a dict: ``year``; ``council`` (the :func:`pbanalysis.analysis.what_next.council_value`
    record: ``sds_pct``/``dp_pct`` in percent with numerators and denominators in people,
    None where suppressed or where the boundary changed); ``england`` (England's values);
    ``measures`` (their exact names); ``sentence`` (generated from those numbers) and ``note``
    (that the measure is neither NI 130 nor the PSS-EX1 count).
    """
    from pbanalysis.analysis import what_next

    v = what_next.council_value(council_code)
    eng = what_next.england()
    return {
        "year": what_next.YEAR,
        "council": {key: val for key, val in v.items() if key != "query"},
        "england": eng,
        "measures": dict(what_next.MEASURE_NAMES),
        "sentence": sentences.later(v, eng, what_next.YEAR),
        "note": what_next.NOT_THE_SAME,
    }


#: The numbers table of a pack (HTML and Word): (header, series column, kind).
TABLE_COLUMNS = [
    ("Year", "year", "text"),
    ("Count basis", "definition_basis", "basis"),
    ("People on direct payments at 31 March", "dp_clients_31mar", "count"),
    ("{council} proxy take-up", "council", "pct"),
    ("{region} median", "region_median", "pct"),
    ("{council_type} median", "type_median", "pct"),
    ("England", "england", "pct"),
    ("Direct-payment spend per recipient", "dp_spend_per_recipient_gbp", "gbp"),
]
#: Field names of the Word template's table rows, in the order of :data:`TABLE_COLUMNS`.
DOCX_FIELDS = ["year", "basis", "people", "council", "region_median", "type_median", "england", "spend"]


#: Kinds of table column whose cells are right-aligned.
NUMERIC_KINDS = ("count", "pct", "gbp", "rank")


def _cell_class(kind: str) -> str:
    return "num" if kind in NUMERIC_KINDS else "year" if kind == "text" else "txt"


def format_value(value: object, kind: str, flag: str = "") -> str:
    """A table cell, printed by :mod:`pbanalysis.core.format`: counts and pounds whole with
    separators (1,585; £11,855), percentages to one decimal (12.3%), and a missing value as its
    symbol ([c] suppressed, [x] not available, [z] not applicable, from its PSS-EX1 mark)."""
    if kind == "text":
        return fmt.year(value)
    if kind == "basis":
        return sentences.BASIS_SHORT.get(value, str(value)) if not fmt.is_missing(value) else "[x]"
    return {"count": fmt.count, "gbp": fmt.gbp, "pct": fmt.pct}[kind](value, flag or None)


def table_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    """The numbers table of a pack: (headers, rows of formatted cells), one row per year."""
    names = {"council": b.name, "region": b.region, "council_type": b.council_type}
    headers = [h.format(**names) for h, _, _ in TABLE_COLUMNS]
    rows = []
    for _, r in b.series.iterrows():
        flag = r.get("dp_clients_31mar_flag", "") or ""
        rows.append(
            [format_value(r[col], kind, flag if col == "dp_clients_31mar" else "") for _, col, kind in TABLE_COLUMNS]
        )
    return headers, rows


def table_notes(rows: list[list[str]]) -> list[str]:
    """The notes under a pack's numbers table: the units, then each missing-value symbol it uses."""
    used = {cell for row in rows for cell in row}
    return [
        "Proxy take-up and the medians in %; the region and type columns are medians of their councils; "
        "spend is gross spend on direct payments per recipient, £ a year."
    ] + [f"{sym}: {meaning}." for sym, meaning in fmt.SYMBOLS.items() if sym in used]


#: The ASCOF table of a pack (HTML and Word): (header, field of a year of ``Briefing.ascof``, kind).
ASCOF_COLUMNS = [
    ("Year", "year", "text"),
    ("Value for", "area_name", "area"),
    ("Self-directed support, %", "sds_pct", "pct"),
    ("Rank on self-directed support (1 = highest)", "sds_rank", "rank"),
    ("Direct payments, %", "dp_pct", "pct"),
    ("Rank on direct payments (1 = highest)", "dp_rank", "rank"),
]
#: Field names of the Word template's ASCOF rows, in the order of :data:`ASCOF_COLUMNS`.
ASCOF_DOCX_FIELDS = ["year", "area", "sds", "sds_rank", "dp", "dp_rank"]


def ascof_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    """The pack's ASCOF table: (headers, rows of formatted cells), one row per year 2017-18 to 2023-24.

    A year after a boundary change prints [z] and names the successor councils in its "Value for"
    cell (never their values); a year with no published value prints [x]; ranks print "91 of 147"."""
    headers = [h for h, _, _ in ASCOF_COLUMNS]
    rows = []
    for y in b.ascof.get("years", []):
        sym = {"boundary_changed": "[z]", "not_published": "[x]"}.get(y["status"], "[x]")
        row = []
        for _, key, kind in ASCOF_COLUMNS:
            v = y.get(key)
            if kind == "text":
                row.append(fmt.year(v) + (" (new framework)" if y["definition_break"] else ""))
            elif kind == "area":
                row.append(
                    "boundary changed: area part of " + " and ".join(y["successors"])
                    if y["status"] == "boundary_changed"
                    else str(v)
                )
            elif kind == "rank":
                of = y[key.replace("rank", "of")]
                row.append(sym if v is None else f"{fmt.count(v)} of {fmt.count(of)}")
            else:
                row.append(sym if v is None else fmt.pct(v))
        rows.append(row)
    return headers, rows


def ascof_notes(b: Briefing, rows: list[list[str]]) -> list[str]:
    """The notes under a pack's ASCOF table: what the measures are, the framework change, the rule for
    flagged jumps, then each missing-value symbol it uses."""
    used = {cell for row in rows for cell in row}
    a = b.ascof
    out = [
        "Shares of people using social care (long-term community support) who receive self-directed support "
        "(ASCOF 1C(1A), 3D1A from 2023-24) and direct payments (1C(2A), 3D2A from 2023-24); a different "
        "measure from the proxy and from NI 130, " + a.get("source", "") + ".",
        a.get("break_text", "").rstrip(".") + ".",
        a.get("jump_rule", "")[:1].upper() + a.get("jump_rule", "")[1:] + ".",
    ]
    meanings = {
        "[x]": f"{fmt.SYMBOLS['[x]']}: no published value",
        "[z]": f"{fmt.SYMBOLS['[z]']}: the council's boundary had changed, and another area's value is not its own",
    }
    return out + [f"{sym}: {meanings[sym]}." for sym in ("[x]", "[z]") if sym in used]


def ascof_table(b: Briefing) -> Table:
    """The pack's ASCOF table as a reader's table (:class:`pbanalysis.outputs.tables.Table`), for the notebook."""
    headers, rows = ascof_rows(b)
    keys = [key for _, key, _ in ASCOF_COLUMNS]
    notes = [n for n in ascof_notes(b, rows) if n[:3] not in fmt.SYMBOLS]
    return Table(
        pd.DataFrame(rows, columns=keys),
        [Column(key, h) for key, h in zip(keys, headers)],
        f"{b.name}: ASCOF self-directed support and direct payments, and rank among councils, by year",
        ascof_source().removeprefix("Source: "),
        notes=notes,
        name="ascof_years",
    )


def ascof_source() -> str:
    """The source line of the ASCOF series (compiled from NHS Digital's ASCOF files)."""
    return datapackage.source_line(paths.ASCOF_TREND_CSV.stem.replace("_", "-"), package=datapackage.project_package())


def source_line(years: list[str] | None = None) -> str:
    """The PSS-EX1 source line (from data/datapackage.json) for ``years`` (all years when None)."""
    return datapackage.source_line("pssex1-activity", years, package=datapackage.project_package())


def later_source() -> str:
    """The source line of the 2020-21 ASCOF values (from data/datapackage.json)."""
    return datapackage.source_line("ascof-1c-2020-21", package=datapackage.project_package())


def chart_source(years: list[str] | None = None, later: bool = False) -> str:
    """The short source line a pack chart carries: who published what, for which years.

    The full line (retrieval date and licence) is on the pack's page and in its Word document."""
    credits = [datapackage.source_line("pssex1-activity", years, package=datapackage.project_package(), short=True)]
    if later:
        credits.append(datapackage.source_line("ascof-1c-2020-21", package=datapackage.project_package(), short=True))
    return "Source: " + "; ".join(credits) + "."


def definitions_note(b: Briefing) -> str:
    """What the count means in each year, from the data (which years use which definition)."""
    s = b.series
    parts = []
    for basis, g in s.groupby("definition_basis", sort=False):
        parts.append(f"{', '.join(g['year'])}: {measures.BASIS_LABEL.get(basis, basis)}")
    return "Count of people by year: " + "; ".join(parts) + "."


#: The ASCOF measure the pack's trend chart draws after the proxy (direct payments, as the proxy counts).
LATER_MEASURE = "ASCOF direct payments (1C(2A); 3D2A from 2023-24)"


def _later_series(b: Briefing) -> dict | None:
    """The council's and England's ASCOF direct-payments share (%) by year, 2017-18 to 2023-24, that the
    trend chart draws after its measure change (None where the council has no value of its own)."""
    if not b.ascof:
        return None
    from pbanalysis.analysis import what_next

    eng = what_next.england_series(what_next.DP).set_index("year")["value"]
    years = [y["year"] for y in b.ascof["years"]]
    gone = [y for y in b.ascof["years"] if y["status"] == "boundary_changed"]
    return {
        "years": years,
        "council": [y["dp_pct"] if y["status"] == "published" else None for y in b.ascof["years"]],
        "england": [float(eng[y]) for y in years],
        "measure": LATER_MEASURE,
        "break_year": what_next.BREAK_YEAR,
        "gone_from": gone[0]["year"] if gone else None,
        "note": (
            f"From {gone[0]['year']} {b.name}'s boundary had changed (its area was part of "
            f"{' and '.join(gone[0]['successors'])}): no value is drawn."
            if gone
            else ""
        ),
    }


def chart_source_series(years: list[str] | None = None) -> str:
    """The short source line of the pack's trend chart: PSS-EX1 for the proxy, then the ASCOF series
    (compiled from NHS Digital's ASCOF files)."""
    pkg = datapackage.project_package()
    credits = [
        datapackage.source_line("pssex1-activity", years, package=pkg, short=True),
        datapackage.source_line(paths.ASCOF_TREND_CSV.stem.replace("_", "-"), package=pkg, short=True),
    ]
    return "Source: " + "; ".join(credits) + "."


def trend_chart(b: Briefing, size: str = PACK_SIZE) -> tuple:
    """The pack's trend chart: proxy take-up by year, then the council's ASCOF direct-payments share
    2017-18 to 2023-24 after a marked measure change (broken again at 2023-24). Returns (figure, alt
    text, numbers)."""
    from pbanalysis.charts import figures

    later = _later_series(b)
    src = chart_source_series() if later else chart_source()
    return figures.council_series(b.series, b.name, b.definition_changes, src, size, later=later)


def build_pack(
    council: str,
    out_dir: Path | str | None = None,
    year: str | None = None,
    svg: bool = False,
    docx: bool = True,
    size: str = PACK_SIZE,
) -> Briefing:
    """Write one council's pack to ``reports/briefings/<slug>/`` and return its numbers.

    The pack: ``index.html``, each chart as a PNG (``size``: A4 half page by default, 300 ppi
    at the 170 mm it prints at, so the same PNG goes into the Word document) with alt text and
    numbers, ``numbers.json`` and (``docx=True``) ``<slug>-personal-budgets.docx``. ``svg=True``
    adds each chart as SVG, for editing (the same chart as ``python -m pbanalysis chart``)."""
    from pbanalysis.charts import figures, files, style

    b = council_numbers(council, year)
    folder = paths.briefing_dir(b.slug, out_dir)
    src = source_line()  # "Source: ... Licence: ...", printed as it is
    makers = {
        "council_trend": lambda size: trend_chart(b, size),
        "council_comparison": lambda size: figures.council_comparison(
            b.comparison, b.name, b.year, chart_source([b.year]), size
        ),
    }
    formats = ("png", "svg") if svg else ("png",)
    blocks, word_charts = [], []
    for name, make in makers.items():
        fig, alt, numbers = make(size)
        title = fig.texts[0].get_text().replace("\n", " ")
        written = files.save(fig, name, alt, numbers, folder, formats)
        blocks.append({"png": f"{name}.png", "svg": f"{name}.svg" if svg else "", "alt": alt})
        if docx:
            png = next((p for p in written if p.suffix == ".png"), None)
            if png is None or size != DOCX_SIZE:
                fig, alt, _ = make(DOCX_SIZE)
                data_png = files.fig_bytes(fig, "png")
                style.plt.close(fig)
            else:
                data_png = png.read_bytes()
            word_charts.append({"title": title, "alt": alt, "png": data_png})
    headers, rows = table_rows(b)
    ascof_headers, ascof_cells = ascof_rows(b)
    kinds = [kind for _, _, kind in TABLE_COLUMNS]
    meta = f"GSS {b.gss_code} · {b.region} · {b.council_type} · latest year {b.year}"
    page = pages.render(
        "briefing.html.j2",
        title=f"{b.name}: personal budgets and direct payments",
        meta=meta,
        sentences=b.sentences,
        charts=blocks,
        table={
            "title": f"{b.name}: proxy take-up, people on direct payments and spend per recipient, by year",
            "headers": [{"label": h, "cls": _cell_class(k)} for h, k in zip(headers, kinds)],
            "rows": rows,
            "notes": table_notes(rows),
        },
        source=src,
        articles=b.article_sentences,
        ascof_sentences=b.ascof_sentences,
        ascof_table={
            "title": f"{b.name}: ASCOF self-directed support and direct payments, and rank among councils, by year",
            "headers": [{"label": h, "cls": _cell_class(k)} for h, (_, _, k) in zip(ascof_headers, ASCOF_COLUMNS)],
            "rows": ascof_cells,
            "notes": ascof_notes(b, ascof_cells),
        },
        ascof_source=ascof_source(),
        later=b.later["sentence"],
        later_note=b.later["note"],
        later_source=later_source(),
        definitions=definitions_note(b),
        proxy=data.PROXY_DEFINITION,
    )
    write_text(folder / "index.html", page)
    write_text(folder / "numbers.json", json.dumps(b.numbers(), indent=2, sort_keys=True) + "\n")
    if docx:
        from pbanalysis.outputs import briefing_docx

        briefing_docx.write(
            paths.briefing_docx(b.slug, out_dir),
            {
                "title": f"{b.name}: personal budgets and direct payments",
                "meta": meta,
                "council": b.name,
                "region": b.region,
                "council_type": b.council_type,
                "sentences": b.sentences,
                "rows": [dict(zip(DOCX_FIELDS, row)) for row in rows],
                "articles": b.article_sentences,
                "ascof_sentences": b.ascof_sentences,
                "ascof_title": f"{b.name}: ASCOF self-directed support and direct payments, and rank, by year",
                "ascof_rows": [dict(zip(ASCOF_DOCX_FIELDS, row)) for row in ascof_cells],
                "ascof_notes": ascof_notes(b, ascof_cells),
                "ascof_source": ascof_source(),
                "table_notes": table_notes(rows),
                "definitions": definitions_note(b)
                + " What happened next: "
                + b.later["sentence"]
                + " "
                + b.later["note"],
                "proxy": data.PROXY_DEFINITION,
                "source": src + " " + later_source(),
            },
            word_charts,
        )
    return b


def _one(args):
    council, out_dir, docx, svg = args
    b = build_pack(council, out_dir, docx=docx, svg=svg)
    gc.collect()  # closed figures hold reference cycles; without this a worker grows by ~10 MiB a council
    if not gc.get_freeze_count():
        # What outlives the first pack (modules, tables, caches) lives for the whole batch: freeze it,
        # so each later collection scans only the new pack's objects (about 7 ms, not 80).
        gc.freeze()
    return b.name, b.slug, b.region, b.rank, b.of


def _some(jobs: list) -> list:
    return [_one(j) for j in jobs]


def _run_shared(jobs: list, progress) -> list:
    """Run ``jobs`` in this process and one forked helper, each taking the next few as it is free.

    Two processes use both cores of the machines this runs on, and keeping the parent at work
    (rather than idle beside two workers) keeps the batch to two processes' memory."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    rows: list = [None] * len(jobs)
    queue = list(enumerate(jobs))[::-1]  # popped from the end: in order
    pending: dict = {}

    def hand_over(pool) -> None:
        chunk = [queue.pop() for _ in range(min(CHUNK, len(queue)))]
        if chunk:
            pending[pool.submit(_some, [j for _, j in chunk])] = [i for i, _ in chunk]

    def collect(done) -> None:
        for fut in done:
            for i, row in zip(pending.pop(fut), fut.result()):
                rows[i] = row
                progress.update()

    with ProcessPoolExecutor(1) as pool:
        hand_over(pool)
        hand_over(pool)  # one chunk queued behind the running one: the helper never waits
        while queue:
            i, job = queue.pop()
            rows[i] = _one(job)
            progress.update()
            collect([f for f in pending if f.done()])
            while len(pending) < 2 and queue:
                hand_over(pool)
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            collect(done)
    return rows


#: Councils handed to the helper process at a time.
CHUNK = 4


def build_all(
    out_dir: Path | str | None = None,
    councils: list[str] | None = None,
    progress: bool = True,
    processes: int | None = None,
    docx: bool = True,
    svg: bool = False,
) -> Path:
    """Every council's pack plus an index page (``svg``: charts as SVG too).

    ``processes``: 1 draws every pack in this process; 2 (the default on a machine with two or
    more cores) shares them with one forked helper process."""
    from tqdm import tqdm

    _, lookup = _tables()
    names = councils or measures.list_councils(lookup)
    out_dir = Path(out_dir or paths.BRIEFINGS_DIR)
    processes = processes or min(2, os.cpu_count() or 1)
    jobs = [(n, out_dir, docx, svg) for n in names]
    with tqdm(total=len(jobs), desc="briefings", disable=not progress, unit="council") as bar:
        if processes > 1 and len(jobs) > 2 * CHUNK:
            rows = _run_shared(jobs, bar)
        else:
            rows = []
            for j in jobs:
                rows.append(_one(j))
                bar.update()
    page = pages.render(
        "briefings.html.j2",
        rows=[
            {
                "name": n,
                "slug": slug,
                "region": r,
                "rank": "[x]" if rk is None else f"{fmt.count(rk)} of {fmt.count(of)}",
                "rank_sort": "" if rk is None else str(rk),
            }
            for n, slug, r, rk, of in rows
        ],
        notes=["[x]: no proxy take-up in the latest year, so no rank."] if any(row[3] is None for row in rows) else [],
    )
    write_text(out_dir / "index.html", page)
    return out_dir / "index.html"
