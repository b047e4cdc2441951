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
  line to their point, when they would overlap any other text, a data mark (a bar, a point or a
  line's vertex) or another label's leader line.

:func:`covered_marks` says where a finished figure's labels still cover a data mark or a leader
line (the layout tests call it on every chart).

It works from the marks the drawing helpers of :mod:`pbanalysis.charts.style` leave on a figure
and its axes (attributes named ``_pb_...``): the raw text of what it wraps, each label's home
offset, which labels may move and which axes' tick labels wrap.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

#: Space kept clear at the figure edges and between blocks, in points.
EDGE_PT = 6.0
GAP_PT = 8.0
#: How far a direct label may be nudged from its point, in points (unless it sets its own
#: ``_pb_reach``: a label on a bar of a ranking may rise far above it), and the step.
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
    """The window extent of a text's own box (an annotation's arrow excluded), in pixels.

    An annotation's text is put where its offset puts it (the first step of ``update_positions``);
    its leader line is placed only where it is measured or drawn (:func:`leader_paths`, drawing)."""
    if isinstance(t, Annotation):
        t.set_transform(t._get_xy_transform(renderer, t.anncoords))
    return text_extent(t, renderer)


#: Each text's box at the origin, by what it depends on (:func:`_extent_key`), for every figure of
#: the process: a figure's layout measures each text many times (the margins, then each candidate
#: place of every label), and a batch of packs draws the same tick labels and words again and again.
_EXTENTS: dict[tuple, Bbox] = {}
_EXTENTS_MAX = 50_000


def _extent_key(t: Text, renderer: RendererBase) -> tuple | None:
    """What a text's box at the origin (``Text._get_layout``) depends on, or None where it is not kept
    (text that wraps itself, TeX or mathtext, a renderer other than Agg)."""
    text = t.get_text()
    if not isinstance(renderer, RendererAgg) or t.get_wrap() or t.get_usetex() or "$" in text:
        return None
    p = t.get_fontproperties()
    font = (tuple(p.get_family()), p.get_slant(), p.get_variant(), p.get_weight(), p.get_stretch(), p.get_size())
    return (
        text,
        font + (p.get_file(), p.get_math_fontfamily()),
        t.get_figure(root=True).dpi,
        renderer.dpi,
        t._linespacing,
        t.get_rotation(),
        t.get_rotation_mode(),
        t._multialignment,
        t.get_horizontalalignment(),
        t.get_verticalalignment(),
        matplotlib.rcParams["text.hinting"],
        matplotlib.rcParams["text.hinting_factor"],
    )


def text_extent(t: Text, renderer: RendererBase) -> Bbox:
    """``Text.get_window_extent(t, renderer)``, with the text's box at the origin kept (:data:`_EXTENTS`):
    the same numbers, measured once per string, font, alignment and resolution."""
    if not t.get_visible() or not t.get_text() or (key := _extent_key(t, renderer)) is None:
        return Text.get_window_extent(t, renderer)
    box = _EXTENTS.get(key)
    if box is None:
        if len(_EXTENTS) >= _EXTENTS_MAX:
            _EXTENTS.clear()
        box = _EXTENTS[key] = t._get_layout(renderer)[0]
    t._renderer = renderer  # as Text.get_window_extent leaves it
    x, y = t.get_transform().transform(t.get_unitless_position())
    return box.translated(x, y)


def label_box(t: Text, renderer: RendererBase) -> Bbox:
    """The box a label covers, in pixels: its text and, where it has one, its backing box."""
    box = text_box(t, renderer)
    patch = t.get_bbox_patch()
    if patch is None:
        return box
    t.update_bbox_position_size(renderer)
    return Bbox.union([box, patch.get_window_extent(renderer)])


def _ticks_in_view(axis) -> list:
    """The ticks an axis draws (those in view), with their labels brought up to date."""
    try:
        return list(axis._update_ticks())  # what Axis.draw uses
    except AttributeError:  # pragma: no cover - older or newer matplotlib
        lo, hi = sorted(axis.get_view_interval())
        return [t for t in axis.get_major_ticks() if lo <= t.get_loc() <= hi]


def _place_axis_label(axis, ticks: list, renderer: RendererBase) -> None:
    """Put an axis label where drawing puts it (``Axis._update_label_position`` of matplotlib 3.10: beyond
    the tick labels and the spine, by the label pad), from ``ticks`` (:func:`_ticks_in_view`) measured by
    :func:`text_extent`; an axis whose labels are aligned with other axes' is left to matplotlib."""
    if not axis._autolabelpos:
        return
    ax, name = axis.axes, axis._get_axis_name()
    groups = ax.get_figure(root=False)._align_label_groups
    if name not in groups or list(groups[name].get_siblings(ax)) != [ax] or name not in ("x", "y"):
        axis._update_label_position(renderer)
        return
    first = axis.label_position in ("bottom", "left")  # the side of label1 (else label2)
    side = axis.label_position
    boxes = [text_extent(lab, renderer) for t in ticks if (lab := t.label1 if first else t.label2).get_visible()]
    bbox = Bbox.union([*boxes, ax.spines.get(side, ax).get_window_extent()])
    pad = axis.labelpad * axis.get_figure(root=True).dpi / 72
    x, y = axis.label.get_position()
    if name == "x":
        axis.label.set_position((x, bbox.y0 - pad if first else bbox.y1 + pad))
    else:
        axis.label.set_position((bbox.x0 - pad if first else bbox.x1 + pad, y))


def axes_texts(ax: Axes, renderer: RendererBase | None = None) -> list[Text]:
    """Every visible, non-empty text an axes draws: tick labels in view, axis labels, titles, labels.

    Tick labels and axis labels are put where drawing would put them."""
    out = []
    if not ax.get_visible():
        return out
    renderer = renderer or ax.get_figure(root=True).canvas.get_renderer()
    for axis in (ax.xaxis, ax.yaxis):
        ticks = _ticks_in_view(axis)
        for tick in ticks:
            out += [lab for lab in (tick.label1, tick.label2) if lab.get_visible() and lab.get_text().strip()]
        if axis.label.get_visible() and axis.label.get_text().strip():
            _place_axis_label(axis, ticks, renderer)  # measures every tick label: only when there is a label
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
        if text_extent(t, renderer).width <= max_px:
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
        ann.arrow_patch = FancyArrowPatch((0, 0), (1, 1), **props)
    ann._arrow_relpos = _relpos(ann)


def _relpos(ann: Annotation) -> tuple[float, float]:
    """Where on its label a leader line starts: the near edge (not the centre), so that a leader never
    runs under other labels; a centred label's leader starts at its bottom (or top) edge."""
    ha = ann.get_horizontalalignment()
    if ha == "center":
        return (0.5, 0.0 if ann.xyann[1] >= 0 else 1.0)
    return (1.0 if ha == "right" else 0.0, 0.5)


def _anchor_px(ann: Annotation, renderer) -> np.ndarray:
    """The point an annotation labels, in pixels."""
    return np.asarray(ann._get_position_xy(renderer), dtype=float)


def _boxes_array(boxes: list[Bbox]) -> np.ndarray:
    return np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], dtype=float).reshape(-1, 4)


