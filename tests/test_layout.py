"""Chart layout: every chart of the report and every council's two briefing charts, at every size.

For each figure: every text the figure draws lies inside the figure, every label drawn in an
axes lies inside that axes, a label in a bar lies inside the bar or wholly outside it (never cut
by its edge), no two text boxes intersect, no label (with its backing box) covers a data mark (a
bar, a point or a line's vertex) or another label's leader line, and no plotted line joins two
points across a definition change.
Figures are built from data loaded once and closed as soon as they are checked.
"""

from __future__ import annotations

import ast
import itertools

import matplotlib.pyplot as plt
import numpy as np
import papermill
import pytest
import yaml

from pbanalysis.charts import layout, png, style
from pbanalysis.core import paths
from pbanalysis.pipeline import registry

SIZES = list(style.SIZES)
TOL = 0.5  # pixels


def _overlap(a, b) -> bool:
    """Whether two pixel boxes share more than a sliver."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > TOL and min(a.y1, b.y1) - max(a.y0, b.y0) > TOL


def layout_problems(fig) -> list[str]:
    """What is wrong with a finished figure's layout (empty when nothing is)."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    problems = []
    texts = layout.drawn_texts(fig)
    boxes = [layout.text_box(t, renderer) for t in texts]
    for t, b in zip(texts, boxes):
        if b.x0 < frame.x0 - TOL or b.y0 < frame.y0 - TOL or b.x1 > frame.x1 + TOL or b.y1 > frame.y1 + TOL:
            problems.append(f"clipped by the figure edge: {t.get_text()!r}")
    for ax in fig.axes:
        frame_ax = ax.get_window_extent(renderer)
        for t in ax.texts:
            if not t.get_visible() or not t.get_text().strip():
                continue
            b = layout.text_box(t, renderer)
            bar = getattr(t, "_pb_box", None)
            if bar is not None:
                room = bar.get_window_extent(renderer)
                inside_bar = layout.inside(b, room, TOL)
                if not inside_bar and _overlap(b, room):
                    problems.append(f"cut by the edge of its bar: {t.get_text()!r}")
            # The axes draw their left and bottom edges (spines, ticks): a label may sit in the
            # open top and right margins, but never across a drawn edge or clipped by the axes.
            spines = [side for side in ("left", "bottom") if ax.spines[side].get_visible()]
            crosses = [
                side
                for side in spines
                if _overlap(b, frame_ax) and (b.x0 < frame_ax.x0 - TOL if side == "left" else b.y0 < frame_ax.y0 - TOL)
            ]
            clipped = (
                t.get_clip_on()
                and (t.get_clip_box() is not None or t.get_clip_path() is not None)
                and not layout.inside(b, frame_ax, TOL)
            )
            if crosses or clipped:
                problems.append(f"cut by the {' and '.join(crosses) or 'clipped'} edge of its axes: {t.get_text()!r}")
    # A label's backing box hides what it covers: two labels may not meet, backing boxes included.
    full = [layout.label_box(t, renderer) for t in texts]
    for (ta, a), (tb, b) in itertools.combinations(zip(texts, full), 2):
        if min(a.x1, b.x1) - max(a.x0, b.x0) > TOL and min(a.y1, b.y1) - max(a.y0, b.y0) > TOL:
            problems.append(f"overlap: {ta.get_text()!r} and {tb.get_text()!r}")
    problems += layout.covered_marks(fig, TOL)
    for ax in fig.axes:
        changes = [ln.get_xdata()[0] for ln in ax.lines if ln.get_gid() == style.DEFINITION_CHANGE_GID]
        for ln in ax.lines:
            if not changes or ln.get_gid() == style.DEFINITION_CHANGE_GID or ln.get_transform() != ax.transData:
                continue
            xy = np.asarray(ln.get_xydata(), dtype=float)
            for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
                if np.isfinite([x0, y0, x1, y1]).all() and any(min(x0, x1) < c < max(x0, x1) for c in changes):
                    problems.append(f"a line joins {x0:g} and {x1:g} across a definition change")
    return problems


