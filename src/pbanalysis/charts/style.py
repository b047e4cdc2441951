"""House style for briefing charts, after the UK Government Analysis Function guidance.

* the accessible categorical palette, dark blue for the main series;
* a title that states the finding, a short subtitle for the measure;
* direct labels rather than legends where possible;
* a source line built from ``data/raw/datapackage.json`` (never typed by hand);
* alt text saved beside every chart, with the numbers behind it as JSON;
* two sizes (16:9 slide, A4 half page), SVG and 300 dpi PNG;
* deterministic files: fixed ``svg.hashsalt``, no date metadata, glyphs drawn
  as paths from the DejaVu Sans font that ships with matplotlib.

Charts take data frames and never read files; :func:`save` writes them.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pbanalysis import paths  # noqa: E402
from pbanalysis.atomic import atomic_path, write_text  # noqa: E402
from pbanalysis.errors import ParameterError  # noqa: E402

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
PNG_DPI = 300

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
    "grid.color": "#E5E5E5",
    "path.simplify": False,
}


def check_size(size: str) -> tuple[float, float]:
    if size not in SIZES:
        raise ParameterError("size", size, list(SIZES))
    return SIZES[size]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ParameterError("format", fmt, list(FORMATS))
    return fmt


def figure(size: str = "slide", nrows: int = 1, ncols: int = 1, **kw):
    """A new figure in house style."""
    check_size(size)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(nrows, ncols, figsize=SIZES[size], **kw)
    fig._pb_size = size  # remembered for layout margins
    return fig, ax


def finish(fig, title: str, subtitle: str = "", source: str = "", note: str = "", left: float = 0.09) -> None:
    """Title (the finding), subtitle (the measure), and source line at the foot."""
    width = 80 if getattr(fig, "_pb_size", "slide") == "slide" else 66
    fig.suptitle(
        "\n".join(textwrap.wrap(title, width)),
        x=0.02,
        y=0.985,
        ha="left",
        va="top",
        fontsize=14,
        fontweight="bold",
        color="#0B0C0C",
    )
    top = 0.90 - 0.04 * (len(textwrap.wrap(title, width)) - 1)
    if subtitle:
        fig.text(
            0.02, top, "\n".join(textwrap.wrap(subtitle, width + 20)), ha="left", va="top", fontsize=10, color=DARK_GREY
        )
        top -= 0.045 * len(textwrap.wrap(subtitle, width + 20)) + 0.02
    foot = "\n".join(textwrap.wrap(" ".join(x for x in (note, source) if x), width + 35))
    fig.text(0.02, 0.015, foot, ha="left", va="bottom", fontsize=8, color=DARK_GREY)
    bottom = 0.06 + 0.03 * foot.count("\n") + 0.06
    with plt.rc_context(RC):
        fig.subplots_adjust(left=left, right=0.97, top=top - 0.02, bottom=bottom)


def label_end(ax, x, y, text, color=DARK_BLUE, dx=4, dy=0, **kw):
    """A direct label at a point (instead of a legend)."""
    ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", color=color, fontsize=9, va="center", **kw)


def mark_definition_change(ax, x, label="Definition changes", color=DARK_PINK):
    """A dashed vertical line with a label where a measure's definition changes."""
    ax.axvline(x, color=color, linestyle="--", linewidth=1)
    ax.annotate(
        label,
        (x, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -2),
        textcoords="offset points",
        color=color,
        fontsize=8,
        va="top",
        rotation=0,
    )


def save(fig, name: str, alt_text: str, numbers: dict, out_dir=None, formats=FORMATS) -> list[Path]:
    """Write the chart (SVG and/or PNG), its alt text and its numbers, atomically."""
    out_dir = Path(out_dir or paths.FIGURES_DIR)
    written = []
    for fmt in formats:
        check_format(fmt)
        target = paths.figure_path(name, fmt, out_dir)
        with plt.rc_context(RC), atomic_path(target) as tmp:
            kw = {"format": fmt}
            if fmt == "svg":
                kw["metadata"] = {"Date": None, "Creator": "pbanalysis"}
            else:
                kw["metadata"] = {"Software": "pbanalysis"}
                kw["dpi"] = PNG_DPI
            fig.savefig(tmp, **kw)
        written.append(target)
    written.append(write_text(paths.figure_path(name, "alt.txt", out_dir), alt_text.strip() + "\n"))
    written.append(
        write_text(
            paths.figure_path(name, "json", out_dir),
            json.dumps(numbers, indent=2, sort_keys=True, default=_jsonable) + "\n",
        )
    )
    plt.close(fig)
    return written


def svg_text(fig) -> str:
    """The chart as SVG text, deterministic like the saved files (for inline display)."""
    import io

    buf = io.StringIO()
    with plt.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "pbanalysis"})
    return buf.getvalue()


def _jsonable(x):
    try:
        import numpy as np

        if isinstance(x, np.generic):
            return x.item()
    except ImportError:  # pragma: no cover
        pass
    return str(x)