def _hits(bb: Bbox, arr: np.ndarray, tol: float) -> bool:
    """Whether box ``bb`` shares more than ``tol`` pixels each way with any box of ``arr`` (n x 4)."""
    if not len(arr):
        return False
    w = np.minimum(bb.x1, arr[:, 2]) - np.maximum(bb.x0, arr[:, 0])
    h = np.minimum(bb.y1, arr[:, 3]) - np.maximum(bb.y0, arr[:, 1])
    return bool(np.any((w > tol) & (h > tol)))


def _sides(ann: Annotation) -> list[tuple[str, float, bool]]:
    """The (horizontal alignment, x offset, whether it must stay within its axes across) a label may
    take, in order: its own; for a label that may flip, its own within the axes, then the mirror
    image (on the other side of its point) within the axes, then each anywhere in the figure."""
    ha, dx = ann._pb_ha, ann._pb_home[0]
    if not getattr(ann, "_pb_flip", False):
        return [(ha, dx, False)]
    mirror = ({"left": "right", "right": "left"}.get(ha, ha), -dx)
    return [(ha, dx, True), (*mirror, True), (ha, dx, False), (*mirror, False)]


def _declutter(fig, renderer) -> None:
    """Nudge movable labels (each axes' ``_pb_movable``) up or down until no label overlaps another
    text, covers a data mark (:func:`data_marks`) or another label's leader line, and no leader line
    runs through a label. A label that may flip (``_pb_flip``) is kept within its axes across where
    it can be, on either side of its point (:func:`_sides`).

    Labels are placed one by one, the top one first. When a label finds no place, the axes are
    placed again with the labels that found none first (a few times), and the try that left the
    fewest labels without a place is kept."""
    for ax in fig.axes:
        movable = ax.__dict__.get("_pb_movable", [])
        if not movable:
            continue
        for ann in movable:
            ann.__dict__.setdefault("_pb_ha", ann.get_horizontalalignment())
            ann.set_horizontalalignment(ann._pb_ha)
            ann.xyann = ann._pb_home
            leader_line(ann, ann._pb_leader)
        order = sorted(movable, key=lambda a: -text_box(a, renderer).y1)
        tries: list[tuple[int, list]] = []
        for _ in range(3):
            failed = _place(fig, ax, movable, order, renderer)
            tries.append((len(failed), order))
            if not failed:
                break
            order = failed + [a for a in order if a not in failed]
        best = min(tries, key=lambda t: t[0])  # the first of the best tries
        if best is not tries[-1]:
            _place(fig, ax, movable, best[1], renderer)


