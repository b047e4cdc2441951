"""Every report page and council pack prints on A4 portrait with nothing cut.

Headless Chromium (driven by playwright, on the system's ``chromium``) lays each page out as it
prints it: the print style sheet applied (``emulate_media(media="print")``) and the page as wide as
A4's text width (210 mm less two 15 mm margins). No element may then reach past that width, and
no box may hide what it holds behind a scroll bar (a table cut at the right edge). The check is
tried first on made-up pages that it must fail, and on the take-up page as nbconvert exports it
without the report's print rules.

The pages checked: every notebook page and the landing page of a built report (the one built for
the tests, or ``$PBANALYSIS_CHECK_REPORTS``), and the packs built for the tests (Somerset, Manchester,
Stoke-on-Trent and Hackney: ``PACK_COUNCILS`` in tests/conftest.py) with the packs' index.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import PACK_COUNCILS

#: A4's text width: 210 mm less two margins of 15 mm (templates/report.css, templates/notebook/print.css).
TEXT_WIDTH_MM = 210 - 2 * 15
TEXT_WIDTH_PX = TEXT_WIDTH_MM / 25.4 * 96

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="no Chromium on this machine: the print layout needs a browser"
    ),
]

#: Run in the page: every shown element past the text width, or hiding content behind a scroll bar.
_TOO_WIDE = """(w) => {
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const cut = cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
    if (r.right > w + 1 || r.left < -1 || cut) {
      // report the outermost element only: its children are inside the same problem
      let p = el.parentElement, inner = false;
      while (p && p !== document.body) { if (p.dataset.tooWide) { inner = true; break; } p = p.parentElement; }
      el.dataset.tooWide = '1';
      if (!inner) out.push(name(el) + (cut ? ' hides ' + (el.scrollWidth - el.clientWidth) + ' px of its content'
        : ' ends ' + Math.round(r.right - w) + ' px past the text width') +
        ': "' + (el.innerText || el.getAttribute('alt') || '').replace(/\\s+/g, ' ').slice(0, 50) + '"');
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e .[test])"
    )
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = b.new_page(viewport={"width": int(TEXT_WIDTH_PX), "height": 1100})
        page.emulate_media(media="print")
        yield page
        b.close()


def too_wide(page, html_file: Path) -> list[str]:
    """What in ``html_file`` does not fit A4's text width in print layout ([] if everything fits)."""
    page.goto(Path(html_file).resolve().as_uri())
    page.wait_for_load_state("load")
    return page.evaluate(_TOO_WIDE, TEXT_WIDTH_PX)


# --------------------------------------------------------------------------- the check can fail


@pytest.mark.parametrize(
    "body",
    [
        '<table><tr><td style="white-space:nowrap">' + "a wide cell that never wraps " * 8 + "</td></tr></table>",
        '<div style="overflow-x:auto"><table><tr>'
        + "<td>no_break_possible_here_at_all</td>" * 12
        + "</tr></table></div>",
        '<svg width="900" height="10" role="img" aria-label="a chart wider than the page"></svg>',
    ],
)
def test_the_check_finds_what_is_too_wide_or_cut(browser, tmp_path, body):
    f = tmp_path / "page.html"
    f.write_text(f"<!doctype html><html><body style='margin:0'>{body}</body></html>", encoding="utf-8")
    assert too_wide(browser, f)


def test_the_check_passes_a_page_that_fits(browser, tmp_path):
    f = tmp_path / "page.html"
    f.write_text("<!doctype html><html><body style='margin:0'><p>" + "words " * 300 + "</p></body></html>")
    assert too_wide(browser, f) == []


# --------------------------------------------------------------------------- the report's pages


@pytest.fixture(scope="module")
def reports(request) -> Path:
    given = os.environ.get("PBANALYSIS_CHECK_REPORTS")
    return Path(given) if given else request.getfixturevalue("built_report")


@pytest.fixture(scope="module")
def packs(built_packs) -> Path:
    """The packs of :data:`PACK_COUNCILS` and their index, built once for the tests (tests/conftest.py)."""
    return built_packs


