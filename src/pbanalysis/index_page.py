"""``reports/index.html``: the page a reader starts at.

It links every executed notebook and its HTML, the claims table and every chart.
"""

from __future__ import annotations

import html
from pathlib import Path

from pbanalysis import paths
from pbanalysis.atomic import write_text

STATUS_COLOURS = {
    "input": "#E5E5E5",
    "match": "#CCE8E5",
    "differs": "#F9D3C0",
    "proxy": "#E3D9F3",
    "not_rebuildable": "#E8CCD8",
}


def built_from_line(git: dict | None = None, when: str | None = None) -> str:
    """One HTML paragraph: the git commit (and whether the tree had uncommitted changes) and the UTC date built."""
    from pbanalysis import runlog

    git = runlog.git_state() if git is None else git
    when = when or runlog.now()
    commit = git.get("commit")
    if commit:
        what = f"commit <code>{html.escape(commit[:12])}</code>" + (
            " with uncommitted changes" if git.get("dirty") else ""
        )
    else:
        what = "a tree outside git (no commit)"
    return f'<p class="built">Built from {what} on {html.escape(when[:10])} ({html.escape(when[11:16])} UTC).</p>'


def write_index() -> Path:
    """``reports/index.html``: every notebook, chart and the claims table."""
    import pandas as pd

    r = paths.REPORTS_DIR
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<title>pbanalysis report</title><style>body{font-family:Arial,sans-serif;max-width:1100px;"
        "margin:2em auto;color:#0B0C0C}h1,h2{color:#12436D}table{border-collapse:collapse;font-size:90%}"
        "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}figure{display:inline-block;"
        "width:320px;margin:6px}img{width:100%}figcaption{font-size:80%}</style></head><body>",
        "<h1>Personal budgets in English adult social care: the report</h1>",
        built_from_line(),
        "<p>Built by pbanalysis from official PSS-EX1 council tables and a register of figures "
        "reported in 2010-2011. Read the notebooks for the narrative; the claims table checks "
        "every reported figure.</p>",
        "<h2>Notebooks</h2><ul>",
    ]
    for h in sorted(paths.HTML_DIR.glob("*.html")):
        nb_name, _, pset = h.stem.partition("--")
        parts.append(
            f'<li><a href="{h.relative_to(r)}">{html.escape(nb_name)}</a> '
            f"(parameter set <code>{html.escape(pset)}</code>; "
            f'<a href="{paths.EXECUTED_DIR.relative_to(r)}/{h.stem}.ipynb">executed notebook</a>)</li>'
        )
    parts.append("</ul>")
    if paths.CLAIMS_CSV.exists():
        claims = pd.read_csv(paths.CLAIMS_CSV, keep_default_na=False)
        counts = claims["status"].value_counts()
        parts.append(
            f'<h2>Claims check</h2><p><a href="{paths.CLAIMS_CSV.name}">claims.csv</a>: '
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + "</p><table><tr>"
            + "".join(
                f"<th>{c}</th>"
                for c in ["figure_id", "statement", "reported", "unit", "rebuilt", "difference", "status", "reason"]
            )
            + "</tr>"
        )
        for _, c in claims.iterrows():
            parts.append(
                f'<tr style="background:{STATUS_COLOURS.get(c["status"], "#fff")}">'
                + "".join(
                    f"<td>{html.escape(str(c[k]))}</td>"
                    for k in ["figure_id", "statement", "reported", "unit", "rebuilt", "difference", "status", "reason"]
                )
                + "</tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Charts</h2>")
    for svg in sorted(paths.FIGURES_DIR.glob("*.svg")):
        alt_p = svg.with_suffix(".alt.txt")
        alt = alt_p.read_text(encoding="utf-8").strip() if alt_p.exists() else ""
        rel = svg.relative_to(r)
        parts.append(
            f'<figure><a href="{rel}"><img src="{rel}" alt="{html.escape(alt)}"></a><figcaption>'
            f'{html.escape(svg.stem)} · <a href="{rel.with_suffix(".png")}">PNG</a> · '
            f'<a href="{rel.with_suffix(".json")}">numbers</a></figcaption></figure>'
        )
    if (paths.BRIEFINGS_DIR / "index.html").exists():
        rel = (paths.BRIEFINGS_DIR / "index.html").relative_to(r)
        parts.append(f'<h2>Council briefings</h2><p><a href="{rel}">All council packs</a></p>')
    parts.append("</body></html>\n")
    return write_text(paths.INDEX_HTML, "\n".join(parts))