def _place(fig, ax, movable: list, order: list, renderer) -> list:
    """Place ``movable`` labels in ``order`` (see :func:`_declutter`); returns those that found no place
    (left at their home offset)."""
    fig_box = fig.bbox
    step = NUDGE_STEP_PT
    px = fig.dpi / 72
    for ann in movable:
        ann.set_horizontalalignment(ann._pb_ha)
        ann.xyann = ann._pb_home
        leader_line(ann, ann._pb_leader)
    moving = set(map(id, movable))
    fixed_texts = [t for t in drawn_texts(fig, renderer) if id(t) not in moving]
    fixed = [text_box(t, renderer) for t in fixed_texts]
    fixed_full = [label_box(t, renderer) for t in fixed_texts]
    covers = _boxes_array(fixed_full + [b for _, b, _ in data_marks(ax)])
    leaders = [path for ann, path in leader_paths(ax, renderer) if id(ann) not in moving]
    frame = ax.get_window_extent(renderer)
    edges = ax.spines["left"].get_visible() and ax.spines["bottom"].get_visible()
    placed: list[Bbox] = []
    placed_full: list[Bbox] = []
    failed = []
    # Labels anchored in one column keep the order of their points (the higher point's label above),
    # so leader lines never cross: per column, (anchor height, box) of the labels placed so far.
    columns: dict[object, list[tuple[float, Bbox]]] = {}
    for ann in order:
        dy = ann._pb_home[1]
        column = _column(ann)
        anchor = _anchor_px(ann, renderer)
        best = None
        for ha, dx, within in _sides(ann):
            ann.set_horizontalalignment(ha)
            ann.xyann = (dx, dy)
            home, home_full = text_box(ann, renderer), label_box(ann, renderer)
            relpos = _relpos(ann)
            for k in range(int(getattr(ann, "_pb_reach", NUDGE_MAX_PT) / step) + 1):
                for sign in (0,) if k == 0 else (-1, 1):
                    shift = sign * k * step * px
                    bb, full = home.translated(0, shift), home_full.translated(0, shift)
                    inside = fig_box.x0 <= bb.x0 and bb.x1 <= fig_box.x1 and fig_box.y0 <= bb.y0 and bb.y1 <= fig_box.y1
                    if within:
                        inside = inside and frame.x0 <= full.x0 and full.x1 <= frame.x1
                    if edges and _overlaps(full, frame, 0):  # never across the drawn left or bottom edge
                        inside = inside and full.x0 >= frame.x0 and full.y0 >= frame.y0
                    in_order = all(
                        bb.y1 <= o.y0 if y >= anchor[1] else bb.y0 >= o.y1 for y, o in columns.get(column, [])
                    )
                    if not (inside and in_order) or any(_overlaps(bb, o) for o in fixed):
                        continue
                    if any(_overlaps(full, o) for o in placed_full):  # a backing box hides what it covers
                        continue
                    if _hits(full, covers, 0.5) or any(p.intersects_bbox(full, filled=False) for p in leaders):
                        continue
                    if ann._pb_leader or abs(sign * k * step) > 3:  # it will have a leader line
                        line = Path([bb.p0 + bb.size * np.asarray(relpos), anchor])
                        if any(line.intersects_bbox(_shrunk(o, 1), filled=False) for o in fixed_full + placed_full):
                            continue
                    best = (ha, dx, dy + sign * k * step)
                    break
                if best:
                    break
            if best:
                break
        if best is None:
            failed.append(ann)
        ha, dx, ndy = best or (ann._pb_ha, *ann._pb_home)
        ann.set_horizontalalignment(ha)
        ann.xyann = (dx, ndy)
        leader_line(ann, ann._pb_leader or bool(best and abs(ndy - dy) > 3))
        placed.append(text_box(ann, renderer))
        placed_full.append(label_box(ann, renderer))
        if (path := leader_path(ann, renderer)) is not None:
            leaders.append(path)
        if column is not None:
            columns.setdefault(column, []).append((anchor[1], placed[-1]))
    return failed