def check(fig, what: str) -> list[str]:
    try:
        return [f"{what}: {p}" for p in layout_problems(fig)]
    finally:
        plt.close(fig)


# --- every registry chart, with every named parameter set that applies -----------------------------


def _notebook_runs() -> list[tuple[str, dict]]:
    """(notebook, parameters) for each notebook's defaults merged with each of its named parameter sets."""
    out = []
    for nb in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        defaults = {}
        for name, p in papermill.inspect_notebook(str(nb)).items():
            try:
                defaults[name] = ast.literal_eval(p["default"])
            except (ValueError, SyntaxError):
                continue
        sets = yaml.safe_load((paths.PARAMS_DIR / f"{nb.stem}.yaml").read_text()) or {}
        out += [(nb.stem, dict(defaults, **(params or {}))) for params in sets.values()]
    return out


def _chart_params() -> list[tuple[str, dict]]:
    """(chart, params) for every registry chart on its notebook's defaults, then on each of that
    notebook's named parameter sets (the parameters of the set the chart takes)."""
    runs = [(name, {}) for name in registry.CHARTS]
    for stem, params in _notebook_runs():
        for name, takes in registry.charts_of(stem):
            kw = {k: params[k] for k in takes if k in params}
            if kw != registry.defaults(name) and (name, kw) not in runs:
                runs.append((name, kw))
    return runs


def test_the_named_parameter_sets_are_drawn():
    runs = _chart_params()
    # e.g. variance.yaml's y2010_11 and take_up.yaml's ni130_all, each beside the defaults
    assert ("variance_rank", {**registry.defaults("variance_rank"), "year": "2010-11"}) in runs
    assert ("takeup_timeline", {**registry.defaults("takeup_timeline"), "denominator": "ni130_all"}) in runs
    assert sum(name == "variance_rank" for name, _ in runs) == 3


@pytest.mark.parametrize("size", SIZES)
def test_every_report_chart_fits_its_text_at_every_size(size):
    assert {name for name, _ in _chart_params()} == set(registry.CHARTS)
    problems = []
    for name, kw in _chart_params():
        problems += check(registry.draw(name, size=size, **kw).fig, f"{name} {kw} {size}")
    assert not problems, "\n".join(problems)


# --- the checks themselves catch what they should -------------------------------------------------


def test_the_check_catches_clipping_overlap_and_a_joined_line():
    fig, ax = style.figure("slide")
    ax.plot([0, 1, 2], [1, 2, 3])
    style.mark_definition_change(ax, 0.5)
    fig.text(0.99, 0.5, "runs off the right edge of the figure")
    ax.text(1, 2, "one label")
    ax.text(1, 2, "another label")
    problems = " ".join(layout_problems(fig))
    plt.close(fig)
    assert "clipped" in problems and "overlap" in problems and "across a definition change" in problems


def _covered(fig) -> str:
    fig.draw_without_rendering()
    try:
        return " ".join(layout.covered_marks(fig, TOL))
    finally:
        plt.close(fig)


def test_the_check_catches_a_label_over_a_bar_a_point_a_vertex_and_a_leader_line():
    # Each drawn on its own, the label placed squarely over the mark.
    fig, ax = style.figure("slide")
    ax.bar([0, 1], [10, 20])
    ax.set_ylim(0, 30)
    ax.text(0, 9, "over the top of the first bar", ha="center")
    assert "covers the bar at x=0" in _covered(fig)

    fig, ax = style.figure("slide")
    ax.scatter([5], [5], s=40)
    ax.set_xlim(0, 10), ax.set_ylim(0, 10)
    ax.text(5, 5, "on the point", ha="center", va="center")
    assert "covers the point at (5, 5)" in _covered(fig)

    fig, ax = style.figure("slide")
    ax.plot([0, 5, 10], [1, 5, 9])
    ax.set_xlim(0, 10), ax.set_ylim(0, 10)
    ax.text(5, 5, "on a vertex", ha="center", va="center")
    assert "covers the line vertex at (5, 5)" in _covered(fig)

    fig, ax = style.figure("slide")
    ax.set_xlim(0, 10), ax.set_ylim(0, 10)
    ax.annotate("labelled", (1, 1), xytext=(9, 9), arrowprops={"arrowstyle": "-"})
    ax.text(5, 5, "across the leader", ha="center", va="center")
    assert "covers the leader line of 'labelled'" in _covered(fig)


