"""``reports/index.html``: the page a reader starts at.

It links every executed notebook and its HTML, the claims table and every chart.
"""

from __future__ import annotations

import html
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text

STATUS_COLOURS = {
    "input": "#E5E5E5",
    "match": "#CCE8E5",
    "differs": "#F9D3C0",
    "consistent": "#CCE8E5",
    "inconsistent": "#F9D3C0",
    "proxy": "#E3D9F3",
    "not_rebuildable": "#E8CCD8",
}


def fmt_value(value: object, unit: str = "") -> str:
    """A number as a reader expects it: 2009 (a year), 1,000,000 (people), 13%, £900m, 3.3; '' if missing."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if v != v:  # NaN
        return ""
    if v in (float("inf"), float("-inf")):
        return "no limit" if v > 0 else "no lower limit"
    if unit == "year":
        return str(int(round(v)))
    r = round(v, 2)
    text = f"{int(r):,}" if r == int(r) else f"{r:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return text + "%"
    if unit == "GBP million":
        return f"£{text}m"
    if unit == "one_in":
        return f"one in {text}"
    return text


def _section_link(section: str, r: Path) -> str:
    notebook, _, anchor = section.partition("#")
    return f"{paths.HTML_DIR.relative_to(r)}/{notebook}--default.html#{anchor}"


def _findings(claims, r: Path) -> list[str]:
    """The opening of the page: counts by verdict and one generated sentence per headline area."""
    from pbanalysis.analysis import claims as claims_mod

    counts = claims_mod.summary(claims).set_index("status")["figures"]
    verdicts = int(counts[list(claims_mod.VERDICTS)].sum())
    parts = [
        "<h2>Findings</h2>",
        f"<p>{len(claims)} reported figures checked; <strong>{verdicts} carry a verdict</strong>. "
        "A verdict is <em>match</em>/<em>differs</em> (rebuilt from the articles' own inputs) or "
        "<em>consistent</em>/<em>inconsistent</em> (tested against official values that bound it). "
        "A <em>proxy</em> is a comparison with the nearest official measure and is never a verdict.</p>",
        '<table class="counts"><tr><th>status</th><th>figures</th><th>meaning</th></tr>',
    ]
    for status, n in counts.items():
        parts.append(
            f'<tr style="background:{STATUS_COLOURS.get(status, "#fff")}"><td>{html.escape(status)}</td>'
            f"<td>{int(n)}</td><td>{html.escape(claims_mod.STATUS_MEANING[status])}</td></tr>"
        )
    parts.append("</table><ul>")
    for h in claims_mod.headlines(claims):
        parts.append(
            f"<li><strong>{html.escape(h['title'])}</strong>: {html.escape(h['sentence'])} "
            f'<a href="{_section_link(h["section"], r)}">Read more</a></li>'
        )
    parts.append("</ul>")
    return parts


def _claims_table(claims, r: Path) -> list[str]:
    """The claims table: integers as integers, long reasons folded, links to article and notebook."""
    parts = [
        f'<h2 id="claims">Claims check</h2><p>Every reported figure, its check and its evidence '
        f'(all columns in <a href="{paths.CLAIMS_CSV.name}">claims.csv</a>).</p><table><tr>'
        + "".join(
            f"<th>{c}</th>"
            for c in ["figure", "article", "statement", "reported", "official or rebuilt", "status", "why"]
        )
        + "</tr>"
    ]
    for _, c in claims.iterrows():
        rebuilt = fmt_value(c["rebuilt"], "" if c["method"] in ("bracket", "distribution") else c["unit"])
        rank = f" (rank {fmt_value(c['rank'])} of {fmt_value(c['of'])})" if fmt_value(c["rank"]) else ""
        rest = str(c["reason"]).removeprefix(str(c["finding"])).strip()
        reason = html.escape(rest or str(c["reason"]))
        finding = html.escape(str(c["finding"]))
        parts.append(
            f'<tr id="{html.escape(c["figure_id"])}" style="background:{STATUS_COLOURS.get(c["status"], "#fff")}">'
            f"<td><code>{html.escape(c['figure_id'])}</code></td>"
            f'<td><a href="#source-{html.escape(c["source_id"])}">{html.escape(c["source_id"])}</a></td>'
            f"<td>{html.escape(c['statement'])}</td>"
            f"<td>{fmt_value(c['reported'], c['unit'])}</td>"
            f"<td>{rebuilt}{rank}</td>"
            f"<td>{html.escape(c['status'])}</td>"
            f"<td><details><summary>{finding}</summary>{reason}</details>"
            f'<a href="{_section_link(c["section"], r)}">notebook</a></td></tr>'
        )
    parts.append("</table>")
    return parts


def _sources() -> list[str]:
    from pbanalysis.analysis import register

    parts = ["<h2>Articles</h2><ul>"]
    for _, s in register.load_sources().iterrows():
        parts.append(
            f'<li id="source-{html.escape(s["source_id"])}"><strong>{html.escape(s["source_id"])}</strong>: '
            f"{html.escape(s['publication'])}, {html.escape(s['published'])} ({html.escape(s['date_basis'])} date): "
            f"{html.escape(s['headline'])}</li>"
        )
    parts.append("</ul>")
    return parts


def built_from_line(git: dict | None = None, when: str | None = None) -> str:
    """One HTML paragraph: the git commit (and whether the tree had uncommitted changes) and the UTC date built."""
    from pbanalysis.outputs import runlog

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
    """``reports/index.html``: findings first, then notebooks, the claims table, articles and charts."""
    import pandas as pd

    r = paths.REPORTS_DIR
    claims = pd.read_csv(paths.CLAIMS_CSV, keep_default_na=False, na_values=[""]) if paths.CLAIMS_CSV.exists() else None
    if claims is not None:
        for col in ("figure_id", "source_id", "statement", "unit", "status", "method", "reason", "finding", "section"):
            claims[col] = claims[col].fillna("").astype(str)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<title>pbanalysis report</title><style>body{font-family:Arial,sans-serif;max-width:1100px;"
        "margin:2em auto;color:#0B0C0C}h1,h2{color:#12436D}table{border-collapse:collapse;font-size:90%}"
        "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}figure{display:inline-block;"
        "width:320px;margin:6px}img{width:100%}figcaption{font-size:80%}summary{cursor:pointer}</style></head><body>",
        "<h1>Personal budgets in English adult social care: the report</h1>",
        built_from_line(),
        "<p>Built by pbanalysis from official PSS-EX1 council tables and a register of figures "
        "reported in 2010-2011. Read the notebooks for the narrative; the claims table checks "
        "every reported figure.</p>",
    ]
    if claims is not None:
        parts += _findings(claims, r)
    parts.append("<h2>Notebooks</h2><ul>")
    for h in sorted(paths.HTML_DIR.glob("*.html")):
        nb_name, _, pset = h.stem.partition("--")
        parts.append(
            f'<li><a href="{h.relative_to(r)}">{html.escape(nb_name)}</a> '
            f"(parameter set <code>{html.escape(pset)}</code>; "
            f'<a href="{paths.EXECUTED_DIR.relative_to(r)}/{h.stem}.ipynb">executed notebook</a>)</li>'
        )
    parts.append("</ul>")
    if claims is not None:
        parts += _claims_table(claims, r)
        parts += _sources()
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
