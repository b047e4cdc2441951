"""House style and layout for briefing charts, after the UK Government Analysis Function guidance.

* the accessible categorical palette, dark blue for the main series;
* a title that states the finding, a short subtitle for the measure;
* direct labels rather than legends where possible;
* a source line built from ``data/datapackage.json`` (never typed by hand);
* alt text saved beside every chart, with the numbers behind it as JSON;
* two sizes (16:9 slide, A4 half page), SVG and PNG at 300 ppi where it is used
  (a slide 10 in wide; an A4 half-page chart printed 170 mm wide);
* deterministic files: fixed ``svg.hashsalt``, no date metadata, glyphs drawn
  as paths from the DejaVu Sans font that ships with matplotlib.

Layout is fitted to the text, for every chart in one place (:func:`layout`, called
by :func:`finish`): the title, subtitle and source line are wrapped to the figure
width by measuring them; the plot area shrinks until its tick labels, axis labels
and direct labels fit inside the figure between the header and the source line;
tick labels wrap to the space each tick has; and direct labels made with
:func:`label_end` are nudged apart, with a leader line to their point, when they
would overlap any other text. A series is drawn with :func:`plot_runs`, which
never joins two points across a definition change.

Charts take the numbers they show and never read files; :func:`save` writes them.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from pbanalysis.charts import png  # noqa: E402
from pbanalysis.core import paths  # noqa: E402
from pbanalysis.core.atomic import atomic_path, write_text  # noqa: E402
from pbanalysis.core.errors import ParameterError  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = (
    "#12436D",
    "#28A197",
    "#801650",
    "#F46A25",
    "#3D3D3D",
    "#A285D1",
)
PALETTE = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE]
MID_GREY = "#BFBFBF"

#: Figure sizes in inches: a 16:9 slide and half an A4 page (portrait width).
SIZES = {"slide": (10.0, 5.625), "a4half": (8.27, 5.0)}
FORMATS = ("svg", "png")
#: PNG resolution: pixels per inch at the width the chart is used at (print standard).
PNG_PPI = 300
#: The width (inches) each size is used at. A slide fills 10 in. An A4 half-page chart is drawn on an
#: A4-wide canvas and printed across the A4 text width (170 mm, as in the Word packs), so its PNG
#: has 300 ppi at that width: 2007 pixels, not the 2481 that 300 dpi of the canvas would give.
USE_WIDTH_IN = {"slide": 10.0, "a4half": 170 / 25.4}

#: Gid of the dashed line marking a definition change (tests find it by this).
DEFINITION_CHANGE_GID = "definition-change"

#: Space kept clear at the figure edges and between blocks, in points.
EDGE_PT = 6.0
GAP_PT = 8.0
#: How far a direct label may be nudged from its point, in points, and the step.
NUDGE_MAX_PT = 60.0
NUDGE_STEP_PT = 1.5

RC = {
    "svg.hashsalt": "pbanalysis",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": DARK_GREY,
    "axes.labelcolor": DARK_GREY,
    "axes.titlelocation": "left",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "xtick.color": DARK_GREY,
    "ytick.color": DARK_GREY,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#E5E5E5",
    "path.simplify": False,
}


def check_size(size: str) -> tuple[float, float]:
    """The (width, height) in inches of a named size; ParameterError listing the sizes otherwise."""
    if size not in SIZES:
        raise ParameterError("size", size, list(SIZES))
    return SIZES[size]


def check_format(fmt: str) -> str:
    """``fmt`` if it is a chart file format ('svg' or 'png'); ParameterError otherwise."""
    if fmt not in FORMATS:
        raise ParameterError("format", fmt, list(FORMATS))
    return fmt


def figure(size: str = "slide", nrows: int = 1, ncols: int = 1, **kw: object) -> tuple[Figure, Axes | np.ndarray]:
    """A new figure in house style: returns ``(fig, ax)`` (``ax`` an array if several)."""
    check_size(size)
    # Laid out at the resolution its PNG is drawn at, so the PNG reuses the layout's text measurements.
    kw.setdefault("dpi", png_dpi_for(size))
    with plt.rc_context(RC):
        fig, ax = plt.subplots(nrows, ncols, figsize=SIZES[size], **kw)
    fig._pb_size = size
    return fig, ax


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------


def label_end(
    ax: Axes,
    x: object,
    y: float,
    text: str,
    color: str = DARK_BLUE,
    dx: float = 4,
    dy: float = 0,
    movable: bool = True,
    leader: bool = False,
    **kw: object,
) -> Annotation:
    """A direct label at a data point (instead of a legend); returns the annotation.

    ``dx``, ``dy`` offset the label in points. A movable label is nudged up or down
    by :func:`layout` if it would overlap other text, and then gets a thin leader
    line to its point (``leader=True``: always drawn).
    """
    kw.setdefault("fontsize", 9)
    kw.setdefault("va", "center")
    ann = ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        color=color,
        **kw,
    )
    ann._pb_home = (dx, dy)
    ann._pb_leader = leader
    _leader_line(ann, leader)
    if movable:
        ax.__dict__.setdefault("_pb_movable", []).append(ann)
    return ann


def label_in_bar(
    ax: Axes, bar: Rectangle, text: str, color: str = "white", outside_color: str = "#0B0C0C", **kw: object
) -> Annotation:
    """A label centred in its bar. :func:`layout` moves it just below the bar, in ``outside_color``,
    when it does not fit inside (a label is never cut by its bar's edge); returns the annotation."""
    kw.setdefault("fontsize", 10)
    ann = ax.annotate(
        text,
        (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2),
        xytext=(0, 0),
        textcoords="offset points",
        ha="center",
        va="center",
        color=color,
        **kw,
    )
    ann._pb_box = bar
    ann._pb_colors = (color, outside_color)
    ax.__dict__.setdefault("_pb_bar_labels", []).append(ann)
    return ann


def inside(inner: Bbox, outer: Bbox, pad: float = 0.5) -> bool:
    """Whether box ``inner`` lies within box ``outer`` (pixels, ``pad`` allowed over)."""
    return (
        inner.x0 >= outer.x0 - pad
        and inner.x1 <= outer.x1 + pad
        and inner.y0 >= outer.y0 - pad
        and inner.y1 <= outer.y1 + pad
    )


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


def _leader_line(ann: Annotation, on: bool) -> None:
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


def plot_runs(
    ax: Axes,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    breaks: Sequence[float] = (),
    **kw: object,
) -> list:
    """Plot a series as separate runs, never joining two points across a break.

    ``breaks`` are x positions (e.g. half-way between the last year of one
    definition and the first of the next). Returns the Line2D objects.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    edges = [-np.inf, *sorted(breaks), np.inf]
    lines = []
    for lo, hi in zip(edges, edges[1:]):
        keep = (x > lo) & (x < hi)
        if keep.any():
            lines += ax.plot(x[keep], y[keep], **kw)
            kw.pop("label", None)
    return lines


def mark_definition_change(
    ax: Axes, x: float, label: str = "Definition changes", color: str = DARK_PINK
) -> Annotation | None:
    """A dashed vertical line with a label where a measure's definition changes; returns the label.

    ``label=""`` draws the line alone (when the subtitle already says what the dashed lines mean)."""
    line = ax.axvline(x, color=color, linestyle="--", linewidth=1)
    line.set_gid(DEFINITION_CHANGE_GID)
    if not label:
        return None
    ann = ax.annotate(
        label,
        (x, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -2),
        textcoords="offset points",
        color=color,
        fontsize=8,
        va="top",
    )
    ann._pb_home = (3, -2)
    ann._pb_leader = False
    ax.__dict__.setdefault("_pb_movable", []).append(ann)
    return ann


def wrap_ticklabels(ax: Axes, axis: str = "x") -> None:
    """Let :func:`layout` wrap this axis's tick labels to the space each tick has."""
    ax.__dict__.setdefault("_pb_wrap", set()).add(axis)


# --------------------------------------------------------------------------
# Title, subtitle, source line and layout
# --------------------------------------------------------------------------


def finish(
    fig: Figure, title: str, subtitle: str = "", source: str = "", note: str = "", left: float | None = None
) -> None:
    """Add the title (the finding), subtitle (the measure) and source line, then fit the layout.

    ``left`` is accepted for compatibility and ignored: margins are fitted to the text.
    """
    texts = [
        fig.text(0, 1, title, ha="left", va="top", fontsize=14, fontweight="bold", color="#0B0C0C"),
    ]
    if subtitle:
        texts.append(fig.text(0, 1, subtitle, ha="left", va="top", fontsize=10, color=DARK_GREY))
    foot_text = " ".join(x for x in (note, source) if x)
    foot = fig.text(0, 0, foot_text, ha="left", va="bottom", fontsize=8, color=DARK_GREY) if foot_text else None
    for t in texts + ([foot] if foot else []):
        t._pb_raw = t.get_text()
    fig._pb_header = texts
    fig._pb_footer = foot
    layout(fig)


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
            _leader_line(ann, ann._pb_leader)
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
            _leader_line(ann, ann._pb_leader or bool(best and abs(best[1] - dy) > 3))
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


def layout(fig: Figure) -> None:
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


# --------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------


def save(
    fig: Figure,
    name: str,
    alt_text: str,
    numbers: dict,
    out_dir: Path | str | None = None,
    formats: Sequence[str] = FORMATS,
    close: bool = True,
) -> list[Path]:
    """Write the chart (SVG and/or PNG), its alt text and its numbers, atomically; returns the paths."""
    out_dir = Path(out_dir or paths.FIGURES_DIR)
    written = []
    for fmt in formats:
        check_format(fmt)
        target = paths.figure_path(name, fmt, out_dir)
        with atomic_path(target) as tmp:
            fig_bytes(fig, fmt, tmp)
        written.append(target)
    written.append(write_text(paths.figure_path(name, "alt.txt", out_dir), alt_text.strip() + "\n"))
    written.append(
        write_text(
            paths.figure_path(name, "json", out_dir),
            json.dumps(numbers, indent=2, sort_keys=True, default=_jsonable) + "\n",
        )
    )
    release_pixels(fig)
    if close:
        plt.close(fig)
    return written


def release_pixels(fig: Figure) -> None:
    """Free the figure's Agg pixel buffer (4 bytes a pixel: 20 MB for a slide), kept by the canvas
    after layout or a PNG; the figure stays whole and draws again on demand. Returns nothing.

    A chart shown in a notebook stays alive in IPython's output history, so without this every
    chart of a run would hold its pixels until the kernel stops."""
    canvas = fig.canvas
    if isinstance(canvas, FigureCanvasAgg):
        canvas.__dict__.pop("renderer", None)
        canvas._lastKey = None


def fig_bytes(fig: Figure, fmt: str, target: Path | str | None = None) -> bytes | None:
    """Render the chart as deterministic SVG or PNG; into ``target`` (a path) or returned as bytes.

    A PNG has :data:`PNG_PPI` pixels per inch at the width its size is used at
    (:data:`USE_WIDTH_IN`) and says so in its ``pHYs`` header, so Word and PowerPoint place it at
    that width.

    PNGs are opaque RGB (the figure is white), compressed quickly: smaller work, same pixels."""
    check_format(fmt)
    with plt.rc_context(RC):
        if fmt == "svg":
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "pbanalysis"})
            out = buf.getvalue()
        else:
            dpi = png_dpi(fig)
            if fig.dpi == dpi and isinstance(fig.canvas, FigureCanvasAgg):
                fig.canvas.draw()  # laid out at this resolution (see figure): draw once, read the pixels
                rgba = np.asarray(fig.canvas.buffer_rgba())
            else:
                raw = io.BytesIO()
                fig.savefig(raw, format="rgba", dpi=dpi)
                w = int(fig.get_figwidth() * dpi)  # as the Agg renderer sizes its canvas
                rgba = np.frombuffer(raw.getbuffer(), np.uint8).reshape(-1, w, 4)
            out = png.png_bytes(rgba[:, :, :3], PNG_PPI)
    if target is None:
        return out
    Path(target).write_bytes(out)
    return None


def png_dpi_for(size: str) -> float:
    """The dots per inch of a ``size`` canvas that give :data:`PNG_PPI` at its use width."""
    return PNG_PPI * USE_WIDTH_IN[size] / check_size(size)[0]


def png_dpi(fig: Figure) -> float:
    """The dots per inch that give the figure's PNG :data:`PNG_PPI` at its use width (plain
    :data:`PNG_PPI` for a figure not made by :func:`figure`)."""
    size = getattr(fig, "_pb_size", None)
    return png_dpi_for(size) if size else PNG_PPI


def svg_text(fig: Figure) -> str:
    """The chart as SVG text, deterministic like the saved files (for inline display)."""
    return fig_bytes(fig, "svg").decode("utf-8")


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    return str(x)
