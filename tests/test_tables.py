"""The table layer and the one number formatter: what a reader's table prints."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pbanalysis.core import format as fmt
from pbanalysis.outputs import notebook_tables
from pbanalysis.outputs.tables import LONG, Column, Table


@pytest.mark.parametrize(
    ("period", "text"),
    [
        ("2010-10/2012-10", "by 2012"),
        ("2012", "by 2012"),
        ("2011-04", "by April 2011"),
        ("2011-03-31", "by 31 March 2011"),
        ("FY2009-10", "by 2009-10"),
    ],
)
def test_a_period_reads_as_a_reader_writes_it(period, text):
    assert fmt.by_period(period) == text


def test_pounds_put_the_minus_before_the_sign_and_round_half_up():
    assert fmt.gbp_million(-41.6) == "-£41.6m"
    assert fmt.gbp(-1234) == "-£1,234"
    assert fmt.gbp_million(992.849) == "£992.8m"
    assert fmt.number(992.85) == "992.9"


def test_a_percentage_has_one_decimal_in_a_table_and_at_most_one_in_a_sentence():
    assert fmt.value(30, "percent") == "30.0%"
    assert fmt.value(30, "percent", sentence=True) == "30%"
    assert fmt.value(12.5, "percent", sentence=True) == "12.5%"


def test_a_date_is_written_out():
    assert fmt.date(pd.Timestamp("2010-03-31")) == "31 March 2010"
    assert fmt.date(dt.date(2011, 4, 1)) == "1 April 2011"
    assert fmt.date(None) == "[x]"


def _table(n=3, **kw):
    df = pd.DataFrame(
        {
            "fid": [f"fig_{i}" for i in range(n)],
            "value": [1500000.0] + [np.nan] * (n - 1),
            "flag": [""] + ["-"] * (n - 1),
            "unit": ["people"] * n,
            "text": ["rebuilt from fig_0 and fig_1\nwith a break"] * n,
            "ok": [True] + [False] * (n - 1),
        }
    )
    cols = [
        Column("fid", "Register id", "id"),
        Column("value", "People", "value", unit="unit", flag="flag"),
        Column("text", "How"),
        Column("ok", "Inside", "yesno"),
    ]
    return Table(df, cols, title="A table", source="Source: a source.", ids={f"fig_{i}" for i in range(n)}, **kw)


def test_cells_print_through_the_formatter_with_symbols_and_their_notes():
    t = _table()
    assert t.frame().iloc[0].tolist() == ["fig_0", "1,500,000", "rebuilt from fig_0 and fig_1 with a break", "Yes"]
    assert t.frame().iloc[1, 1] == "[c]"
    assert "[c]: 1 to 5 people, suppressed by the publisher." in t.all_notes()


def test_ids_show_as_code_linked_to_the_claims_rows_in_id_columns_and_in_text():
    html = _table().html()
    assert '<code class="pb-id"><a href="claims--default.html#claim-fig_0">fig_0</a></code>' in html
    assert "rebuilt from <code" in html
    assert "Source: Source:" not in html and "Source: a source." in html


def test_the_claims_table_anchors_each_row_and_links_within_its_page():
    html = _table(row_anchor="fid", claims_page="").html()
    assert '<tr id="claim-fig_1">' in html and 'href="#claim-fig_1"' in html


def test_a_short_table_is_static_and_a_long_one_searchable_and_sortable():
    short, long = _table(3), _table(LONG + 1)
    assert not short.is_interactive and "<script>" not in short.html()
    html = long.html()
    assert long.is_interactive and 'class="pb-filter"' in html and html.count('class="pb-sort"') == 4
    assert 'data-sort="1500000.0"' in html, "a number column sorts on the value"
    assert "http" not in html.split("<script>")[1], "nothing is fetched"


def test_the_html_is_the_same_from_build_to_build():
    assert _table(LONG + 1).html() == _table(LONG + 1).html()


def test_a_value_column_needs_its_unit_and_every_column_must_exist():
    with pytest.raises(ValueError, match="unit"):
        Column("value", "People", "value")
    with pytest.raises(KeyError, match="nope"):
        Table(pd.DataFrame({"a": [1]}), [Column("nope", "N")], title="T", source="S")


def test_a_target_reads_as_it_was_set_and_a_measured_figure_keeps_its_decimal():
    claims = pd.DataFrame({"kind": ["target", "input"], "reported": [100.0, 13.0], "unit": ["percent", "percent"]})
    t = Table(claims, [Column("reported", "Reported", "value", unit="unit")], title="t", source="Source: s.")
    assert t.rows() == [["100%"], ["13.0%"]]
    timeline = pd.DataFrame(
        {
            "date": pd.to_datetime(["2011-04-01", "2013-03-31", "2010-03-31"]),
            "label": ["Target", "Target", "England"],
            "kind": ["target", "target", "proxy"],
            "takeup_pct": [30.0, 100.0, 13.2],
            "figure_id": ["a", "b", None],
        }
    )
    assert [r[3] for r in notebook_tables.timeline(timeline).rows()] == ["30%", "100%", "13.2%"]