def test_the_check_passes_a_label_beside_its_mark_and_one_in_its_own_bar():
    fig, ax = style.figure("slide")
    (bar,) = ax.bar([0], [10])
    ax.scatter([2], [5], s=40)
    ax.plot([3, 4], [5, 6])
    ax.set_xlim(-1, 6), ax.set_ylim(0, 12)
    style.label_in_bar(ax, bar, "in its bar")
    ax.annotate("beside the point", (2, 5), xytext=(8, 0), textcoords="offset points", va="center")
    ax.annotate("above the vertex", (4, 6), xytext=(0, 8), textcoords="offset points", ha="center")
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    assert _covered(fig) == ""


def test_a_backing_box_counts_as_part_of_its_label():
    # The text itself clears the bar, but its white backing box reaches down over the bar's top.
    fig, ax = style.figure("slide")
    ax.bar([0], [10])
    ax.set_ylim(0, 30)
    box = {"boxstyle": "square,pad=1.5", "facecolor": "white", "edgecolor": "none"}
    ax.annotate("value", (0, 10), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", bbox=box)
    assert "covers the bar at x=0" in _covered(fig)


def test_two_labels_may_not_meet_by_their_backing_boxes():
    # The texts are apart, but the first one's white backing reaches over the second one's letters.
    fig, ax = style.figure("slide")
    ax.set_xlim(0, 10), ax.set_ylim(0, 10)
    box = {"boxstyle": "square,pad=1.2", "facecolor": "white", "edgecolor": "none"}
    ax.text(2, 5, "backed", va="bottom", bbox=box)
    ax.text(2, 4.7, "below it", va="top")
    problems = " ".join(layout_problems(fig))
    plt.close(fig)
    assert "overlap: 'backed' and 'below it'" in problems


def test_a_movable_label_keeps_off_the_bottom_edge_and_its_backing_off_other_labels():
    # Two backed labels by low points: neither may be nudged across the bottom axis, and the
    # backing of one may not hide the other's letters.
    fig, ax = style.figure("a4half")
    ax.scatter([1, 1.6], [2, 3], s=40)
    ax.set_xlim(0, 10), ax.set_ylim(-6, 105)
    for x, y in ((1, 2), (1.6, 3)):
        style.label_end(ax, x, y, "a long label by a low point", dx=6, dy=-7, bbox=style.BACKING, reach=150)
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    assert layout_problems(fig) == []
    plt.close(fig)


def test_a_movable_label_moves_off_the_bars_and_leaders_it_would_cover():
    fig, ax = style.figure("a4half")
    ax.bar(range(10), [9, 9, 9, 9, 8, 8, 7, 3, 2, 1], width=0.8)
    ax.set_ylim(0, 40)
    label = style.label_end(
        ax, 7, 3, "a long label over the tall bars to its left", dx=0, dy=4, ha="right", va="bottom"
    )
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    assert label.xyann[1] > 4 and label.arrow_patch is not None  # raised, with a leader line to its bar
    assert _covered(fig) == ""


def test_ranking_labels_never_cover_bars_or_cross_each_others_leaders():
    # Two councils close together near the end of a ranking: on their own sides their labels
    # would overlap, and a leader would run through the other label (as Manchester's did
    # through Somerset's).
    fig, ax = style.figure("a4half")
    values = np.linspace(80, 10, 152)
    ax.bar(np.arange(1, 153), values, width=0.85)
    ax.set_xlim(0, 158)
    for rank in (111, 141):
        style.label_bar_top(ax, rank, values[rank - 1], f"Council ranked {rank}: {values[rank - 1]:.1f}% (rank {rank})")
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    assert layout_problems(fig) == []
    assert all(t.arrow_patch is not None for t in ax.texts)  # each label has its leader line
    plt.close(fig)


def test_plot_runs_breaks_the_line_and_layout_nudges_colliding_end_labels():
    fig, ax = style.figure("a4half")
    style.plot_runs(ax, [0, 1, 2, 3], [1, 2, 3, 4], breaks=[1.5])
    style.mark_definition_change(ax, 1.5)
    for name in ("England: 23.2%", "Region median: 22.6%", "Type median: 23.4%"):
        style.label_end(ax, 3, 23, name, dx=8)
    ax.set_ylim(0, 40)
    style.finish(fig, "A title that states the finding " * 5, "A subtitle " * 20, "Source: a source line " * 12)
    assert layout_problems(fig) == []
    assert any(a.arrow_patch is not None for a in ax.texts[1:])  # a nudged label gets a leader line
    plt.close(fig)


def test_nudged_end_labels_keep_the_order_of_their_values():
    fig, ax = style.figure("a4half")
    values = {"Type median: 23.4%": 23.4, "England: 23.2%": 23.2, "Region median: 22.6%": 22.6}
    for name, v in values.items():
        ax.plot([0, 3], [v - 5, v])
        style.label_end(ax, 3, v, name, dx=8)
    ax.set_ylim(0, 40)
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    assert layout_problems(fig) == []
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text() in values]
    by_height = sorted(labels, key=lambda t: -layout.text_box(t, renderer).y0)
    assert [t.get_text() for t in by_height] == list(values)  # highest value on top: leaders never cross
    plt.close(fig)


