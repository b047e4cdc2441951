"""Charts are drawn from the frame a notebook holds: change the frame, and the chart changes.

Each test does what an analyst does in a notebook: compute the frame with the analysis call the
notebook makes, change it (drop a council, correct a value), draw the chart from it with the view
function the notebook calls, and compare the chart's numbers, alt text and finding title."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pytest

from pbanalysis.analysis import measures, what_next
from pbanalysis.charts import style
from pbanalysis.core import keys as k
from pbanalysis.dataset import data
from pbanalysis.outputs import chart_views as views
from pbanalysis.pipeline import registry

YEAR = "2009-10"
TAKEUP = k.PROXY_TAKEUP_PCT


@pytest.fixture(scope="module")
def cy():
    return data.load_council_year()


def _title(chart) -> str:
    return chart.fig.texts[0].get_text()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_dropping_the_top_council_changes_the_rank_chart(cy):
    ranked = measures.councils_in_year(cy, YEAR, TAKEUP)
    before = views.variance_rank(ranked, year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30])
    top = ranked.iloc[0]
    after = views.variance_rank(
        ranked[ranked["council_name"] != top["council_name"]], year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30]
    )
    assert after.numbers["councils"] == before.numbers["councils"] - 1
    assert top["council_name"] in before.numbers["values"]
    assert top["council_name"] not in after.numbers["values"]
    assert after.numbers["max"] == float(ranked.iloc[1][TAKEUP]) < before.numbers["max"]
    assert top["council_name"] in before.alt_text and top["council_name"] not in after.alt_text
    assert _title(after) != _title(before)  # the finding title states this frame's range


def test_the_notebook_frame_and_the_catalogue_draw_the_same_chart(cy):
    """The CLI's chart and the notebook's chart are one definition: same frame, same numbers and text."""
    ranked = measures.councils_in_year(cy, YEAR, TAKEUP)
    mine = views.variance_rank(ranked, year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30], highlight=["Somerset"])
    cli = registry.draw("variance_rank", year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30], highlight=["Somerset"])
    assert (mine.name, mine.numbers, mine.alt_text, _title(mine)) == (cli.name, cli.numbers, cli.alt_text, _title(cli))


def test_correcting_a_value_changes_the_spend_ranking_and_its_title(cy):
    year = "2010-11"
    spend = k.DP_SPEND_PER_RECIPIENT_GBP
    per = measures.spend_per_recipient(cy, year)
    before = views.spend_per_recipient_rank(per, year=year)
    fixed = per.copy()
    fixed.loc[fixed.index[-1], spend] = 1.0  # the lowest council, corrected to £1 a year
    after = views.spend_per_recipient_rank(fixed, year=year)
    name = per.iloc[-1]["council_name"]
    assert before.numbers["values"][name] != 1.0 and after.numbers["values"][name] == 1.0
    assert after.numbers["min"] == 1.0
    assert "£1 " in _title(after) and "£1 " not in _title(before)


def test_dropping_a_council_changes_the_groups(cy):
    ranked = measures.councils_in_year(cy, YEAR, TAKEUP)
    region = ranked.iloc[0]["region"]
    before = views.variance_by_region(ranked, year=YEAR, measure=TAKEUP)
    after = views.variance_by_region(ranked[ranked["region"] != region], year=YEAR, measure=TAKEUP)
    assert region in before.numbers["medians"] and region not in after.numbers["medians"]


def test_dropping_a_year_changes_the_what_next_trend():
    g = what_next.SDS
    england, regions, spread = (
        what_next.england_series(g),
        what_next.region_series(g),
        what_next.council_spread_by_year(g),
    )
    before = views.what_next_trend_sds(england, regions, spread)
    first = spread["year"].iloc[0]  # the analyst starts the series a year later
    after = views.what_next_trend_sds(
        england[england["year"] != first], regions.drop(index=first), spread[spread["year"] != first]
    )
    assert before.name == after.name == "what_next_trend_sds"
    assert before.numbers != after.numbers
    assert first in str(before.numbers) and first not in str(after.numbers)


def test_dropping_a_named_council_from_the_2020_21_table_changes_its_chart():
    table = what_next.council_table()
    target = what_next.against_target("target_all_eligible_pb_2012")
    before = views.what_next_sds_rank(table, target)
    after = views.what_next_sds_rank(table.iloc[1:], target)
    assert before.numbers != after.numbers and before.alt_text != after.alt_text


def test_the_subtitle_names_the_colour_the_highlighted_bars_are_drawn_in(cy, monkeypatch):
    """The highlight colour is set in one place: a change of it changes the bars and the words."""
    ranked = measures.councils_in_year(cy, YEAR, TAKEUP)

    def highlighted(chart) -> set[str]:
        bars = chart.fig.axes[0].patches
        return {mcolors.to_hex(b.get_facecolor()) for b in bars} & {style.DARK_PINK.lower(), style.ORANGE.lower()}

    pink = views.variance_rank(ranked, year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30], highlight=["Somerset"])
    assert "Highlighted in pink" in pink.fig.texts[1].get_text() and highlighted(pink) == {style.DARK_PINK.lower()}
    monkeypatch.setattr(style, "HIGHLIGHT", style.ORANGE)
    orange = views.variance_rank(ranked, year=YEAR, measure=TAKEUP, thresholds=[10, 20, 30], highlight=["Somerset"])
    assert "Highlighted in orange" in orange.fig.texts[1].get_text() and highlighted(orange) == {style.ORANGE.lower()}
