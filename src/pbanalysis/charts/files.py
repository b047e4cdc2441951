"""A chart's files: the chart as deterministic SVG or PNG, its alt text and the numbers behind it
(:func:`save`), and the chart as SVG text for inline display (:func:`svg_text`).

A PNG has :data:`pbanalysis.charts.style.PNG_PPI` pixels per inch at the width its size is used
at and is encoded by :mod:`pbanalysis.charts.png`; an SVG has a fixed hash salt and no date, so
two builds give the same bytes. :func:`save` writes every file atomically.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from pbanalysis.charts import png, style
from pbanalysis.core import paths
from pbanalysis.core.atomic import atomic_path, write_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def save(
    fig: Figure,
    name: str,
    alt_text: str,
    numbers: dict,
    out_dir: Path | str | None = None,
    formats: Sequence[str] = style.FORMATS,
    close: bool = True,
) -> list[Path]:
    """Write the chart (SVG and/or PNG), its alt text and its numbers, atomically; returns the paths."""
    out_dir = Path(out_dir or paths.FIGURES_DIR)
    written = []
    for fmt in formats:
        style.check_format(fmt)
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

    A PNG has :data:`.style.PNG_PPI` pixels per inch at the width its size is used at
    (:data:`.style.USE_WIDTH_IN`) and says so in its ``pHYs`` header, so Word and PowerPoint place it at
    that width.

    PNGs are opaque RGB (the figure is white), compressed quickly: smaller work, same pixels."""
    style.check_format(fmt)
    with plt.rc_context(style.RC):
        if fmt == "svg":
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "pbanalysis"})
            out = buf.getvalue()
        else:
            dpi = png_dpi(fig)
            if fig.dpi == dpi and isinstance(fig.canvas, FigureCanvasAgg):
                fig.canvas.draw()  # laid out at this resolution (see style.figure): draw once, read the pixels
                rgba = np.asarray(fig.canvas.buffer_rgba())
            else:
                raw = io.BytesIO()
                fig.savefig(raw, format="rgba", dpi=dpi)
                w = int(fig.get_figwidth() * dpi)  # as the Agg renderer sizes its canvas
                rgba = np.frombuffer(raw.getbuffer(), np.uint8).reshape(-1, w, 4)
            out = png.png_bytes(rgba[:, :, :3], style.PNG_PPI)
    if target is None:
        return out
    Path(target).write_bytes(out)
    return None


def png_dpi(fig: Figure) -> float:
    """The dots per inch that give the figure's PNG :data:`.style.PNG_PPI` at its use width (plain
    :data:`.style.PNG_PPI` for a figure not made by :func:`.style.figure`)."""
    size = getattr(fig, "_pb_size", None)
    return style.png_dpi_for(size) if size else style.PNG_PPI


def svg_text(fig: Figure) -> str:
    """The chart as SVG text, deterministic like the saved files (for inline display)."""
    return fig_bytes(fig, "svg").decode("utf-8")


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    return str(x)
