"""One council's briefing pack: its tables, source lines, charts, HTML page and Word document.

:func:`build_pack` takes the council's numbers (:func:`council_numbers`, from
:mod:`pbanalysis.outputs.briefing_numbers`) and writes its pack: HTML page, charts (drawn by
:mod:`pbanalysis.charts.figures`, which only draws), ``numbers.json`` and the Word document
(:mod:`pbanalysis.outputs.briefing_docx`). The briefing notebook and ``make briefings``
(:func:`pbanalysis.outputs.packs.build_all`) call the same functions, so they give identical
numbers and sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pbanalysis.analysis import claims, measures
from pbanalysis.core import columns, keys, paths
from pbanalysis.core import format as fmt
from pbanalysis.core.atomic import write_text
from pbanalysis.dataset import data, datapackage
from pbanalysis.outputs import pages, sentences
from pbanalysis.outputs.briefing_numbers import Briefing, council_numbers, england_ascof, slugify
from pbanalysis.outputs.tables import Column, Table

__all__ = ["PACK_CHARTS", "PACK_SIZE", "Briefing", "build_pack", "council_numbers", "slugify", "trend_chart"]

#: The charts in every pack.
PACK_CHARTS = ("council_trend", "council_comparison")
#: Chart size in a pack, and in its Word document (printed across the A4 text width).
PACK_SIZE = DOCX_SIZE = "a4half"


#: The numbers table of a pack (HTML and Word): (header, series column, kind).
TABLE_COLUMNS = [
    # (column dictionary entry, qualifier after its label, field of a row, kind): each header is the
    # dictionary's (pbanalysis.core.columns), so a pack labels a column as every other table does.
    ("year", "", "year", "text"),
    ("count_basis", "", keys.DEFINITION_BASIS, "basis"),
    (keys.DP_CLIENTS_31MAR, "", keys.DP_CLIENTS_31MAR, "count"),
    (keys.PROXY_TAKEUP_PCT, "{council}", "council", "pct"),
    (keys.PROXY_TAKEUP_PCT, "{region} median", "region_median", "pct"),
    (keys.PROXY_TAKEUP_PCT, "{council_type} median", "type_median", "pct"),
    (keys.PROXY_TAKEUP_PCT, "England", "england", "pct"),
    (keys.DP_SPEND_PER_RECIPIENT_GBP, "", keys.DP_SPEND_PER_RECIPIENT_GBP, "gbp"),
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


#: The marker beside a value the data-quality rules flag (:mod:`pbanalysis.analysis.quality`): the value
#: keeps its number, and the notes under the table say which rule and what it may mean.
FLAG_MARK = "†"
#: The column of the column dictionary behind each flagged column of a pack's tables; the
#: data-quality measures a value rests on come from there (:func:`pbanalysis.analysis.quality.measures_of`).
FLAG_COLUMNS = {
    keys.DP_CLIENTS_31MAR: keys.DP_CLIENTS_31MAR,
    "council": keys.PROXY_TAKEUP_PCT,
    keys.DP_SPEND_PER_RECIPIENT_GBP: keys.DP_SPEND_PER_RECIPIENT_GBP,
    "sds_pct": "ascof_sds_pct",
    "dp_pct": "ascof_dp_pct",
}


def _pack_flags(b: Briefing) -> pd.DataFrame:
    """The data-quality flags on the council's values (every GSS code its values carry)."""
    from pbanalysis.analysis import quality

    codes = {b.gss_code, *(y.get("gss_code") for y in b.ascof.get("years", []) if y.get("gss_code"))}
    return quality.flags_for(codes)


def _flagged(b: Briefing) -> set[tuple[str, str]]:
    """(year, pack column) of every flagged value of the council's tables."""
    from pbanalysis.analysis import quality

    f = _pack_flags(b)
    return {
        (y, col)
        for y, m in zip(f["year"], f["measure"])
        for col, c in FLAG_COLUMNS.items()
        if m in quality.measures_of(c)
    }


