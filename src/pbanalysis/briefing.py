"""One council's briefing: its numbers, its charts and a few plain-English sentences.

:func:`council_numbers` computes everything for one council; :func:`build_pack`
writes its pack (HTML page, charts, numbers). The briefing notebook and
``make briefings`` (:func:`build_all`, every council in one or two processes)
call the same two functions, so they give identical numbers and sentences.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pbanalysis import data, measures, paths
from pbanalysis.atomic import write_text

#: The charts in every pack.
PACK_CHARTS = ("council_trend", "council_comparison")


@functools.lru_cache(maxsize=1)
def _tables():
    cy = data.load_council_year()
    return cy, data.load_councils()


@dataclass
class Briefing:
    name: str
    gss_code: str
    council_code: str
    region: str
    council_type: str
    year: str
    series: pd.DataFrame
    comparison: pd.DataFrame
    rank: int | None
    of: int
    definition_changes: list[str]
    sentences: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def numbers(self) -> dict:
        """Everything the pack states, machine-readable (the batch and notebook tests compare these)."""
        return {
            "council": self.name,
            "gss_code": self.gss_code,
            "region": self.region,
            "council_type": self.council_type,
            "year": self.year,
            "rank": self.rank,
            "of": self.of,
            "series": json.loads(self.series.to_json(orient="records")),
            "comparison": json.loads(self.comparison.to_json(orient="records")),
            "definition_changes": self.definition_changes,
            "sentences": self.sentences,
        }


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def council_numbers(council, year: str | None = None) -> Briefing:
    """The numbers of one council (name or GSS code, any case) for its briefing."""
    cy, councils = _tables()
    row = measures.find_council(council, councils)
    code = row["council_code"]
    years = sorted(cy["year"].unique())
    year = measures.check_year("year", year or years[-1], years)
    cc = cy[cy["area"] == "council"]
    eng = cy[cy["area"] == "england"].set_index("year")
    mine = cc[cc["council_code"] == code].set_index("year")
    region_med = cc[cc["region"] == row["region"]].groupby("year")["proxy_takeup_pct"].median()
    # Each year's type median uses the type the council had that year (five became unitary in 2009).
    own_type = mine["council_type"]
    type_med = pd.Series(
        {
            y: cc[(cc["year"] == y) & (cc["council_type"] == t)]["proxy_takeup_pct"].median()
            for y, t in own_type.items()
        },
        dtype=float,
    )
    series = pd.DataFrame({"year": years})
    series["council"] = series["year"].map(mine["proxy_takeup_pct"])
    series["england"] = series["year"].map(eng["proxy_takeup_pct"])
    series["region_median"] = series["year"].map(region_med).round(2)
    series["type_median"] = series["year"].map(type_med).round(2)
    series["dp_clients_31mar"] = series["year"].map(mine["dp_clients_31mar"])
    series["dp_clients_31mar_flag"] = series["year"].map(mine["dp_clients_31mar_flag"]).fillna("")
    series["dp_spend_per_recipient_gbp"] = series["year"].map(mine["dp_spend_per_recipient_gbp"])
    series["definition_basis"] = series["year"].map(eng["definition_basis"])
    have = series.dropna(subset=["council"])
    latest_run = same_definition_run(series, have["year"].iloc[-1]) if len(have) else []
    series["in_latest_run"] = series["year"].isin(latest_run)
    ranked = measures.councils_in_year(cy, year)
    hit = ranked[ranked["council_code"] == code]
    rank = int(hit["rank"].iloc[0]) if len(hit) else None
    at = series.set_index("year").loc[year]
    ctype = own_type.get(year, row["council_type"])
    comparison = pd.DataFrame(
        {
            "label": [row["council_name"], "England", f"{row['region']} median", f"{ctype} median"],
            "value": [at["council"], at["england"], at["region_median"], at["type_median"]],
        }
    )
    b = Briefing(
        row["council_name"],
        row["gss_code"],
        code,
        row["region"],
        ctype,
        year,
        series,
        comparison,
        rank,
        len(ranked),
        measures.definition_changes(cy),
    )
    b.sentences = sentences(b)
    return b


def _fmt_pct(v) -> str:
    return f"{v:.1f}%"


def same_definition_run(series: pd.DataFrame, year: str, column: str = "council") -> list[str]:
    """The unbroken run of years ending at ``year`` that share its definition and have a value."""
    s = series.set_index("year")
    years = list(s.index[: list(s.index).index(year) + 1])
    run = []
    for y in reversed(years):
        if s.loc[y, "definition_basis"] != s.loc[year, "definition_basis"] or pd.isna(s.loc[y, column]):
            break
        run.insert(0, y)
    return run


def sentences(b: Briefing) -> list[str]:
    """Three to five plain-English sentences, generated from the numbers only."""
    from pbanalysis.sources.pssex1 import SUPPRESSION

    s = b.series.set_index("year")
    at = s.loc[b.year]
    when = f"31 March {b.year[:2]}{b.year[-2:]}"
    basis = measures.BASIS_LABEL.get(at["definition_basis"], "direct payments")
    out = []
    if pd.notna(at["dp_clients_31mar"]):
        out.append(f"At {when}, {b.name} had {at['dp_clients_31mar']:,.0f} people on {basis}.")
    elif at["dp_clients_31mar_flag"] in SUPPRESSION:
        out.append(
            f"At {when}, {b.name}'s count of people on {basis} is not shown "
            f"({SUPPRESSION[at['dp_clients_31mar_flag']]})."
        )
    else:
        out.append(f"{b.name} reported no count of people on {basis} for {b.year}.")
    if pd.isna(at["council"]):
        out.append(f"Its proxy take-up cannot be computed for {b.year}: a service count is missing or suppressed.")
        out.append(
            f"England's proxy take-up that year was {_fmt_pct(at['england'])}, and the median for "
            f"{b.region} {_fmt_pct(at['region_median'])}."
        )
    else:
        rel = "above" if at["council"] > at["england"] else "below" if at["council"] < at["england"] else "level with"
        out.append(
            f"Its proxy take-up was {_fmt_pct(at['council'])}, {rel} England's "
            f"{_fmt_pct(at['england'])}, ranking {b.rank} of {b.of} councils (1 = highest)."
        )
        out.append(
            f"The median for {b.region} was {_fmt_pct(at['region_median'])}, and for "
            f"{b.council_type.lower()} councils {_fmt_pct(at['type_median'])}."
        )
    run = same_definition_run(b.series, b.year)
    if len(run) >= 2:
        change = s.loc[run[-1], "council"] - s.loc[run[0], "council"]
        word = "rose" if change > 0 else "fell" if change < 0 else "was unchanged"
        by = f" by {abs(change):.1f} percentage points" if change else ""
        out.append(f"On the same count definition, its proxy take-up {word}{by} between {run[0]} and {run[-1]}.")
    if pd.notna(at["dp_spend_per_recipient_gbp"]):
        out.append(
            f"In {b.year} its gross spend on direct payments was £{at['dp_spend_per_recipient_gbp']:,.0f} "
            "per recipient."
        )
    return out[:5]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:960px;margin:2em auto;color:#0B0C0C}}
h1{{color:#12436D}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
th:first-child,td:first-child{{text-align:left}} .note{{color:#3D3D3D;font-size:90%}} img{{max-width:100%}}</style>
</head><body>
<p><a href="../index.html">All councils</a></p>
<h1>{title}</h1>
<p class="note">{meta}</p>
<h2>In brief</h2>
<ul>{sentences}</ul>
{charts}
<h2>The numbers</h2>
{table}
<p class="note">Proxy take-up: {proxy}</p>
<p class="note">{source}</p>
</body></html>
"""


