"""The one rank rule (pbanalysis.analysis.ranks), on made-up values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pbanalysis.analysis import what_next
from pbanalysis.analysis.ranks import rank
from pbanalysis.core import format as fmt


def test_distinct_values_rank_one_to_n_highest_first():
    r = rank(pd.Series({"a": 10.0, "b": 30.0, "c": 20.0}))
    assert r["rank"].tolist() == [3, 1, 2]
    assert r.loc["b", "text"] == "1st of 3" and r.loc["b", "short"] == "1st"
    assert r["tied"].tolist() == [0, 0, 0] and set(r["of"]) == {3}


def test_ties_share_the_best_rank_and_say_so():
    s = pd.Series({"Birmingham": 100.0, "Warwickshire": 100.0, "York": 100.0, "Leeds": 90.0, "Hull": 80.0})
    r = rank(s)
    assert r.loc["Warwickshire", "rank"] == r.loc["Birmingham", "rank"] == 1
    assert r.loc["Warwickshire", "text"] == "joint 1st with 2 other councils, of 5"
    assert r.loc["Warwickshire", "short"] == "=1st" and r.loc["Warwickshire", "tied"] == 2
    assert r.loc["Leeds", "rank"] == 4 and r.loc["Leeds", "text"] == "4th of 5"  # after three at 1st


def test_two_tied_say_one_other_council():
    r = rank(pd.Series([5.0, 5.0, 1.0]))
    assert r.loc[0, "text"] == "joint 1st with 1 other council, of 3"


def test_the_order_of_the_index_does_not_change_a_rank():
    s = pd.Series({"z": 50.0, "a": 50.0, "m": 60.0})
    assert rank(s)["rank"].to_dict() == rank(s.sort_index())["rank"].to_dict() == {"z": 2, "a": 2, "m": 1}


def test_lowest_first():
    r = rank(pd.Series({"a": 1.0, "b": 2.0, "c": 1.0}), highest_first=False)
    assert r["rank"].tolist() == [1, 3, 1] and r.loc["a", "short"] == "=1st"


def test_a_missing_value_is_not_ranked_and_not_counted():
    r = rank(pd.Series({"a": 3.0, "b": np.nan, "c": 1.0}))
    assert pd.isna(r.loc["b", "rank"]) and r.loc["b", "text"] == "not ranked: no value" and r.loc["b", "short"] == ""
    assert set(r["of"]) == {2} and r.loc["c", "text"] == "2nd of 2"


def test_a_crowded_ceiling_is_said_not_ranked():
    # Six of ten at 100%: most councils are at the ceiling, so none of them is ranked among the others.
    s = pd.Series([100.0] * 6 + [90.0, 80.0, 80.0, 70.0], index=list("abcdefghij"))
    r = rank(s, ceiling=100)
    assert r.loc["a", "text"] == "at 100.0%, with most councils (6 of 10), so not ranked among them"
    assert pd.isna(r.loc["a", "rank"]) and r.loc["a", "short"] == "at 100.0%" and bool(r.loc["a", "at_ceiling"])
    assert r.loc["g", "rank"] == 7 and r.loc["g", "text"] == "7th of 10"
    assert r.loc["h", "text"] == "joint 8th with 1 other council, of 10"


def test_a_ceiling_held_by_fewer_than_half_is_a_shared_rank():
    s = pd.Series([100.0] * 4 + [90.0, 80.0, 70.0, 60.0, 50.0, 40.0])
    r = rank(s, ceiling=100)
    assert r.loc[0, "rank"] == 1 and r.loc[0, "text"] == "joint 1st with 3 other councils, of 10"
    assert bool(r.loc[0, "at_ceiling"]) and not r.loc[4, "at_ceiling"]


def test_thousands_and_a_custom_noun_and_printer():
    s = pd.Series(np.arange(1200, dtype=float))
    r = rank(s, noun="areas", show=fmt.count)
    assert r.loc[0, "text"] == "1,200th of 1,200"
    t = rank(pd.Series([2.0, 2.0, 2.0]), ceiling=2, noun="areas", show=fmt.count)
    assert t.loc[0, "text"] == "at 2, with most areas (3 of 3), so not ranked among them"


def test_text_values_that_are_not_numbers_are_missing():
    r = rank(pd.Series(["12.5", "x", None]))
    assert r["rank"].tolist()[0] == 1 and pd.isna(r["rank"].iloc[1]) and pd.isna(r["rank"].iloc[2])


@pytest.mark.parametrize("n", [0, 1])
def test_empty_or_single(n):
    r = rank(pd.Series([7.0] * n, dtype=float))
    assert len(r) == n and (n == 0 or r.iloc[0]["text"] == "1st of 1")


def test_the_ascof_ranks_follow_the_tables_content_not_a_stale_copy():
    """The ASCOF ranks are kept by the column's content: the same table ranks once, and a table
    changed in place is ranked afresh."""
    table = pd.DataFrame({"council_code": ["A", "B", "C"], "sds_pct": [90.0, 80.0, None]})
    first = what_next._rank_rows(table)
    assert first["rank"].to_dict() == {"A": 1, "B": 2}
    assert what_next._rank_rows(table) is first
    table.loc[1, "sds_pct"] = 95.0
    assert what_next._rank_rows(table)["rank"].to_dict() == {"A": 2, "B": 1}
