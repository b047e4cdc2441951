"""One council's briefing numbers: :func:`council_numbers` and the :class:`Briefing` it returns.

Everything a pack states is computed here, from the processed tables and the register; the key
points come from the rules in :mod:`pbanalysis.outputs.sentences`. Nothing here draws or writes:
:mod:`pbanalysis.outputs.briefing` composes a pack from these numbers and
:mod:`pbanalysis.outputs.packs` builds every council's.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from pbanalysis.analysis import measures
from pbanalysis.core import format as fmt
from pbanalysis.core import keys
from pbanalysis.dataset import data
from pbanalysis.outputs import sentences
from pbanalysis.outputs.sentences import same_definition_run


@functools.lru_cache(maxsize=1)
def _tables():
    cy = data.load_council_year()
    return cy, data.load_councils()


def councils() -> pd.DataFrame:
    """The council lookup (read once per process)."""
    return _tables()[1]


@functools.lru_cache(maxsize=1)
def _shared() -> dict:
    """What every council's numbers share, computed once per process: the years, England, each
    council's rows, region medians by year, type medians by (year, type), definition changes."""
    cy, _ = _tables()
    cc = cy[cy["area"] == "council"]
    takeup = keys.PROXY_TAKEUP_PCT
    return {
        "years": sorted(cy["year"].unique()),
        "england": cy[cy["area"] == "england"].set_index("year"),
        "by_council": {code: g.set_index("year") for code, g in cc.groupby("council_code", sort=False)},
        "region_median": {r: g.groupby("year")[takeup].median() for r, g in cc.groupby("region", sort=False)},
        "type_median": cc.groupby(["year", "council_type"])[takeup].median().to_dict(),
        "changes": tuple(measures.definition_changes(cy)),
        "named": _named_councils(),
    }


def _named_councils() -> dict[str, list[dict]]:
    """The register figures that name a council, by its council code: each statement with its article
    and, for a claim of rank, the claims check's view of it on the proxy (read once per process)."""
    from pbanalysis.analysis import checks, claims, register

    cy, councils = _tables()
    reg = register.load_register()
    doc = checks.load_checks(figure_ids=reg["figure_id"])
    table = claims.check(reg, cy, data.load_national_series(), doc).set_index("figure_id")
    arts = register.load_sources().set_index("source_id")
    ni130 = {item["figure"] for item in doc["uses"].get("ni130_reference", [])}
    out: dict[str, list[dict]] = {}
    for _, r in reg[reg["council"].fillna("").str.strip() != ""].iterrows():
        code = measures.find_council(r["council"], councils)["council_code"]
        c, entry = table.loc[r["figure_id"]], doc["checks"][r["figure_id"]]
        rec = {
            "figure_id": r["figure_id"],
            "statement": r["statement"],
            "reported": fmt.value(float(r["value"]), r["unit"]),
            "reported_value": float(r["value"]),
            "unit": r["unit"],
            "period": str(r["period"]).removeprefix("FY"),
            "measure": "NI 130" if r["figure_id"] in ni130 else "",
            "position": entry.get("position", "") if entry["method"] == "rank" else "",
            "publication": arts.loc[r["source_id"], "publication"],
            "published": arts.loc[r["source_id"], "published"],
            "check_status": c["status"],
            "check_basis": c["basis"],
        }
        if rec["position"]:
            ranked = _ranked(entry["year"])
            extreme = ranked.iloc[0] if rec["position"] == "highest" else ranked.iloc[-1]
            rec.update(
                {
                    "proxy_year": entry["year"],
                    "proxy_value": float(c["rebuilt"]),
                    "rank": int(c["rank"]),
                    "of": int(c["of"]),
                    "proxy_agrees": c["proxy_agrees"],
                    "extreme": "" if c["proxy_agrees"] == "yes" else extreme["council_name"],
                    # An extreme says how many stand behind it: the extreme council's counts.
                    "extreme_value": float(extreme[keys.PROXY_TAKEUP_PCT]),
                    "extreme_people": _int_or_none(extreme[keys.DP_CLIENTS_31MAR]),
                    "extreme_receipts": _int_or_none(extreme[keys.COMMUNITY_RECEIPTS_31MAR]),
                    "rank_text": str(ranked.loc[ranked["council_code"] == code, "rank_text"].iloc[0])
                    if (ranked["council_code"] == code).any()
                    else "",
                }
            )
        out.setdefault(code, []).append(rec)
    return out


def _int_or_none(v) -> int | None:
    return None if pd.isna(v) else int(v)


