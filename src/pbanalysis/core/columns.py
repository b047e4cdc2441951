"""The column dictionary: every column a reader sees, with its label, unit, number format and
description, read from ``data/reference/columns.yaml`` (one entry a column; the file's opening
comment says what each field holds).

A reader table, a workbook sheet, the explorer and a chart's axis take a column's header from here
(:func:`header`), so one column has one label. Each entry's fields:

* ``label`` - the column in words, without its unit; it may hold ``{field}`` placeholders filled
  by the caller (``{year}``, ``{council}``);
* ``unit`` - the unit in words (``number``, ``%``, ``£ a year, cash terms``), or none;
* ``format`` - how a value prints: a kind of :class:`pbanalysis.outputs.tables.Column` (count,
  pct, gbp, gbp_million, number, rank, year, date, text, id, yesno, printed);
* ``short`` - the measure inside a sentence ("proxy take-up"), where one is needed;
* ``quality`` - the data-quality measures (:data:`pbanalysis.analysis.quality.MEASURES`) a value
  of the column rests on: a flag on any of them flags the value;
* ``description`` - one sentence for readers.

A header is the label with its unit in round brackets: "Proxy take-up (%)".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

#: The dictionary file.
COLUMNS_YAML = paths.REFERENCE_DIR / "columns.yaml"
#: The fields of an entry: (name, required).
FIELDS = {"label": True, "unit": False, "format": True, "short": False, "quality": False, "description": True}
#: YAML's C loader where it is built (about 20 ms for this file, against 180 ms in Python: the
#: explorer reads the dictionary as it starts), else its Python one; both load safely.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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


def read(path: Path | str = COLUMNS_YAML) -> dict[str, Entry]:
    """Every entry of the dictionary at ``path``, by key. A bad entry raises InputError naming the
    file, the entry's line and key, and the field."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.load(text, Loader=_LOADER) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(path, "valid YAML", row=mark.line + 1 if mark else None, found=str(e).split("\n")[0]) from None
    if not isinstance(doc, dict):
        raise InputError(path, "a mapping of column keys to their entries", found=type(doc).__name__)
    found = [
        (m.group(1).strip("'\""), n)
        for n, line in enumerate(text.splitlines(), 1)
        if (m := re.match(r"^([^\s#][^:]*):", line))
    ]
    lines: dict[str, int] = {}
    for key, n in found:
        if key in lines:  # YAML would keep the last entry of a key given twice, silently
            raise InputError(
                path, "each column once", row=n, column=key, found=f"{key} again (first on line {lines[key]})"
            )
        lines[key] = n
    out: dict[str, Entry] = {}
    for key, e in doc.items():
        row = lines.get(str(key))
        if not isinstance(e, dict):
            raise InputError(path, f"the fields of column {key}", row=row, column=str(key), found=repr(e))
        unknown = sorted(set(e) - set(FIELDS))
        if unknown:
            raise InputError(path, f"fields of {', '.join(FIELDS)}", row=row, column=str(key), found=", ".join(unknown))
        for name, required in FIELDS.items():
            if required and not str(e.get(name) or "").strip():
                raise InputError(path, f"a {name}", row=row, column=f"{key}.{name}", found="nothing")
        if e["format"] not in FORMATS:
            raise InputError(
                path, f"a format of {', '.join(FORMATS)}", row=row, column=f"{key}.format", found=e["format"]
            )
        quality = e.get("quality") or []
        if not isinstance(quality, list):
            raise InputError(
                path, "a list of data-quality measures", row=row, column=f"{key}.quality", found=repr(quality)
            )
        out[str(key)] = Entry(
            str(key),
            str(e["label"]),
            str(e.get("unit") or ""),
            e["format"],
            str(e.get("short") or ""),
            tuple(map(str, quality)),
            str(e["description"]),
        )
    return out


@functools.lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    """The project's dictionary (``data/reference/columns.yaml``), read once per process."""
    return read()


def entry(key: str) -> Entry:
    """The dictionary's entry for ``key``; KeyError naming the file if it has none."""
    try:
        return entries()[key]
    except KeyError:
        raise KeyError(f"{COLUMNS_YAML.relative_to(paths.ROOT)} has no column {key!r}: add an entry for it") from None


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
