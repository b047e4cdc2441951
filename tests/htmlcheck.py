"""Checks that a report page reads as a publication, not as a working notebook.

Each check takes a parsed page (:func:`parse`) and returns a list of findings, one short text per
defect, empty when the page passes. :func:`check_page` runs them all. They look only at what a
reader sees: the text of the body, outside scripts and styles; a register figure id is allowed
only as code (``<code>``), which is how an id column and an id link show it.

Used by ``tests/test_publication.py`` on the notebook pages, and on the landing page and the
briefing pages by their tests.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

ROOT = Path(__file__).resolve().parents[1]
REPORTED_FIGURES = ROOT / "data" / "reference" / "reported_figures.csv"


def figure_ids(path: Path = REPORTED_FIGURES) -> frozenset[str]:
    """The register's figure ids (the ``figure_id`` column)."""
    with path.open(newline="", encoding="utf-8") as f:
        return frozenset(row["figure_id"] for row in csv.DictReader(f))


def parse(html: str) -> BeautifulSoup:
    """The page's body as a reader sees it: scripts, styles and the head removed."""
    soup = BeautifulSoup(html, "html.parser")
    for t in soup(["script", "style", "head", "noscript", "template"]):
        t.decompose()
    return soup


def _texts(soup: BeautifulSoup, outside_code: bool = False) -> list[str]:
    """Every text run of the page; ``outside_code``: skipping runs inside ``<code>``/``<pre>``."""
    out = []
    for s in soup.find_all(string=True):
        if not isinstance(s, NavigableString) or not s.strip():
            continue
        if outside_code and s.find_parent(["code", "pre", "kbd", "samp"]) is not None:
            continue
        out.append(str(s))
    return out


def _cells(soup: BeautifulSoup) -> list[str]:
    return [c.get_text(" ", strip=True) for c in soup.find_all(["td", "th"])]


