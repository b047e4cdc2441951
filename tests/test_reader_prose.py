"""The report's pages speak to readers, not to the code (issue 29, section 3).

Every built page (``reports/html/*.html``, the notebook pages, and ``reports/index.html``) is read
as a reader gets it: the text of the body, the words drawn in its charts (each inline SVG chart's
text, which matplotlib keeps beside each label) and its images' alt text. Outside a table's id
column (a column headed "... id") and the one "How this page was made" box at the end of a page,
none of it may name

- a module (``pbanalysis.analysis.measures``, ``claims.py``),
- a file path (``data/reference/claim_checks.yaml``, ``reports/claims.csv``; a file a link
  downloads may be named by its link),
- a column key (a field of ``data/datapackage.json``, a key of :mod:`pbanalysis.core.keys`, or any
  other ``snake_case`` key such as a parameter value, ``ni130_all``),
- a register figure id (they stay in their id column),
- a status key (:data:`pbanalysis.analysis.claims.STATUSES`: ``not_rebuildable`` anywhere; a
  status printed as its key, ``proxy`` or ``not rebuildable``, as a whole table cell or as code),
- or a log line ("Wrote claims.csv: 47 figures.").

The checker is first tried on small made-up snippets, so each rule is known to fail when it should.
``PBANALYSIS_CHECK_REPORTS=<reports dir>`` checks an existing build instead of building one.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from pbanalysis.analysis import claims, register
from pbanalysis.core import columns, keys, paths
from pbanalysis.outputs import sentences

#: The heading of the one box where a page may name its code.
HOW_MADE = "How this page was made"


# --------------------------------------------------------------------------- what counts as code talk


def column_keys() -> frozenset[str]:
    """Column keys: every field of the data package and every key of :mod:`pbanalysis.core.keys`
    that is written as a key (with an underscore: a key such as ``value`` or ``year`` is a word)."""
    package = json.loads((paths.ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"] for r in package["resources"] for f in r.get("schema", {}).get("fields", [])}
    fields |= {v for v in vars(keys).values() if isinstance(v, str)}
    return frozenset(f for f in fields if "_" in f)


def source_titles() -> frozenset[str]:
    """The titles of the official sources in the data package: a source is cited by its own title,
    which may name the publisher's file ("UK local authority names and codes (uk_local_authorities.csv)")."""
    package = json.loads((paths.ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    found.update(s["title"] for s in value if isinstance(s, dict) and s.get("title"))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(package)
    return frozenset(found)


@dataclass(frozen=True)
class Vocabulary:
    columns: frozenset[str]
    statuses: frozenset[str]
    ids: frozenset[str]
    sources: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(
        column_keys(), frozenset(claims.STATUSES), frozenset(register.load_register()["figure_id"]), source_titles()
    )


MODULE = re.compile(r"\bpbanalysis(?:\.[a-z_]\w*)+|\b[a-z_]\w*\.py\b")
FILE_PATH = re.compile(
    r"(?<![\w/.:-])(?:[\w.-]+/)+[\w.-]*\.(?:csv|ya?ml|json|py|ipynb|xlsx|docx|html|j2|txt|md)\b"
    r"|(?<![\w/.:-])(?:data|reports|notebooks|src|templates|scripts|tests)/(?:[\w.-]+/?)*"
)
FILE_NAME = re.compile(r"(?<![\w/.:-])[\w-]+\.(?:csv|ya?ml|json|py|ipynb|xlsx|docx|html|j2)\b")
SNAKE = re.compile(r"(?<![\w./#-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
LOG_LINE = re.compile(r"^\s*(?:Wrote|Writing|Written|Saved|Saving|Loaded|Loading)\b")


def _status_forms(statuses: frozenset[str]) -> frozenset[str]:
    return frozenset(statuses) | {s.replace("_", " ") for s in statuses}


def findings_in_text(text: str, vocab: Vocabulary, links: frozenset[str] = frozenset()) -> list[str]:
    """Code talk in one run of reader text; ``links``: file names the page links to (downloads)."""
    out = []
    for title in vocab.sources:
        text = text.replace(title, "")
    for m in MODULE.finditer(text):
        out.append(f"module {m.group(0)!r}")
    for m in FILE_PATH.finditer(text):
        out.append(f"file path {m.group(0)!r}")
    for m in FILE_NAME.finditer(text):
        if m.group(0) not in links and not MODULE.fullmatch(m.group(0)):
            out.append(f"file {m.group(0)!r}")
    for m in SNAKE.finditer(text):
        word = m.group(0)
        if FILE_NAME.search(text[m.start() : m.end() + 8]):
            continue  # part of a file name, reported above
        if word in vocab.statuses:
            out.append(f"status key {word!r}")
        elif word in vocab.ids:
            out.append(f"register id {word!r} outside its id column")
        elif word in vocab.columns:
            out.append(f"column key {word!r}")
        else:
            out.append(f"code key {word!r}")
    if LOG_LINE.match(text):
        out.append(f"log line {' '.join(text.split())[:60]!r}")
    return out


# --------------------------------------------------------------------------- reading a page


def _how_made_boxes(soup: BeautifulSoup) -> list[Tag]:
    """The "How this page was made" boxes: the notebook cell, section, aside or details that holds
    a heading (or summary) of that name."""
    boxes = []
    for h in soup.find_all(["h1", "h2", "h3", "h4", "summary"]):
        if h.get_text(" ", strip=True).rstrip("¶").strip() == HOW_MADE:
            box = h.find_parent(lambda t: _is_box(t)) or h
            boxes.append(box)
    return boxes


def _is_box(t: Tag) -> bool:
    return t.name in ("section", "aside", "details") or "jp-Cell" in (t.get("class") or [])


def _id_cells(soup: BeautifulSoup) -> set[int]:
    """The cells of every table column headed as an id ("Register id", "Register id of the holders")."""
    out: set[int] = set()
    for table in soup.find_all("table"):
        head = table.find("thead") or table
        first = head.find("tr")
        if first is None:
            continue
        headers = [th.get_text(" ", strip=True) for th in first.find_all(["th", "td"])]
        cols = {i for i, h in enumerate(headers) if re.search(r"\bids?\b", h, re.I)}
        if not cols:
            continue
        for tr in table.find_all("tr"):
            for i, cell in enumerate(tr.find_all(["td", "th"], recursive=False)):
                if i in cols:
                    out.add(id(cell))
    return out


def _inside(node, tags: set[int]) -> bool:
    return any(id(p) in tags for p in node.parents) or id(node) in tags


def _svg_texts(soup: BeautifulSoup) -> list[str]:
    """The words of each inline SVG chart: matplotlib writes each label's text as a comment beside it."""
    out = []
    for img in soup.find_all("img"):
        src = img.get("src", "")
        if src.startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8", "replace")
            out += [t.strip() for t in re.findall(r"<!--(.*?)-->", svg, re.S) if t.strip()]
        alt = img.get("alt", "")
        if alt:
            out.append(alt)
    for svg in soup.find_all("svg"):
        out += [t.get_text(" ", strip=True) for t in svg.find_all("text")]
    return out


def page_findings(html: str, vocab: Vocabulary) -> list[str]:
    """Every piece of code talk in a page's reader-facing prose, charts and alt text."""
    soup = BeautifulSoup(html, "html.parser")
    for t in soup(["script", "style", "head", "noscript", "template"]):
        t.decompose()
    boxes = _how_made_boxes(soup)
    out = [f"{len(boxes)} boxes headed {HOW_MADE!r}: a page has one"] if len(boxes) > 1 else []
    excluded = {id(b) for b in boxes} | _id_cells(soup)
    links = frozenset(
        name
        for a in soup.find_all("a", href=True)
        for name in [a.get_text(strip=True)]
        if name and a["href"].split("?")[0].endswith(name)
    )
    statuses = _status_forms(vocab.statuses)
    for s in soup.find_all(string=True):
        if not isinstance(s, NavigableString) or not s.strip() or _inside(s, excluded):
            continue
        found = findings_in_text(str(s), vocab, links)
        if s.find_parent(["td", "th"]) is not None:  # a council may be called Reading
            found = [f for f in found if not f.startswith("log line")]
        out += found
    for el in soup.find_all(["td", "code"]):
        if _inside(el, excluded):
            continue
        text = el.get_text(" ", strip=True)
        if text in statuses:
            out.append(f"status key {text!r} as {'a table cell' if el.name == 'td' else 'code'}")
        elif el.name == "code" and text in vocab.columns | vocab.ids:
            pass  # reported as text above
    for text in _svg_texts(soup):
        out += [f"in a chart or alt text: {f}" for f in findings_in_text(text, vocab)]
    return out


# --------------------------------------------------------------------------- the checker can fail

VOCAB = Vocabulary(
    frozenset({"definition_basis", "dp_clients_31mar"}),
    frozenset({"proxy", "not_rebuildable", "consistent"}),
    frozenset({"pb_holders_mar2010"}),
)


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<p>the arithmetic lives in <code>pbanalysis.analysis.measures</code>.</p>", "module"),
        ("<p>see methods.py</p>", "module"),
        ("<p>which figure plays which role is in <code>data/reference/claim_checks.yaml</code></p>", "file path"),
        ("<p>Every sentence is generated from <code>data/raw/</code>.</p>", "file path"),
        ("<p>Wrote <code>claims.csv</code>: 47 figures.</p>", "file"),
        ("<p>Wrote claims: 47 figures.</p>", "log line"),
        ("<pre>Writing the claims table: 47 figures</pre>", "log line"),
        ("<table><tr><th>Status</th></tr><tr><td>not_rebuildable</td></tr></table>", "status key"),
        ("<table><tr><th>Status</th></tr><tr><td>not rebuildable</td></tr></table>", "status key"),
        ("<table><tr><th>Status</th></tr><tr><td>proxy</td></tr></table>", "status key"),
        ("<p>The official England series (kind <code>proxy</code>) is</p>", "status key"),
        ("<p>counted as definition_basis</p>", "column key"),
        (
            "<table><tr><th>Rebuilt as</th></tr><tr><td><code>pb_holders_mar2010</code> / 2</td></tr></table>",
            "register id",
        ),
        ("<table><tr><th>Parameter value</th></tr><tr><td>ni130_all</td></tr></table>", "code key"),
        (
            '<img alt="" src="data:image/svg+xml;base64,'
            + base64.b64encode(b"<svg><!-- 11.3% of ni130_all --></svg>").decode()
            + '">',
            "in a chart",
        ),
        (f"<div class='jp-Cell'><h2>{HOW_MADE}</h2></div><div class='jp-Cell'><h2>{HOW_MADE}</h2></div>", "boxes"),
    ],
)
def test_the_checker_finds_code_talk(html, what):
    found = page_findings(html, VOCAB)
    assert any(what in f for f in found), found


@pytest.mark.parametrize(
    "html",
    [
        "<p>People on direct payments at 31 March, as a share of people on community services.</p>",
        "<p>Proxy only: no verdict. The claim is consistent with official data.</p>",
        "<table><tr><th>Register id</th><th>Status</th></tr>"
        "<tr><td><code class='pb-id'>pb_holders_mar2010</code></td><td>Proxy only: no verdict</td></tr></table>",
        f"<div class='jp-Cell'><h2>{HOW_MADE}</h2><p>The arithmetic is in <code>pbanalysis.analysis.measures</code>"
        " and <code>data/reference/claim_checks.yaml</code>; column <code>definition_basis</code>.</p></div>",
        '<p>Download <a href="data/claims_check.csv">claims_check.csv</a> (14.2 KB).</p>',
        "<table><tr><th>Council</th></tr><tr><td>Reading</td></tr></table>",
        "<p>Source: NHS Digital, https://digital.nhs.uk/data-and-information/publications/statistical/adult-social-care-outcomes-framework-ascof</p>",
    ],
)
def test_the_checker_passes_reader_prose(html):
    assert page_findings(html, VOCAB) == []


# --------------------------------------------------------------------------- the report's pages


def report_pages(reports: Path) -> dict[str, Path]:
    out = {p.stem: p for p in sorted((reports / "html").glob("*.html"))}
    if (reports / "index.html").exists():
        out["index"] = reports / "index.html"
    return out


@pytest.mark.slow
def test_no_page_names_code_files_keys_or_log_lines(reports_dir, vocab):
    pages = report_pages(reports_dir)
    assert any(name.startswith("take_up--") for name in pages), f"no notebook pages in {reports_dir}"
    failing = {}
    for name, path in pages.items():
        found = sorted(set(page_findings(path.read_text(encoding="utf-8"), vocab)))
        if found:
            failing[name] = found
    lines = [
        f"{name}: {'; '.join(f[:6])}" + (f" (+{len(f) - 6} more)" if len(f) > 6 else "") for name, f in failing.items()
    ]
    assert not failing, "\n" + "\n".join(lines)


# --------------------------------------------------------------------------- each page opens with its main points


def _timeline(proxy=(10.2, 19.2), reported=(7.0, 39.6)) -> pd.DataFrame:
    rows = [
        {"date": pd.Timestamp(f"{2009 + i}-03-31"), "kind": "proxy", "takeup_pct": v, "label": "proxy"}
        for i, v in enumerate(proxy)
    ]
    rows += [
        {"date": pd.Timestamp(f"{2009 + i}-04-01"), "kind": "reported", "takeup_pct": v, "label": "r"}
        for i, v in enumerate(reported)
    ]
    return pd.DataFrame(rows)


def _by_denominator(pcts=(11.3, 39.6)) -> pd.DataFrame:
    return pd.DataFrame(
        [{"denominator": d, "takeup_pct": p, "meets_target": p >= 30, "holders": "h"} for d, p in zip(["a", "b"], pcts)]
    )


def test_the_take_up_points_are_computed_from_the_frames():
    points = sentences.take_up_points(_timeline(), _by_denominator(), 30, "People on ongoing care (950,000 people)")
    assert 2 <= len(points) <= 4
    assert points[0].startswith("1 of 2 take-up figures") and "people on ongoing care" in points[0]
    assert "1 of 2 pairs" in points[1]
    assert "between 10.2% and 19.2%" in points[2] and "below the 30% target" in points[2]
    changed = sentences.take_up_points(
        _timeline(proxy=(10.2, 31.0), reported=(35.0, 39.6)), _by_denominator((31.0, 39.6)), 30, "x"
    )
    assert changed[0].startswith("2 of 2") and "2 of 2 pairs" in changed[1] and "either side of" in changed[2]


def test_a_forecast_is_not_counted_as_meeting_the_target():
    by = _by_denominator((11.3, 39.6)).assign(forecast=[False, True])
    assert "no count of holders reaches 30%" in sentences.take_up_points(_timeline(), by, 30, "x")[1]


def test_the_spending_points_name_the_extremes_with_the_people_behind_them():
    split = pd.DataFrame(
        {"part": ["Direct payments", "Other"], "gbp_million": [666.0, 234.0], "share_pct": [74.0, 26.0]}
    )
    spend = pd.DataFrame({"year": ["2008-09", "2009-10", "2010-11"], "dp_gross_cost_gbp_million": [624.4, None, 992.8]})
    per = pd.DataFrame(
        {
            "council_name": ["A", "B", "C"],
            keys.DP_SPEND_PER_RECIPIENT_GBP: [1465.0, 10105.0, 31312.0],
            keys.DP_RECIPIENTS_31MAR: [440, 1000, 15],
        }
    )
    points = sentences.spending_points(split, spend, per, "2010-11")
    assert "£900m" in points[0] and "74%" in points[0] and "£666m" in points[0]
    assert (
        "£624.4m in 2008-09 to £992.8m in 2010-11" in points[1] and "2009-10 is not in the official tables" in points[1]
    )
    assert "£1,465 a year (A, 440 recipients)" in points[2] and "£31,312 (C, 15 recipients)" in points[2]
    assert points[2].startswith("In 2010-11, direct-payment spend per recipient ranged from £1,465")


def test_a_measure_in_a_sentence_takes_the_column_dictionarys_words(monkeypatch):
    assert sentences.measure_in_words(keys.PROXY_TAKEUP_PCT) == "proxy take-up"
    assert sentences.measure_in_words(keys.DP_CLIENTS_31MAR) == "the number of people on direct payments at 31 March"
    # Edit the dictionary's words for spend per recipient: the spending point follows.
    entries = dict(columns.entries())
    entries[keys.DP_SPEND_PER_RECIPIENT_GBP] = replace(entries[keys.DP_SPEND_PER_RECIPIENT_GBP], short="money a head")
    monkeypatch.setattr(columns, "entries", lambda: entries)
    per = pd.DataFrame({"council_name": ["A", "B"], keys.DP_SPEND_PER_RECIPIENT_GBP: [1.0, 2.0]})
    (point,) = sentences.spending_points(
        pd.DataFrame(), pd.DataFrame({"year": [], "dp_gross_cost_gbp_million": []}), per, "2010-11"
    )
    assert point.startswith("In 2010-11, money a head ranged from £1 a year (A)")
    assert sentences.measure_in_words(keys.DP_SPEND_PER_RECIPIENT_GBP) == "money a head"


def test_the_claims_points_count_each_basis_with_its_statuses():
    by = pd.DataFrame(
        {
            "basis": ["official", "own_figures", "own_figures", "proxy", "input"],
            "status": ["consistent", "match", "differs", "proxy", "input"],
            "figures": [4, 4, 1, 13, 0],
        }
    )
    label = {"official": "tested against official data", "own_figures": "rebuilt", "proxy": "beside a proxy"}
    points = sentences.claims_points(by, label)
    assert "holds 22 figures" in points[0]
    assert "4 tested against official data (4 consistent" in points[1]
    assert "5 rebuilt (4 matched when rebuilt" in points[1] and "13 beside a proxy" in points[1]
    assert "input" not in points[1]


#: The notebook pages that open with generated main points (the explorer opens with its view, the
#: council briefing with its "In brief" sentences).
WITH_MAIN_POINTS = ("take_up", "spending", "variance", "what_next", "claims")


@pytest.mark.slow
def test_each_page_opens_with_its_main_points_and_ends_with_how_it_was_made(reports_dir):
    pages = {n: p for n, p in report_pages(reports_dir).items() if n != "index"}
    assert pages
    for name, path in pages.items():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        cells = [c for c in soup.find_all(class_="jp-Cell") if c.get_text(strip=True)]
        boxes = _how_made_boxes(soup)
        assert len(boxes) == 1, f"{name}: {len(boxes)} boxes headed {HOW_MADE!r}"
        assert boxes[0] is cells[-1], f"{name}: the {HOW_MADE!r} box is not the last thing on the page"
        if name.split("--")[0] in WITH_MAIN_POINTS:
            first = cells[1]  # the cell after the title
            assert first.find(string=re.compile("Main points")), f"{name}: no main points after the title"
            assert 2 <= len(first.find_all("li")) <= 4, f"{name}: main points are two to four sentences"


def test_the_later_measures_points_never_compare_across_the_framework_change():
    sds = pd.DataFrame(
        {
            "year": ["2017-18", "2021-22", "2022-23", "2023-24"],
            "value": [89.7, 94.5, 93.5, 92.2],
            "definition_break": [False, False, False, True],
        }
    )
    points = sentences.what_next_points(sds, sds.assign(value=[28.5, 26.7, 26.2, 25.5]))
    assert len(points) == 2
    assert "89.7% in 2017-18 and 93.5% in 2022-23 (highest 94.5%, in 2021-22)" in points[0]
    assert "after the 2023-24 framework change, measured on its own, it was 92.2%" in points[0]
    assert "highest" not in points[1] and "25.5%" in points[1]
