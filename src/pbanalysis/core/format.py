"""How a number is printed, in one place: tables, sentences, the landing page, briefings and charts
all call these functions, so one value has one printed form.

The conventions are the Government Analysis Function's for tables: thousands separators, whole
numbers for counts and pounds, one decimal for percentages, and a symbol, never a blank, where a
value is missing:

- ``[c]`` confidential or suppressed by the publisher (PSS-EX1 prints ``-``: 1 to 5 people);
- ``[x]`` not available (``..`` in PSS-EX1, a missing row, or a year the tables do not cover);
- ``[z]`` not applicable (``.`` in PSS-EX1).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

#: The missing-value symbols and what each means, as every table's note explains them.
SYMBOLS: dict[str, str] = {
    "[c]": "1 to 5 people, suppressed by the publisher",
    "[x]": "not in the available tables",
    "[z]": "not applicable",
}

#: The PSS-EX1 source marks (the ``<measure>_flag`` columns) and the symbol each one stands for.
FLAG_SYMBOL: dict[str, str] = {"-": "[c]", "..": "[x]", ".": "[z]", "blank": "[x]"}


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas' NA and NaT."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):  # pandas.NA refuses bool()
        return True


def symbol(flag: object = None) -> str:
    """The symbol for a missing value, from its PSS-EX1 source mark; ``[x]`` when there is none."""
    if isinstance(flag, str) and flag in FLAG_SYMBOL:
        return FLAG_SYMBOL[flag]
    if isinstance(flag, str) and flag in SYMBOLS:
        return flag
    return "[x]"


def rounded(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero at ``decimals`` places, as a reader rounds (992.85 -> 992.9).

    Python's ``round`` and ``format`` round the binary value, so 992.85 becomes 992.8; every printed
    form in the project goes through this function instead."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def number(value: object, decimals: int | None = None, flag: object = None) -> str:
    """A number with thousands separators. ``decimals=None``: a whole number as one (1,500,000),
    otherwise one decimal (992.8). Missing values give their symbol; infinity 'no limit'."""
    if is_missing(value):
        return symbol(flag)
    v = float(value)  # type: ignore[arg-type]
    if math.isinf(v):
        return "no limit" if v > 0 else "no lower limit"
    if decimals is None:
        r = rounded(v, 1)
        return f"{r:,.0f}" if r.is_integer() else f"{r:,.1f}"
    r = rounded(v, decimals)
    return f"{r:,.{decimals}f}"


def count(value: object, flag: object = None) -> str:
    """People, councils, cases: a whole number with separators (1,234)."""
    return number(value, 0, flag)


def pct(value: object, flag: object = None, decimals: int = 1) -> str:
    """A percentage to one decimal (12.3%)."""
    text = number(value, decimals, flag)
    return text if text.startswith("[") else f"{text}%"


#: A change of less than this many percentage points (as printed, to one decimal) is "about the same":
#: never a rise or a fall, in a sentence or a chart title.
ABOUT_THE_SAME_POINTS = 0.5


def movement(a: float, z: float, within: float = ABOUT_THE_SAME_POINTS) -> str:
    """'rose', 'fell' or 'stayed about the same' for a share going from ``a`` to ``z`` (percent): a
    change of less than ``within`` points, as printed to one decimal, is about the same."""
    diff = rounded(z, 1) - rounded(a, 1)
    if abs(diff) < within - 1e-9:
        return "stayed about the same"
    return "rose" if diff > 0 else "fell"


def points(value: object, decimals: int = 1) -> str:
    """A difference of percentages, in percentage points (2.5 points)."""
    text = number(value, decimals)
    return text if text.startswith("[") else f"{text} points"


def _pounds(text: str, suffix: str) -> str:
    """The pound sign after a minus sign (-£41.6m), as a reader writes a loss."""
    return f"-£{text[1:]}{suffix}" if text.startswith("-") else f"£{text}{suffix}"


def gbp(value: object, flag: object = None) -> str:
    """Pounds, whole (£11,855)."""
    text = number(value, 0, flag)
    return text if text.startswith("[") else _pounds(text, "")


def gbp_million(value: object, flag: object = None) -> str:
    """Pounds in millions, with at most one decimal (£900m, £992.8m)."""
    text = number(value, None, flag)
    return text if text.startswith("[") else _pounds(text, "m")


def year(value: object) -> str:
    """A calendar year as a year (2009), or a financial year as written ('2009-10')."""
    if is_missing(value):
        return "[x]"
    if isinstance(value, str):
        return value
    return str(int(round(float(value))))  # type: ignore[arg-type]


_MONTHS = ("January February March April May June July August September October November December").split()


def date(value: object) -> str:
    """A date as a reader writes it (31 March 2010); a text such as '2009-11' is kept as given."""
    if is_missing(value):
        return "[x]"
    if isinstance(value, str):
        return value
    d = value  # a datetime, date or pandas Timestamp
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"  # type: ignore[attr-defined]


def by_period(period: object) -> str:
    """A deadline as a reader writes it: 'by 2012' for '2012' or a range ending in 2012
    ('2010-10/2012-10'), 'by April 2011' for '2011-04', 'by 31 March 2011' for '2011-03-31'."""
    text = str(period).strip()
    if "/" in text:  # a range: what matters is when it ends
        return f"by {text.split('/')[-1][:4]}"
    parts = text.removeprefix("FY").split("-")
    if len(parts) == 2 and len(parts[1]) == 2 and text.startswith("FY"):
        return f"by {text.removeprefix('FY')}"  # a financial year, 2009-10
    if len(parts) == 1:
        return f"by {parts[0]}"
    if len(parts) == 2:
        return f"by {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return f"by {int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th, 112th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: How each unit of the register of reported figures is printed.
_UNIT = {
    "percent": pct,
    "GBP million": gbp_million,
    "GBP": gbp,
    "people": count,
    "councils": count,
    "year": year,
}


def value(v: object, unit: str = "", sentence: bool = False) -> str:
    """A value in its register unit: 13.0%, £900m, one in 7, 170,000, 2009.

    ``sentence=True``: as running text quotes it, a percentage with at most one decimal (13%,
    12.5%); a table always gives it one decimal."""
    if unit == "percent" and sentence:
        text = number(v)
        return text if text.startswith("[") else f"{text}%"
    if unit == "one_in":
        text = number(v)
        return text if text.startswith("[") else f"one in {text}"
    if unit in _UNIT:
        return _UNIT[unit](v)
    return number(v)


def reported(v: object, unit: str, kind: object = "") -> str:
    """A register figure as a table prints it (:func:`value`): a target (``kind`` "target") as it was
    set ("100%", "30%"), any other figure with its one decimal ("13.0%")."""
    return value(v, unit, sentence=kind == "target")


def value_range(low: float, high: float, unit: str = "", sentence: bool = False) -> str:
    """'130' when both ends print the same, else '628.4 to 670.5' (in the unit)."""
    a, b = value(low, unit, sentence), value(high, unit, sentence)
    return a if a == b else f"{a} to {b}"
