"""The register of reported figures: what the press said, in numbers.

What it is
----------
Two small hand-made tables in ``data/reference`` (knowledge about figures, kept apart from the
extracted official data in ``data/raw``):

* ``reported_sources.csv`` (``paths.REGISTER_SOURCES_CSV``) - one row per news
  article, S1..S5, in the order of the seed files ``000..004``: publication,
  headline, publication date, whether that date is stated or estimated, and the
  reasoning behind it.
* ``reported_figures.csv`` (``paths.REGISTER_CSV``) - one row per figure that
  an article states (a few dozen rows). Every number printed in the five articles
  is here (targets, counts, shares, money, council counts, each end of a range,
  "one in seven", "half of councils" ...). A figure printed in two articles has
  a row for each. Statements and notes are our own short paraphrases; no
  article sentence is copied.

Where the figures come from
---------------------------
Five news articles (2010-2011) on personal budgets in English adult social care:

* S1 - Local Government Chronicle (inferred from page furniture), April 2011:
  Jeff Jerome's end-of-programme returns from 130 councils.
* S2 - Community Care, 27 May 2010: the ADASS/LGA personal budgets survey
  (March 2010) of 152 councils.
* S3 - Community Care, 23 August 2010: NHS Information Centre take-up by
  council (Somerset, Manchester) and the 30% milestone.
* S4 - Local Government Chronicle (inferred), October 2010: the Audit
  Commission's "Financial management of personal budgets" and ADASS views.
* S5 - Community Care, 6 April 2010: the care White Paper pledge and the
  personalisation milestones.

The figures were measured or stated by others (ADASS/LGA, the NHS Information
Centre, the Audit Commission, the Department of Health and its national
director, the White Paper); the ``producer`` column names who, as the article
attributes it. The register only records what was said; ``claims``-style
modules compare it with official data.

Columns of ``reported_figures.csv``
-----------------------------------
``figure_id`` unique snake_case name; ``source_id`` S1..S5; ``statement`` our
wording; ``value`` a plain number; ``unit``; ``period``; ``producer``; ``kind``;
``derivation``; ``stated_precision``; ``council``; ``notes``.

Value conventions
~~~~~~~~~~~~~~~~~
* Percentages as percent: 13% is ``13`` (not 0.13), unit ``percent``; a
  percent above 100 is refused (a share cannot exceed the whole; "all" is 100).
* Money in millions of pounds: "almost 900m" is ``900``, unit ``GBP million``.
* People and councils as counts: "1.5 million" is ``1500000``.
* "One in N" is stored as ``N`` with unit ``one_in`` (one in seven -> ``7``).
  The share it stands for is 1/N. A derivation for such a row must yield N,
  e.g. ``people_in_group / people_with_budget``.
* Fraction words are stored in percent: "half" -> ``50``, "a third" ->
  ``33.3333``.
* Dates as figures ("by 1 April 2011", "set in November 2009") are stored as
  the year (``2011``), unit ``year``, precision ``date``; the full date goes in
  ``period``.

Units (``UNITS``): percent, people, councils, GBP million, one_in, year, years,
count.

Kinds (``KINDS``):
* ``input`` - a measured or stated figure that we can check against data;
* ``derived`` - a stated figure that follows arithmetically from other figures
  in the register (its ``derivation`` says how; every other kind must leave
  ``derivation`` empty);
* ``council-level`` - a figure about one council (``council`` holds its name,
  or is empty when the article does not name it);
* ``target`` - a goal, milestone, pledge or expectation; ``period`` holds its
  deadline.

Periods (``parse_period``):
* ``YYYY`` a calendar year; ``YYYY-MM`` a month; ``YYYY-MM-DD`` a day;
* ``FYYYYY-YY`` an English financial year, e.g. ``FY2009-10`` = 1 April 2009 to
  31 March 2010. (The ``FY`` prefix keeps ``2010-11`` the month from being
  confused with the financial year.)
* ``A/B`` a span between two of the above dates or months, e.g.
  ``2008-04/2011-03``.

Derivations
~~~~~~~~~~~
An arithmetic expression over other ``figure_id`` s, using numbers, ``+ - * /``,
unary minus and parentheses only, e.g.
``holders_in_group / people_in_group * 100``. It records
what the article implies, not what would make the numbers agree; a derived
figure that does not match its inputs stays in the register and is reported.
:func:`evaluate` computes them without ``eval``.

Stated precision and the tolerance it implies
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
How the article worded a figure, and (``implied_tolerance``) the closed
interval of true values consistent with that wording. The rules come from the
wording alone; a value on the boundary counts as consistent.

=========================  ================================================  =============================
term                       wording                                           interval for value v
=========================  ================================================  =============================
exact                      a count or level printed as is: 83 councils,      (v, v)
                           a 30% target, "all" as 100
one_decimal                one decimal place: 3.3%                           (v - 0.05, v + 0.05)
whole_percent              a whole number: 13%, 80%                          (v - 0.5, v + 0.5)
rounded_thousand           to the nearest thousand: 77,000                   (v - 500, v + 500)
rounded_hundred_thousand   in millions to one decimal at most: 1m, 1.5m,     (v - 50,000, v + 50,000)
                           one million
about                      about / around / some                             v -/+ max(5% of v, half a unit
                                                                             of v's last significant digit)
almost                     almost / just under                               (0.95 v, v)
one_in                     one in N (value N, unit one_in)                   (N - 0.5, N + 0.5); as a share
                                                                             (1/(N + 0.5), 1/(N - 0.5))
fraction_word              half, a third (value in percent)                  f -/+ 10% of f, f = v snapped to
                                                                             the nearest simple fraction
                                                                             (denominator <= 12)
date                       a date or year                                    (v, v)
more_than                  more than / above                                 (v, +inf)
or_more                    or more / at least                                (v, +inf)
at_most                    within / up to                                    (-inf, v)
=========================  ================================================  =============================

"Half a unit of the last significant digit" reads trailing zeros as not
significant: 170,000 -> 5,000; 22 -> 0.5; 1.5m -> 50,000. So "about 22%" is
(20.9, 23.1) and "about 1.5 million" is (1,425,000, 1,575,000).

Only pandas and the standard library are used.
"""