@functools.cache
def _ranked(year: str) -> pd.DataFrame:
    return measures.councils_in_year(_tables()[0], year)


@dataclass
class Briefing:
    """One council's briefing numbers: ``series`` (one row per year: the council's proxy take-up
    in %, England, region and type medians, counts, spend per recipient in £, definition basis),
    ``comparison`` (the chosen year against England, region and type), rank (1 = highest) of
    ``of`` councils, definition changes and the generated sentences."""

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
    #: What happened next: the council's ASCOF 1C values for 2020-21 beside England's
    #: (:func:`later_values`); a different measure from the proxy, shown apart from ``series``.
    later: dict = field(default_factory=dict)
    #: What the articles said of the council (:func:`articles_for`), and those statements in words.
    articles: list[dict] = field(default_factory=list)
    article_sentences: list[str] = field(default_factory=list)
    #: The council's ASCOF years, 2017-18 to 2023-24 (:func:`pbanalysis.analysis.what_next.council_trend`),
    #: and that story in words (:func:`pbanalysis.outputs.sentences.ascof_series`).
    ascof: dict = field(default_factory=dict)
    ascof_sentences: list[str] = field(default_factory=list)
    #: Where the council stands now (:func:`pbanalysis.outputs.sentences.ascof_now`): the pack opens
    #: with these; the first names the latest ASCOF year.
    now_sentences: list[str] = field(default_factory=list)
    #: What the data-quality rules say of the council's values (:func:`pbanalysis.analysis.quality.pack_sentences`,
    #: the ASCOF moves left to :func:`pbanalysis.outputs.sentences.ascof_moves`).
    quality_sentences: list[str] = field(default_factory=list)
    #: ... and of its 2008-09 to 2013-14 values (PSS-EX1), said beside those years.
    earlier_quality_sentences: list[str] = field(default_factory=list)
    #: The rank of ``year`` in words, by the one rank rule ("joint 3rd with 1 other council, of 152").
    rank_text: str = ""

    @property
    def slug(self) -> str:
        """The council's folder and file name (:func:`slugify` of its name)."""
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
            "now_sentences": self.now_sentences,
            "sentences": self.sentences,
            "quality_sentences": self.quality_sentences,
            "earlier_quality_sentences": self.earlier_quality_sentences,
            "rank_text": self.rank_text,
            "later": self.later,
            "articles": {"named": self.articles, "sentences": self.article_sentences},
            "ascof_series": {
                "years": self.ascof.get("years", []),
                "jumps": self.ascof.get("jumps", []),
                "moves": self.ascof.get("moves", []),
                "flagged": self.ascof.get("flagged", {}),
                "england": self.ascof.get("england", {}),
                "jump_rule": self.ascof.get("jump_rule", ""),
                "break_text": self.ascof.get("break_text", ""),
                "source": self.ascof.get("source", ""),
                "sentences": self.ascof_sentences,
            },
        }


