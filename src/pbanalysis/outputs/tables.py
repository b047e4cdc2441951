"""Tables for readers: the one presentation layer for every table a notebook or page shows.

A :class:`Table` takes a data frame and a list of :class:`Column` specs (the column, its header in
words with its unit, and how its values print) and renders HTML with a title, the headers, no row
index, numbers through :mod:`pbanalysis.core.format`, the symbol of every missing value, a note
explaining each symbol used, and a source line. In a notebook it displays itself; the HTML export
shows the same. :meth:`Table.frame` gives the printed cells, and :meth:`Table.data` the typed
values, for a CSV or a spreadsheet.

A long table (more than :data:`LONG` rows, or ``interactive=True``) gets a search box and sortable
headers. The script that does it is a few lines carried inside the table itself, so it works offline
in JupyterLab and in the exported HTML page alike, and the page bytes stay the same from build to
build. Numeric columns sort on the value (each cell carries it in ``data-sort``), not the text.

A register figure id is shown only as code linked to its row of the claims table
(:data:`CLAIMS_PAGE` ``#claim-<id>``): in an ``id`` column, or, where a text names one (a
derivation, say), as the same code link inside the text.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pbanalysis.core import columns
from pbanalysis.core import format as fmt

#: How each kind of column prints its values.
KINDS: dict[str, Callable[..., str]] = {
    "count": fmt.count,
    "pct": fmt.pct,
    "gbp": fmt.gbp,
    "gbp_million": fmt.gbp_million,
    "number": fmt.number,
    "year": fmt.year,
    "date": fmt.date,
    "points": fmt.points,
}
#: Kinds whose cells are right-aligned.
NUMERIC = {"count", "pct", "gbp", "gbp_million", "number", "rank", "value", "points", "printed"}
#: A table with more rows than this is searchable and sortable.
LONG = 20
#: The page of the claims table, where every register figure has the row ``claim-<id>``.
CLAIMS_PAGE = "claims--default.html"


@dataclass(frozen=True)
class Column:
    """One column of a reader's table.

    ``key``: the data frame's column; ``label``: its header, in words with the unit; ``kind``: one of
    count, pct, gbp, gbp_million, number, points, year, date, rank, value (a value in the register
    unit named by the ``unit`` column), printed (a number already printed by
    :mod:`pbanalysis.core.format`, right-aligned), yesno, text, id (a register figure id, shown as code linked
    to the claims table) or html (already escaped); ``flag``: the column holding each value's
    PSS-EX1 source mark, so a missing value shows the right symbol; ``missing``: the symbol for a
    missing value when there is no flag column (``[x]``, or ``[z]`` where a value cannot apply);
    ``entry``: the key of its entry in the column dictionary (:mod:`pbanalysis.core.columns`), where
    its header comes from (:func:`col`)."""

    key: str
    label: str
    kind: str = "text"
    flag: str | None = None
    unit: str | None = None
    missing: str = "[x]"
    entry: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "value" and not self.unit:
            raise ValueError(f"column {self.key!r}: kind 'value' needs the unit column")

    def _missing(self, row: pd.Series) -> str:
        return fmt.symbol(row[self.flag]) if self.flag else self.missing

    def cell(self, row: pd.Series) -> str:
        """The cell of ``row`` as printed: through the formatter, or the symbol of a missing value."""
        v = row[self.key]
        if self.kind in KINDS:
            return self._missing(row) if fmt.is_missing(v) else KINDS[self.kind](v)
        if self.kind == "value":
            # A register figure: a target reads as it was set (its row's kind), any other keeps one decimal.
            return self._missing(row) if fmt.is_missing(v) else fmt.reported(v, str(row[self.unit]), row.get("kind"))
        if self.kind == "rank":
            return self._missing(row) if fmt.is_missing(v) else fmt.count(v)
        if self.kind == "yesno":
            return self._missing(row) if fmt.is_missing(v) else ("Yes" if bool(v) else "No")
        if fmt.is_missing(v) or v == "":
            return self._missing(row)
        return " ".join(str(v).split("\n"))  # a chart's line break is a space in a table

    def sort_key(self, row: pd.Series) -> str | None:
        """The value a numeric column sorts on (None for a text column or a missing value)."""
        if self.kind not in NUMERIC and self.kind not in ("year", "date"):
            return None
        v = row[self.key]
        if fmt.is_missing(v) or isinstance(v, str):
            return None
        if self.kind == "date":
            return v.strftime("%Y%m%d")
        return repr(float(v))


def col(
    key: str,
    *,
    entry: str | None = None,
    kind: str | None = None,
    flag: str | None = None,
    unit: str | None = None,
    missing: str = "[x]",
    qualifier: str = "",
    **fields: str,
) -> Column:
    """The column ``key`` of a frame, its header and number format from the column dictionary's
    entry ``entry`` (default ``key``; :func:`pbanalysis.core.columns.header`, with ``qualifier``
    after the label), a placeholder of the label filled from ``fields``; ``kind`` overrides the
    dictionary's format."""
    e = columns.entry(entry or key)
    return Column(key, e.header(qualifier, **fields), kind or e.format, flag, unit, missing, entry=e.key)


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
    #: Searchable and sortable: None decides by length (more than :data:`LONG` rows).
    interactive: bool | None = None
    #: The register figure ids: where a text cell names one, it is shown as a code link.
    ids: Collection[str] = ()
    #: The column whose value anchors each row (``claim-<value>``): set on the claims table.
    row_anchor: str | None = None
    #: The page the id links go to ("" for links within the same page).
    claims_page: str = CLAIMS_PAGE

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns] + [c.flag for c in self.columns if c.flag]
        keys += [c.unit for c in self.columns if c.unit] + ([self.row_anchor] if self.row_anchor else [])
        missing = [k for k in keys if k not in self.df.columns]
        if missing:
            raise KeyError(f"table {self.title!r}: no column {missing} in the data")

    @property
    def is_interactive(self) -> bool:
        """Whether the table gets a search box and sortable headers."""
        return self.interactive if self.interactive is not None else len(self.df) > LONG

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
        """The missing-value symbols the table shows, in the order of their notes."""
        seen = {cell for row in self.rows() for cell in row if cell in fmt.SYMBOLS}
        return [s for s in fmt.SYMBOLS if s in seen]

    def all_notes(self) -> list[str]:
        """The table's notes, then one note per symbol it shows."""
        return list(self.notes) + [f"{s}: {fmt.SYMBOLS[s]}." for s in self.symbols_used()]

    def id_link(self, fid: str) -> str:
        """A register id as code, linked to its row of the claims table."""
        e = html.escape(fid)
        return f'<code class="pb-id"><a href="{html.escape(self.claims_page)}#claim-{e}">{e}</a></code>'

    def _text(self, text: str) -> str:
        """A text cell, escaped, with every register id it names shown as a code link."""
        return linked_ids(text, self.ids, html.escape(self.claims_page))

    def dom_id(self) -> str:
        """The table's element id: from its name, else a digest of its title (stable across builds)."""
        if self.name:
            return f"table-{self.name}"
        return "table-" + hashlib.sha1(self.title.encode()).hexdigest()[:10]

    def html(self) -> str:
        """The table as HTML: caption, search box if long, headers, cells, notes, source line."""
        e = html.escape
        interactive = self.is_interactive
        heads = []
        for i, c in enumerate(self.columns):
            cls = "num" if c.kind in NUMERIC else "txt"
            label = e(c.label)
            if interactive:
                label = f'<button type="button" class="pb-sort" data-col="{i}">{label}</button>'
            heads.append(f'<th scope="col" class="{cls}">{label}</th>')
        body = []
        for (_, r), cells in zip(self.df.iterrows(), self.rows()):
            tds = []
            for c, v in zip(self.columns, cells):
                cls = "num" if c.kind in NUMERIC else "txt"
                if c.kind == "id":
                    text = self.id_link(v) if v not in fmt.SYMBOLS else e(v)
                elif c.kind == "html":
                    text = v
                elif c.kind == "text":
                    text = self._text(v)
                else:
                    text = e(v)
                key = c.sort_key(r) if interactive else None
                sort = f' data-sort="{e(key)}"' if key is not None else ""
                tds.append(f'<td class="{cls}"{sort}>{text}</td>')
            anchor = f' id="claim-{e(str(r[self.row_anchor]))}"' if self.row_anchor else ""
            body.append(f"<tr{anchor}>" + "".join(tds) + "</tr>")
        notes = "".join(f"<li>{e(n)}</li>" for n in self.all_notes())
        n = len(self.df)
        search = (
            f'<p class="pb-search"><label>Search this table <input type="search" class="pb-filter"></label> '
            f'<span class="pb-count">{n} of {n} rows</span>'
            " · select a column header to sort</p>"
            if interactive
            else ""
        )
        return (
            f'<figure class="pb-table{" pb-interactive" if interactive else ""}" id="{e(self.dom_id())}">'
            f"<figcaption>{e(self.title)}</figcaption>{search}"
            f'<div class="pb-scroll"><table><thead><tr>{"".join(heads)}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
            + (f'<ul class="pb-notes">{notes}</ul>' if notes else "")
            + f'<p class="pb-source">Source: {e(self.source.removeprefix("Source: "))}</p>'
            + (SCRIPT if interactive else "")
            + "</figure>"
        )

    def _repr_html_(self) -> str:
        return STYLE + self.html()

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.df)} rows)"


