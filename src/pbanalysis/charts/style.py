"""The house style of the briefing charts, after the UK Government Analysis Function guidance,
and the helpers that draw in it.

* the accessible categorical palette, dark blue for the main series;
* a title that states the finding, a short subtitle for the measure;
* direct labels rather than legends where possible (:func:`label_end`, :func:`label_in_bar`);
* a source line built from ``data/datapackage.json`` (never typed by hand);
* alt text saved beside every chart, with the numbers behind it as JSON;
* two sizes (16:9 slide, A4 half page), SVG and PNG at 300 ppi where it is used
  (a slide 10 in wide; an A4 half-page chart printed 170 mm wide);
* deterministic files: fixed ``svg.hashsalt``, no date metadata, glyphs drawn
  as paths from the DejaVu Sans font that ships with matplotlib.

A chart starts with :func:`figure` and ends with :func:`finish`, which adds the title, subtitle
and source line and fits the layout to the text (:func:`pbanalysis.charts.layout.fit`). A
series is drawn with :func:`plot_runs`, which never joins two points across a definition change
(:func:`mark_definition_change` shows where it is).

Charts take the numbers they show and never read files; :func:`pbanalysis.charts.files.save`
writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from pbanalysis.charts import layout  # noqa: E402
from pbanalysis.core.errors import ParameterError  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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
#: The colour of the councils a ranked chart picks out (bars and their labels), and each colour's
#: name in words, so a subtitle that names the colour follows a change of it.
HIGHLIGHT = DARK_PINK
COLOUR_NAME = {
    DARK_BLUE: "dark blue",
    TURQUOISE: "turquoise",
    DARK_PINK: "pink",
    ORANGE: "orange",
    DARK_GREY: "dark grey",
    LIGHT_PURPLE: "light purple",
    MID_GREY: "grey",
}

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


def png_dpi_for(size: str) -> float:
    """The dots per inch of a ``size`` canvas that give :data:`PNG_PPI` at its use width."""
    return PNG_PPI * USE_WIDTH_IN[size] / check_size(size)[0]


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


#: A white backing for a label that reference lines may pass behind (the text stays readable).
BACKING = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}

#: A white outline for a label drawn over lines, so that the lines it crosses do not cut its letters.
HALO = (patheffects.withStroke(linewidth=3, foreground="white"),)


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
    flip: bool = False,
    reach: float | None = None,
    **kw: object,
) -> Annotation:
    """A direct label at a data point (instead of a legend); returns the annotation.

    ``dx``, ``dy`` offset the label in points. A movable label is nudged up or down
    by :func:`.layout.fit` if it would overlap other text, cover a data mark or cross a
    leader line, and then gets a thin leader line to its point (``leader=True``: always
    drawn). A label that may ``flip`` stays within its axes across, and goes to the other
    side of its point (``ha`` and ``dx`` mirrored) when its own side has no room. ``reach``
    (points) is how far it may be nudged (default :data:`.layout.NUDGE_MAX_PT`).
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
    ann._pb_flip = flip
    ann._pb_reach = layout.NUDGE_MAX_PT if reach is None else reach
    layout.leader_line(ann, leader)
    if movable:
        ax.__dict__.setdefault("_pb_movable", []).append(ann)
    return ann


def label_margin(
    ax: Axes, y: float, text: str, color: str = DARK_GREY, va: str = "center", dy: float = 0, fontsize: float = 9
) -> Annotation:
    """A label for a horizontal reference line (a target, England, the median of all councils) in
    the right margin, beyond the data, at the line's height (``dy`` points above it, or below it
    when negative); returns the annotation. It stays where it is: the margins are fitted to it."""
    return ax.annotate(
        text,
        (1, y),
        xycoords=("axes fraction", "data"),
        xytext=(4, dy),
        textcoords="offset points",
        color=color,
        va=va,
        fontsize=fontsize,
    )


def label_bar_top(ax: Axes, x: float, top: float, text: str, color: str = DARK_BLUE, **kw: object) -> Annotation:
    """A label for one bar of many (a council in a ranking): above the bar, ending at its middle (or,
    where there is no room to the left, starting there), with a leader line down to its top.
    :func:`.layout.fit` raises it clear of the other bars, labels and leader lines."""
    kw.setdefault("bbox", BACKING)
    # It may rise far (150 points): above the taller bars beside it, if need be.
    return label_end(
        ax, x, top, text, color=color, dx=0, dy=10, ha="right", va="bottom", leader=True, flip=True, reach=150, **kw
    )


def label_in_bar(
    ax: Axes, bar: Rectangle, text: str, color: str = "white", outside_color: str = "#0B0C0C", **kw: object
) -> Annotation:
    """A label centred in its bar. :func:`.layout.fit` moves it just below the bar, in ``outside_color``,
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
    """Let :func:`.layout.fit` wrap this axis's tick labels to the space each tick has."""
    ax.__dict__.setdefault("_pb_wrap", set()).add(axis)


# --------------------------------------------------------------------------
# Title, subtitle and source line
# --------------------------------------------------------------------------


def finish(fig: Figure, title: str, subtitle: str = "", source: str = "", note: str = "") -> None:
    """Add the title (the finding), subtitle (the measure) and source line, then fit the layout
    (the margins are fitted to the text)."""
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
    layout.fit(fig)