def flag_notes(b: Briefing, measures_: tuple[str, ...]) -> list[str]:
    """One note per data-quality rule that flags a value of ``measures_`` in the pack's tables: the marker,
    the rule, the years and measures it flags, and what it may mean."""
    from pbanalysis.analysis import quality

    f = _pack_flags(b)
    f = f[f["measure"].isin(measures_)]
    out = []
    for rule, g in f.groupby("rule", sort=False):
        where = "; ".join(
            f"{quality.MEASURES[m].split(' (')[0].lower()} in {sentences._joined(sorted(set(h['year'])))}"
            for m, h in g.groupby("measure", sort=True)
        )
        meaning = quality.RULES[rule].meaning
        out.append(f"{FLAG_MARK} Flagged: {quality.RULES[rule].name} ({where}). {meaning}")
    return out


def _marked(cell: str, flagged: bool) -> str:
    return f"{cell} {FLAG_MARK}" if flagged and cell not in fmt.SYMBOLS else cell


def table_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    """The numbers table of a pack: (headers, rows of formatted cells), one row per year; a value the
    data-quality rules flag keeps its number, with :data:`FLAG_MARK` beside it."""
    names = {"council": b.name, "region": b.region, "council_type": b.council_type}
    headers = [columns.header(entry, qualifier, **names) for entry, qualifier, _, _ in TABLE_COLUMNS]
    flagged = _flagged(b)
    rows = []
    for _, r in b.series.iterrows():
        flags = {keys.DP_CLIENTS_31MAR: r.get(keys.DP_CLIENTS_31MAR_FLAG, ""), "council": r.get("council_flag", "")}
        rows.append(
            [
                _marked(format_value(r[col], kind, flags.get(col) or ""), (r["year"], col) in flagged)
                for _, _, col, kind in TABLE_COLUMNS
            ]
        )
    return headers, rows


def table_notes(rows: list[list[str]], b: Briefing | None = None) -> list[str]:
    """The notes under a pack's numbers table: the units, each missing-value symbol it uses, then each
    data-quality rule that flags one of its values."""
    used = {cell for row in rows for cell in row}
    flags = flag_notes(b, ("dp_count", "proxy_takeup", "dp_spend_per_recipient")) if b is not None else []
    return (
        [
            "Proxy take-up and the medians in %; the region and type columns are medians of their councils; "
            "spend is gross spend on direct payments per recipient, £ a year in cash terms (not adjusted for inflation)."
        ]
        + [f"{sym}: {meaning}." for sym, meaning in fmt.SYMBOLS.items() if sym in used]
        + (flags if any(FLAG_MARK in c for c in used) else [])
    )


#: The ASCOF table of a pack (HTML and Word): (header, field of a year of ``Briefing.ascof``, kind).
ASCOF_COLUMNS = [
    # (header from the column dictionary, field of a year of ``Briefing.ascof``, kind).
    (columns.header("year"), "year", "text"),
    (columns.header("area"), "area_name", "area"),
    (columns.header("ascof_sds_pct"), "sds_pct", "pct"),
    (columns.header("rank", "self-directed support"), "sds_rank", "rank"),
    (columns.header("ascof_dp_pct"), "dp_pct", "pct"),
    (columns.header("rank", "direct payments"), "dp_rank", "rank"),
]
#: Field names of the Word template's ASCOF rows, in the order of :data:`ASCOF_COLUMNS`.
ASCOF_DOCX_FIELDS = ["year", "area", "sds", "sds_rank", "dp", "dp_rank"]


def ascof_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    """The pack's ASCOF table: (headers, rows of formatted cells), one row per year 2017-18 to 2023-24.

    A year after a boundary change prints [z] and names the successor councils in its "Value for"
    cell (never their values); a year with no published value prints [x]; ranks print "91 of 147"."""
    headers = [h for h, _, _ in ASCOF_COLUMNS]
    flagged = _flagged(b)
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
                    else b.name  # one spelling of the council's name in its pack
                    if y["status"] == "published"
                    else str(v)
                )
            elif kind == "rank":
                of = y[key.replace("rank", "of")]
                short = y.get(key + "_short") or ""
                if v is None:
                    row.append(short or sym)
                else:
                    row.append(f"{'=' if short.startswith('=') else ''}{fmt.count(v)} of {fmt.count(of)}")
            else:
                row.append(sym if v is None else _marked(fmt.pct(v), (y["year"], key) in flagged))
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
    if any(c.startswith("=") for row in rows for c in row):
        out.append("A rank with '=' is shared: councils with the same value share the best rank of their group.")
    out += [f"{sym}: {meanings[sym]}." for sym in ("[x]", "[z]") if sym in used]
    if any(FLAG_MARK in c for c in used):
        out += flag_notes(b, ("sds", "dp"))
    return out


