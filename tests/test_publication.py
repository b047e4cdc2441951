"""The report pages read as a publication: every check of :mod:`htmlcheck` over every page.

The checker is tried first on small bad snippets, so each check is known to fail when it should.
Then a scratch build of the report (``python -m pbanalysis report --all`` into a temporary
``PBANALYSIS_REPORTS``) is parsed page by page: the notebook pages, the landing page and, where
built, a sample of briefing pages. ``PBANALYSIS_CHECK_REPORTS=<reports dir>`` checks an existing
build instead.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import htmlcheck as hc
import pytest

from pbanalysis.outputs import notebook_tables
from pbanalysis.outputs.tables import Column, Table

IDS = frozenset({"pb_holders_mar2010", "target_30pct_apr2011_s2"})


def found(check, html: str, *args) -> list[str]:
    return check(hc.parse(html), *args)


# --------------------------------------------------------------------------- the checker can fail


@pytest.mark.parametrize(
    "snippet",
    [
        "<table><tr><td>NaN</td></tr></table>",
        "<table><tr><td>&lt;NA&gt;</td></tr></table>",
        "<td>None</td>",
        "<p>on NaT</p>",
    ],
)
def test_a_missing_marker_is_caught(snippet):
    assert found(hc.missing_markers, snippet)


def test_none_in_a_sentence_is_words_not_a_missing_value():
    assert not found(hc.missing_markers, "<p>None of them is a verdict.</p>")


@pytest.mark.parametrize("text", ["1500000.0", "2009.0", "585.0 people", "1,500,000.0"])
def test_a_float_for_a_whole_number_is_caught(text):
    assert found(hc.floats_for_integers, f"<td>{text}</td>")


@pytest.mark.parametrize("text", ["30.0%", "7.0 percentage points", "992.8", "£992.8m", "v2.0.1"])
def test_a_percentage_with_one_decimal_is_not_a_float_for_a_whole_number(text):
    assert not found(hc.floats_for_integers, f"<td>{text}</td>")


@pytest.mark.parametrize("text", ["409504", "681070 people", "£11855", "1500000", "1234.5"])
def test_a_big_number_without_separators_is_caught(text):
    assert found(hc.missing_separators, f"<p>{text}</p>")


@pytest.mark.parametrize(
    "text", ["2009", "2009-10", "31 March 2010", "409,504", "E08000003", "1,234.5", "in 2013-03-31"]
)
def test_years_codes_and_separated_numbers_pass(text):
    assert not found(hc.missing_separators, f"<p>{text}</p>")


def test_a_big_number_inside_code_is_not_reader_text():
    assert not found(hc.missing_separators, "<p>commit <code>4250381</code></p>")


def test_a_code_key_header_is_caught():
    assert found(hc.code_key_headers, "<table><thead><tr><th>dp_gross_cost_gbp_million</th></tr></thead></table>")
    assert not found(hc.code_key_headers, "<table><thead><tr><th>Spend, £ million</th></tr></thead></table>")


def test_a_data_frame_index_is_caught():
    import pandas as pd

    html = pd.DataFrame({"a": [1, 2]}).to_html()
    assert found(hc.row_indexes, html)
    assert found(hc.row_indexes, html.replace("<th>0</th>", "<td>0</td>").replace("<th>1</th>", "<td>1</td>"))


def test_a_rank_column_with_a_header_is_not_an_index():
    html = "<table><thead><tr><th>Rank</th><th>Council</th></tr></thead><tbody><tr><td>1</td><td>A</td></tr></tbody></table>"
    assert not found(hc.row_indexes, html)


def test_a_literal_newline_is_caught():
    assert found(hc.literal_newlines, r"<td>Other personal-budget\narrangements</td>")
    assert not found(hc.literal_newlines, "<td>two\nlines</td>")


@pytest.mark.parametrize(
    "text",
    [
        "[Hackney, marked [x]]",
        "['Somerset', 'Manchester']",
        "{'year': '2020-21'}",
        "Timestamp('2010-03-31 00:00:00')",
        "np.float64(992.849)",
        "&lt;pbanalysis.charts.Chart object at 0x7f00&gt;",
    ],
)
def test_a_python_repr_is_caught(text):
    assert found(hc.python_reprs, f"<p>{text}</p>")


@pytest.mark.parametrize("text", ["[x]", "[c]: 1 to 5 people", "a note [z] here", "(see below)"])
def test_symbols_and_brackets_in_words_are_not_reprs(text):
    assert not found(hc.python_reprs, f"<p>{text}</p>")


def test_a_print_out_is_caught():
    html = (
        '<div class="jp-OutputArea-output jp-RenderedText" data-mime-type="application/vnd.jupyter.stdout">'
        "<pre>2009-03-31 proxy: 10.2%</pre></div>"
    )
    assert found(hc.print_outs, html)
    assert not found(hc.print_outs, '<div class="jp-OutputArea-output" data-mime-type="text/html"><p>x</p></div>')


def test_a_figure_id_is_allowed_only_as_code():
    assert found(hc.figure_ids_outside_code, "<p>pb_holders_mar2010: Consistent</p>", IDS)
    assert found(hc.figure_ids_outside_code, "<td>target_30pct_apr2011_s2</td>", IDS)
    assert not found(
        hc.figure_ids_outside_code,
        "<td><code><a href='#claim-pb_holders_mar2010'>pb_holders_mar2010</a></code></td>",
        IDS,
    )
    assert not found(hc.figure_ids_outside_code, "<p>pb_holders_mar2010s is not an id</p>", IDS)


def test_a_sentence_opening_with_an_id_is_caught_even_as_code():
    assert found(hc.sentences_opening_with_an_id, "<li><code>pb_holders_mar2010</code>: Consistent</li>", IDS)
    assert not found(
        hc.sentences_opening_with_an_id, "<li>Holders in March 2010: <code>pb_holders_mar2010</code></li>", IDS
    )


def test_the_register_ids_are_read_from_the_register():
    ids = hc.figure_ids()
    assert len(ids) > 40 and "pb_holders_mar2010" in ids


def test_a_bare_data_frame_fails_and_the_same_data_as_a_table_passes():
    import pandas as pd

    df = pd.DataFrame(
        {
            "figure_id": ["pb_holders_mar2010", "target_30pct_apr2011_s2"],
            "dp_clients_31mar": [1500000.0, None],
            "year": [2009.0, 2010.0],
        }
    )
    bad = hc.check_page(df.to_html())
    assert {
        "NaN, <NA>, None or NaT",
        "a float for a whole number",
        "a code-key column header",
        "a bare row index",
    } <= set(bad)
    assert "a register figure id outside its id column" in bad
    table = Table(
        df,
        [
            Column("figure_id", "Register id", "id"),
            Column("dp_clients_31mar", "People", "count"),
            Column("year", "Year", "year"),
        ],
        title="People",
        source="Test.",
    )
    assert hc.check_page(table.html()) == {}


def test_every_table_of_a_long_notebook_table_is_clean():
    """The claims table as the claims notebook shows it (the reasons quote ids, shown as code)."""
    from pbanalysis.analysis import claims, register
    from pbanalysis.dataset import data

    table = claims.check(register.load_register(), data.load_council_year(), data.load_national_series())
    html = notebook_tables.all_claims(table).html()
    assert hc.check_page(html) == {}
    assert html.count('id="claim-') == len(table)


# --------------------------------------------------------------------------- the pages


#: Briefing pages checked (the first of them in name order; they share one template).
BRIEFING_SAMPLE = 3


def pages(reports: Path) -> dict[str, Path]:
    out = {p.stem: p for p in sorted((reports / "html").glob("*.html"))}
    if (reports / "index.html").exists():
        out["index"] = reports / "index.html"
    for p in sorted((reports / "briefings").glob("*/index.html"))[:BRIEFING_SAMPLE]:
        out[f"briefing {p.parent.name}"] = p
    return out


@pytest.mark.slow
def test_every_report_page_reads_as_a_publication(reports_dir):
    found = pages(reports_dir)
    assert any(name.startswith("take_up--") for name in found), f"no notebook pages in {reports_dir}"
    results = {name: hc.check_page(p.read_text(encoding="utf-8")) for name, p in found.items()}
    failing = {name: r for name, r in results.items() if r}
    assert not failing, "\n" + hc.report(failing)


@pytest.mark.slow
def test_the_test_print_outs_are_left_out_of_the_pages_but_kept_in_the_notebooks(reports_dir):
    import nbformat

    executed = reports_dir / "notebooks" / "take_up--default.ipynb"
    nb = nbformat.read(executed, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source]
    assert checked and all(c.outputs for c in checked), "the checked cells still print (nbval reads them)"
    html = (reports_dir / "html" / "take_up--default.html").read_text(encoding="utf-8")
    text = checked[0].outputs[0]["text"].splitlines()[0]
    assert text not in html


@pytest.mark.slow
def test_the_long_tables_are_searchable_and_sortable_offline(reports_dir):
    for page, table in [("claims--default", "table-claims"), ("variance--default", "table-councils-ranked")]:
        html = (reports_dir / "html" / f"{page}.html").read_text(encoding="utf-8")
        start = html.index(f'id="{table}"')
        block = html[start : html.index("</figure>", start)]
        assert 'class="pb-filter"' in block and 'class="pb-sort"' in block and "<script>" in block
        assert "http" not in block.split("<script>")[1], "the script fetches nothing"


def _notebooks():
    from pbanalysis.pipeline import report

    return list(report.notebooks())


@pytest.mark.parametrize("name", _notebooks())
def test_every_checked_cell_is_tagged_to_be_left_out_of_the_page(name):
    import nbformat

    from pbanalysis.core import paths
    from pbanalysis.pipeline import runner

    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    for c in nb.cells:
        if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source:
            assert set(c.metadata.get("tags", [])) & runner.HTML_REMOVE_TAGS, f"{name} cell {c.id}: tag it nbval-only"


def test_the_html_export_drops_the_tagged_cells_only():
    import nbformat

    from pbanalysis.pipeline import runner

    shown = nbformat.v4.new_code_cell(
        "x", outputs=[nbformat.v4.new_output("stream", name="stdout", text="for the reader\n")]
    )
    hidden = nbformat.v4.new_code_cell(
        "y", outputs=[nbformat.v4.new_output("stream", name="stdout", text="for the tests\n")]
    )
    hidden.metadata["tags"] = ["nbval-only"]
    html = runner.html_text(nbformat.v4.new_notebook(cells=[shown, hidden]), "t")
    assert "for the reader" in html and "for the tests" not in html


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="needs chromium")
def test_a_long_table_sorts_on_values_and_searches_in_a_browser_with_no_network(tmp_path):
    """The table's own script, run by headless chromium from a file: sorting a number column
    orders by value, sorting text orders by name, and the search box filters the rows."""
    import pandas as pd

    df = pd.DataFrame({"name": ["Barnet", "Somerset", "North Somerset", "Adur"], "v": [9.5, 10.0, 100.0, None]})
    table = Table(
        df,
        [Column("name", "Council"), Column("v", "Value, %", "pct")],
        title="T",
        source="S.",
        name="t",
        interactive=True,
    )
    probe = """<script>