def build_pack(council, out_dir=None, year: str | None = None, formats=("svg", "png")) -> Briefing:
    """Write one council's pack to ``reports/briefings/<slug>/``: page, charts, numbers."""
    from pbanalysis.charts import figures, registry

    b = council_numbers(council, year)
    folder = paths.briefing_dir(b.slug, out_dir)
    src = registry.source_pssex1()
    charts = {
        "council_trend": figures.council_series(b.series, b.name, b.definition_changes, src),
        "council_comparison": figures.council_comparison(
            b.comparison, b.name, b.year, registry.source_pssex1([b.year])
        ),
    }
    blocks = []
    for name, (fig, alt, numbers) in charts.items():
        registry.Chart(name, fig, alt, numbers).save(folder, formats)
        blocks.append(
            f'<figure><img src="{name}.svg" alt="{html.escape(alt)}"><figcaption class="note">'
            f'<a href="{name}.png">PNG (300 dpi)</a></figcaption></figure>'
        )
    table = b.series.rename(
        columns={
            "council": f"{b.name} proxy %",
            "england": "England proxy %",
            "region_median": "Region median %",
            "type_median": "Type median %",
            "dp_clients_31mar": "People on DPs at 31 March",
            "dp_spend_per_recipient_gbp": "DP spend per recipient £",
            "definition_basis": "Count basis",
            "dp_clients_31mar_flag": "Source mark",
        }
    )
    page = PAGE.format(
        title=html.escape(f"{b.name}: personal budgets and direct payments"),
        meta=html.escape(f"GSS {b.gss_code} · {b.region} · {b.council_type} · latest year {b.year}"),
        sentences="".join(f"<li>{html.escape(s)}</li>" for s in b.sentences),
        charts="\n".join(blocks),
        table=table.to_html(index=False, na_rep="n/a", float_format=lambda v: f"{v:,.1f}"),
        proxy=html.escape(data.PROXY_DEFINITION),
        source=html.escape(src),
    )
    write_text(folder / "index.html", page)
    write_text(folder / "numbers.json", json.dumps(b.numbers(), indent=2, sort_keys=True) + "\n")
    return b