def ascof_table(b: Briefing) -> Table:
    """The pack's ASCOF table as a reader's table (:class:`pbanalysis.outputs.tables.Table`), for the notebook."""
    headers, rows = ascof_rows(b)
    keys = [key for _, key, _ in ASCOF_COLUMNS]
    notes = [n for n in ascof_notes(b, rows) if n[:3] not in fmt.SYMBOLS]  # the symbols are the Table's own
    return Table(
        pd.DataFrame(rows, columns=keys),
        [Column(key, h) for key, h in zip(keys, headers)],
        f"{b.name}: ASCOF self-directed support and direct payments, and rank among councils, by year",
        datapackage.source_line(datapackage.ASCOF_SERIES, prefix=False),
        notes=notes,
        name="ascof_years",
    )


def definitions_note(b: Briefing) -> str:
    """What the count means in each year, from the data (which years use which definition)."""
    s = b.series
    parts = []
    for basis, g in s.groupby(keys.DEFINITION_BASIS, sort=False):
        parts.append(f"{', '.join(g['year'])}: {measures.BASIS_LABEL.get(basis, basis)}")
    return "Count of people by year: " + "; ".join(parts) + "."


#: The ASCOF measure the pack's trend chart draws after the proxy: self-directed support, what the
#: pack's sentences beside it speak of (direct payments are in the table under it).
LATER_MEASURE = "ASCOF self-directed support (1C(1A); 3D1A from 2023-24)"