@pytest.mark.slow
def test_the_take_up_page_exported_without_the_report_print_rules_is_cut(browser, reports, tmp_path):
    """nbconvert's own page (as the report exported it before its print rules) is cut on A4."""
    from nbconvert import HTMLExporter

    executed = reports / "notebooks" / "take_up--default.ipynb"
    body, _ = HTMLExporter(exclude_input=True).from_filename(str(executed))
    f = tmp_path / "take_up.html"
    f.write_text(body, encoding="utf-8")
    assert too_wide(browser, f), "the check should find the plain export's wide tables"


@pytest.mark.slow
def test_every_report_page_prints_on_a4_with_nothing_cut(browser, reports):
    pages = [reports / "index.html", *sorted((reports / "html").glob("*.html"))]
    assert any(p.name.startswith("take_up--") for p in pages), f"no notebook pages in {reports}"
    found = {p.name: too_wide(browser, p) for p in pages}
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {'; '.join(v[:4])}" for k, v in bad.items())


@pytest.mark.slow
def test_the_packs_and_their_index_print_on_a4_with_nothing_cut(browser, packs):
    pages = [packs / "index.html", *sorted(packs.glob("*/index.html"))]
    assert len(pages) == 1 + len(PACK_COUNCILS)
    found = {str(p.relative_to(packs)): too_wide(browser, p) for p in pages}
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {'; '.join(v[:4])}" for k, v in bad.items())


# --------------------------------------------------------------------------- the workbook


def _sheets(book: Path) -> tuple[dict[str, str], str]:
    """{sheet name: its XML} and the workbook's XML."""
    import re
    import zipfile

    with zipfile.ZipFile(book) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        target = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        target |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        out = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', wb):
            out[name] = z.read("xl/" + target[rid].removeprefix("/xl/")).decode()
    return out, wb


def test_every_sheet_of_the_workbook_prints_on_a4_fitted_to_its_width(reports):
    import re

    sheets, wb = _sheets(reports / "pbanalysis-data-tables.xlsx")
    assert "Cover" in sheets and "Notes" in sheets and len(sheets) >= 6
    for name, xml in sheets.items():
        setup = re.search(r"<pageSetup [^>]*>", xml)
        assert setup and 'paperSize="9"' in setup.group(0), f"{name}: not set to A4"
        assert 'fitToHeight="0"' in setup.group(0) and '<pageSetUpPr fitToPage="1"/>' in xml, (
            f"{name}: not fitted to width"
        )
        assert re.search(rf"<definedName name=\"_xlnm.Print_Area\" localSheetId=\"\d+\">'?{name}'?!", wb), name
        if name not in ("Cover", "Contents"):
            assert re.search(
                rf"<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\d+\">'?{name}'?!\$\d+:\$\d+", wb
            ), f"{name}: its header row does not repeat on each page"
    assert 'orientation="landscape"' in sheets["Councils_by_year"]
    assert 'orientation="portrait"' in sheets["Cover"]
    # the cover's and notes' wrapped paragraphs get the height of their text
    for name in ("Cover", "Notes"):
        heights = [float(h) for h in re.findall(r'<row [^>]*ht="([\d.]+)" customHeight="1"', sheets[name])]
        assert len(heights) >= 5 and max(heights) > 60, name


def test_a_long_wrapped_cell_gets_the_height_of_its_lines(tmp_path):
    import xlsxwriter

    from pbanalysis.outputs import datatables

    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    ws = wb.add_worksheet("Cover")
    wrap = wb.add_format({"text_wrap": True, "font_size": 12})
    ws.write(0, 0, "short", wrap)
    ws.write(1, 0, "word " * 200, wrap)
    ws.write(2, 0, "a title that does not wrap " * 10, wb.add_format({"font_size": 16}))
    datatables.page_setup(wb, "Cover")
    assert ws.row_info[1].height >= 10 * datatables.LINE_POINTS
    assert 0 not in ws.row_info and 2 not in ws.row_info
    wb.close()
