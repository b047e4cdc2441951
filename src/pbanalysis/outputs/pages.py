"""Rendering the report's HTML pages from their Jinja2 templates in ``templates/``.

Each page (``index.html.j2``, ``briefing.html.j2``, ``briefings.html.j2``) extends ``page.html.j2``,
which carries the shared style sheet (``report.css``) and, where a page has a sortable table, the
table script (``sortable.js``), both inline: a page opened from disk needs no network. Python
gathers the numbers (printed by :mod:`pbanalysis.core.format`); the templates hold the markup,
and escape every value they are given.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.dataset import periods
from pbanalysis.outputs import release


@functools.lru_cache(maxsize=4)
def environment(folder: str | None = None) -> jinja2.Environment:
    """The templates' environment: autoescaped, strict about undefined names, trimmed blocks."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder or str(paths.TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def shared() -> dict:
    """What every page may state, whatever else it shows: ``period`` (each measure's years, from
    data/raw) and ``release`` (contact, statistical status, when the sources were last updated)."""
    return {"period": periods.periods(), "release": release.release()}


def render(template: str, **context: object) -> str:
    """The page ``template`` (a file in ``templates/``) filled with ``context`` (and :func:`shared`)."""
    return environment().get_template(template).render(**{**shared(), **context})


def file_size(n_bytes: int) -> str:
    """A file's size as a reader expects it: 812 bytes, 14.2 KB, 3.1 MB."""
    if n_bytes < 1000:
        return f"{fmt.count(n_bytes)} bytes"
    if n_bytes < 1_000_000:
        return f"{fmt.number(n_bytes / 1000)} KB"
    return f"{fmt.number(n_bytes / 1_000_000)} MB"


def downloads(reports: Path | None = None) -> list[dict]:
    """The data files a reader can download from the report, those that exist: ``name``,
    ``href`` (relative to ``reports/``), ``size`` and ``what``. The workbook and each table's CSV
    (:func:`pbanalysis.outputs.datatables.downloads`), then the claims table."""
    from pbanalysis.outputs import datatables

    r = Path(reports or paths.REPORTS_DIR)
    found = [
        {"name": Path(rel).name, "href": rel, "size": file_size(size), "what": title}
        for rel, title, size in datatables.downloads(r)
    ]
    claims = r / paths.CLAIMS_CSV.name
    if claims.is_file():
        found.append(
            {
                "name": claims.name,
                "href": claims.relative_to(r).as_posix(),
                "size": file_size(claims.stat().st_size),
                "what": "Every reported figure, its check and its evidence (CSV)",
            }
        )
    return found
