"""The layout engine of the charts: the figure's layout fitted to its text, for every chart in one
place (:func:`fit`, which :func:`pbanalysis.charts.style.finish` calls).

* the title, subtitle and source line are wrapped to the figure width by measuring them, and
  stacked from the top and the bottom edge;
* the plot area shrinks until its tick labels, axis labels and direct labels fit inside the
  figure between the header and the source line;
* tick labels wrap to the space each tick has (for an axis marked by
  :func:`pbanalysis.charts.style.wrap_ticklabels`);
* a label in a bar (:func:`pbanalysis.charts.style.label_in_bar`) stays inside its bar when it
  fits there, and goes just below it otherwise;
* direct labels (:func:`pbanalysis.charts.style.label_end`) are nudged up or down, with a leader
  line to their point, when they would overlap any other text or a marker drawn above them.

It works from the marks the drawing helpers of :mod:`pbanalysis.charts.style` leave on a figure
and its axes (attributes named ``_pb_...``): the raw text of what it wraps, each label's home
offset, which labels may move and which axes' tick labels wrap.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

#: Space kept clear at the figure edges and between blocks, in points.
EDGE_PT = 6.0
GAP_PT = 8.0
#: How far a direct label may be nudged from its point, in points, and the step.
NUDGE_MAX_PT = 60.0
NUDGE_STEP_PT = 1.5


def inside(inner: Bbox, outer: Bbox, pad: float = 0.5) -> bool:
    """Whether box ``inner`` lies within box ``outer`` (pixels, ``pad`` allowed over)."""
    return (
        inner.x0 >= outer.x0 - pad
        and inner.x1 <= outer.x1 + pad
        and inner.y0 >= outer.y0 - pad
        and inner.y1 <= outer.y1 + pad
    )


def text_box(t: Text, renderer: RendererBase) -> Bbox:
    """The window extent of a text's own box (an annotation's arrow excluded), in pixels."""
    if isinstance(t, Annotation):
        t.update_positions(renderer)
    return Text.get_window_extent(t, renderer)


def _ticks_in_view(axis) -> list:
    """The ticks an axis draws (those in view), with their labels brought up to date."""
    try:
        return list(axis._update_ticks())  # what Axis.draw uses
    except AttributeError:  # pragma: no cover - older or newer matplotlib
        lo, hi = sorted(axis.get_view_interval())
        return [t for t in axis.get_major_ticks() if lo <= t.get_loc() <= hi]


def axes_texts(ax: Axes, renderer: RendererBase | None = None) -> list[Text]:
    """Every visible, non-empty text an axes draws: tick labels in view, axis labels, titles, labels.

    Tick labels and axis labels are put where drawing would put them."""
    out = []
    if not ax.get_visible():
        return out
    renderer = renderer or ax.get_figure(root=True).canvas.get_renderer()
    for axis in (ax.xaxis, ax.yaxis):
        for tick in _ticks_in_view(axis):
            out += [lab for lab in (tick.label1, tick.label2) if lab.get_visible() and lab.get_text().strip()]
        if axis.label.get_visible() and axis.label.get_text().strip():
            axis._update_label_position(renderer)  # measures every tick label: only when there is a label
            out.append(axis.label)
    out += [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_visible() and t.get_text().strip()]
    out += [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
    return out


def drawn_texts(fig: Figure, renderer: RendererBase | None = None) -> list[Text]:
    """Every visible, non-empty text the figure draws (tick labels only for ticks in view)."""
    out = [t for t in fig.texts if t.get_visible() and t.get_text().strip()]
    for ax in fig.axes:
        out += axes_texts(ax, renderer)
    return out


@functools.lru_cache(maxsize=20000)
def _word_width(word: str, prop: FontProperties, dpi: float) -> float:
    return _MEASURE.get_text_width_height_descent(word, prop, ismath=False)[0] * dpi / 72


_MEASURE = RendererAgg(100, 100, 72)


def _wrap_to(t: Text, max_px: float, renderer) -> None:
    """Set ``t``'s text to its raw text wrapped greedily so each line is at most ``max_px`` wide.

    Lines are built from cached word widths, then the result is measured; if a line still
    runs over (kerning), the wrap is redone a little narrower."""
    raw = getattr(t, "_pb_raw", t.get_text())
    t.set_text(raw)
    prop, dpi = t.get_fontproperties(), t.get_figure(root=True).dpi
    space = _word_width("a a", prop, dpi) - 2 * _word_width("a", prop, dpi)
    limit = max_px
    for _ in range(5):
        if t.get_window_extent(renderer).width <= max_px:
            return
        lines = []
        for para in raw.split("\n"):
            line, width = [], 0.0
            for word in para.split():
                w = _word_width(word, prop, dpi)
                if line and width + space + w > limit:
                    lines.append(" ".join(line))
                    line, width = [word], w
                else:
                    width += (space if line else 0) + w
                    line.append(word)
            lines.append(" ".join(line))
        t.set_text("\n".join(lines))
        limit *= 0.97


def _wrap_ticks(ax, axis: str, renderer) -> None:
    ax_obj = ax.xaxis if axis == "x" else ax.yaxis
    ticks = ax_obj.get_majorticklocs()
    raw = ax.__dict__.setdefault(f"_pb_raw_{axis}", [lab.get_text() for lab in ax_obj.get_majorticklabels()])
    if len(ticks) == 0:
        return
    bb = ax.get_window_extent(renderer)
    lo, hi = ax_obj.get_view_interval()
    span = bb.width if axis == "x" else bb.height
    per = span / max(abs(hi - lo), 1e-9) * (min(np.diff(sorted(ticks))) if len(ticks) > 1 else abs(hi - lo))
    max_px = 0.92 * per if axis == "x" else bb.width * 0.4
    probe = Text(0, 0, "", figure=ax.figure, fontproperties=ax_obj.get_majorticklabels()[0].get_fontproperties())
    wrapped = []
    for s in raw:
        probe._pb_raw = s
        _wrap_to(probe, max_px, renderer)
        wrapped.append(probe.get_text())
    (ax.set_xticks if axis == "x" else ax.set_yticks)(ticks, wrapped)


def _overlaps(a: Bbox, b: Bbox, pad: float = 1.0) -> bool:
    return a.x0 < b.x1 + pad and b.x0 < a.x1 + pad and a.y0 < b.y1 + pad and b.y0 < a.y1 + pad


def _fit_margins(fig, renderer, header_bottom: float, footer_top: float) -> bool:
    """Place the axes so its texts fit between the edges, the header and the footer (pixels).

    Returns whether the axes moved."""
    W, H = fig.bbox.width, fig.bbox.height
    edge = EDGE_PT * fig.dpi / 72
    gap = GAP_PT * fig.dpi / 72
    ax = fig.axes[0]
    moved = False
    for _ in range(4):
        for axis in sorted(ax.__dict__.get("_pb_wrap", ())):
            _wrap_ticks(ax, axis, renderer)
        pos = ax.get_window_extent(renderer)
        boxes = [text_box(t, renderer) for t in axes_texts(ax, renderer)]
        tight = Bbox.union([pos, *boxes])
        left = pos.x0 - tight.x0 + edge
        right = tight.x1 - pos.x1 + edge
        bottom = pos.y0 - tight.y0 + footer_top + gap
        top = tight.y1 - pos.y1 + (H - header_bottom) + gap
        new = (left / W, bottom / H, 1 - right / W, 1 - top / H)
        if new[2] - new[0] < 0.2 or new[3] - new[1] < 0.15:
            raise ValueError("chart text leaves no room for the plot; shorten the labels")
        old = (pos.x0 / W, pos.y0 / H, pos.x1 / W, pos.y1 / H)
        if max(abs(a - b) for a, b in zip(new, old)) < 0.5 / max(W, H):
            break
        fig.subplots_adjust(left=new[0], bottom=new[1], right=new[2], top=new[3])
        moved = True
    return moved


def _fit_bar_labels(fig: Figure, renderer: RendererBase) -> None:
    """Each bar label inside its bar when it fits there with a margin, else just below the bar,
    kept within the axes."""
    margin = 3 * fig.dpi / 72
    for ax in fig.axes:
        for ann in ax.__dict__.get("_pb_bar_labels", []):
            bar, (color_in, color_out) = ann._pb_box, ann._pb_colors
            cx, cy = bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2
            ann.xy, ann.xyann = (cx, cy), (0, 0)
            ann.set_ha("center"), ann.set_va("center"), ann.set_color(color_in)
            box, room = text_box(ann, renderer), bar.get_window_extent(renderer)
            if box.width + 2 * margin <= room.width and box.height + 2 * margin <= room.height:
                continue
            ann.xy, ann.xyann = (cx, bar.get_y()), (0, -4)
            ann.set_va("top"), ann.set_color(color_out)
            box, frame = text_box(ann, renderer), ax.get_window_extent(renderer)
            if box.x1 > frame.x1:  # keep it within the axes: align it with the bar's end instead
                ann.xy = (bar.get_x() + bar.get_width(), bar.get_y())
                ann.set_ha("right")
            elif box.x0 < frame.x0:
                ann.xy = (bar.get_x(), bar.get_y())
                ann.set_ha("left")


def leader_line(ann: Annotation, on: bool) -> None:
    """Give an annotation a thin leader line to its point, or take it away.

    Made only when needed: measuring an annotation with an arrow is slow."""
    if not on:
        ann.arrow_patch = ann.arrowprops = None
        return
    if ann.arrow_patch is None:
        props = {"arrowstyle": "-", "color": ann.get_color(), "linewidth": 0.7, "shrinkA": 1, "shrinkB": 2}
        ann.arrowprops = props
        # From the label's near edge (not its centre), so a leader never runs under other labels.
        ann._arrow_relpos = (0.0 if getattr(ann, "_pb_home", (1, 0))[0] >= 0 else 1.0, 0.5)
        ann.arrow_patch = FancyArrowPatch((0, 0), (1, 1), **props)


def _declutter(fig, renderer) -> None:
    """Nudge movable labels (each axes' ``_pb_movable``) up or down until no two texts overlap."""
    fig_box = fig.bbox
    step = NUDGE_STEP_PT
    for ax in fig.axes:
        movable = ax.__dict__.get("_pb_movable", [])
        if not movable:
            continue
        for ann in movable:
            ann.xyann = ann._pb_home
            leader_line(ann, ann._pb_leader)
        moving = set(map(id, movable))
        fixed = [text_box(t, renderer) for t in drawn_texts(fig, renderer) if id(t) not in moving]
        fixed += _markers_above(ax, min(a.get_zorder() for a in movable), fig.dpi)
        placed: list[Bbox] = []
        above: dict[object, float] = {}  # per anchor column: bottom of the labels placed so far
        # Top labels first, so a nudge pushes the lower one down; labels anchored at the same x
        # keep the order of their values, so leader lines never cross.
        for ann in sorted(movable, key=lambda a: -text_box(a, renderer).y1):
            dx, dy = ann._pb_home
            home = text_box(ann, renderer)
            column = _column(ann)
            best = None
            for k in range(int(NUDGE_MAX_PT / step) + 1):
                for sign in (0,) if k == 0 else (-1, 1):
                    shift = sign * k * step * fig.dpi / 72
                    bb = home.translated(0, shift)
                    inside = fig_box.x0 <= bb.x0 and bb.x1 <= fig_box.x1 and fig_box.y0 <= bb.y0 and bb.y1 <= fig_box.y1
                    in_order = column is None or bb.y1 <= above.get(column, np.inf)
                    if inside and in_order and not any(_overlaps(bb, o) for o in fixed + placed):
                        best = (dx, dy + sign * k * step)
                        break
                if best:
                    break
            ann.xyann = best or (dx, dy)
            leader_line(ann, ann._pb_leader or bool(best and abs(best[1] - dy) > 3))
            placed.append(text_box(ann, renderer))
            if column is not None:
                above[column] = min(above.get(column, np.inf), placed[-1].y0)


def _markers_above(ax: Axes, zorder: float, dpi: float) -> list[Bbox]:
    """Boxes (pixels) of the markers drawn above ``zorder``: a label placed there would be printed over."""
    boxes = []
    for art in [*ax.collections, *ax.lines]:
        if art.get_zorder() <= zorder or not art.get_visible():
            continue
        if isinstance(art, PathCollection) and len(art.get_offsets()):
            xy = art.get_offset_transform().transform(art.get_offsets())
            radius = np.sqrt(np.max(art.get_sizes())) / 2 * dpi / 72  # sizes are points squared
        elif isinstance(art, Line2D) and art.get_marker() not in (None, "None", "", " "):
            xy = art.get_transform().transform(art.get_xydata())
            radius = art.get_markersize() / 2 * dpi / 72
        else:
            continue
        boxes += [
            Bbox([[x - radius, y - radius], [x + radius, y + radius]]) for x, y in xy if np.isfinite([x, y]).all()
        ]
    return boxes


def _column(ann: Annotation) -> object:
    """The anchor column of a direct label at a data point (its x), or None for other labels."""
    if ann.xycoords != "data":
        return None
    x = ann.xy[0]
    return round(float(x), 6) if isinstance(x, (int, float, np.number)) else x


def fit(fig: Figure) -> None:
    """Fit the figure's layout to its text: wrap header and footer, fit margins, declutter labels."""
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    edge = EDGE_PT * fig.dpi / 72
    header = getattr(fig, "_pb_header", [])
    foot = getattr(fig, "_pb_footer", None)
    # Header: title then subtitle, each wrapped to the width and stacked from the top.
    y = H - edge
    for i, t in enumerate(header):
        _wrap_to(t, W - 2 * edge, renderer)
        t.set_position((edge / W, y / H))
        y = text_box(t, renderer).y0 - (4 if i == 0 else 0) * fig.dpi / 72
    header_bottom = y if header else H - edge
    footer_top = edge
    if foot is not None:
        _wrap_to(foot, W - 2 * edge, renderer)
        foot.set_position((edge / W, edge / H))
        footer_top = text_box(foot, renderer).y1
    if not fig.axes:
        return
    _fit_margins(fig, renderer, header_bottom, footer_top)
    if any(ax.__dict__.get("_pb_bar_labels") for ax in fig.axes):
        _fit_bar_labels(fig, renderer)
        _fit_margins(fig, renderer, header_bottom, footer_top)
        _fit_bar_labels(fig, renderer)  # the margins moved the bars
    if not any(ax.__dict__.get("_pb_movable") for ax in fig.axes):
        return  # nothing to nudge: the margins already fit
    for _ in range(4):
        _declutter(fig, renderer)
        if not _fit_margins(fig, renderer, header_bottom, footer_top):
            break
