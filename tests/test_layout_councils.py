"""Chart layout of every council's two briefing charts (the checks are those of ``test_layout.py``;
these tests sit in a module of their own so that they run beside it).

Every council is drawn at the size its pack uses; at the other sizes, which only ``make chart``
draws, the councils whose charts are hardest to fit: the longest names, every council with a boundary change
or a year left unpublished in its ASCOF series, and both ends of the ranking. Every council's numbers
are those computed once for the test run (``every_council``, tests/conftest.py).
"""

from __future__ import annotations

import pytest
from test_layout import SIZES, check

from pbanalysis.charts import figures, style
from pbanalysis.dataset import datapackage
from pbanalysis.outputs import briefing


@pytest.fixture(scope="module")
def sources():
    pkg = datapackage.load_package()
    return lambda years=None: datapackage.source_line(datapackage.PSSEX1, years=years, package=pkg)


def hardest(councils: list) -> list:
    """The councils whose charts have the most text to fit, or the most breaks to draw."""
    longest = sorted(councils, key=lambda b: (-len(b.name), b.name))[:8]
    ranked = sorted((b for b in councils if b.rank is not None), key=lambda b: b.rank)
    breaks = [b for b in councils if any(y["status"] != "published" for y in b.ascof["years"])]
    chosen = {b.name: b for b in [*longest, *ranked[:2], *ranked[-2:], *breaks]}
    return sorted(chosen.values(), key=lambda b: b.name)


def councils_at(every_council: list, size: str) -> list:
    return every_council if size == briefing.PACK_SIZE else hardest(every_council)


def test_the_hard_cases_are_a_real_sample(every_council):
    sample = hardest(every_council)
    assert 12 <= len(sample) < len(every_council) / 2
    assert max(len(b.name) for b in every_council) == max(len(b.name) for b in sample)


@pytest.mark.parametrize("size", SIZES)
def test_every_councils_trend_chart_fits_and_breaks_at_definition_changes(every_council, size):
    assert len(every_council) == 152
    problems = []
    for b in councils_at(every_council, size):
        # The pack's own chart: the proxy years, then the ASCOF years 2017-18 to 2023-24 after a
        # measure change, broken again at 2023-24 (both marked, so no line may cross either).
        fig, _, numbers = briefing.trend_chart(b, size)
        changes = [ln for ln in fig.axes[0].lines if ln.get_gid() == style.DEFINITION_CHANGE_GID]
        assert len(changes) == len(b.definition_changes) + 2, b.name
        assert numbers["later"]["years"] == [y["year"] for y in b.ascof["years"]], b.name
        problems += check(fig, f"{b.name} trend {size}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_every_councils_comparison_chart_fits(every_council, sources, size):
    problems = []
    for b in councils_at(every_council, size):
        fig, _, _ = figures.council_comparison(b.comparison, b.name, b.year, sources([b.year]), size)
        problems += check(fig, f"{b.name} comparison {size}")
    assert not problems, "\n".join(problems)
