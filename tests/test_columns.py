"""One column dictionary (``data/reference/columns.yaml``): every column a reader table, a workbook
sheet, the explorer's CSV or a chart axis shows takes its header from it, so one column has one label."""

from __future__ import annotations

import ast
import re

import pandas as pd
import pytest

from pbanalysis.analysis import claims, explore, measures, quality, register
from pbanalysis.core import columns, paths
from pbanalysis.core import keys as k
from pbanalysis.core.errors import InputError
from pbanalysis.dataset import data
from pbanalysis.outputs import briefing, chart_views, datatables, notebook_tables
from pbanalysis.outputs import explore as explore_out
from pbanalysis.outputs.tables import Table

SRC = paths.ROOT / "src" / "pbanalysis"
#: The modules that build reader tables, workbook sheets and the explorer's table.
TABLE_MODULES = [SRC / "outputs" / f"{m}.py" for m in ("notebook_tables", "datatables", "explore")]


def test_a_header_is_the_label_with_its_unit_in_round_brackets():
    assert columns.header(k.PROXY_TAKEUP_PCT) == "Proxy take-up (%)"
    assert columns.header(k.DP_SPEND_PER_RECIPIENT_GBP, "2010-11") == (
        "Direct-payment spend per recipient, 2010-11 (£ a year, cash terms)"
    )
    assert columns.header("council_proxy_pct", council="Leeds") == "Leeds, proxy take-up (%)"
    assert columns.header("council_name") == "Council"
    assert columns.short(k.DP_CLIENTS_31MAR) == "people on direct payments at 31 March"  # not "31 march"
    with pytest.raises(KeyError, match="columns.yaml has no column 'no_such_column'"):
        columns.header("no_such_column")


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("x:\n  label: Label\n  format: percent\n  description: A column.", "x.format"),  # not a format
        ("x:\n  format: pct\n  description: A column.", "x.label"),  # no label
        ("x:\n  label: Label\n  format: pct\n  descripton: A column.", "descripton"),  # a misspelt field
        ("x:\n  label: Label\n  format: pct\n  quality: dp_count\n  description: A.", "x.quality"),  # not a list
        ("x: Label", "x"),  # no fields
        ("year:\n  label: Year\n  format: year\n  description: Twice.", "year again"),  # a column twice
    ],
)
def test_a_bad_entry_names_the_file_the_line_and_the_field(tmp_path, entry, expected):
    p = tmp_path / "columns.yaml"
    p.write_text(f"# a comment\nyear:\n  label: Financial year\n  format: year\n  description: The year.\n{entry}\n")
    with pytest.raises(InputError) as e:
        columns.read(p)
    assert e.value.row == 6 and "columns.yaml" in str(e.value) and expected in str(e.value)


def test_the_quality_measures_of_a_column_are_rules_measures():
    measures = {m for e in columns.entries().values() for m in e.quality}
    assert measures <= set(quality.MEASURES)
    # Proxy take-up divides the count of people on direct payments: a flag on the count flags it too.
    assert quality.measures_of(k.PROXY_TAKEUP_PCT) == ("proxy_takeup", "dp_count")
    assert quality.measures_of("council_name") == ()


def test_flags_for_finds_the_flags_on_the_measures_a_value_rests_on():
    table = pd.DataFrame(
        {
            "gss_code": ["E1", "E1", "E2", "E1"],
            "year": ["2010-11", "2010-11", "2010-11", "2011-12"],
            "measure": ["dp_count", "dp_spend_per_recipient", "dp_count", "proxy_takeup"],
        }
    )
    got = quality.flags_for(["E1"], ["2010-11"], k.PROXY_TAKEUP_PCT, table)
    assert list(got["measure"]) == ["dp_count"]
    assert len(quality.flags_for(None, None, k.DP_CLIENTS_31MAR, table)) == 2
    assert len(quality.flags_for(["E1"], table=table)) == 3