from __future__ import annotations

import ast
import calendar
import math
import operator
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError

__all__ = [
    "REGISTER_COLUMNS",
    "SOURCE_COLUMNS",
    "UNITS",
    "KINDS",
    "PRECISIONS",
    "PRECISION_WORDS",
    "DATE_BASES",
    "ExpressionError",
    "UnknownFigureError",
    "load_register",
    "load_sources",
    "evaluate",
    "expression_names",
    "parse_period",
    "rebuild_derived",
    "check_derived",
    "implied_tolerance",
]

REGISTER_COLUMNS = (
    "figure_id",
    "source_id",
    "statement",
    "value",
    "unit",
    "period",
    "producer",
    "kind",
    "derivation",
    "stated_precision",
    "council",
    "notes",
)
SOURCE_COLUMNS = (
    "source_id",
    "seed_file",
    "publication",
    "headline",
    "published",
    "date_basis",
    "date_reasoning",
)

UNITS = frozenset({"percent", "people", "councils", "GBP million", "one_in", "year", "years", "count"})
KINDS = frozenset({"input", "derived", "council-level", "target"})
DATE_BASES = frozenset({"stated", "estimated"})

#: stated_precision term -> what wording it stands for (tolerance in implied_tolerance).
PRECISIONS = {
    "exact": "printed as is (a count, a target level, 'all' as 100)",
    "one_decimal": "one decimal place, +/- 0.05",
    "whole_percent": "a whole number, +/- 0.5",
    "rounded_thousand": "nearest thousand, +/- 500",
    "rounded_hundred_thousand": "millions to one decimal (1m, 1.5m), +/- 50,000",
    "about": "about/around/some: +/- max(5% relative, half the last significant digit)",
    "almost": "almost: between 95% of the value and the value",
    "one_in": "one in N: N +/- 0.5",
    "fraction_word": "half, a third (in percent): +/- 10% relative of the exact fraction",
    "date": "a date or year, exact",
    "more_than": "more than / above: the value or higher",
    "or_more": "or more / at least: the value or higher",
    "at_most": "within / up to: the value or lower",
}

