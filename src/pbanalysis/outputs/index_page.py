"""``reports/index.html``: the page a reader starts at, rendered from ``templates/index.html.j2``.

In the order of a statistical bulletin: the title with the date and commit it was built from;
the main points (:mod:`pbanalysis.outputs.main_points`); the headline charts, each linking to
its notebook section; one short section per notebook; the claims table (sortable and
searchable with no network); the data downloads; and "About the data" (sources, licences and
what the data cannot show). This module gathers the page's content; the template holds the markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml
from markupsafe import Markup

from pbanalysis.analysis import claims as claims_mod
from pbanalysis.analysis import measures, register, what_next
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.dataset import data, datapackage, periods
from pbanalysis.outputs import datatables, main_points, pages, release, runlog, tables

#: The notebooks, in the order the page presents them.
NOTEBOOKS = ("take_up", "spending", "variance", "what_next", "data_quality", "claims", "council_briefing")

#: The headline charts: (chart, its notebook, caption; ``{series}`` is the ASCOF series' years).
HEADLINE_CHARTS = (
    ("takeup_timeline", "take_up", "Take-up against the targets"),
    ("variance_rank", "variance", "Councils ranked by proxy take-up"),
    ("dp_spend_series", "spending", "Spending on direct payments, England"),
    ("what_next_trend_sds", "what_next", "What happened next: self-directed support, {series}"),
)

#: What each claim status says, in a reader's words (one list, :data:`pbanalysis.analysis.claims.STATUS_LABEL`).
STATUS_LABEL = claims_mod.STATUS_LABEL

#: A status after a count of figures ('4 matched when rebuilt').
STATUS_COUNTED = {
    "match": "matched when rebuilt",
    "differs": "differed when rebuilt",
    "consistent": "consistent",
    "conditional": "conditional on a missing official value",
    "inconsistent": "inconsistent",
    "reached": "with the level reached on the later measure",
    "not_reached": "with the level not reached on the later measure",
    "proxy": "proxy only (no verdict)",
    "not_rebuildable": "cannot be tested",
    "input": "inputs taken as given",
}

#: Methods whose rebuilt value is the quantity a claim implies (an amount, a count), not the figure
#: in its own unit: printed as a plain number.
_UNITLESS_REBUILT = ("bracket",)
#: What the "Official or rebuilt" value of a method is, printed before it: the quantity the claim
#: implies (set against official values in the finding), rebuilt from the articles' own inputs, or official.
_REBUILT_KIND = {"bracket": "implied", "rebuild": "rebuilt"}


def built(git: dict | None = None, when: str | None = None) -> dict:
    """What the page says it was built from: ``commit`` (12 characters or None), ``dirty``,
    ``date`` and ``time`` (UTC)."""
    git = runlog.git_state() if git is None else git
    when = when or runlog.now()
    commit = git.get("commit")
    return {
        "commit": commit[:12] if commit else None,
        "dirty": bool(git.get("dirty")),
        "date": when[:10],
        "time": when[11:16],
    }


def built_from_line(git: dict | None = None, when: str | None = None) -> str:
    """The page's "Built from" paragraph (HTML), as the template renders it."""
    return pages.render("built.html.j2", built=built(git, when)).strip()


def _notebook_cells(name: str) -> list[dict]:
    path = paths.NOTEBOOKS_DIR / f"{name}.ipynb"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_intro(name: str) -> tuple[str, str]:
    """A notebook's title and the plain sentences of its first paragraph (those naming no file,
    module or code key), read from the notebook itself: the title cell's, or the next cell's when the
    title stands alone."""
    cells = [c for c in _notebook_cells(name) if c["cell_type"] == "markdown"]
    if not cells:
        return name.replace("_", " ").capitalize(), ""
    lines = _cell_text(cells[0]).strip().splitlines()
    title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else name
    # A title cell alone (the page's main points follow it): the first paragraph of the next cell.
    body = "\n".join(lines[1:]).strip() or (_cell_text(cells[1]).strip() if len(cells) > 1 else "")
    body = body.split("\n\n")[0].replace("\n", " ")
    sentences = re.split(r"(?<=[.!?])\s+", body)
    # A sentence naming a file or module, a make target or what the notebook shows "below" reads
    # wrongly outside the notebook.
    plain = [s for s in sentences if s and not re.search(r"`|\bmake |\bbelow\b", s)]
    return title, re.sub(r"\*+([^*]+)\*+", r"\1", " ".join(plain))


def _heading_id(heading: str) -> str:
    """The id the HTML export gives a markdown heading: its text with spaces as hyphens."""
    return heading.strip().replace(" ", "-")


