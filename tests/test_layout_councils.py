"""Chart layout of every council's two briefing charts, at every size (the checks are those of
``test_layout.py``; these tests sit in a module of their own so that they run beside it).
"""

from __future__ import annotations

import pytest
from test_layout import SIZES, check

from pbanalysis.analysis import measures
from pbanalysis.build import data, datapackage
from pbanalysis.charts import figures, style
from pbanalysis.outputs import briefing


@pytest.fixture(scope="module")
def every_council():
    councils = measures.list_councils(data.load_councils())
    return [briefing.council_numbers(c) for c in councils]


@pytest.fixture(scope="module")
def sources():
    pkg = datapackage.load_package()
    return lambda years=None: datapackage.source_line("pssex1-activity", years, package=pkg)


@pytest.mark.parametrize("size", SIZES)
def test_every_councils_trend_chart_fits_and_breaks_at_definition_changes(every_council, size):
    assert len(every_council) == 152
    problems = []
    for b in every_council:
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
    for b in every_council:
        fig, _, _ = figures.council_comparison(b.comparison, b.name, b.year, sources([b.year]), size)
        problems += check(fig, f"{b.name} comparison {size}")
    assert not problems, "\n".join(problems)