#: stated_precision term -> how a sentence names that wording ("the wording (about) allows ...").
PRECISION_WORDS = {
    "exact": "as printed",
    "one_decimal": "to one decimal",
    "whole_percent": "a whole percentage",
    "rounded_thousand": "to the nearest thousand",
    "rounded_hundred_thousand": "in millions to one decimal",
    "about": "about",
    "almost": "almost",
    "one_in": "one in N",
    "fraction_word": "a fraction in words",
    "date": "a date",
    "more_than": "more than",
    "or_more": "or more",
    "at_most": "up to",
}
assert set(PRECISION_WORDS) == set(PRECISIONS)

_FIGURE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^S[0-9]+$")
_PUBLISHED = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


# --------------------------------------------------------------------------- periods


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _point_bounds(text: str) -> tuple[date, date] | None:
    """Start and end day of a year, month or day; None if not one."""
    try:
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return _month_bounds(int(text[:4]), int(text[5:7]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return day, day
    except ValueError:  # month 13, 31 February ...
        return None
    return None


def parse_period(text: str) -> tuple[date, date]:
    """First and last day a ``period`` value covers.

    ``"2010-11"`` -> November 2010; ``"FY2009-10"`` -> 2009-04-01..2010-03-31;
    ``"2008-04/2011-03"`` -> 2008-04-01..2011-03-31. Raises ``ValueError``.
    """
    text = str(text).strip()
    m = re.fullmatch(r"FY(\d{4})-(\d{2})", text)
    if m:
        start = int(m.group(1))
        if (start + 1) % 100 != int(m.group(2)):
            raise ValueError(f"financial year {text!r} must span two consecutive years")
        return date(start, 4, 1), date(start + 1, 3, 31)
    if "/" in text:
        left, _, right = text.partition("/")
        a, b = _point_bounds(left), _point_bounds(right)
        if a is None or b is None or a[0] > b[1]:
            raise ValueError(f"span {text!r} must be 'start/end' with start before end")
        return a[0], b[1]
    bounds = _point_bounds(text)
    if bounds is None:
        raise ValueError(f"period {text!r} is not YYYY, YYYY-MM, YYYY-MM-DD, FYYYYY-YY or start/end")
    return bounds


# --------------------------------------------------------------------------- expressions


class ExpressionError(ValueError):
    """A derivation that is not plain arithmetic over figure_ids."""


class UnknownFigureError(KeyError):
    """A derivation names a figure_id that has no value."""

    def __init__(self, name: str, expression: str):
        self.name, self.expression = name, expression
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown figure_id {self.name!r} in expression {self.expression!r}"


_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_MAX_EXPRESSION = 1000


def _parse(expression: str) -> ast.Expression:
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("an expression must be a non-empty string")
    if len(expression) > _MAX_EXPRESSION:
        raise ExpressionError(f"expression longer than {_MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {expression!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Load)) or type(node) in _BINARY or type(node) in _UNARY:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            continue
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            continue
        if isinstance(node, ast.Name):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        raise ExpressionError(
            f"{expression!r} uses {type(node).__name__}; only numbers, figure_ids, "
            "+ - * /, unary minus and parentheses are allowed"
        )
    return tree


def expression_names(expression: str) -> list[str]:
    """The figure_ids an expression names, in order of first use."""
    names: list[str] = []
    for node in ast.walk(_parse(expression)):
        if isinstance(node, ast.Name) and node.id not in names:
            names.append(node.id)
    return names


def evaluate(expression: str, values: dict) -> float:
    """Value of an arithmetic ``expression`` over ``values`` (figure_id -> number).

    Only numbers, names, ``+ - * /``, unary ``-``/``+`` and parentheses are
    allowed; anything else (calls, attributes, subscripts, ``**`` ...) raises
    :class:`ExpressionError`. A name missing from ``values`` raises
    :class:`UnknownFigureError` (a ``KeyError``). Never uses ``eval``.
    """
    tree = _parse(expression)

    def walk(node):
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise UnknownFigureError(node.id, expression)
            return float(values[node.id])
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](walk(node.operand))
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        raise ExpressionError(f"unexpected {type(node).__name__} in {expression!r}")  # pragma: no cover

    return float(walk(tree.body))


# --------------------------------------------------------------------------- loading


def _read(path: Path, columns) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path, "an existing CSV file", found="no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, "a UTF-8 CSV file with a header row", found=str(exc).strip()) from None
    for name in columns:
        if name not in frame.columns:
            raise InputError(
                path, f"a header column named {name!r}", row=1, column=name, found=", ".join(map(str, frame.columns))
            )
    return frame


def _blank(text) -> bool:
    return str(text).strip() == ""


def load_sources(path: Path | str | None = None) -> pd.DataFrame:
    """The articles table, validated. Errors name file, row (header = 1) and column.

    ``path`` defaults to ``paths.REGISTER_SOURCES_CSV``, read when called.
    """
    path = Path(path if path is not None else paths.REGISTER_SOURCES_CSV)
    frame = _read(path, SOURCE_COLUMNS)
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False)):
        line = i + 2
        rec = row._asdict()
        sid = rec["source_id"].strip()
        if not _SOURCE_ID.fullmatch(sid):
            raise InputError(path, "a source_id like S1", row=line, column="source_id", found=rec["source_id"])
        if sid in seen:
            raise InputError(path, "a source_id used once", row=line, column="source_id", found=sid)
        seen.add(sid)
        for name in ("seed_file", "publication", "headline", "date_reasoning"):
            if _blank(rec[name]):
                raise InputError(path, f"a non-empty {name}", row=line, column=name, found=rec[name])
        published = rec["published"].strip()
        if not _PUBLISHED.fullmatch(published) or _point_bounds(published) is None:
            raise InputError(
                path, "a date YYYY-MM-DD or month YYYY-MM", row=line, column="published", found=rec["published"]
            )
        if rec["date_basis"].strip() not in DATE_BASES:
            raise InputError(
                path, "one of " + ", ".join(sorted(DATE_BASES)), row=line, column="date_basis", found=rec["date_basis"]
            )
    return frame


