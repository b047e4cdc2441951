"""The column dictionary: every column a reader sees, with its label, unit, number format and
description, read from ``data/reference/columns.csv`` (one row a column).

A reader table, a workbook sheet, the explorer and a chart's axis take a column's header from here
(:func:`header`), so one column has one label. The file's columns:

* ``key`` - the column's key (a processed-table column of :mod:`pbanalysis.core.keys`, or the name
  of a column a table function makes);
* ``label`` - the column in words, without its unit; it may hold ``{field}`` placeholders filled
  by the caller (``{year}``, ``{council}``);
* ``unit`` - the unit in words (``number``, ``%``, ``£ a year, cash terms``), or empty;
* ``format`` - how a value prints: a kind of :class:`pbanalysis.outputs.tables.Column` (count,
  pct, gbp, gbp_million, number, rank, year, date, text, id, yesno, printed);
* ``short`` - the measure inside a sentence ("proxy take-up"), where one is needed;
* ``quality`` - the data-quality measures (:data:`pbanalysis.analysis.quality.MEASURES`) a value
  of the column rests on, separated by spaces: a flag on any of them flags the value;
* ``description`` - one sentence for readers.

A header is the label with its unit in round brackets: "Proxy take-up (%)".
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

#: The dictionary file.
COLUMNS_CSV = paths.REFERENCE_DIR / "columns.csv"
#: Its header, in order.
FIELDS = ["key", "label", "unit", "format", "short", "quality", "description"]
#: The number formats a column may have.
FORMATS = ("count", "pct", "gbp", "gbp_million", "number", "points", "rank", "year", "date")
FORMATS += ("text", "id", "yesno", "printed")


@dataclass(frozen=True)
class Entry:
    """One column of the dictionary (see the module's docstring for each field)."""

    key: str
    label: str
    unit: str
    format: str
    short: str
    quality: tuple[str, ...]
    description: str

    def header(self, qualifier: str = "", **fields: str) -> str:
        """The label (then ``qualifier`` after a comma: "Proxy take-up, 2010-11") with its unit in
        round brackets, placeholders filled from ``fields``."""
        text = self.label + (f", {qualifier}" if qualifier else "") + (f" ({self.unit})" if self.unit else "")
        return text.format_map(fields) if "{" in text else text


def read(path: Path | str = COLUMNS_CSV) -> dict[str, Entry]:
    """Every entry of the dictionary at ``path``, by key. A bad row raises InputError naming the
    file, row and column."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0] != FIELDS:
        raise InputError(path, f"the header {','.join(FIELDS)}", row=1, found=",".join(rows[0]) if rows else "")
    out: dict[str, Entry] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(FIELDS):
            raise InputError(path, f"{len(FIELDS)} fields", row=n, found=f"{len(row)} fields")
        r = dict(zip(FIELDS, row))
        for name in ("key", "label", "format"):
            if not r[name].strip():
                raise InputError(path, f"a {name}", row=n, column=name, found="an empty cell")
        if r["format"] not in FORMATS:
            raise InputError(path, f"a format of {', '.join(FORMATS)}", row=n, column="format", found=r["format"])
        if r["key"] in out:
            raise InputError(path, "each key once", row=n, column="key", found=f"{r['key']} again")
        out[r["key"]] = Entry(
            r["key"], r["label"], r["unit"], r["format"], r["short"], tuple(r["quality"].split()), r["description"]
        )
    return out


@functools.lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    """The project's dictionary (``data/reference/columns.csv``), read once per process."""
    return read()


def entry(key: str) -> Entry:
    """The dictionary's entry for ``key``; KeyError naming the file if it has none."""
    try:
        return entries()[key]
    except KeyError:
        raise KeyError(f"{COLUMNS_CSV.relative_to(paths.ROOT)} has no column {key!r}: add a row for it") from None


def header(key: str, qualifier: str = "", **fields: str) -> str:
    """The column's header: its label (and ``qualifier``, "Proxy take-up, 2010-11") with its unit in
    round brackets ("Proxy take-up (%)")."""
    return entry(key).header(qualifier, **fields)


def label(key: str) -> str:
    """The column's label, without its unit ("Proxy take-up")."""
    return entry(key).label


def unit(key: str) -> str:
    """The column's unit in words ("%", "£ a year, cash terms"), or ""."""
    return entry(key).unit


def kind(key: str) -> str:
    """How the column's values print (its ``format``)."""
    return entry(key).format


def short(key: str) -> str:
    """The measure inside a sentence ("proxy take-up"): its ``short``, else its label with a small first letter."""
    e = entry(key)
    return e.short or e.label[:1].lower() + e.label[1:]


def quality(key: str) -> tuple[str, ...]:
    """The data-quality measures a value of the column rests on (() for none or an unknown key)."""
    e = entries().get(key)
    return e.quality if e else ()