def linked_ids(text: str, ids: Collection[str], claims_page: str = "") -> str:
    """``text`` escaped as HTML, with every register id it names shown as code linked to its row of
    the claims table (on ``claims_page``; "" for the same page)."""
    out, last = [], 0
    for m in _id_pattern(tuple(sorted(ids))).finditer(text) if ids else ():
        e = html.escape(m.group(0))
        out += [
            html.escape(text[last : m.start()]),
            f'<code class="pb-id"><a href="{claims_page}#claim-{e}">{e}</a></code>',
        ]
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def _id_pattern(ids: tuple[str, ...]) -> re.Pattern[str]:
    return _ID_PATTERNS.setdefault(
        ids,
        re.compile(
            r"(?<![A-Za-z0-9_])(?:"
            + "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
            + r")(?![A-Za-z0-9_])"
        ),
    )


_ID_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}

#: Search and sort for a long table: plain script, no library, nothing fetched. It finds its table
#: from its own element (``document.currentScript``), which JupyterLab and a saved page both give.
SCRIPT = """<script>(function(){
var s=document.currentScript,f=s&&s.parentNode;if(!f||f.dataset.ready)return;f.dataset.ready="1";
var tb=f.querySelector("tbody"),rows=Array.prototype.slice.call(tb.rows),n=rows.length;
var box=f.querySelector(".pb-filter"),count=f.querySelector(".pb-count");
box.addEventListener("input",function(){var q=box.value.toLowerCase(),k=0;
rows.forEach(function(r){var hit=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=hit?"":"none";if(hit)k++;});
count.textContent=k+" of "+n+" rows";});
f.querySelectorAll(".pb-sort").forEach(function(b){b.addEventListener("click",function(){
var i=+b.dataset.col,up=b.dataset.dir!=="asc";
f.querySelectorAll(".pb-sort").forEach(function(o){delete o.dataset.dir;o.parentNode.removeAttribute("aria-sort");});
b.dataset.dir=up?"asc":"desc";b.parentNode.setAttribute("aria-sort",up?"ascending":"descending");
function key(r){var c=r.cells[i];return c.hasAttribute("data-sort")?parseFloat(c.dataset.sort):null;}
var num=rows.some(function(r){return key(r)!==null;});
rows.sort(function(a,b){var x,y;if(num){x=key(a);y=key(b);
if(x===null)return y===null?0:1;if(y===null)return -1;return up?x-y:y-x;}
x=a.cells[i].textContent;y=b.cells[i].textContent;return up?x.localeCompare(y):y.localeCompare(x);});
rows.forEach(function(r){tb.appendChild(r);});});});})();</script>"""