def load_register(path: Path | str | None = None, sources_path: Path | str | None = None) -> pd.DataFrame:
    """The figures table, validated, with ``value`` as float.

    ``path`` defaults to ``paths.REGISTER_CSV`` (read when called);
    ``sources_path`` defaults to ``reported_sources.csv`` beside ``path``.
    Any problem raises :class:`~pbanalysis.core.errors.InputError` naming the file,
    the row (the header is row 1, so data row i is row i + 2) and the column.
    """
    path = Path(path if path is not None else paths.REGISTER_CSV)
    sources_path = Path(sources_path) if sources_path is not None else path.with_name(paths.REGISTER_SOURCES_CSV.name)
    frame = _read(path, REGISTER_COLUMNS)
    source_ids = set(load_sources(sources_path)["source_id"].str.strip())

    def fail(line, column, expected, found):
        raise InputError(path, expected, row=line, column=column, found=found)

    ids: dict[str, int] = {}
    values: list[float] = []
    for i, row in enumerate(frame.itertuples(index=False)):
        line = i + 2
        rec = row._asdict()
        fid = rec["figure_id"].strip()
        if not _FIGURE_ID.fullmatch(fid):
            fail(line, "figure_id", "a snake_case figure_id", rec["figure_id"])
        if fid in ids:
            fail(line, "figure_id", f"a figure_id used once (also on row {ids[fid]})", fid)
        ids[fid] = line
        if rec["source_id"].strip() not in source_ids:
            fail(line, "source_id", "a source_id listed in " + sources_path.name, rec["source_id"])
        if _blank(rec["statement"]):
            fail(line, "statement", "a non-empty statement", rec["statement"])
        try:
            value = float(rec["value"])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            fail(line, "value", "a plain finite number", rec["value"])
        values.append(value)
        unit = rec["unit"].strip()
        if unit not in UNITS:
            fail(line, "unit", "a unit, one of " + ", ".join(sorted(UNITS)), rec["unit"])
        if unit == "percent" and value > 100:
            fail(line, "value", "a percent of at most 100 (unit percent: 13% is 13)", rec["value"])
        try:
            parse_period(rec["period"])
        except ValueError:
            fail(line, "period", "a period YYYY, YYYY-MM, YYYY-MM-DD, FYYYYY-YY or start/end", rec["period"])
        if _blank(rec["producer"]):
            fail(line, "producer", "a non-empty producer", rec["producer"])
        kind = rec["kind"].strip()
        if kind not in KINDS:
            fail(line, "kind", "a kind, one of " + ", ".join(sorted(KINDS)), rec["kind"])
        precision = rec["stated_precision"].strip()
        if precision not in PRECISIONS:
            fail(line, "stated_precision", "one of " + ", ".join(PRECISIONS), rec["stated_precision"])
        if (precision == "one_in") != (unit == "one_in"):
            fail(line, "stated_precision", "precision one_in exactly when unit is one_in", precision)
        if precision == "date" and unit != "year":
            fail(line, "stated_precision", "precision date only with unit year", precision)
        if kind != "council-level" and not _blank(rec["council"]):
            fail(line, "council", "an empty council unless kind is council-level", rec["council"])

    # Derivations, once every figure_id is known.
    graph: dict[str, list[str]] = {}
    for i, row in enumerate(frame.itertuples(index=False)):
        line = i + 2
        fid, kind, expr = row.figure_id.strip(), row.kind.strip(), row.derivation.strip()
        if kind != "derived":
            if expr:
                fail(line, "derivation", "an empty derivation unless kind is derived", row.derivation)
            continue
        if not expr:
            fail(line, "derivation", "a derivation for a derived figure", row.derivation)
        try:
            names = expression_names(expr)
        except ExpressionError as exc:
            fail(line, "derivation", f"arithmetic over figure_ids ({exc})", row.derivation)
        for name in names:
            if name not in ids:
                fail(line, "derivation", "only figure_ids that exist in the register", name)
            if name == fid:
                fail(line, "derivation", "a derivation that does not use its own figure", name)
        graph[fid] = names

    # No circular derivations.
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]):
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            fail(ids[node], "derivation", "no circular derivations", " -> ".join(trail + [node]))
        state[node] = 1
        for nxt in graph.get(node, []):
            visit(nxt, trail + [node])
        state[node] = 2

    for node in graph:
        visit(node, [])

    frame = frame.copy()
    for name in ("figure_id", "source_id", "unit", "period", "kind", "stated_precision", "council"):
        frame[name] = frame[name].str.strip()
    frame["derivation"] = frame["derivation"].str.strip()
    frame["value"] = pd.Series(values, index=frame.index, dtype="float64")
    return frame