def _literal(node: ast.expr) -> str | None:
    """A string a ``col(...)`` call names: a literal, or a ``k.NAME`` of the keys module."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "k":
        return getattr(k, node.attr)
    return None


@pytest.mark.parametrize("path", TABLE_MODULES, ids=lambda p: p.stem)
def test_every_column_of_a_table_module_is_made_from_the_dictionary(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named, typed = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "Column":
                typed.append(node.lineno)
            if node.func.id == "col":
                entry = next(
                    (kw.value for kw in node.keywords if kw.arg == "entry"), node.args[0] if node.args else None
                )
                key = _literal(entry) if entry is not None else None
                if key is not None:
                    named.append((node.lineno, key))
    assert not typed, f"{path.name}: a Column typed by hand on lines {typed}; use tables.col(key) and the dictionary"
    unknown = [(n, key) for n, key in named if key not in columns.entries()]
    assert not unknown, f"{path.name}: no dictionary entry for {unknown}"


def _labels(tables: list[Table]) -> dict[str, set[str]]:
    """{dictionary entry: the headers shown for it}, every column checked to come from its entry."""
    out: dict[str, set[str]] = {}
    for t in tables:
        for c in t.columns:
            assert c.entry, f"table {t.title!r}: column {c.key!r} has no dictionary entry"
            e = columns.entry(c.entry)
            template = e.label + "{qualifier}" + (f" ({e.unit})" if e.unit else "")
            pattern = re.escape(template).replace(re.escape("{qualifier}"), "(, [^(]+)?")
            pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
            assert re.fullmatch(pattern, c.label), f"table {t.title!r}: {c.label!r} is not the header {template!r}"
            out.setdefault(c.entry, set()).add(c.label)
    return out


@pytest.fixture(scope="module")
def workbook_sheets():
    return datatables.sheets(datatables.load_inputs())


def test_every_workbook_sheet_and_reader_table_labels_each_column_one_way(workbook_sheets):
    reg = register.load_register()
    cy, nat = data.load_council_year(), data.load_national_series()
    table = claims.check(reg, cy, nat)
    year = "2010-11"
    reader = [
        notebook_tables.denominators(reg),
        notebook_tables.councils_ranked(
            measures.councils_in_year(cy, year, k.PROXY_TAKEUP_PCT), year, k.PROXY_TAKEUP_PCT
        ),
        notebook_tables.spend_per_recipient(measures.spend_per_recipient(cy, year), year),
        notebook_tables.group_summary(
            measures.group_summary(cy, year, "region", k.DP_SPEND_PER_RECIPIENT_GBP),
            year,
            "region",
            k.DP_SPEND_PER_RECIPIENT_GBP,
        ),
        notebook_tables.threshold_shares(measures.threshold_shares(cy, [10, 30]), [10, 30]),
        notebook_tables.spend_cross_check(measures.spend_cross_check(reg, nat)),
        notebook_tables.council_spend_by_year(measures.council_spend_by_year(cy)),
        notebook_tables.status_summary(claims.by_basis(table)),
        notebook_tables.verdicts(claims.verdicts(table)),
        notebook_tables.all_claims(table),
        notebook_tables.reference_figures(measures.reference_figures(reg)),
    ]
    sheets = [s.table for s in workbook_sheets]
    labels = _labels(sheets + reader)
    # An entry without a placeholder has one header wherever it is shown.
    for entry, shown in labels.items():
        e = columns.entry(entry)
        if "{" not in e.label + e.unit:
            assert shown == {columns.header(entry)}, (entry, shown)
    # The same column in the workbook and in a reader table: the same header.
    assert columns.header(k.DP_SPEND_PER_RECIPIENT_GBP) in labels[k.DP_SPEND_PER_RECIPIENT_GBP]
    workbook = {c.key: c.label for t in sheets for c in t.columns}
    in_reader = {c.key: c.label for t in reader for c in t.columns}
    for key in set(workbook) & set(in_reader):
        assert workbook[key] == in_reader[key], (key, workbook[key], in_reader[key])


def test_the_explorer_chart_axes_and_quality_names_read_the_dictionary():
    for key, m in explore.MEASURES.items():
        assert (m.label, m.unit, m.kind, m.definition) == (
            columns.label(key),
            columns.unit(key),
            columns.kind(key),
            columns.entry(key).description,
        )
        # The explorer's sentences never show a code word ("ascof 1c(1a)").
        assert not re.search(r"\b(1C|3D)|\(1A\)", m.short + m.label, re.I), m
    for measure in (k.PROXY_TAKEUP_PCT, k.DP_CLIENTS_31MAR, k.DP_SPEND_PER_RECIPIENT_GBP):
        assert " ".join(chart_views.axis_label(measure).split()) == columns.header(measure)
    assert quality.MEASURES["dp_spend_per_recipient"].startswith(columns.label(k.DP_SPEND_PER_RECIPIENT_GBP) + " (")


def test_every_column_of_the_explorer_csv_has_a_dictionary_entry():
    t = explore.tables()
    v = explore.view("Leeds", k.PROXY_TAKEUP_PCT, ("2009-10", "2011-12"), "named", ["Bradford"], t=t)
    headers = list(explore_out.csv_frame(v).columns)
    made = [columns.header(c) for c in ("council_name", "region", "council_type")]
    made += [columns.header(k.PROXY_TAKEUP_PCT, y) for y in v.years]
    made += [columns.header("change", years=v.year_label, change_unit="percentage points")]
    made += [columns.header("rank_in_year", year=v.years[-1]), columns.header("rank_tied", year=v.years[-1])]
    flags = [h for h in headers if h.endswith(": flag")]
    assert sorted(set(headers) - set(flags)) == sorted(made)
    assert all(any(h == m.rsplit(" (", 1)[0] + ": flag" for m in made) for h in flags)
    shown = explore_out.table(v)
    assert all(c.entry for c in shown.columns)


def test_the_explorer_the_charts_and_the_packs_flag_the_same_values():
    # A count out of line flags the proxy take-up that divides it, in all three places.
    f = quality.flags()
    hit = f[(f["measure"] == "dp_count") & (f["series"] == quality.SERIES_PSSEX1)].iloc[0]
    gss, name, year = hit["gss_code"], hit["council_name"], hit["year"]
    assert explore.quality_notes(gss, k.PROXY_TAKEUP_PCT, [year])
    frame = pd.DataFrame({"council_name": [name, "Nowhere"], "gss_code": [gss, "E00000000"]})
    assert chart_views.flagged_councils(frame, year, k.PROXY_TAKEUP_PCT)[0] == [name]
    b = briefing.council_numbers(gss)
    assert {(year, "council"), (year, k.DP_CLIENTS_31MAR)} <= briefing._flagged(b)
    # A value no rule looks at is flagged nowhere.
    assert chart_views.flagged_councils(frame, year, "council_name") == ([], "")