def chart_anchor(notebook: str, chart: str) -> str:
    """The anchor of the section under which ``notebook`` draws ``chart`` (with
    ``views.<chart>(...)``, :mod:`pbanalysis.outputs.chart_views`): the ``id="..."`` a
    section sets, else the id the HTML export gives its heading; '' if there is none."""
    anchor = ""
    for cell in _notebook_cells(notebook):
        src = _cell_text(cell)
        if cell["cell_type"] == "markdown":
            ids = re.findall(r'id="([^"]+)"', src)
            headings = re.findall(r"^#{2,6}\s+(.+)$", src, flags=re.MULTILINE)
            anchor = ids[-1] if ids else _heading_id(headings[-1]) if headings else anchor
        elif re.search(rf"\b(?:chart_)?views\.{re.escape(chart)}\(", src):  # chart_views.<chart>(frames)
            return anchor
    return ""


def _html_page(notebook: str, parameter_set: str = "default") -> str:
    return f"{paths.HTML_DIR.relative_to(paths.REPORTS_DIR).as_posix()}/{notebook}--{parameter_set}.html"


def section_link(section: str) -> str:
    """The link (relative to ``reports/``) of a notebook section written 'notebook#anchor'."""
    notebook, _, anchor = section.partition("#")
    return _html_page(notebook) + (f"#{anchor}" if anchor else "")


def _chart_file(chart: str, year: str | None) -> tuple[Path, str]:
    """The chart's SVG and its parameter set: the run drawn for ``year`` where there is one (its
    numbers say so), else the default run."""
    default = paths.FIGURES_DIR / f"{chart}.svg"
    if year:
        for svg in sorted(paths.FIGURES_DIR.glob(f"{chart}--*.svg")):
            numbers = svg.with_suffix(".json")
            if numbers.exists() and json.loads(numbers.read_text(encoding="utf-8")).get("year") == year:
                return svg, svg.stem.partition("--")[2]
    return default, "default"


def headline_charts(year: str | None = None) -> list[dict]:
    """The headline charts that exist in ``reports/figures/`` (each drawn for ``year`` where a run
    draws it for that year, so the charts and the main points speak of the same year): ``src``,
    ``alt``, ``caption``, ``href`` (its notebook section), ``png``, ``notebook``."""
    out = []
    for chart, notebook, caption in HEADLINE_CHARTS:
        caption = caption.format(series=periods.periods().series)
        svg, pset = _chart_file(chart, year)
        png = svg.with_suffix(".png")
        img = svg if svg.exists() else png
        if not img.exists():
            continue
        alt_p = svg.with_suffix(".alt.txt")
        anchor = chart_anchor(notebook, chart)
        if not (paths.HTML_DIR / f"{notebook}--{pset}.html").exists():
            pset = "default"
        out.append(
            {
                "src": img.relative_to(paths.REPORTS_DIR).as_posix(),
                "png": png.relative_to(paths.REPORTS_DIR).as_posix() if png.exists() else "",
                "alt": " ".join(alt_p.read_text(encoding="utf-8").split()) if alt_p.exists() else caption,
                "caption": caption,
                "href": _html_page(notebook, pset) + (f"#{anchor}" if anchor else ""),
                "notebook": notebook_intro(notebook)[0],
            }
        )
    return out


#: A parameter set's key that is not a parameter: its page's title in words.
TITLE_KEY = "title"


def _parameter_sets(notebook: str) -> dict:
    """{set: its values}, each with its page's ``title`` where the set gives one."""
    path = paths.PARAMS_DIR / f"{notebook}.yaml"
    sets = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    return {name: values or {} for name, values in sets.items()}


def _run_label(values: dict) -> str:
    """A run's parameters in words ('NI 130 population, including one-off services'; '2010-11'; 'Somerset')."""
    labels = {key: d["label"] for key, d in measures.denominators().items()}

    def words(v: object) -> str:
        if isinstance(v, list | tuple):
            return ", ".join(words(x) for x in v)
        return labels.get(str(v), str(v))

    return "; ".join(words(v) for v in values.values() if not isinstance(v, bool)) or "main run"


def _status_counts(sub: pd.DataFrame) -> str:
    """'17 reported figures: 4 tested against official data (4 consistent); ...' for one notebook's
    claims, counted by basis (:func:`pbanalysis.analysis.claims.basis_counts`)."""
    parts = []
    for basis, counts in claims_mod.basis_counts(sub).items():
        n = sum(counts.values())
        inner = ", ".join(f"{fmt.count(v)} {STATUS_COUNTED[s]}" for s, v in counts.items())
        label = BASIS_COUNTED[basis][0 if n == 1 else 1]
        parts.append(f"{fmt.count(n)} {label}" + (f" ({inner})" if basis in _VERDICT_BASES else ""))
    noun = "reported figure" if len(sub) == 1 else "reported figures"
    return f"{fmt.count(len(sub))} {noun}: " + "; ".join(parts) + "."