def _short(text: str, at: int = 0, width: int = 60) -> str:
    start = max(at - width // 2, 0)
    return " ".join(text[start : start + width].split())


# --------------------------------------------------------------------------- the checks

_MISSING = re.compile(r"^(?:nan|NaN|<NA>|None|NaT|null|n/a)$")
_MISSING_ANYWHERE = re.compile(r"(?<![\w<])(?:NaN|NaT)(?!\w)|<NA>")


def missing_markers(soup: BeautifulSoup) -> list[str]:
    """NaN, <NA>, None or NaT in a table cell (or NaN, NaT, <NA> anywhere in the text)."""
    found = [f"cell {c!r}" for c in _cells(soup) if _MISSING.match(c)]
    found += [f"text '{_short(t, m.start())}'" for t in _texts(soup) for m in _MISSING_ANYWHERE.finditer(t)]
    return found


# a whole number printed with a decimal zero: 1500000.0, 2009.0, 585.0 (a percentage with one
# decimal, 30.0%, is the standard form and passes)
_FLOAT_INT = re.compile(r"(?<![\w.,-])\d[\d,]*\.0(?![\d%])(?!\s*(?:%|per ?cent|percentage points|points))")


def floats_for_integers(soup: BeautifulSoup) -> list[str]:
    """A whole number shown as a float (1500000.0, 2009.0, 585.0)."""
    return [f"'{_short(t, m.start())}'" for t in _texts(soup, True) for m in _FLOAT_INT.finditer(t)]


def _is_year(token: str, decimals: str | None) -> bool:
    return decimals is None and len(token) == 4 and 1900 <= int(token) <= 2099


def missing_separators(soup: BeautifulSoup) -> list[str]:
    """A number of 1,000 or more printed without thousands separators (a year is not a count)."""
    out = []
    for t in _texts(soup, True):
        for m in re.finditer(r"(?<![\w.,/-])£?(\d{4,})(\.\d+)?(?![\w,])", t):
            if not _is_year(m.group(1), m.group(2)):
                out.append(f"'{_short(t, m.start())}'")
    return out


_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def code_key_headers(soup: BeautifulSoup) -> list[str]:
    """A column header that is a code key (snake_case such as dp_gross_cost_gbp_million)."""
    return [f"header {th.get_text(strip=True)!r}" for th in soup.find_all("th") if _SNAKE.search(th.get_text())]


def row_indexes(soup: BeautifulSoup) -> list[str]:
    """A bare row index: a blank first header over a first column of 0, 1, 2... (or row headers that are numbers)."""
    out = []
    for i, table in enumerate(soup.find_all("table")):
        body_rows = [r for r in table.find_all("tr") if r.find_parent("thead") is None and r.find("td")]
        firsts = [r.find(["td", "th"]) for r in body_rows]
        if any(f is not None and f.name == "th" and re.fullmatch(r"\d+", f.get_text(strip=True)) for f in firsts):
            out.append(f"table {i + 1}: rows headed by a number (a data frame's index)")
            continue
        head = table.find("thead")
        first_head = head.find(["th", "td"]) if head else None
        values = [f.get_text(strip=True) for f in firsts if f is not None]
        if (
            first_head is not None
            and not first_head.get_text(strip=True)
            and values
            and all(re.fullmatch(r"\d+", v) for v in values)
        ):
            out.append(f"table {i + 1}: an unlabelled first column of numbers (a row index)")
    return out


def literal_newlines(soup: BeautifulSoup) -> list[str]:
    r"""A literal backslash-n (\n) in the text."""
    return [f"'{_short(t, m.start())}'" for t in _texts(soup) for m in re.finditer(r"\\n", t)]


_REPR = re.compile(
    r"Timestamp\(|Timedelta\(|np\.\w+\(|numpy\.\w+|array\(\[|dtype[:=]|\bName: \w+, dtype"
    r"|<[\w.]+ object at 0x|\{'[^']*':|\['[^']*'(?:, '[^']*')*\]"
    r"|\[[^\[\]]*,[^\[\]]*\[[xcz]\][^\[\]]*\]"  # [Hackney, marked [x]]
    r"|\b(?:Series|DataFrame|Index)\(|\bTable\('"
)


def python_reprs(soup: BeautifulSoup) -> list[str]:
    """A Python repr in the text: a list, dict, Timestamp(, np.float64(, an object at 0x..."""
    return [f"'{_short(t, m.start())}'" for t in _texts(soup, True) for m in _REPR.finditer(t)]


def print_outs(soup: BeautifulSoup) -> list[str]:
    """A cell's printed output (stdout or stderr) shown to the reader."""
    out = []
    for div in soup.find_all(attrs={"data-mime-type": re.compile(r"application/vnd\.jupyter\.std(?:out|err)")}):
        out.append(f"print-out '{_short(div.get_text(' ', strip=True))}'")
    for div in soup.find_all(class_=re.compile(r"\bjp-OutputArea-output\b")):
        pre = div.find("pre")
        if pre is not None and "jp-RenderedText" in " ".join(div.get("class", [])) and not div.get("data-mime-type"):
            out.append(f"print-out '{_short(pre.get_text(' ', strip=True))}'")
    return out


def figure_ids_outside_code(soup: BeautifulSoup, ids: Iterable[str] | None = None) -> list[str]:
    """A register figure id in the text other than as code (its id column or an id link)."""
    ids = sorted(ids if ids is not None else figure_ids(), key=len, reverse=True)
    if not ids:
        return []
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w])")
    return [f"'{_short(t, m.start())}'" for t in _texts(soup, True) for m in pattern.finditer(t)]


def sentences_opening_with_an_id(soup: BeautifulSoup, ids: Iterable[str] | None = None) -> list[str]:
    """A paragraph or list item whose first word is a register figure id (as code or not)."""
    ids = set(ids if ids is not None else figure_ids())
    out = []
    for el in soup.find_all(["p", "li"]):
        first = el.get_text(" ", strip=True).split(" ")[0].strip("`:*,.()")
        if first in ids:
            out.append(f"'{_short(el.get_text(' ', strip=True))}'")
    return out


CHECKS: dict[str, Callable[[BeautifulSoup], list[str]]] = {
    "NaN, <NA>, None or NaT": missing_markers,
    "a float for a whole number": floats_for_integers,
    "a number of 1,000 or more without separators": missing_separators,
    "a code-key column header": code_key_headers,
    "a bare row index": row_indexes,
    "a literal \\n": literal_newlines,
    "a Python repr": python_reprs,
    "a print-out for the tests": print_outs,
    "a register figure id outside its id column": figure_ids_outside_code,
    "a sentence that opens with a register id": sentences_opening_with_an_id,
}


def check_page(html: str) -> dict[str, list[str]]:
    """Every check over one page: check name -> findings (only the checks that found something)."""
    soup = parse(html)
    out = {}
    for name, check in CHECKS.items():
        found = check(soup)
        if found:
            out[name] = found
    return out


def report(results: dict[str, dict[str, list[str]]], limit: int = 4) -> str:
    """A short text of the findings per page and check, for an assertion message."""
    lines = []
    for page, found in sorted(results.items()):
        for name, items in found.items():
            more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
            lines.append(f"{page}: {name}: {'; '.join(items[:limit])}{more}")
    return "\n".join(lines)