# --------------------------------------------------------------------------- rebuilding


def _values(register: pd.DataFrame) -> dict[str, float]:
    return {fid: float(v) for fid, v in zip(register["figure_id"], register["value"])}


def rebuild_derived(register: pd.DataFrame) -> pd.DataFrame:
    """Each derived figure rebuilt from its inputs' reported values.

    Columns: figure_id, reported, rebuilt, derivation (one row per derived
    figure, in register order).
    """
    values = _values(register)
    derived = register[register["kind"] == "derived"]
    rows = [
        {"figure_id": fid, "reported": float(rep), "rebuilt": evaluate(expr, values), "derivation": expr}
        for fid, rep, expr in zip(derived["figure_id"], derived["value"], derived["derivation"])
    ]
    return pd.DataFrame(rows, columns=["figure_id", "reported", "rebuilt", "derivation"])


def check_derived(register: pd.DataFrame) -> pd.DataFrame:
    """:func:`rebuild_derived` plus the wording's interval and whether the rebuilt value is in it.

    Extra columns: stated_precision, low, high, within.
    """
    out = rebuild_derived(register)
    precision = dict(zip(register["figure_id"], register["stated_precision"]))
    out["stated_precision"] = out["figure_id"].map(precision)
    bounds = [implied_tolerance(p, v) for p, v in zip(out["stated_precision"], out["reported"])]
    out["low"] = [b[0] for b in bounds]
    out["high"] = [b[1] for b in bounds]
    out["within"] = [within(r, lo, hi) for r, lo, hi in zip(out["rebuilt"], out["low"], out["high"])]
    out["at_boundary"] = [at_boundary(r, lo, hi) for r, lo, hi in zip(out["rebuilt"], out["low"], out["high"])]
    return out