#: A basis after a count of figures, one and many ('4 tested against official data').
BASIS_COUNTED = {
    "official": ("tested against official data", "tested against official data"),
    "own_figures": ("rebuilt from the articles' own figures", "rebuilt from the articles' own figures"),
    "possibility": ("possibility check against an official bound", "possibility checks against an official bound"),
    "later_outcome": ("target set against a later outcome", "targets set against a later outcome"),
    "proxy": ("set beside a proxy, no verdict", "set beside a proxy, no verdict"),
    "not_rebuildable": ("that nothing available can test", "that nothing available can test"),
    "input": ("input taken as given", "inputs taken as given"),
}
assert set(BASIS_COUNTED) == set(claims_mod.BASES)

#: The bases whose figures carry a verdict: their statuses are counted too.
_VERDICT_BASES = ("official", "own_figures", "possibility", "later_outcome")


def notebook_sections(claims: pd.DataFrame | None) -> list[dict]:
    """One short section per notebook with an HTML page: title, summary, its claims, its pages
    and the data tables behind it."""
    out = []
    for nb in NOTEBOOKS:
        if not (paths.HTML_DIR / f"{nb}--default.html").exists():
            continue
        title, summary = notebook_intro(nb)
        runs = []
        for pset, values in _parameter_sets(nb).items():
            if pset == "default" or not (paths.HTML_DIR / f"{nb}--{pset}.html").exists():
                continue
            params = {k: v for k, v in values.items() if k != TITLE_KEY}
            runs.append({"label": values.get(TITLE_KEY) or _run_label(params), "href": _html_page(nb, pset)})
        sub = claims[claims["section"].str.split("#").str[0] == nb] if claims is not None else None
        executed = paths.EXECUTED_DIR / f"{nb}--default.ipynb"
        out.append(
            {
                "id": nb.replace("_", "-"),
                "title": title,
                "summary": summary,
                "claims": _status_counts(sub) if sub is not None and len(sub) else "",
                "href": _html_page(nb),
                "executed": executed.relative_to(paths.REPORTS_DIR).as_posix() if executed.exists() else "",
                "runs": runs,
                "data": [{"href": h, "title": title} for h, title in datatables.section_downloads(nb)],
            }
        )
    return out


def _article_label(s: pd.Series) -> str:
    return f"{s['publication'].split(' - ')[0].split(' (')[0]}, {s['published']}"


def claims_rows(claims: pd.DataFrame) -> list[dict]:
    """The claims table's rows as the template prints them, every number through :mod:`pbanalysis.core.format`."""
    articles = {s["source_id"]: _article_label(s) for _, s in register.load_sources().iterrows()}
    ids = set(claims["figure_id"])
    rows = []
    for _, c in claims.iterrows():
        unit = "" if c["method"] in _UNITLESS_REBUILT else c["unit"]
        if fmt.is_missing(c["rebuilt"]):
            rebuilt = "[z]" if c["status"] in ("input", "not_rebuildable") else "[x]"
        else:
            rebuilt = fmt.value(c["rebuilt"], unit)
        if not fmt.is_missing(c["rank"]) and not fmt.is_missing(c["of"]):
            rebuilt += f" (rank {fmt.count(c['rank'])} of {fmt.count(c['of'])})"
        if not fmt.is_missing(c["rebuilt"]):
            rebuilt = f"{_REBUILT_KIND.get(c['method'], 'official')}: {rebuilt}"
        finding = str(c["finding"])
        reason = str(c["reason"]).removeprefix(finding).strip()
        rows.append(
            {
                "id": c["figure_id"],
                "status": c["status"],
                "article": articles.get(c["source_id"], c["source_id"]),
                "statement": c["statement"],
                # A target as stated ("100%", "30%"), a measured figure to one decimal.
                "reported": fmt.reported(c["reported"], c["unit"], c.get("kind")),
                "reported_sort": "" if fmt.is_missing(c["reported"]) else repr(float(c["reported"])),
                "rebuilt": rebuilt,
                "rebuilt_sort": "" if fmt.is_missing(c["rebuilt"]) else repr(float(c["rebuilt"])),
                "result": STATUS_LABEL.get(c["status"], c["status"]),
                "basis": claims_mod.BASIS_LABEL.get(c.get("basis", ""), ""),
                "finding": Markup(tables.linked_ids(finding, ids)),
                # A reason may name the register figures it was rebuilt from: as code, linked to their rows.
                "reason": Markup(tables.linked_ids(reason, ids)),
                "href": section_link(c["section"]),
            }
        )
    return rows