def test_a_pngs_pixels_and_resolution_survive_the_writer():
    from io import BytesIO

    from PIL import Image

    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    image = Image.open(BytesIO(png.png_bytes(rgb, 300)))
    assert image.mode == "RGB" and image.size == (5, 7)
    assert np.array_equal(np.asarray(image), rgb)
    assert [round(v) for v in image.info["dpi"]] == [300, 300] and image.info["Software"] == "pbanalysis"


def test_a_movable_label_moves_off_a_marker_drawn_above_it():
    fig, ax = style.figure("a4half")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 40)
    ax.scatter([5], [20], s=40, zorder=4)  # drawn above text (zorder 3)
    label = style.label_end(ax, 3, 20, "a label long enough to run over the point", dx=6)
    style.finish(fig, "Title", "Subtitle", "Source: a source line")
    renderer = fig.canvas.get_renderer()
    x, y = ax.transData.transform((5, 20))
    r = np.sqrt(40) / 2 * fig.dpi / 72
    box = layout.text_box(label, renderer)
    assert not (box.x0 < x + r and x - r < box.x1 and box.y0 < y + r and y - r < box.y1)
    assert layout_problems(fig) == []
    plt.close(fig)


# --- the what_next charts: fitted, and broken at the 2023-24 framework change -------------------


WHAT_NEXT_CHARTS = [name for name, spec in registry.CHARTS.items() if spec.notebook == "what_next"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", WHAT_NEXT_CHARTS)
def test_what_next_chart_fits_and_never_joins_across_2023_24(name, size):
    assert {"what_next_sds_rank", "what_next_trend_sds", "what_next_trend_dp"} <= set(WHAT_NEXT_CHARTS)
    fig = registry.draw(name, size=size).fig
    if name.startswith("what_next_trend"):
        # The break is drawn as a definition change, so layout_problems checks no line crosses it.
        gids = [ln.get_gid() for ln in fig.axes[0].lines]
        assert gids.count(style.DEFINITION_CHANGE_GID) == 1
    problems = check(fig, f"{name} {size}")
    assert not problems, "\n".join(problems)