def data_marks(ax: Axes) -> list[tuple[str, Bbox, object]]:
    """The data marks an axes draws, as (what, pixel box, artist): each bar, each point of a scatter,
    each vertex of a data line (its marker, or the width of the line where it has none) and each
    segment of a range drawn with ``vlines``. Reference lines (drawn across the axes, not in data
    coordinates) are not data marks; marks outside the axes are not drawn and not returned."""
    px = ax.get_figure(root=True).dpi / 72
    frame = ax.get_window_extent()
    out: list[tuple[str, Bbox, object]] = []

    def boxes(xy: np.ndarray, rx: float, ry: float) -> list[Bbox]:
        keep = np.isfinite(xy).all(axis=1)
        return [Bbox([[x - rx, y - ry], [x + rx, y + ry]]) for x, y in xy[keep]]

    for patch in ax.patches:
        if (
            isinstance(patch, Rectangle)
            and patch.get_visible()
            and patch.get_data_transform() == ax.transData
            and patch.get_width() != 0
            and patch.get_height() != 0
        ):
            out.append(("bar", patch.get_window_extent(), patch))
    for art in ax.collections:
        if not art.get_visible():
            continue
        if isinstance(art, PathCollection) and len(art.get_offsets()) and art.get_offset_transform() == ax.transData:
            xy = art.get_offset_transform().transform(np.asarray(art.get_offsets(), dtype=float))
            r = np.sqrt(np.max(art.get_sizes())) / 2 * px  # sizes are points squared
            out += [("point", b, art) for b in boxes(xy, r, r)]
        elif isinstance(art, LineCollection) and art.get_transform() == ax.transData:
            half = float(np.max(art.get_linewidths())) / 2 * px
            for seg in art.get_segments():
                xy = ax.transData.transform(np.asarray(seg, dtype=float))
                if len(xy) and np.isfinite(xy).all():
                    lo, hi = xy.min(axis=0), xy.max(axis=0)
                    out.append(("bar", Bbox([[lo[0] - half, lo[1]], [hi[0] + half, hi[1]]]), art))
    for line in ax.lines:
        if not line.get_visible() or line.get_transform() != ax.transData:
            continue
        marked = line.get_marker() not in (None, "None", "", " ")
        r = (line.get_markersize() if marked else line.get_linewidth()) / 2 * px
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        out += [("line vertex", b, line) for b in boxes(xy, r, r)]
    return [(what, b, art) for what, b, art in out if _overlaps(b, frame, 0)]


