"""Promises the register of reported figures keeps."""

from __future__ import annotations

import csv
import math
import re
import shutil

import pytest

from pbanalysis.analysis import register
from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError

SEEDS_DIR = paths.ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def reg():
    return register.load_register()


@pytest.fixture(scope="module")
def sources():
    return register.load_sources()


@pytest.fixture
def copies(tmp_path):
    """Copies of both register files in tmp_path, to break on purpose."""
    figures = tmp_path / paths.REGISTER_CSV.name
    srcs = tmp_path / paths.REGISTER_SOURCES_CSV.name
    shutil.copyfile(paths.REGISTER_CSV, figures)
    shutil.copyfile(paths.REGISTER_SOURCES_CSV, srcs)
    return figures, srcs


def edit_csv(path, key, **changes):
    """Change fields of the row whose first column is ``key``; return its 1-based line number."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for line, row in enumerate(rows[1:], start=2):  # noqa: B007 (returned after the loop)
        if row[0] == key:
            for name, new in changes.items():
                row[header.index(name)] = new
            break
    else:
        raise AssertionError(f"{key} not in {path}")
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return line


def row_of(reg, figure_id):
    match = reg[reg["figure_id"] == figure_id]
    assert len(match) == 1, figure_id
    return match.iloc[0]


# --------------------------------------------------------------------------- contents


def test_register_loads_and_has_at_least_35_rows(reg):
    assert len(reg) >= 35
    assert list(reg.columns[: len(register.REGISTER_COLUMNS)]) == list(register.REGISTER_COLUMNS)


def test_every_row_has_source_value_unit_kind_and_precision(reg):
    for _, row in reg.iterrows():
        assert row["source_id"] and row["statement"].strip() and row["producer"].strip(), row["figure_id"]
        assert math.isfinite(row["value"]), row["figure_id"]
        assert row["unit"] in register.UNITS, row["figure_id"]
        assert row["kind"] in register.KINDS, row["figure_id"]
        assert row["stated_precision"] in register.PRECISIONS, row["figure_id"]
        register.parse_period(row["period"])


def test_figure_ids_are_unique_snake_case(reg):
    assert reg["figure_id"].is_unique
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", f) for f in reg["figure_id"])


def test_every_source_has_publication_headline_and_date(sources):
    assert list(sources["source_id"]) == ["S1", "S2", "S3", "S4", "S5"]
    for _, src in sources.iterrows():
        assert src["publication"].strip() and src["headline"].strip()
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", src["published"])
        assert src["date_basis"] in register.DATE_BASES
        assert len(src["date_reasoning"]) > 40


def test_sources_follow_the_seed_files_in_order(sources):
    names = list(sources["seed_file"])
    assert names == sorted(names)
    assert [n[:3] for n in names] == ["000", "001", "002", "003", "004"]
    if SEEDS_DIR.is_dir():
        assert sorted(p.name for p in SEEDS_DIR.glob("*.txt")) == names


def test_every_article_contributes_figures(reg, sources):
    assert set(reg["source_id"]) == set(sources["source_id"])


def test_every_article_records_the_30pct_target_for_2011(reg):
    targets = reg[(reg["kind"] == "target") & (reg["value"] == 30) & (reg["unit"] == "percent")]
    assert sorted(targets["source_id"]) == ["S1", "S2", "S3", "S4", "S5"]
    assert all(register.parse_period(p)[1].year == 2011 for p in targets["period"])


def test_key_figures_are_recorded_as_printed(reg):
    expected = {
        "pb_holders_mar2010": (170000, "people", "about"),
        "pb_holders_increase_year_to_mar2010": (77000, "people", "rounded_thousand"),
        "ongoing_pb_one_in_n_mar2010": (7, "one_in", "one_in"),
        "councils_takeup_over_20pct_one_in_n_2009_10": (8, "one_in", "one_in"),
        "councils_takeup_under_10pct_share_2009_10": (50, "percent", "fraction_word"),
        "takeup_somerset_2009_10": (3.3, "percent", "one_decimal"),
        "takeup_manchester_2009_10": (58.7, "percent", "one_decimal"),
        "pb_spend_mar2010": (900, "GBP million", "almost"),
        "survey_councils_2010": (152, "councils", "exact"),
        "jerome_responding_councils_2011": (130, "councils", "exact"),
        "takeup_unnamed_council_2010": (59, "percent", "whole_percent"),
    }
    for fid, (value, unit, precision) in expected.items():
        row = row_of(reg, fid)
        assert row["value"] == pytest.approx(value), fid
        assert (row["unit"], row["stated_precision"]) == (unit, precision), fid


def test_council_level_rows_name_somerset_and_manchester(reg):
    named = set(reg.loc[reg["kind"] == "council-level", "council"]) - {""}
    assert {"Somerset", "Manchester"} <= named
    assert (reg.loc[reg["kind"] != "council-level", "council"] == "").all()


# --------------------------------------------------------------------------- derivations


def test_derived_rows_have_derivations_and_others_do_not(reg):
    derived = reg["kind"] == "derived"
    assert (reg.loc[derived, "derivation"] != "").all()
    assert (reg.loc[~derived, "derivation"] == "").all()
    assert derived.sum() >= 4


def test_derivations_name_only_known_figure_ids(reg):
    known = set(reg["figure_id"])
    for expr in reg.loc[reg["kind"] == "derived", "derivation"]:
        assert set(register.expression_names(expr)) <= known, expr


def test_rebuild_derived_has_one_row_per_derived_figure(reg):
    rebuilt = register.rebuild_derived(reg)
    assert list(rebuilt.columns) == ["figure_id", "reported", "rebuilt", "derivation"]
    assert list(rebuilt["figure_id"]) == list(reg.loc[reg["kind"] == "derived", "figure_id"])
    assert rebuilt["rebuilt"].map(math.isfinite).all()


def test_rebuilt_one_in_seven_matches_the_article_within_its_wording(reg):
    checked = register.check_derived(reg).set_index("figure_id")
    row = checked.loc["ongoing_pb_one_in_n_mar2010"]
    assert row["rebuilt"] == pytest.approx(950000 / 140000)
    assert row["within"]


def test_rebuilt_40pct_next_year_matches_the_article_within_its_wording(reg):
    row = register.check_derived(reg).set_index("figure_id").loc["ongoing_pb_share_expected_apr2011_pct"]
    assert row["rebuilt"] == pytest.approx(376000 / 950000 * 100)
    assert row["within"]


def test_the_22pct_claim_is_kept_and_its_mismatch_shows(reg):
    # 376,000 of about 1.5m is about 25%, not "about 22%": recorded, not tuned away.
    row = register.check_derived(reg).set_index("figure_id").loc["ni130_share_expected_apr2011_pct"]
    assert row["reported"] == 22
    assert row["rebuilt"] == pytest.approx(376000 / 1500000 * 100)
    assert not row["within"]


# --------------------------------------------------------------------------- bad input


def test_a_row_with_no_unit_raises_naming_file_row_and_column(copies):
    figures, _ = copies
    line = edit_csv(figures, "pb_holders_mar2010", unit="")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert err.value.path == figures
    assert err.value.row == line
    assert err.value.column == "unit"
    assert str(figures) in str(err.value) and "'unit'" in str(err.value)


def test_an_unknown_unit_raises(copies):
    figures, _ = copies
    line = edit_csv(figures, "pb_spend_mar2010", unit="pounds")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column, err.value.found) == (line, "unit", "pounds")


def test_a_derivation_naming_an_unknown_figure_raises_naming_it(copies):
    figures, _ = copies
    line = edit_csv(figures, "ongoing_pb_one_in_n_mar2010", derivation="ongoing_care_users_mar2010 / no_such_figure")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column) == (line, "derivation")
    assert err.value.found == "no_such_figure"
    assert "no_such_figure" in str(err.value)


def test_a_derivation_that_is_not_arithmetic_raises(copies):
    figures, _ = copies
    edit_csv(figures, "ongoing_pb_one_in_n_mar2010", derivation="__import__('os')")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert err.value.column == "derivation"


def test_a_derived_row_without_derivation_raises(copies):
    figures, _ = copies
    line = edit_csv(figures, "ongoing_pb_one_in_n_mar2010", derivation="")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column) == (line, "derivation")


def test_an_input_row_with_a_derivation_raises(copies):
    figures, _ = copies
    line = edit_csv(figures, "pb_holders_mar2010", derivation="pb_holders_ongoing_mar2010 + 30000")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column) == (line, "derivation")


def test_circular_derivations_raise(copies):
    figures, _ = copies
    edit_csv(
        figures,
        "pb_holders_ongoing_mar2010",
        kind="derived",
        derivation="ongoing_care_users_mar2010 / ongoing_pb_one_in_n_mar2010",
    )
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert err.value.column == "derivation"


@pytest.mark.parametrize(
    "column, bad",
    [
        ("value", "about 170k"),
        ("value", ""),
        ("kind", "guess"),
        ("stated_precision", "roughly"),
        ("source_id", "S9"),
        ("period", "2010-13"),
        ("figure_id", "Bad Id"),
    ],
)
def test_bad_cells_raise_naming_their_column(copies, column, bad):
    figures, _ = copies
    line = edit_csv(figures, "pb_holders_mar2010", **{column: bad})
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column) == (line, column)


def test_a_duplicate_figure_id_raises(copies):
    figures, _ = copies
    line = edit_csv(figures, "pb_holders_ongoing_mar2010", figure_id="pb_holders_mar2010")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column, err.value.found) == (line, "figure_id", "pb_holders_mar2010")


def test_a_missing_column_raises_on_the_header_row(copies):
    figures, _ = copies
    text = figures.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("stated_precision", "precision")
    figures.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        register.load_register(figures)
    assert (err.value.row, err.value.column) == (1, "stated_precision")


def test_a_source_without_publication_raises(copies):
    _, srcs = copies
    line = edit_csv(srcs, "S3", publication="")
    with pytest.raises(InputError) as err:
        register.load_sources(srcs)
    assert (err.value.path, err.value.row, err.value.column) == (srcs, line, "publication")


# --------------------------------------------------------------------------- tolerance


@pytest.mark.parametrize(
    "precision, value, expected",
    [
        ("one_decimal", 3.3, (3.25, 3.35)),
        ("whole_percent", 13, (12.5, 13.5)),
        ("rounded_thousand", 170000, (169500, 170500)),
        ("rounded_hundred_thousand", 1500000, (1450000, 1550000)),
        ("about", 22, (20.9, 23.1)),  # 5% beats half a unit (0.5)
        ("about", 1500000, (1425000, 1575000)),
        ("about", 3.3, (3.135, 3.465)),
        ("about", 5, (4.5, 5.5)),  # half a unit beats 5% (0.25)
        ("almost", 900, (855, 900)),
        ("one_in", 7, (6.5, 7.5)),
        ("fraction_word", 50, (45, 55)),
        ("fraction_word", 33.3333, (30, 110 / 3)),
        ("exact", 83, (83, 83)),
        ("date", 2011, (2011, 2011)),
        ("more_than", 30, (30, math.inf)),
        ("or_more", 20, (20, math.inf)),
        ("at_most", 2, (-math.inf, 2)),
    ],
)
def test_implied_tolerance_follows_the_wording(precision, value, expected):
    low, high = register.implied_tolerance(precision, value)
    assert low == pytest.approx(expected[0]) and high == pytest.approx(expected[1])


def test_one_in_seven_as_a_share_is_between_one_in_7_5_and_one_in_6_5():
    low, high = register.implied_tolerance("one_in", 7)
    assert (1 / high, 1 / low) == pytest.approx((1 / 7.5, 1 / 6.5))


def test_every_precision_term_has_a_tolerance_rule(reg):
    for precision in register.PRECISIONS:
        low, high = register.implied_tolerance(precision, 10)
        assert low <= 10 <= high
    for _, row in reg.iterrows():
        low, high = register.implied_tolerance(row["stated_precision"], row["value"])
        assert low <= row["value"] <= high or row["stated_precision"] == "fraction_word"


def test_an_unknown_precision_term_is_refused():
    with pytest.raises(ParameterError):
        register.implied_tolerance("roughly", 10)


# --------------------------------------------------------------------------- evaluate


def test_evaluate_does_arithmetic_with_precedence_and_names():
    values = {"a": 950000, "b": 140000}
    assert register.evaluate("a / b", values) == pytest.approx(6.7857142857)
    assert register.evaluate("(a - b) / a * 100", values) == pytest.approx(85.263157894)
    assert register.evaluate("-2 + 3 * 4", {}) == 10
    assert register.evaluate("1.5e6 / 3", {}) == 500000


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "a.__class__",
        "a.real",
        "values['a']",
        "a ** 2",
        "a // 2",
        "a if a else 1",
        "a < 1",
        "'text'",
        "lambda: 1",
        "[a]",
        "True + 1",
        "a; a",
        "",
    ],
)
def test_evaluate_refuses_anything_but_arithmetic(expression):
    with pytest.raises(register.ExpressionError):
        register.evaluate(expression, {"a": 1.0})


def test_evaluate_names_an_unknown_figure():
    with pytest.raises(KeyError) as err:
        register.evaluate("known / missing_figure", {"known": 1})
    assert "missing_figure" in str(err.value)


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2012", "2012-01-01", "2012-12-31"),
        ("2010-11", "2010-11-01", "2010-11-30"),
        ("2011-04-01", "2011-04-01", "2011-04-01"),
        ("FY2009-10", "2009-04-01", "2010-03-31"),
        ("2008-04/2011-03", "2008-04-01", "2011-03-31"),
    ],
)
def test_periods_parse(text, start, end):
    a, b = register.parse_period(text)
    assert (a.isoformat(), b.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2010-13", "FY2009-11", "2011/2010", "April 2011", "2009-10-32"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        register.parse_period(text)


# --------------------------------------------------------------------------- own words


def _words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def _ten_word_runs(words):
    return {" ".join(words[i : i + 10]) for i in range(len(words) - 9)}


def test_the_ten_word_check_catches_a_copied_sentence(tmp_path):
    article = "one two three four five six seven eight nine ten eleven"
    assert _ten_word_runs(_words("x " + article)) & _ten_word_runs(_words(article))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed articles not beside the project")
def test_no_register_text_repeats_ten_words_from_any_article():
    grams = set()
    for seed in SEEDS_DIR.iterdir():
        if seed.is_file():
            grams |= _ten_word_runs(_words(seed.read_text(encoding="utf-8", errors="replace")))
    for path in (paths.REGISTER_CSV, paths.REGISTER_SOURCES_CSV):
        copied = _ten_word_runs(_words(path.read_text(encoding="utf-8"))) & grams
        assert not copied, f"{path.name} repeats article wording: {sorted(copied)[:3]}"