def slugify(name: str) -> str:
    """The folder and file name of a council: lower case, hyphens (e.g. 'kingston-upon-hull-city-of')."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def council_numbers(council: str, year: str | None = None) -> Briefing:
    """The numbers of one council (name or GSS code, any case) for its briefing."""
    _, councils = _tables()
    row = measures.find_council(council, councils)  # an unknown council fails before anything is computed
    shared = _shared()
    code = row["council_code"]
    years = shared["years"]
    year = measures.check_year("year", year or years[-1], years)
    eng = shared["england"]
    mine = shared["by_council"].get(code, eng.iloc[:0])  # no rows: every value missing
    region_med = shared["region_median"].get(row["region"], pd.Series(dtype=float))
    # Each year's type median uses the type the council had that year (five became unitary in 2009).
    own_type = mine["council_type"]
    type_med = pd.Series({y: shared["type_median"].get((y, t), float("nan")) for y, t in own_type.items()}, dtype=float)
    series = pd.DataFrame({"year": years})
    series["council"] = series["year"].map(mine[keys.PROXY_TAKEUP_PCT])
    series["england"] = series["year"].map(eng[keys.PROXY_TAKEUP_PCT])
    series["region_median"] = series["year"].map(region_med).round(2)
    series["type_median"] = series["year"].map(type_med).round(2)
    series[keys.DP_CLIENTS_31MAR] = series["year"].map(mine[keys.DP_CLIENTS_31MAR])
    series[keys.COMMUNITY_RECEIPTS_31MAR] = series["year"].map(mine[keys.COMMUNITY_RECEIPTS_31MAR])
    series[keys.DP_CLIENTS_31MAR_FLAG] = series["year"].map(mine[keys.DP_CLIENTS_31MAR_FLAG]).fillna("")
    series["council_flag"] = series["year"].map(mine[keys.flag(keys.PROXY_TAKEUP_PCT)]).fillna("")
    series[keys.DP_SPEND_PER_RECIPIENT_GBP] = series["year"].map(mine[keys.DP_SPEND_PER_RECIPIENT_GBP])
    series[keys.DEFINITION_BASIS] = series["year"].map(eng[keys.DEFINITION_BASIS])
    have = series.dropna(subset=["council"])
    latest_run = same_definition_run(series, have["year"].iloc[-1]) if len(have) else []
    series["in_latest_run"] = series["year"].isin(latest_run)
    ranked = _ranked(year)
    hit = ranked[ranked["council_code"] == code]
    rank = int(hit["rank"].iloc[0]) if len(hit) and pd.notna(hit["rank"].iloc[0]) else None
    rank_text = str(hit["rank_text"].iloc[0]) if len(hit) else ""
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
        list(shared["changes"]),
    )
    b.rank_text = rank_text
    b.sentences = sentences.sentences(b)
    b.later = later_values(code)
    b.articles = articles_for(code)
    b.article_sentences = sentences.article_claims(b.name, b.articles)
    b.ascof = ascof_series(code, b.gss_code, b.name)
    b.now_sentences = sentences.ascof_now(b.ascof, b.name)
    b.quality_sentences = quality_sentences(b.ascof, b.gss_code, b.name, ASCOF_MEASURES)
    b.earlier_quality_sentences = quality_sentences(b.ascof, b.gss_code, b.name, PSSEX1_MEASURES)
    b.ascof_sentences = sentences.ascof_series(b.ascof, b.name)
    return b


def articles_for(council_code: str) -> list[dict]:
    """The register figures naming the council, with the articles and the claims check's proxy view
    (see :func:`pbanalysis.outputs.sentences.article_claims` for the fields); empty when none."""
    return [dict(r) for r in _shared()["named"].get(council_code, [])]


#: The data-quality rules on year-to-year moves of an ASCOF share: the pack says all of them in one
#: sentence (:func:`pbanalysis.outputs.sentences.ascof_moves`), not one per flag.
MOVE_RULES = ("ascof_points_jump", "ascof_relative_jump")
#: A council whose 2020-21 ASCOF shares rest on fewer people than this has that said beside them.
SMALL_ASCOF_BASE = 100


def _gss_codes(trend: dict, gss_code: str) -> list[str]:
    """Every GSS code the council's values carry (a council over the same area may take a new code)."""
    return sorted({gss_code, *(y["gss_code"] for y in trend["years"] if y.get("gss_code"))})


def _council_flags(trend: dict, gss_code: str) -> pd.DataFrame:
    from pbanalysis.analysis import quality

    f = quality.flags()
    return f[f["gss_code"].isin(_gss_codes(trend, gss_code))]


def _jumps(group: str) -> pd.DataFrame:
    """Every council's year-on-year ASCOF changes (:func:`pbanalysis.analysis.what_next.jumps`), computed
    once per process: it walks all 152 councils' years, and was four-fifths of one council's numbers.
    The frame :func:`pbanalysis.analysis.what_next.council_trend` keeps (read-only), not a second copy."""
    from pbanalysis.analysis import what_next

    return what_next._default_jumps(group, what_next.JUMP_POINTS)


@functools.lru_cache(maxsize=1)
def _england_ascof() -> tuple[tuple[str, float, float], ...]:
    from pbanalysis.analysis import what_next

    sds, dp = what_next.england_series(what_next.SDS), what_next.england_series(what_next.DP)
    return tuple((y, float(s), float(d)) for y, s, d in zip(sds["year"], sds["value"], dp["value"]))


def england_ascof() -> dict[str, dict[str, float]]:
    """England's ASCOF self-directed support and direct payments shares (%) by year,
    ``{year: {"sds": ..., "dp": ...}}`` (a new dict each call; read from the series once per process)."""
    return {y: {"sds": s, "dp": d} for y, s, d in _england_ascof()}