def _later_series(b: Briefing) -> dict | None:
    """The council's and England's ASCOF self-directed support share (%) by year, 2017-18 to 2023-24,
    that the trend chart draws after its measure change (None where the council has no value of its own)."""
    if not b.ascof:
        return None
    from pbanalysis.analysis import what_next

    eng = england_ascof()
    years = [y["year"] for y in b.ascof["years"]]
    gone = [y for y in b.ascof["years"] if y["status"] == "boundary_changed"]
    return {
        "years": years,
        "council": [y["sds_pct"] if y["status"] == "published" else None for y in b.ascof["years"]],
        "england": [eng[y]["sds"] for y in years],
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


def trend_chart(b: Briefing, size: str = PACK_SIZE) -> tuple:
    """The pack's trend chart: proxy take-up by year, then the council's ASCOF self-directed support share
    2017-18 to 2023-24 after a marked measure change (broken again at 2023-24). Returns (figure, alt
    text, numbers)."""
    from pbanalysis.charts import figures

    later = _later_series(b)
    # A pack's chart carries the short line (who published what, for which years): the full line,
    # with retrieval date and licence, is on the pack's page and in its Word document. The trend
    # chart names the ASCOF series it draws after the proxy.
    src = datapackage.source_line(datapackage.PSSEX1, *([datapackage.ASCOF_SERIES] if later else []), form="short")
    return figures.council_series(b.series, b.name, b.definition_changes, src, size, later=later)


def comparison_chart(b: Briefing, size: str = PACK_SIZE) -> tuple:
    """The pack's comparison chart: the council against England, its region and its type in ``b.year``.
    Returns (figure, alt text, numbers)."""
    from pbanalysis.charts import figures

    return figures.council_comparison(
        b.comparison, b.name, b.year, datapackage.source_line(datapackage.PSSEX1, years=[b.year], form="short"), size
    )


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
    from pbanalysis.charts import files, style

    b = council_numbers(council, year)
    folder = paths.briefing_dir(b.slug, out_dir)
    src = datapackage.source_line(datapackage.PSSEX1)  # "Source: ... Licence: ...", printed as it is
    makers = {
        "council_trend": lambda size: trend_chart(b, size),
        "council_comparison": lambda size: comparison_chart(b, size),
    }
    formats = ("png", "svg") if svg else ("png",)
    blocks, word_charts = {}, []
    for name, make in makers.items():
        fig, alt, numbers = make(size)
        title = fig.texts[0].get_text().replace("\n", " ")
        written = files.save(fig, name, alt, numbers, folder, formats)
        blocks[name] = {"png": f"{name}.png", "svg": f"{name}.svg" if svg else "", "alt": alt}
        if docx:
            png = next((p for p in written if p.suffix == ".png"), None)
            if png is None or size != DOCX_SIZE:
                fig, alt, _ = make(DOCX_SIZE)
                data_png = files.fig_bytes(fig, "png")
                style.plt.close(fig)
            else:
                data_png = png.read_bytes()
            word_charts.append({"name": name, "title": title, "alt": alt, "png": data_png})
    headers, rows = table_rows(b)
    ascof_headers, ascof_cells = ascof_rows(b)
    kinds = [kind for _, _, _, kind in TABLE_COLUMNS]
    latest = b.ascof["years"][-1]["year"] if b.ascof.get("years") else b.year
    years = list(b.series["year"])
    earlier = f"{years[0]} to {years[-1]}"
    meta = f"GSS {b.gss_code} · {b.region} · {b.council_type} · latest ASCOF year {latest} · earlier years {earlier}"
    page = pages.render(
        "briefing.html.j2",
        title=f"{b.name}: personal budgets and direct payments",
        meta=meta,
        name=b.name,
        latest=latest,
        earlier=earlier,
        now_sentences=b.now_sentences + b.quality_sentences,
        sentences=b.sentences + b.earlier_quality_sentences,
        charts=[blocks["council_comparison"]],
        trend_chart=blocks["council_trend"],
        table={
            "title": f"{b.name}: proxy take-up, people on direct payments and spend per recipient, by year",
            "headers": [{"label": h, "cls": _cell_class(k)} for h, k in zip(headers, kinds)],
            "rows": rows,
            "notes": table_notes(rows, b),
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
        ascof_source=datapackage.source_line(datapackage.ASCOF_SERIES),
        later=b.later["sentence"],
        later_note=b.later["note"],
        later_source=datapackage.source_line(datapackage.ASCOF_2020_21),
        definitions=definitions_note(b),
        proxy=data.PROXY_DEFINITION + " " + claims.proxy_note(),
        docx=paths.briefing_docx(b.slug, out_dir).name if docx else "",
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
                # The Word pack follows the page: where the council stands now, what the articles
                # said, then the earlier years.
                "latest": latest,
                "earlier": earlier,
                "now_sentences": b.now_sentences + b.quality_sentences,
                "sentences": b.sentences + b.earlier_quality_sentences,
                "rows": [dict(zip(DOCX_FIELDS, row)) for row in rows],
                "headers": dict(zip(DOCX_FIELDS, headers)),
                "articles": b.article_sentences,
                "ascof_sentences": b.ascof_sentences,
                "ascof_title": f"{b.name}: ASCOF self-directed support and direct payments, and rank, by year",
                "ascof_rows": [dict(zip(ASCOF_DOCX_FIELDS, row)) for row in ascof_cells],
                "ascof_headers": dict(zip(ASCOF_DOCX_FIELDS, ascof_headers)),
                "ascof_notes": ascof_notes(b, ascof_cells),
                "ascof_source": datapackage.source_line(datapackage.ASCOF_SERIES),
                "table_notes": table_notes(rows, b),
                "later": b.later["sentence"],
                "later_note": b.later["note"],
                "later_source": datapackage.source_line(datapackage.ASCOF_2020_21),
                "definitions": definitions_note(b),
                "proxy": data.PROXY_DEFINITION + " " + claims.proxy_note(),
                "table_title": f"{b.name}: proxy take-up, people on direct payments and spend per recipient, by year",
                "table_source": src,
            },
            word_charts,
        )
    return b