var f=document.getElementById('table-t'),b=f.querySelectorAll('.pb-sort');
function col(){return Array.prototype.map.call(f.querySelectorAll('tbody tr'),function(r){return r.cells[0].textContent;}).join(',');}
b[1].click();var up=col();b[1].click();var down=col();b[0].click();var names=col();
var box=f.querySelector('.pb-filter');box.value='somerset';box.dispatchEvent(new Event('input'));
document.title=[up,down,names,f.querySelector('.pb-count').textContent].join('|');</script>"""
    page = tmp_path / "t.html"
    page.write_text(f"<html><body>{table.html()}{probe}</body></html>", encoding="utf-8")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    out = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    title = out.split("<title>")[1].split("</title>")[0]
    assert title == (
        "Barnet,Somerset,North Somerset,Adur|North Somerset,Somerset,Barnet,Adur|"
        "Adur,Barnet,North Somerset,Somerset|2 of 4 rows"
    )


@pytest.mark.slow
def test_every_notebook_page_has_a_title_in_words_and_links_back_to_the_landing_page(reports_dir):
    import re

    from pbanalysis.pipeline import parameters

    for page in sorted((reports_dir / "html").glob("*.html")):
        notebook, param_set = page.stem.split("--")
        text = page.read_text(encoding="utf-8")
        title = re.search(r"<title>([^<]*)</title>", text).group(1)
        assert title == parameters.page_title(notebook, param_set), page.name
        assert "--" not in title and "_" not in title and title[:1].isupper(), f"{page.name}: {title}"
        assert 'href="../index.html"' in text, f"{page.name} does not link back to the landing page"


def test_every_named_parameter_set_has_a_title_and_the_title_is_not_a_parameter():
    from pbanalysis.pipeline import parameters

    for notebook in parameters.notebooks():
        for name, params in parameters.load_param_sets(notebook).items():
            assert parameters.TITLE_KEY not in params
            title = parameters.page_title(notebook, name)
            assert title != f"{notebook}--{name}", f"{notebook}.yaml: set '{name}' has no title"
