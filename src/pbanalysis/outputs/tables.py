"""Tables for readers: the one presentation layer for every table a notebook or page shows.

A :class:`Table` takes a data frame and a list of :class:`Column` specs (the column, its header in
words with its unit, and how its values print) and renders HTML with a title, the headers, no row
index, numbers through :mod:`pbanalysis.core.format`, the symbol of every missing value, a note
explaining each symbol used, and a source line. In a notebook it displays itself; the HTML export
shows the same. :meth:`Table.frame` gives the printed cells, and :meth:`Table.data` the typed
values, for a CSV or a spreadsheet.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pbanalysis.core import format as fmt

#: How each kind of column prints its values.
KINDS: dict[str, Callable[..., str]] = {
    "count": fmt.count,
    "pct": fmt.pct,
    "gbp": fmt.gbp,
    "gbp_million": fmt.gbp_million,
    "number": fmt.number,
    "year": fmt.year,
}
#: Kinds whose cells are right-aligned.
NUMERIC = {"count", "pct", "gbp", "gbp_million", "number", "rank"}


@dataclass(frozen=True)
class Column:
    """One column of a reader's table.

    ``key``: the data frame's column; ``label``: its header, in words with the unit; ``kind``: one of
    count, pct, gbp, gbp_million, number, year, rank, text, id (a register figure id, shown as code)
    or html (already escaped); ``flag``: the column holding each value's PSS-EX1 source mark, so a
    missing value shows the right symbol."""

    key: str
    label: str
    kind: str = "text"
    flag: str | None = None

    def cell(self, row: pd.Series) -> str:
        v = row[self.key]
        if self.kind in KINDS:
            if fmt.is_missing(v):
                return fmt.symbol(row[self.flag] if self.flag else None)
            return KINDS[self.kind](v)
        if self.kind == "rank":
            return "[x]" if fmt.is_missing(v) else fmt.count(v)
        if fmt.is_missing(v) or v == "":
            return "[x]"
        return str(v)


@dataclass
class Table:
    """A table for readers: a title, typed columns, notes and a source line."""

    df: pd.DataFrame
    columns: Sequence[Column]
    title: str
    source: str
    notes: Sequence[str] = field(default_factory=tuple)
    #: A short id for the page anchor (and the name of its CSV download).
    name: str = ""

    def __post_init__(self) -> None:
        missing = [c.key for c in self.columns if c.key not in self.df.columns]
        if missing:
            raise KeyError(f"table {self.title!r}: no column {missing} in the data")

    def rows(self) -> list[list[str]]:
        """Every cell as printed, row by row."""
        return [[c.cell(r) for c in self.columns] for _, r in self.df.iterrows()]

    def frame(self) -> pd.DataFrame:
        """The printed table as a data frame of strings, headed by the labels."""
        return pd.DataFrame(self.rows(), columns=[c.label for c in self.columns])

    def data(self) -> pd.DataFrame:
        """The typed values under the labels: what a CSV or a workbook sheet holds."""
        out = self.df[[c.key for c in self.columns]].copy()
        out.columns = [c.label for c in self.columns]
        return out.reset_index(drop=True)

    def symbols_used(self) -> list[str]:
        seen = {cell for row in self.rows() for cell in row if cell in fmt.SYMBOLS}
        return [s for s in fmt.SYMBOLS if s in seen]

    def all_notes(self) -> list[str]:
        return list(self.notes) + [f"{s}: {fmt.SYMBOLS[s]}." for s in self.symbols_used()]

    def html(self) -> str:
        e = html.escape
        head = "".join(
            f'<th scope="col" class="{"num" if c.kind in NUMERIC else "txt"}">{e(c.label)}</th>' for c in self.columns
        )
        body = []
        for cells in self.rows():
            tds = []
            for c, v in zip(self.columns, cells):
                cls = "num" if c.kind in NUMERIC else "txt"
                if c.kind == "id":
                    text = f'<code><a href="#claim-{e(v)}">{e(v)}</a></code>'
                elif c.kind == "html":
                    text = v
                else:
                    text = e(v)
                tds.append(f'<td class="{cls}">{text}</td>')
            body.append("<tr>" + "".join(tds) + "</tr>")
        anchor = f' id="table-{e(self.name)}"' if self.name else ""
        notes = "".join(f"<li>{e(n)}</li>" for n in self.all_notes())
        return (
            f'<figure class="pb-table"{anchor}>'
            f"<figcaption>{e(self.title)}</figcaption>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            + (f'<ul class="pb-notes">{notes}</ul>' if notes else "")
            + f'<p class="pb-source">Source: {e(self.source)}</p></figure>'
        )

    def _repr_html_(self) -> str:
        return STYLE + self.html()

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.df)} rows)"


#: The tables' house style, carried with each table so a notebook and its HTML export agree.
STYLE = """<style>
.pb-table{margin:1em 0;font-family:Arial,Helvetica,sans-serif;max-width:100%;overflow-x:auto}
.pb-table figcaption{font-weight:bold;margin-bottom:.4em;color:#0b0c0c}
.pb-table table{border-collapse:collapse;font-size:.9em}
.pb-table th{border-bottom:2px solid #0b0c0c;padding:.3em .6em;vertical-align:bottom}
.pb-table td{border-bottom:1px solid #b1b4b6;padding:.3em .6em;vertical-align:top}
.pb-table .num{text-align:right;font-variant-numeric:tabular-nums}
.pb-table .txt{text-align:left}
.pb-table .pb-notes{font-size:.85em;color:#505a5f;margin:.4em 0 0 1.2em;padding:0}
.pb-table .pb-source{font-size:.85em;color:#505a5f;margin:.3em 0 0}
@media print{.pb-table{break-inside:avoid}}
</style>"""