def ascof_series(council_code: str, gss_code: str = "", name: str = "") -> dict:
    """The council's ASCOF self-directed support and direct payments, 2017-18 to 2023-24, with its rank
    each year (the one rank rule), its status (published, not published or boundary changed), its
    flagged jumps (20 points), England's values by year (``england``), the values the data-quality
    rules flag (``flagged``: {year: ["sds", "dp"]}), every flagged move in one list (``moves``: 20 points
    or more, or halving or doubling) and, where its 2020-21 shares rest on few people, ``small_base``."""
    from pbanalysis.analysis import what_next

    t = what_next.council_trend(council_code)
    out = {**t, "jumps": [{k: _plain(v) for k, v in j.items()} for j in t["jumps"]]}
    out["council_name"] = name or t["council_name"]
    out["england"] = england_ascof()
    f = _council_flags(t, gss_code) if gss_code else pd.DataFrame(columns=["year", "measure", "rule"])
    ascof_flags = f[f["measure"].isin(["sds", "dp"])]
    flagged: dict[str, list[str]] = {}
    for y, m in sorted(set(zip(ascof_flags["year"], ascof_flags["measure"])), key=lambda p: (p[0], p[1] != "sds")):
        flagged.setdefault(y, []).append(m)
    out["flagged"] = flagged
    moved = {(r.year, r.measure) for r in f[f["rule"].isin(MOVE_RULES)].itertuples()}
    moves = []
    for g, m in ((what_next.SDS, "sds"), (what_next.DP, "dp")):
        j = _jumps(g)
        j = j[(j["key"] == t["key"]) & (j["flagged"] | j["to_year"].map(lambda y, m=m: (y, m) in moved))]
        for r in j.itertuples():
            if r.flagged or (r.to_year, m) in moved:
                moves.append(
                    {
                        "measure": what_next.TREND_MEASURE_NAMES[g],
                        "from_year": r.from_year,
                        "to_year": r.to_year,
                        "from_value": float(r.from_value),
                        "to_value": float(r.to_value),
                        "change": float(r.change),
                        "across_break": bool(r.across_break),
                    }
                )
    out["moves"] = moves
    out["move_rule"] = (
        f"{fmt.number(what_next.JUMP_POINTS)} percentage points or more, or a halving or doubling, from one year to "
        "the next"
    )
    v = what_next.council_value(council_code)
    people = v.get("sds_denominator")
    out["small_base"] = (
        {"year": what_next.YEAR, "people": int(people)}
        if v.get("comparable") and people is not None and people < SMALL_ASCOF_BASE
        else None
    )
    return out


#: The measures of the data-quality flags on the ASCOF series, and on the PSS-EX1 years.
ASCOF_MEASURES = ("sds", "dp")
PSSEX1_MEASURES = ("dp_count", "dp_spend_per_recipient", "dp_spend", "proxy_takeup")


def quality_sentences(trend: dict, gss_code: str, name: str, measures_: tuple[str, ...] = ASCOF_MEASURES) -> list[str]:
    """What the data-quality rules say of the council's values of ``measures_``, in the pack's spelling of
    its name: every rule but the ASCOF moves (said once, by :func:`pbanalysis.outputs.sentences.ascof_moves`)."""
    from pbanalysis.analysis import quality

    f = quality.flags()
    f = f[~f["rule"].isin(MOVE_RULES) & f["measure"].isin(measures_)]
    out = []
    for code in _gss_codes(trend, gss_code):
        flagged = f[f["gss_code"] == code]
        if flagged.empty:
            continue
        own = set(flagged["council_name"])
        for text in quality.pack_sentences(code, table=f):
            for other in own - {name}:
                text = text.replace(f"{other}'s", f"{name}'s").replace(other, name)
            out.append(text)
    return out


def _plain(v):
    """A JSON-ready scalar (numpy numbers and booleans to Python's)."""
    return v.item() if hasattr(v, "item") else v


def later_values(council_code: str) -> dict:
    """The council's ASCOF 1C values for 2020-21 (percent, people) beside England's, and a sentence.

    Returns a dict: ``year``; ``council`` (the :func:`pbanalysis.analysis.what_next.council_value`
    record: ``sds_pct``/``dp_pct`` in percent with numerators and denominators in people,
    None where suppressed or where the boundary changed); ``england`` (England's values);
    ``measures`` (their exact names); ``sentence`` (generated from those numbers) and ``note``
    (that the measure is neither NI 130 nor the PSS-EX1 count).
    """
    from pbanalysis.analysis import what_next

    v = what_next.council_value(council_code)
    eng = what_next.england()
    return {
        "year": what_next.YEAR,
        "council": {key: val for key, val in v.items() if key != "query"},
        "england": eng,
        "measures": dict(what_next.MEASURE_NAMES),
        "sentence": sentences.later(v, eng, what_next.YEAR),
        "note": what_next.NOT_THE_SAME,
    }