def leader_paths(ax: Axes, renderer: RendererBase) -> list[tuple[Annotation, Path]]:
    """Each drawn leader line (an annotation's arrow) of an axes, as (annotation, path in pixels)."""
    return [(t, path) for t in ax.texts if (path := leader_path(t, renderer)) is not None]


def leader_path(t: Text, renderer: RendererBase) -> Path | None:
    """The leader line (arrow) a text draws, as a path in pixels; None where it draws none."""
    if not (isinstance(t, Annotation) and t.arrow_patch is not None and t.get_visible() and t.get_text().strip()):
        return None
    t.update_positions(renderer)
    arrow = t.arrow_patch
    arrow._dpi_cor = renderer.points_to_pixels(1.0)  # as drawing sets it
    return arrow.get_transform().transform_path(arrow.get_path())


def _shrunk(b: Bbox, by: float) -> Bbox:
    return Bbox([[b.x0 + by, b.y0 + by], [b.x1 - by, b.y1 - by]])


def _covers(a: Bbox, b: Bbox, tol: float) -> bool:
    """Whether boxes ``a`` and ``b`` share more than ``tol`` pixels each way."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


def _g(v: float) -> str:
    """A coordinate in a message: four significant figures, no -0 or 1e-16 for nought."""
    return f"{round(float(v), 6) + 0:.4g}"


def covered_marks(fig: Figure, tol: float = 0.5) -> list[str]:
    """Where a label of a drawn figure covers a data mark (:func:`data_marks`) or another label's
    leader line (:func:`leader_paths`), one sentence each; empty when none does.

    A label is any text the figure draws, with its backing box. A label in a bar
    (:func:`pbanalysis.charts.style.label_in_bar`) may lie on its own bar."""
    renderer = fig.canvas.get_renderer()
    texts = drawn_texts(fig, renderer)
    boxes = [label_box(t, renderer) for t in texts]
    problems = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        marks = data_marks(ax)
        leaders = leader_paths(ax, renderer)
        for t, box in zip(texts, boxes):
            own_bar = getattr(t, "_pb_box", None)
            for what, mark, art in marks:
                if art is own_bar or not _covers(box, mark, tol):
                    continue
                if isinstance(art, Rectangle):
                    x, y = art.get_x() + art.get_width() / 2, art.get_y() + art.get_height()
                    where = f"the {what} at x={_g(x)} (top {_g(y)})"
                else:
                    x, y = ax.transData.inverted().transform(((mark.x0 + mark.x1) / 2, (mark.y0 + mark.y1) / 2))
                    where = f"the {what} at ({_g(x)}, {_g(y)})"
                problems.append(f"label {t.get_text()!r} covers {where}")
            for ann, path in leaders:
                if ann is not t and path.intersects_bbox(_shrunk(box, tol), filled=False):
                    problems.append(f"label {t.get_text()!r} covers the leader line of {ann.get_text()!r}")
    return problems


def _column(ann: Annotation) -> object:
    """The anchor column of a direct label at a data point (its x and the side it runs to), or None
    for other labels. Labels in one column keep the order of their values; a label on the other
    side of the same x is in another column (their leader lines cannot cross)."""
    if ann.xycoords != "data":
        return None
    x = ann.xy[0]
    return (round(float(x), 6) if isinstance(x, (int, float, np.number)) else x, ann._pb_ha)


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
