"""The landing page and the briefing pages as a reader gets them: the bulletin's order, main points
computed from the claims, a claims table that sorts and searches with no network, pages rendered
from the templates, and no notebook artefacts in any cell or sentence.

:func:`artefacts` is the checker: it parses a page and lists every ``NaN``/``<NA>``/``None``/``NaT``
in a cell, float printed for an integer, number of 1,000 or more without separators, code-key
column header, bare row index, literal ``\\n``, Python repr, and register figure id outside its id
column (a ``<code>`` element)."""

from __future__ import annotations

import ast
import csv
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import PACK_COUNCILS

from pbanalysis.analysis import claims, register
from pbanalysis.core import paths
from pbanalysis.dataset import data, periods
from pbanalysis.outputs import index_page

HEADLINE = [c for c, _, _ in index_page.HEADLINE_CHARTS]
SAMPLE_COUNCILS = ("Somerset", "Manchester", "Hackney")


# --------------------------------------------------------------------------- the checker


class _Page(HTMLParser):
    """Text of a page by where it sits: table cells (with their table and column), headers, and
    running text outside ``<code>``, ``<script>`` and ``<style>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tables: list[dict] = []  # {"headers": [...], "rows": [[...]]}
        self.text: list[str] = []  # running text outside code
        self.cell: list[str] | None = None
        self.cell_tag = ""
        self.order: list[tuple[str, int]] = []  # ("table" | "img" | "main-points", position)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("br", "img", "input", "meta", "col", "wbr", "link"):
            self.stack.append(tag)
        if tag == "table":
            self.tables.append({"headers": [], "rows": [], "id": a.get("id", ""), "class": a.get("class", "")})
            self.order.append(("table", self.getpos()[0]))
        elif tag == "img":
            self.order.append(("img", self.getpos()[0]))
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell, self.cell_tag = [], tag
        if a.get("id") == "main-points":
            self.order.append(("main-points", self.getpos()[0]))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            text = " ".join("".join(self.cell).split())
            t = self.tables[-1]
            if tag == "th" and not any(t["rows"][:-1]) and "thead" in self.stack:
                t["headers"].append(text)
            else:
                t["rows"][-1].append(text)
            self.cell = None
        while self.stack and self.stack[-1] != tag:
            self.stack.pop()
        if self.stack:
            self.stack.pop()

    def handle_data(self, d):
        if any(t in self.stack for t in ("script", "style")):
            return
        in_code = "code" in self.stack
        if self.cell is not None and not in_code:
            self.cell.append(d)
        if not in_code:
            self.text.append(d)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def figure_ids() -> set[str]:
    with paths.REGISTER_CSV.open(encoding="utf-8") as f:
        return {r["figure_id"] for r in csv.DictReader(f)}


_MISSING = re.compile(r"(?<![\w<])(NaN|None|NaT|nan)(?!\w)|<NA>")
_FLOAT_INT = re.compile(r"(?<![\w.,-])\d[\d,]*\.0(?![\d%])(?!\s*(points|percentage))")
_LONG = re.compile(r"(?<![\w.,£-])(\d{4,})(?:\.\d+)?(?![\w,-])")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_REPR = re.compile(
    r"\['|\{'|'\]|'\}|\b(np|pd)\.\w|Timestamp\(|dtype[:=]|\[[^\[\]]*\[[xcz]\]\]|<function |\bobject at 0x"
)


def _is_year(number: str) -> bool:
    return len(number) == 4 and 1900 <= int(number) <= 2099


def artefacts(page: str, ids: set[str]) -> list[str]:
    """Every reader-facing artefact of ``page`` (HTML), each described with where it is."""
    p = _parse(page)
    found = []
    for t in p.tables:
        name = t["id"] or "a table"
        for h in t["headers"]:
            if _SNAKE.search(h):
                found.append(f"{name}: code-key header {h!r}")
        firsts = [r[0] for r in t["rows"] if r]
        if t["headers"] and t["headers"][0] == "":
            found.append(f"{name}: a column with no header (a row index?)")
        if len(firsts) > 2 and firsts == [str(i) for i in range(len(firsts))]:
            found.append(f"{name}: a bare row index 0, 1, 2, ...")
        if len(firsts) > 2 and firsts == [str(i) for i in range(1, len(firsts) + 1)] and t["headers"][:1] == [""]:
            found.append(f"{name}: a bare row index 1, 2, 3, ...")
        for r in t["rows"]:
            for c in r:
                if _MISSING.search(c):
                    found.append(f"{name}: missing value printed as {_MISSING.search(c).group(0)!r} in {c!r}")
    text = " ".join(" ".join(p.text).split())
    for m in _FLOAT_INT.finditer(text):
        found.append(f"float for an integer {m.group(0)!r} in ...{text[max(0, m.start() - 40) : m.end() + 20]}...")
    for m in _LONG.finditer(text):
        if not _is_year(m.group(1)):
            found.append(
                f"number without separators {m.group(0)!r} in ...{text[max(0, m.start() - 40) : m.end() + 20]}"
            )
    if "\\n" in text:
        found.append("a literal \\n in the text")
    for m in _REPR.finditer(text):
        found.append(f"a Python repr {m.group(0)!r} in ...{text[max(0, m.start() - 40) : m.end() + 40]}")
    if _MISSING.search(text):
        m = _MISSING.search(text)
        found.append(f"missing value {m.group(0)!r} in ...{text[max(0, m.start() - 40) : m.end() + 40]}")
    for fid in ids:
        if re.search(rf"(?<![\w-]){re.escape(fid)}(?![\w-])", text):
            found.append(f"register id {fid!r} outside its id column")
    for m in _SNAKE.finditer(text):
        is_file = re.match(r"\.(csv|xlsx|json|yaml|html|docx|png|svg)\b", text[m.end() :])
        if m.group(0) not in ids and not is_file:
            found.append(f"code key {m.group(0)!r} in ...{text[max(0, m.start() - 40) : m.end() + 20]}")
    return found


@pytest.mark.parametrize(
    "bad,what",
    [
        ("<table><thead><tr><th>Value</th></tr></thead><tbody><tr><td>NaN</td></tr></tbody></table>", "missing"),
        ("<table><thead><tr><th>Value</th></tr></thead><tbody><tr><td>&lt;NA&gt;</td></tr></tbody></table>", "missing"),
        ("<table><thead><tr><th>Value</th></tr></thead><tbody><tr><td>None</td></tr></tbody></table>", "missing"),
        ("<p>1500000.0 people</p>", "float for an integer"),
        ("<p>585.0 people</p>", "float for an integer"),
        ("<p>In 2009.0</p>", "float for an integer"),
        ("<p>409504 people</p>", "without separators"),
        ("<p>£992.85m</p>", ""),  # one decimal too many is not an artefact this checks; must pass
        ("<table><thead><tr><th>dp_gross_cost_gbp_million</th></tr></thead><tbody></tbody></table>", "code-key"),
        (
            "<table><thead><tr><th></th><th>A</th></tr></thead><tbody><tr><td>0</td><td>x</td></tr></tbody></table>",
            "row index",
        ),
        ("<p>a\\nb</p>", "literal"),
        ("<p>[Hackney, marked [x]]</p>", "repr"),
        ("<p>['a', 'b']</p>", "repr"),
        ("<p>pb_holders_ongoing_mar2010: Consistent</p>", "register id"),
        ("<p>the wording 'rounded_hundred_thousand' allows</p>", "code key"),
    ],
)
def test_the_checker_finds_each_artefact(bad, what, figure_ids):
    found = artefacts(f"<html><body>{bad}</body></html>", figure_ids)
    if what:
        assert any(what in f for f in found), found
    else:
        assert found == [], found


def test_the_checker_passes_reader_text(figure_ids):
    good = (
        "<p>In 2009-10, 1,500,000 people; 12.0% and 5.0 points; £1,433.6m; since 2009; GSS <code>E10000027</code>.</p>"
        "<table><thead><tr><th>Year</th><th>People</th></tr></thead><tbody><tr><td>2008-09</td><td>[c]</td></tr>"
        "</tbody></table><p><code>pb_holders_ongoing_mar2010</code></p>"
    )
    assert artefacts(f"<html><body>{good}</body></html>", figure_ids) == []


# --------------------------------------------------------------------------- main points


@pytest.fixture(scope="module")
def claims_table() -> pd.DataFrame:
    return claims.check(register.load_register(), data.load_council_year(), data.load_national_series())


@pytest.fixture(scope="module")
def inputs(claims_table):
    from pbanalysis.outputs import main_points

    return main_points.load(claims_table)


def test_main_points_are_four_to_six_plain_sentences_computed_from_the_claims(inputs, claims_table, figure_ids):
    from pbanalysis.outputs import main_points

    points = main_points.main_points(inputs)
    assert 4 <= len(points) <= 6
    official = claims_table[claims_table["basis"] == "official"]
    held = int(official["status"].isin(["match", "consistent"]).sum())
    first = points[0]
    assert first.startswith(f"Of the {len(claims_table)} figures in the ")
    assert f"{len(official)} were tested against official data, and all {held} held up" in first
    assert "could be tested against official data" not in first
    for s in points:
        assert s[0].isupper() and s.endswith(".")
        assert not _SNAKE.search(s), s
        assert not any(fid in s for fid in figure_ids), s


def test_a_changed_claim_changes_the_main_point(inputs, claims_table):
    from dataclasses import replace

    from pbanalysis.outputs import main_points

    before = main_points.verdicts(inputs)
    changed = claims_table.copy()
    i = changed.index[(changed["status"] == "consistent") & (changed["basis"] == "official")][0]
    changed.loc[i, "status"] = "inconsistent"
    after = main_points.verdicts(replace(inputs, claims=changed))
    official = changed[changed["basis"] == "official"]
    held = int(official["status"].isin(["match", "consistent"]).sum())
    failed = int(official["status"].isin(["differs", "inconsistent"]).sum())
    assert after != before
    assert f"tested against official data, and {held} held up and {failed} did not" in after


def test_a_changed_measure_changes_the_main_point(inputs):
    from dataclasses import replace

    from pbanalysis.outputs import main_points

    nat = inputs.national.copy()
    nat.loc[nat.index[0], "england_proxy_takeup_pct"] = 12.34
    text = main_points.national_takeup(replace(inputs, national=nat))
    assert "12.3% at 31 March 2009" in text and text != main_points.national_takeup(inputs)
    series = dict(inputs.series, series={**inputs.series["series"], "2022-23": 55.55})
    text = main_points.later(replace(inputs, series=series))
    assert "55.6% in 2022-23, the last year of the earlier framework" in text
    assert "after the framework change (not compared with the years before)" in text


def test_main_points_name_the_targets_reached_and_missed(inputs, claims_table):
    from dataclasses import replace

    from pbanalysis.outputs import main_points

    changed = claims_table.copy()
    missed = changed.index[changed["status"] == "not_reached"]
    assert len(missed) >= 2
    changed.loc[missed[0], "status"] = "reached"
    text = main_points.verdicts(replace(inputs, claims=changed))
    assert (
        f"{len(missed)} targets were set against a later, different measure: 1 level reached by {main_points.series_end(inputs)}, 1 not"
        in text
    )


def test_the_targets_are_judged_to_the_end_of_the_ascof_series(inputs):
    from dataclasses import replace

    from pbanalysis.analysis import what_next
    from pbanalysis.outputs import main_points

    text = main_points.verdicts(inputs)
    assert main_points.series_end(inputs) == what_next.TREND_YEARS[-1]
    assert f"neither level had been reached by {what_next.TREND_YEARS[-1]}" in text
    assert f"reached by {what_next.YEAR}" not in text, "one year of the series is not its end"
    shorter = dict(inputs.series, series={y: v for y, v in inputs.series["series"].items() if y < "2022-23"})
    assert "reached by 2021-22" in main_points.verdicts(replace(inputs, series=shorter))


# --------------------------------------------------------------------------- built pages


@pytest.fixture(scope="module")
def site(tmp_path_factory, claims_table, built_packs):
    """A report folder with the claims table, the headline charts, stub notebook pages, the council
    packs built for the tests (with their Word documents: tests/conftest.py, a copy) and the
    landing page."""
    from pbanalysis.core import atomic
    from pbanalysis.outputs import index_page
    from pbanalysis.pipeline import registry

    root = tmp_path_factory.mktemp("reports")
    mp = pytest.MonkeyPatch()
    reports = paths.REPORTS_DIR
    for name in ("FIGURES_DIR", "EXECUTED_DIR", "HTML_DIR", "BRIEFINGS_DIR"):
        mp.setattr(paths, name, root / getattr(paths, name).relative_to(reports))
    mp.setattr(paths, "REPORTS_DIR", root)
    mp.setattr(paths, "CLAIMS_CSV", root / "claims.csv")
    mp.setattr(paths, "INDEX_HTML", root / "index.html")
    try:
        atomic.write_csv(paths.CLAIMS_CSV, claims_table)
        for chart in HEADLINE:
            registry.render(chart, fmt="both", out_dir=paths.FIGURES_DIR)
        paths.HTML_DIR.mkdir(parents=True)
        for nb in index_page.NOTEBOOKS:
            (paths.HTML_DIR / f"{nb}--default.html").write_text("<html></html>", encoding="utf-8")
        assert set(SAMPLE_COUNCILS) <= set(PACK_COUNCILS)
        shutil.copytree(built_packs, paths.BRIEFINGS_DIR)
        (root / "data").mkdir()
        (root / "data" / "england_by_year.csv").write_text("year\n2009-10\n", encoding="utf-8")
        index_page.write_index()
        yield root
    finally:
        mp.undo()


@pytest.mark.slow
def test_index_has_the_main_points_and_three_charts_before_any_table(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    order = _parse(page).order
    kinds = [k for k, _ in order]
    first_table = kinds.index("table")
    assert kinds.index("main-points") < first_table
    assert kinds[:first_table].count("img") >= 3
    body = page[page.index("<body>") :]
    headings = [h for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", body)]
    assert headings[:2] == ["Main points", "The headline charts"]
    assert headings.index("The reported figures and their checks") < headings.index("Download the data")
    assert headings.index("Download the data") < headings.index("About the data")
    assert re.search(r"Built from commit <code>[0-9a-f]{12}</code>|no commit", page)


@pytest.mark.slow
def test_each_headline_chart_has_alt_text_and_links_to_its_notebook_section(site):
    from pbanalysis.outputs import index_page

    page = (site / "index.html").read_text(encoding="utf-8")
    for chart, notebook, _ in index_page.HEADLINE_CHARTS:
        m = re.search(rf'<a href="([^"]+)"><img src="figures/{chart}\.svg" alt="([^"]+)">', page)
        assert m, chart
        anchor = index_page.chart_anchor(notebook, chart)
        assert anchor, f"{notebook} draws {chart} under no section anchor"
        assert m.group(1) == f"html/{notebook}--default.html#{anchor}"
        assert len(m.group(2)) > 40


@pytest.mark.slow
def test_the_claims_table_sorts_and_searches_with_no_network(site, claims_table):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", page), "nothing is fetched from the network"
    assert "<script>" in page and "table.sortable" in page and 'data-filter="claims-table"' in page
    assert '<table id="claims-table" class="sortable">' in page
    for fid in claims_table["figure_id"]:
        assert f'id="claim-{fid}"' in page
    rows = re.findall(r'<tr id="claim-', page)
    assert len(rows) == len(claims_table)


@pytest.mark.slow
def test_the_councils_list_sorts_and_searches_with_no_network(site):
    page = (site / "briefings" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", page)
    assert '<table id="councils-table" class="sortable">' in page and 'data-filter="councils-table"' in page
    assert "table.sortable" in page
    for council in SAMPLE_COUNCILS:
        assert f'<a href="{council.lower()}/index.html">{council}</a>' in page


@pytest.mark.slow
def test_downloads_list_the_files_that_exist_with_their_sizes(site):
    from pbanalysis.outputs import pages

    found = {d["name"]: d for d in pages.downloads(site)}
    assert set(found) == {"claims.csv", "england_by_year.csv"}
    assert found["england_by_year.csv"]["href"] == "data/england_by_year.csv"
    assert found["england_by_year.csv"]["size"] == f"{(site / 'data' / 'england_by_year.csv').stat().st_size} bytes"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="data/england_by_year.csv">england_by_year.csv</a>' in page
    assert "pbanalysis-data-tables.xlsx" not in page


def test_file_sizes_read_as_a_reader_writes_them():
    from pbanalysis.outputs import pages

    assert pages.file_size(812) == "812 bytes"
    assert pages.file_size(14_250) == "14.3 KB"
    assert pages.file_size(3_140_000) == "3.1 MB"


@pytest.mark.slow
def test_about_the_data_names_sources_licences_and_what_the_data_cannot_show(site):
    from pbanalysis.dataset import datapackage

    page = (site / "index.html").read_text(encoding="utf-8")
    about = page[page.index('id="about"') :]
    for res in datapackage.project_package()["resources"]:
        for s in res["sources"]:
            if s.get("publisher"):
                assert s["publication"] in about and s["licence"] in about
    p = periods.periods()
    for gap in ("Council-level NI 130", "ADASS", f"ASCOF measure 1C before {p.ascof_series[0]}", periods.span(p.gap)):
        assert gap in about


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", ["index.html", "briefings/index.html", *(f"briefings/{c.lower()}/index.html" for c in SAMPLE_COUNCILS)]
)
def test_pages_have_no_notebook_artefacts(site, page, figure_ids):
    found = artefacts((site / page).read_text(encoding="utf-8"), figure_ids)
    assert found == [], "\n".join(found[:20])


@pytest.mark.slow
def test_briefing_page_gives_each_source_once_and_explains_its_symbols(site):
    page = (site / "briefings" / "hackney" / "index.html").read_text(encoding="utf-8")
    assert "Source: Source:" not in page and "Source:  " not in page
    p = _parse(page)
    cells = [c for t in p.tables for r in t["rows"] for c in r]
    from pbanalysis.core import format as fmt

    for sym, meaning in fmt.SYMBOLS.items():
        if sym in cells:
            assert f"{sym}: {meaning}." in page


def test_pages_are_rendered_from_templates_not_assembled_in_python():
    """No module of the outputs layer writes markup: the pages' tags live in templates/."""
    for module in ("index_page", "briefing", "briefing_docx", "main_points", "pages", "sentences"):
        src = (paths.ROOT / "src" / "pbanalysis" / "outputs" / f"{module}.py").read_text(encoding="utf-8")
        strings = [
            n.value for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        tags = [s for s in strings if re.search(r"<(p|td|tr|th|li|ul|table|h[1-6]|html|body|div|a|img|figure)\b", s)]
        assert tags == [], f"{module}.py builds HTML: {tags[:3]}"
    for name in ("index.html.j2", "briefing.html.j2", "briefings.html.j2", "page.html.j2", "report.css"):
        assert (paths.TEMPLATES_DIR / name).exists(), name


def test_every_page_prints_on_a4_portrait_with_nothing_cut():
    css = (paths.TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4 portrait", css)
    printing = css[css.index("@media print") :]
    assert "max-width:100%" in printing.replace(" ", "") and "break-inside:avoid" in printing
    assert "overflow:visible" in printing.replace(" ", "")
    page = (paths.TEMPLATES_DIR / "page.html.j2").read_text(encoding="utf-8")
    assert '{% include "report.css" %}' in page


def test_built_line_names_the_commit_and_date():
    from pbanalysis.outputs import index_page

    line = index_page.built_from_line({"commit": "0123456789abcdef", "dirty": False}, "2026-11-25T15:40:00+00:00")
    assert line == '<p class="built">Built from commit <code>0123456789ab</code> on 2026-11-25 (15:40 UTC).</p>'


@pytest.mark.slow
def test_the_word_pack_has_no_heading_that_repeats_a_chart_title(site):
    import docx
    from docx.oxml.ns import qn

    path = site / "briefings" / "somerset" / "somerset-personal-budgets.docx"
    doc = docx.Document(str(path))
    titles = [p.get("title", "") for p in doc.element.body.iter(qn("wp:docPr"))]
    assert len(titles) == 2 and all(titles)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert not set(headings) & set(titles), headings
    assert {"What the articles said", "Notes", "About this briefing"} <= set(headings)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Source: Source:" not in text


def test_the_word_template_puts_no_heading_above_a_chart():
    import docx

    doc = docx.Document(str(paths.BRIEFING_TEMPLATE_DOCX))
    paras = doc.paragraphs
    for i, p in enumerate(paras):
        if "{{ c.image }}" in p.text:
            before = [q for q in paras[:i] if q.text.strip() and not q.text.startswith("{%")][-1]
            assert "c.title" not in before.text and "title" not in before.text


def test_a_headline_chart_is_the_run_drawn_for_the_main_points_year(tmp_path, monkeypatch):
    import json

    from pbanalysis.outputs import index_page

    figures, html_dir = tmp_path / "figures", tmp_path / "html"
    figures.mkdir()
    html_dir.mkdir()
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(paths, "FIGURES_DIR", figures)
    monkeypatch.setattr(paths, "HTML_DIR", html_dir)
    for suffix, year in (("", "2009-10"), ("--y2010_11", "2010-11")):
        (figures / f"variance_rank{suffix}.svg").write_text("<svg/>", encoding="utf-8")
        (figures / f"variance_rank{suffix}.json").write_text(json.dumps({"year": year}), encoding="utf-8")
        (figures / f"variance_rank{suffix}.alt.txt").write_text(f"Bar chart, {year}", encoding="utf-8")
    (html_dir / "variance--y2010_11.html").write_text("", encoding="utf-8")
    anchor = index_page.chart_anchor("variance", "variance_rank")
    chart = next(c for c in index_page.headline_charts("2010-11") if c["src"].startswith("figures/variance_rank"))
    assert chart["src"] == "figures/variance_rank--y2010_11.svg" and chart["alt"] == "Bar chart, 2010-11"
    assert chart["href"] == f"html/variance--y2010_11.html#{anchor}"
    chart = next(c for c in index_page.headline_charts("2013-14") if c["src"].startswith("figures/variance_rank"))
    assert chart["src"] == "figures/variance_rank.svg" and chart["href"].startswith("html/variance--default.html")


def test_a_chart_links_to_the_heading_it_is_drawn_under():
    from pbanalysis.outputs import index_page

    for chart, notebook, _ in index_page.HEADLINE_CHARTS:
        anchor = index_page.chart_anchor(notebook, chart)
        cells = index_page._notebook_cells(notebook)
        marks = "".join(index_page._cell_text(c) for c in cells if c["cell_type"] == "markdown")
        assert f'id="{anchor}"' in marks or anchor.replace("-", " ") in marks, (chart, anchor)


def test_the_what_happened_next_headline_is_the_ascof_series():
    from pbanalysis.outputs import index_page
    from pbanalysis.pipeline import registry

    what_next = [chart for chart, notebook, _ in index_page.HEADLINE_CHARTS if notebook == "what_next"]
    assert what_next == ["what_next_trend_sds"] and "what_next_trend_sds" in registry.CHARTS
    assert index_page.chart_anchor("what_next", "what_next_trend_sds"), "the notebook draws it under a section"


# --------------------------------------------------------------------------- links and release basics


@pytest.mark.slow
def test_the_landing_page_links_the_packs_index_and_each_pack_links_its_word_document(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="briefings/index.html"' in page
    listing = (site / "briefings" / "index.html").read_text(encoding="utf-8")
    for c in SAMPLE_COUNCILS:
        slug = c.lower()
        pack = (site / "briefings" / slug / "index.html").read_text(encoding="utf-8")
        assert f'href="{slug}-personal-budgets.docx"' in pack and 'href="../../index.html"' in pack
        assert f'href="{slug}/index.html"' in listing and f'href="{slug}/{slug}-personal-budgets.docx"' in listing
        assert (site / "briefings" / slug / f"{slug}-personal-budgets.docx").exists()


@pytest.mark.slow
def test_the_landing_page_states_the_release_basics(site):
    from pbanalysis.outputs import release

    r = release.release()
    page = (site / "index.html").read_text(encoding="utf-8")
    head = page[: page.index('id="main-points"')]
    for label in ("Release date", "Statistical status", "Contact", "Sources last updated"):
        assert f"<dt>{label}</dt>" in head
    assert "Not official statistics; an independent analysis of official statistics." in head
    assert r.contact in head and r.sources_updated in head
    assert r.contact_is_placeholder == ("placeholder" in head)


def test_the_contact_is_a_placeholder_until_one_is_set(tmp_path):
    from pbanalysis.outputs import release

    conf = tmp_path / "pyproject.toml"
    conf.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert release.configured_contact(conf) == release.PLACEHOLDER_CONTACT
    assert release.is_placeholder(release.PLACEHOLDER_CONTACT)
    conf.write_text('[tool.pbanalysis]\ncontact = "social.care.statistics@council.gov.uk"\n', encoding="utf-8")
    assert release.configured_contact(conf) == "social.care.statistics@council.gov.uk"
    assert not release.is_placeholder(release.configured_contact(conf))


def test_sources_last_updated_is_the_newest_date_a_source_was_read():
    from pbanalysis.dataset import origins
    from pbanalysis.outputs import release

    newest = max(o.accessed for o in origins.load_origins().values())
    assert release.release().sources_updated_iso == newest
    assert release.long_date("2025-07-10") == "10 July 2025"


@pytest.mark.slow
def test_the_word_pack_has_its_properties_right_aligned_numbers_and_table_captions_and_sources(site):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from pbanalysis.outputs import briefing_docx

    doc = docx.Document(str(site / "briefings" / "somerset" / "somerset-personal-budgets.docx"))
    cp = doc.core_properties
    assert cp.title == "Somerset: personal budgets and direct payments"
    assert cp.author == briefing_docx.AUTHOR and cp.language == "en-GB"
    assert cp.subject.endswith(periods.periods().report)
    assert cp.created == cp.modified == briefing_docx.build_date() and cp.created.year > 2013
    styles = doc.styles.element.xml
    assert 'w:lang w:val="en-GB"' in styles
    body = list(doc.element.body.iterchildren())
    for table in doc.tables:
        i = body.index(table._tbl)
        before = docx.text.paragraph.Paragraph(body[i - 1], doc._body)
        assert before.style.name == "Caption" and before.text.startswith("Somerset:"), before.text
        after = [docx.text.paragraph.Paragraph(e, doc._body).text for e in body[i + 1 :] if e.tag.endswith("}p")]
        assert next(t for t in after if t.startswith("Source:")), "no source line after the table"
        for row in table.rows[1:]:
            for cell in row.cells:
                text = cell.text.strip()
                if re.fullmatch(r"[£]?[\d,]+(\.\d)?%?|\d+ of \d+|\[[xcz]\]", text):
                    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, text


@pytest.mark.slow
def test_two_builds_of_a_word_pack_are_byte_identical(tmp_path):
    from pbanalysis.outputs import packs

    for out in ("one", "two"):
        packs.build_all(out_dir=tmp_path / out, councils=["Somerset"], progress=False, processes=1)
    one = (tmp_path / "one" / "somerset" / "somerset-personal-budgets.docx").read_bytes()
    assert one == (tmp_path / "two" / "somerset" / "somerset-personal-budgets.docx").read_bytes()


# --------------------------------------------------------------------------- counts by basis agree everywhere


def _expected_by_basis(claims_csv) -> dict[str, dict[str, int]]:
    c = pd.read_csv(claims_csv, keep_default_na=False)
    out: dict[str, dict[str, int]] = {}
    for (b, s), g in c.groupby(["basis", "status"]):
        out.setdefault(b, {})[s] = len(g)
    return out


@pytest.mark.slow
def test_every_count_of_verdicts_agrees_by_basis_with_claims_csv(site):
    """Main points, the claims tables of the index page, the workbook's claims sheet and each pack
    count the verdicts by basis as claims.csv does; no main point calls a figure tested against
    official data unless its basis is."""
    import html as html_mod
    import json

    from pbanalysis.outputs import datatables

    want = _expected_by_basis(site / "claims.csv")
    total = {b: sum(v.values()) for b, v in want.items()}
    label = claims.BASIS_LABEL
    page = _Page()
    page.feed((site / "index.html").read_text(encoding="utf-8"))
    # 1. the main points
    html = (site / "index.html").read_text(encoding="utf-8")
    points = re.search(r'id="main-points".*?</(?:ul|ol|section)>', html, flags=re.S).group(0)
    points = html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", points)))
    n = total.get("official", 0)
    assert points.count("tested against official data") == 1
    assert f"{n} {'was' if n == 1 else 'were'} tested against official data" in points
    held = sum(want.get("official", {}).get(s, 0) for s in ("consistent", "match"))
    assert f"all {held} held up" in points if held == n and n > 1 else f"{held} held up" in points
    assert f"{total['own_figures']} were rebuilt from the articles' own figures" in points
    assert f"{total['possibility']} were possibility checks against an official bound" in points
    assert f"{total['later_outcome']} targets were set against a later" in points
    rest = total.get("proxy", 0) + total.get("not_rebuildable", 0) + total.get("input", 0)
    assert f"Of the other {rest}," in points
    # 2. the index page's tables: the count by basis and status, and one row per figure
    tables = {t["id"]: t for t in page.tables}
    got: dict[str, dict[str, int]] = {}
    status_of = {v: k for k, v in claims.STATUS_LABEL.items()}
    basis_of = {v[:1].upper() + v[1:]: k for k, v in label.items()}
    for r in tables["status-counts"]["rows"]:
        if len(r) == 4 and r[0] in basis_of:
            got.setdefault(basis_of[r[0]], {})[status_of[r[1]]] = int(r[2].replace(",", ""))
    assert got == want
    heads = tables["claims-table"]["headers"]
    b_col, s_col = heads.index("Basis"), heads.index("Result")
    rows: dict[str, dict[str, int]] = {}
    for r in tables["claims-table"]["rows"]:
        if len(r) == len(heads):
            b = {v: k for k, v in label.items()}[r[b_col]]
            rows.setdefault(b, {}).setdefault(status_of[r[s_col]], 0)
            rows[b][status_of[r[s_col]]] += 1
    assert rows == want
    # 3. the workbook's claims sheet and its note
    inp = datatables.load_inputs()
    cells = datatables.claims_table(inp).cells()
    sheet: dict[str, dict[str, int]] = {}
    for (b, s), g in cells.groupby(["Basis of the check", "Status"]):
        sheet.setdefault({v: k for k, v in label.items()}[b], {})[status_of[s]] = len(g)
    assert sheet == want
    note = datatables.notes(inp)["claims"]
    for b, by in want.items():
        for s, k in by.items():
            assert f"{k} {claims.STATUS_LABEL[s].lower()}" in note.split(f"{label[b]}, ", 1)[1].split(";")[0], (b, s)
    # 4. the packs: each figure the pack reports has the basis claims.csv gives it, and no pack
    # counts verdicts or says a figure held up against official data.
    c = pd.read_csv(site / "claims.csv", keep_default_na=False).set_index("figure_id")
    packs = sorted(site.glob("briefings/*/numbers.json"))
    assert packs
    for numbers in packs:
        named = json.loads(numbers.read_text(encoding="utf-8"))["articles"]["named"]
        for rec in named:
            assert rec["check_basis"] == c.loc[rec["figure_id"], "basis"], (numbers, rec["figure_id"])
            assert rec["check_status"] == c.loc[rec["figure_id"], "status"]
        text = (numbers.parent / "index.html").read_text(encoding="utf-8")
        assert "held up" not in text and "tested against official data" not in text, numbers


@pytest.mark.slow
def test_no_page_states_a_bias_direction_it_has_not_computed(site):
    """The proxy note on the index page and in every pack names the bias parts with their directions
    from the checks file, and a net direction only as a computed comparison (tests/biascheck.py)."""
    import html as html_mod

    import biascheck

    from pbanalysis.analysis import checks

    bias = checks.load_checks()["bias"]
    pages = [site / "index.html", *sorted(site.glob("briefings/*/index.html"))]
    texts = {}
    for p in pages:
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", p.read_text(encoding="utf-8"), flags=re.S)
        texts[str(p.relative_to(site))] = " ".join(html_mod.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    assert any("the proxy stood above NI 130" in t for t in texts.values())
    assert not any("understates" in t for t in texts.values())
    assert biascheck.problems(texts, bias) == []
