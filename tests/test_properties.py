"""Property tests of the PSS-EX1 cell parser and extractor (hypothesis).

* numbers written with correct thousands separators (and padding) parse to their value;
* plain decimals with one or two places parse to their value;
* suppression marks and blank cells never become 0: always (None, flag, reason);
* a random small table with random counts and suppressed cells extracts exactly what was written;
* badly placed thousands separators are refused with an InputError naming row and column.
"""

from __future__ import annotations

import re
import string
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ACTIVITY_COLUMNS, activity_rows, write_table
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pbanalysis.core.errors import InputError
from pbanalysis.sources import pssex1

SETTINGS = settings(max_examples=100, deadline=None)

MARKS = sorted(pssex1.SUPPRESSION)
padding = st.text(alphabet=" \t", max_size=3)
whitespace = st.text(alphabet=st.sampled_from([" ", "\t", "\r", "\n", "\xa0", "\u2003"]), max_size=6)


def grouped(n: int) -> str:
    return f"{n:,}"


# --------------------------------------------------------------------------- single cells


@SETTINGS
@given(n=st.integers(min_value=0, max_value=10**15), sep=st.booleans(), left=padding, right=padding)
def test_non_negative_integers_with_correct_separators_parse_to_their_value(n, sep, left, right):
    raw = left + (grouped(n) if sep else str(n)) + right
    value, flag, reason = pssex1.parse_value("f.csv", raw, 7, 3)
    assert value == n and (flag, reason) == ("", "")


@SETTINGS
@given(
    d=st.one_of(
        st.decimals(min_value=0, max_value=10**7, places=1, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    ),
    negative=st.booleans(),
)
def test_plain_decimals_with_one_or_two_places_parse_to_their_value(d, negative):
    raw = ("-" if negative else "") + format(d, "f")
    assert re.fullmatch(r"-?\d+\.\d{1,2}", raw), raw
    value, flag, _ = pssex1.parse_value("f.csv", raw, 7, 3, allow_negative=True)
    assert value == float(Decimal(raw)) and flag == ""
    if not negative:
        assert pssex1.parse_value("f.csv", raw, 7, 3)[0] == float(d)


@SETTINGS
@given(mark=st.sampled_from(MARKS), left=whitespace, right=whitespace)
def test_suppression_marks_are_missing_with_a_reason_never_zero(mark, left, right):
    value, flag, reason = pssex1.parse_value("f.csv", left + mark + right, 7, 3)
    assert value is None and value != 0
    assert flag == mark and reason == pssex1.SUPPRESSION[mark] and reason


@SETTINGS
@given(raw=whitespace)
def test_blank_and_whitespace_cells_are_missing_with_a_reason_never_zero(raw):
    value, flag, reason = pssex1.parse_value("f.csv", raw, 7, 3)
    assert value is None and flag == "blank" and reason


# --------------------------------------------------------------------------- badly placed separators


@st.composite
def badly_grouped(draw):
    """Digits with commas where a thousands separator cannot be: '12,34', '1,2345', ',123', '1,,234'."""
    groups = draw(st.lists(st.text(alphabet=string.digits, min_size=0, max_size=5), min_size=2, max_size=5))
    ok = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    assume(not ok)
    return ",".join(groups)


@pytest.mark.parametrize("raw", ["12,34", "1,2345", "1,23,4", ",123", "123,", "1,,234", "1,234,56"])
def test_known_bad_separators_are_refused(raw):
    with pytest.raises(InputError, match=rf"row 7, column D \(field 3\): expected a number .*found '{raw}'"):
        pssex1.parse_value("f.csv", raw, 7, 3)


@SETTINGS
@given(raw=badly_grouped(), left=padding, right=padding)
def test_badly_placed_separators_are_refused_naming_row_and_column(raw, left, right):
    with pytest.raises(InputError) as info:
        pssex1.parse_value("f.csv", left + raw + right, 7, 3)
    err = info.value
    assert (err.row, err.column, err.found) == (7, 3, left + raw + right)
    assert "f.csv, row 7, column D (field 3): expected a number" in str(err)


# --------------------------------------------------------------------------- whole tables

cell = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(grouped),
    st.integers(min_value=0, max_value=10**7).map(str),
    st.sampled_from(MARKS),
)
names = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=20).map(str.strip).filter(bool)


@st.composite
def tables(draw):
    codes = draw(st.lists(st.integers(min_value=100, max_value=999), min_size=1, max_size=8, unique=True))
    width = len(ACTIVITY_COLUMNS)
    councils = [[f"{code}-{draw(names)}"] + [draw(cell) + draw(padding) for _ in range(width)] for code in codes]
    england = ["TOTAL England"] + [draw(cell) for _ in range(width)]
    encoding, bom = draw(st.sampled_from([("utf-8", False), ("utf-8", True), ("cp1252", False)]))
    return councils, england, encoding, bom


@SETTINGS
@given(table=tables())
def test_random_tables_extract_exactly_what_was_written(table):
    councils, england, encoding, bom = table
    with tempfile.TemporaryDirectory() as tmp:
        path = write_table(
            Path(tmp) / "pssex1_activity_2009-10.csv",
            activity_rows(councils=councils, england=england),
            encoding=encoding,
            bom=bom,
        )
        df = pssex1.extract(pssex1.read_table(path))
    written = {row[0].split("-", 1)[0]: row for row in councils}
    written["ENG"] = england
    assert len(df) == len(written) * len(ACTIVITY_COLUMNS)
    for rec in df.itertuples(index=False):
        raw = written[rec.council_code][rec.source_field].strip()
        if raw in pssex1.SUPPRESSION:
            assert (rec.value, rec.flag) == ("", raw), rec
            assert rec.flag_reason == pssex1.SUPPRESSION[raw]
        else:
            assert rec.flag == "" and rec.flag_reason == ""
            assert rec.value == str(int(raw.replace(",", ""))), rec
    suppressed = df[df["flag"] != ""]
    assert (suppressed["value"] == "").all() and (suppressed["value"] != "0").all()