def status_table(claims: pd.DataFrame) -> list[dict]:
    """Figures by basis and status (:func:`pbanalysis.analysis.claims.by_basis`): ``basis``,
    ``basis_meaning``, ``label``, ``count``, ``meaning``, ``status`` (pairs with no figure left out)."""
    return [
        {
            "basis": claims_mod.BASIS_LABEL[r.basis][:1].upper() + claims_mod.BASIS_LABEL[r.basis][1:],
            "basis_meaning": claims_mod.BASIS_MEANING[r.basis],
            "status": r.status,
            "label": STATUS_LABEL[r.status],
            "count": fmt.count(r.figures),
            "meaning": claims_mod.STATUS_MEANING[r.status],
        }
        for r in claims_mod.by_basis(claims).itertuples()
    ]


def about_sources() -> list[dict]:
    """The official sources of the report (data/datapackage.json, built from origins.yaml):
    one entry per publication with publisher, years, licence and where it is published."""
    seen: dict[str, dict] = {}
    for res in datapackage.project_package()["resources"]:
        for s in res.get("sources", []):
            if not s.get("publisher"):
                continue
            entry = seen.setdefault(
                s["publication"],
                {
                    "publisher": s["publisher"],
                    "publication": s["publication"],
                    "years": set(),
                    "licence": s.get("licence", ""),
                    "licence_url": s.get("licence_url", ""),
                    "page": s.get("path", ""),
                    "retrieved": s.get("retrieved", ""),
                    "tables": set(),
                },
            )
            if s.get("year"):
                entry["years"].add(s["year"])
            entry["tables"].add(res["title"])
    out = []
    for e in seen.values():
        yrs = sorted(e.pop("years"))
        e["years"] = yrs[0] if len(yrs) == 1 else (f"{yrs[0]} to {yrs[-1]}" if yrs else "")
        e["tables"] = sorted(e["tables"])
        out.append(e)
    return out


def _publication(name: str) -> str:
    """An article's publication as a reader reads it: 'Local Government Chronicle (LGC),
    publication inferred' for a register entry that says it was inferred from the text."""
    title, _, note = name.partition(" - ")
    return f"{title}, publication inferred" if "inferred" in note else title


def _headline(text: str) -> str:
    """A headline without the register's note on how it was shortened."""
    return re.sub(r"\s*\(shortened;[^)]*\)", "", text).strip()


def articles() -> list[dict]:
    """The five articles of the register: publication, date (and whether it is estimated), headline."""
    return [
        {
            "id": s["source_id"],
            "publication": _publication(s["publication"]),
            "published": s["published"],
            "estimated": s["date_basis"] != "stated",
            "headline": _headline(s["headline"]),
        }
        for _, s in register.load_sources().iterrows()
    ]


def _load_claims() -> pd.DataFrame | None:
    if not paths.CLAIMS_CSV.exists():
        return None
    claims = pd.read_csv(paths.CLAIMS_CSV, keep_default_na=False, na_values=[""])
    for col in (
        "figure_id",
        "source_id",
        "statement",
        "unit",
        "status",
        "basis",
        "method",
        "reason",
        "finding",
        "section",
    ):
        claims[col] = claims[col].fillna("").astype(str)
    return claims


def context(git: dict | None = None, when: str | None = None) -> dict:
    """Everything the landing page shows, gathered from reports/ and data/raw."""
    claims = _load_claims()
    points: list[str] = []
    year = None
    if claims is not None:
        inputs = main_points.load(claims)
        points, year = main_points.main_points(inputs), main_points.target_year(inputs)
    briefings = paths.BRIEFINGS_DIR / "index.html"
    stamp = built(git, when)
    period = periods.periods()
    return {
        "built": stamp,
        "period": period,
        "period_statement": periods.statement(period),
        "release": release.release(),
        "release_date": release.long_date(stamp["date"]),
        "main_points": points,
        "charts": headline_charts(year),
        "notebooks": notebook_sections(claims),
        "claims": claims_rows(claims) if claims is not None else [],
        "statuses": status_table(claims) if claims is not None else [],
        "claims_csv": paths.CLAIMS_CSV.name,
        "downloads": pages.downloads(paths.REPORTS_DIR),
        "sources": about_sources(),
        "articles": articles(),
        "proxy_definition": data.PROXY_DEFINITION + " " + claims_mod.proxy_note(),
        "later_note": what_next.NOT_THE_SAME,
        "symbols": fmt.SYMBOLS,
        "briefings": briefings.relative_to(paths.REPORTS_DIR).as_posix(),
        "briefings_built": briefings.exists(),
    }


def write_index() -> Path:
    """``reports/index.html``, rendered from ``templates/index.html.j2``; returns its path."""
    return write_text(paths.INDEX_HTML, pages.render("index.html.j2", **context()))