#: The tables' house style, carried with each table so a notebook and its HTML export agree.
STYLE = """<style>
.pb-table{margin:1em 0;font-family:Arial,Helvetica,sans-serif;max-width:100%}
.pb-table figcaption{font-weight:bold;margin-bottom:.4em;color:#0b0c0c}
.pb-table table{border-collapse:collapse;font-size:.9em}
.pb-table .pb-scroll{max-width:100%;overflow-x:auto}
.pb-table.pb-interactive .pb-scroll{max-height:75vh;overflow-y:auto}
.pb-table.pb-interactive thead th{position:sticky;top:0;background:#fff}
.pb-table .pb-sort{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;text-align:inherit;color:#0b0c0c}
.pb-table .pb-sort::after{content:" \\2195";color:#505a5f;font-weight:normal}
.pb-table th[aria-sort=ascending] .pb-sort::after{content:" \\2191"}
.pb-table th[aria-sort=descending] .pb-sort::after{content:" \\2193"}
.pb-table .pb-search{font-size:.85em;margin:0 0 .4em}
.pb-table .pb-search input{font:inherit;padding:.1em .3em;margin-left:.3em}
.pb-table .pb-count{color:#505a5f;margin-left:.6em}
.pb-table code.pb-id{font-size:.9em;white-space:nowrap}
.pb-table tr:target{background:#fff7bf}
.pb-table th{border-bottom:2px solid #0b0c0c;padding:.3em .6em;vertical-align:bottom}
.pb-table td{border-bottom:1px solid #b1b4b6;padding:.3em .6em;vertical-align:top}
figure.pb-table th.num,figure.pb-table td.num{text-align:right;font-variant-numeric:tabular-nums}
figure.pb-table th.txt,figure.pb-table td.txt{text-align:left}
figure.pb-table td.txt{min-width:9em;max-width:42em}
.pb-table .pb-notes{font-size:.85em;color:#505a5f;margin:.4em 0 0 1.2em;padding:0}
.pb-table .pb-source{font-size:.85em;color:#505a5f;margin:.3em 0 0}
@media print{.pb-table{break-inside:avoid}.pb-table.pb-interactive .pb-scroll{max-height:none}.pb-search{display:none}}
</style>"""