def _one(args):
    council, out_dir = args
    b = build_pack(council, out_dir)
    return b.name, b.slug, b.region, b.rank, b.of


def build_all(out_dir=None, councils=None, progress=True, processes: int | None = None) -> Path:
    """Every council's pack plus an index page, in one or a few processes."""
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    _, lookup = _tables()
    names = councils or measures.list_councils(lookup)
    out_dir = Path(out_dir or paths.BRIEFINGS_DIR)
    processes = processes or min(2, os.cpu_count() or 1)
    jobs = [(n, out_dir) for n in names]
    if processes > 1 and len(jobs) > 4:
        with ProcessPoolExecutor(processes) as pool:
            rows = list(
                tqdm(
                    pool.map(_one, jobs, chunksize=4),
                    total=len(jobs),
                    desc="briefings",
                    disable=not progress,
                    unit="council",
                )
            )
    else:
        rows = [_one(j) for j in tqdm(jobs, desc="briefings", disable=not progress, unit="council")]
    items = "".join(
        f'<tr><td><a href="{slug}/index.html">{html.escape(n)}</a></td><td>{html.escape(r)}</td>'
        f"<td>{'' if rk is None else f'{rk} of {of}'}</td></tr>"
        for n, slug, r, rk, of in rows
    )
    write_text(
        out_dir / "index.html",
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council briefings'
        "</title><style>body{font-family:Arial,sans-serif;max-width:960px;margin:2em auto}"
        "td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        f"<h1>Council briefing packs ({len(rows)})</h1><p>Rank: proxy take-up in the latest year, "
        "1 = highest.</p><table><tr><th>Council</th><th>Region</th><th>Rank</th></tr>"
        f"{items}</table></body></html>\n",
    )
    return out_dir / "index.html"