def within(rebuilt: float, low: float, high: float) -> bool:
    """Whether a rebuilt value lies in the wording's interval (a boundary, up to float noise, counts)."""
    slack = abs(rebuilt) * 1e-9
    return bool(low - slack <= rebuilt <= high + slack)


def at_boundary(rebuilt: float, low: float, high: float) -> bool:
    """Whether a rebuilt value sits on an edge of the interval (to 1 part in a million)."""
    eps = max(abs(rebuilt), 1.0) * 1e-6
    return bool(abs(rebuilt - low) <= eps or abs(rebuilt - high) <= eps)


# --------------------------------------------------------------------------- tolerance


def _half_last_digit(value: float) -> float:
    """Half a unit of the last significant digit; trailing zeros are not significant."""
    if value == 0:
        return 0.0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return 0.5 * 10.0**exponent


def _snap_fraction(percent: float) -> float:
    """A percent that is a simple fraction written to a few decimals, made exact (33.3333 -> 100/3)."""
    frac = Fraction(percent / 100).limit_denominator(12)
    exact = float(frac) * 100
    return exact if abs(exact - percent) <= 0.01 else percent


def implied_tolerance(stated_precision: str, value: float | str) -> tuple[float, float]:
    """(low, high): the true values consistent with how the article worded ``value``.

    See the table in the module docstring. ``one_in`` works in the stored unit
    (N of "one in N"): one in seven -> (6.5, 7.5), i.e. a share between 1/7.5
    and 1/6.5. ``fraction_word`` works in percent: half -> (45, 55).
    Unknown terms raise :class:`~pbanalysis.core.errors.ParameterError`.
    """
    if stated_precision not in PRECISIONS:
        raise ParameterError("stated_precision", stated_precision, list(PRECISIONS))
    v = float(value)
    if stated_precision in ("exact", "date"):
        low, high = v, v
    elif stated_precision == "one_decimal":
        low, high = v - 0.05, v + 0.05
    elif stated_precision in ("whole_percent", "one_in"):
        low, high = v - 0.5, v + 0.5
    elif stated_precision == "rounded_thousand":
        low, high = v - 500, v + 500
    elif stated_precision == "rounded_hundred_thousand":
        low, high = v - 50_000, v + 50_000
    elif stated_precision == "about":
        half = max(0.05 * abs(v), _half_last_digit(v))
        low, high = v - half, v + half
    elif stated_precision == "almost":
        low, high = min(0.95 * v, v), max(0.95 * v, v)
    elif stated_precision == "fraction_word":
        centre = _snap_fraction(v)
        low, high = centre * 0.9, centre * 1.1
    elif stated_precision in ("more_than", "or_more"):
        low, high = v, math.inf
    else:  # at_most
        low, high = -math.inf, v
    return (round(low, 9) if math.isfinite(low) else low, round(high, 9) if math.isfinite(high) else high)
