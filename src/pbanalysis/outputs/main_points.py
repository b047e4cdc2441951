"""The "Main points" of the landing page: a few plain-English sentences, each written by a rule
over the claims table and the official measures.

Nothing here knows a result: every count, share, year and council name is read from the inputs,
and every number is printed by :mod:`pbanalysis.core.format`. The rules, in reading order:

1. :func:`verdicts`: the reported figures by the basis of their check, and how many held up on each;
2. :func:`untested`: what became of the rest (proxies, untestable figures, inputs);
3. :func:`national_takeup`: England's proxy take-up against the first target;
4. :func:`council_spread`: how far councils differed in the target's year;
5. :func:`spend`: England's gross spend on direct payments over the years the tables cover;
6. :func:`later`: where England stood on the later ASCOF measure against the last target.

A rule returns ``None`` when its numbers do not allow a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pbanalysis.analysis import claims as claims_mod
from pbanalysis.analysis import measures, what_next
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core import paths
from pbanalysis.dataset import data

#: Statuses by what they say of a figure.
HELD = ("match", "consistent")
FAILED = ("differs", "inconsistent")

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def words(n: int) -> str:
    """A small count in words (one to nine), larger ones as figures: the style of a bulletin."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else fmt.count(n)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _listed(parts: list[str], sep: str) -> str:
    """'a, b, and c' (or 'a; b; and c' when the parts hold commas)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{parts[0]} and {parts[1]}"
    return sep.join(parts[:-1]) + f"{sep}and " + parts[-1]


def _when(date: str) -> str:
    """'2011-03-31' as '31 March 2011'."""
    return pd.Timestamp(date).strftime("%-d %B %Y")


def _year_end(year: str) -> str:
    """The 31 March that ends a financial year ('2010-11' -> '2011-03-31')."""
    return f"{year[:2]}{year[-2:]}-03-31"


@dataclass
class Inputs:
    """What the main points are computed from.

    ``claims``: the claims table (one row per reported figure: ``source_id``, ``status``,
    ``reported``); ``targets``: the take-up targets in date order, each a dict of ``value``
    (percent), ``date`` (ISO) and ``label`` ('by April 2011'); ``national``: the England series by
    year; ``council_year``: the council-by-year table; ``later``: England on ASCOF 1C
    (:func:`pbanalysis.analysis.what_next.england`)."""

    claims: pd.DataFrame
    targets: list[dict]
    national: pd.DataFrame
    council_year: pd.DataFrame
    later: dict
    #: England's ASCOF self-directed support series (:func:`pbanalysis.analysis.what_next.england_best`:
    #: ``series`` by year, best ``year`` and ``value``); the claims check judges the targets against it.
    series: dict = field(default_factory=dict)


def load(claims: pd.DataFrame | None = None) -> Inputs:
    """The inputs as ``make report`` leaves them: the claims table (``claims``, else
    reports/claims.csv), the targets of the checks file and the processed tables."""
    if claims is None:
        claims = pd.read_csv(paths.CLAIMS_CSV, keep_default_na=False, na_values=[""])
    reported = claims.set_index("figure_id")["reported"]
    targets = [
        {"value": float(reported[t["figure"]]), "date": t["date"], "label": t["label"]}
        for t in measures.uses()["targets"]
        if t["figure"] in reported.index
    ]
    return Inputs(
        claims,
        sorted(targets, key=lambda t: t["date"]),
        data.load_national_series(),
        data.load_council_year(),
        what_next.england(),
        what_next.england_best(what_next.SDS),
    )


def series_end(i: Inputs) -> str:
    """The last year the targets are judged against: the end of England's ASCOF series (else the
    year of the single ASCOF file)."""
    years = sorted((i.series or {}).get("series", {}))
    return years[-1] if years else i.later.get("year", "")


def _status_words(basis: str, counts: dict[str, int], total: int) -> str:
    """What became of the figures of one basis: 'all 4 held up', '4 matched, 1 did not'."""
    held = sum(counts.get(s, 0) for s in HELD)
    failed = sum(counts.get(s, 0) for s in FAILED)
    cond = counts.get("conditional", 0)
    parts = []
    verb = "were possible" if basis == "possibility" else "held up"
    if basis == "own_figures":
        verb = "matched"
    if held:
        parts.append(f"all {fmt.count(held)} {verb}" if held == total and total > 1 else f"{fmt.count(held)} {verb}")
    if failed:
        parts.append(f"{fmt.count(failed)} did not")
    if cond:
        parts.append(f"{fmt.count(cond)} possible only on a condition the data cannot show")
    return _listed(parts, ", ") if parts else ""


def verdicts(i: Inputs) -> str | None:
    """'Of the 47 figures in the five articles, 4 were tested against official data, and all 4 held
    up; 5 were rebuilt from the articles' own figures (4 matched, 1 did not); ...': every count by
    basis, from :func:`pbanalysis.analysis.claims.basis_counts` (the one count every output prints)."""
    c = i.claims
    if c.empty:
        return None
    by = claims_mod.basis_counts(c)
    articles = c["source_id"].nunique()
    head = f"Of the {fmt.count(len(c))} figures in the {words(articles)} {_plural(articles, 'article', 'articles')}, "
    parts = []
    n = sum(by.get("official", {}).values())
    parts.append(
        f"{fmt.count(n)} {_plural(n, 'was', 'were')} tested against official data"
        + (f", and {_status_words('official', by['official'], n)}" if n else "")
    )
    n = sum(by.get("own_figures", {}).values())
    if n:
        parts.append(
            f"{fmt.count(n)} {_plural(n, 'was', 'were')} rebuilt from the articles' own figures, a test of their "
            f"arithmetic only ({_status_words('own_figures', by['own_figures'], n)})"
        )
    n = sum(by.get("possibility", {}).values())
    if n:
        parts.append(
            f"{fmt.count(n)} {_plural(n, 'was a possibility check', 'were possibility checks')} against an official "
            f"bound ({_status_words('possibility', by['possibility'], n)})"
        )
    later = by.get("later_outcome", {})
    reached, missed = later.get("reached", 0), later.get("not_reached", 0)
    year = series_end(i)
    if reached or missed:
        total = reached + missed
        noun = _plural(total, "target was", "targets were")
        text = f"{fmt.count(total)} {noun} set against a later, different measure"
        if reached and missed:
            text += f": {fmt.count(reached)} level reached by {year}, {fmt.count(missed)} not"
        elif missed:
            text += f", and {'its level had' if total == 1 else 'neither level had' if total == 2 else 'no level had'} been reached by {year}"
        else:
            text += f", and {'its level had' if total == 1 else 'every level had'} been reached by {year}"
        parts.append(text)
    return head + _listed(parts, "; ") + "."


def untested(i: Inputs) -> str | None:
    """What the figures that carry no verdict are: proxies, untestable figures and inputs (by basis)."""
    by = claims_mod.basis_counts(i.claims)
    kinds = [
        (sum(by.get("proxy", {}).values()), "could only be set beside the nearest official measure (no verdict)"),
        (sum(by.get("not_rebuildable", {}).values()), "could not be tested with any available data"),
        (sum(by.get("input", {}).values()), "are inputs, targets or dates taken as given"),
    ]
    kinds = [(n, what) for n, what in kinds if n]
    rest = sum(n for n, _ in kinds)
    if not rest:
        return None
    parts = [f"{fmt.count(n)} {what}" for n, what in kinds]
    return f"Of the other {fmt.count(rest)}, {_listed(parts, '; ')}."


def target_year(i: Inputs) -> str | None:
    """The last year of the national series whose 31 March falls on or before the first target's date."""
    if not i.targets:
        return None
    years = [y for y in i.national["year"] if _year_end(y) <= i.targets[0]["date"]]
    return years[-1] if years else None


def national_takeup(i: Inputs) -> str | None:
    """England's proxy take-up in the first year of the tables and in the first target's year."""
    year = target_year(i)
    n = i.national.dropna(subset=[k.england(k.PROXY_TAKEUP_PCT)]).set_index("year")
    if year is None or year not in n.index or n.index[0] == year:
        return None
    first = n.index[0]
    a, z = n.loc[first], n.loc[year]
    t = i.targets[0]
    text = (
        "England's proxy take-up (people on direct payments as a share of receipts of community "
        f"services, the nearest official measure) was {fmt.pct(a[k.england(k.PROXY_TAKEUP_PCT)])} at "
        f"{_when(_year_end(first))} and {fmt.pct(z[k.england(k.PROXY_TAKEUP_PCT)])} at {_when(_year_end(year))}"
    )
    if a[k.DEFINITION_BASIS] != z[k.DEFINITION_BASIS]:
        text += " (on different count definitions)"
    return text + f", against a target of {fmt.number(t['value'])}% {t['label']}."


def council_spread(i: Inputs) -> str | None:
    """The highest, lowest and median council on proxy take-up in the first target's year."""
    year = target_year(i)
    if year is None:
        return None
    ranked = measures.councils_in_year(i.council_year, year)
    if len(ranked) < 2:
        return None
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    med = ranked[k.PROXY_TAKEUP_PCT].median()

    def behind(r: pd.Series) -> str:  # how many stand behind an extreme
        return f"{fmt.count(r[k.DP_CLIENTS_31MAR])} of {fmt.count(r[k.COMMUNITY_RECEIPTS_31MAR])} service receipts"

    text = (
        f"In {year}, proxy take-up ranged from {fmt.pct(top[k.PROXY_TAKEUP_PCT])} in {top['council_name']} "
        f"({behind(top)}) to {fmt.pct(bottom[k.PROXY_TAKEUP_PCT])} in {bottom['council_name']} ({behind(bottom)}) "
        f"across the {fmt.count(len(ranked))} councils with a value; the median council stood at {fmt.pct(med)}"
    )
    if i.targets:
        t = i.targets[0]["value"]
        at = int((ranked[k.PROXY_TAKEUP_PCT] >= t).sum())
        text += f", and {fmt.count(at)} {_plural(at, 'was', 'were')} at or above {fmt.number(t)}%"
    return text + "."


def spend(i: Inputs) -> str | None:
    """England's gross spend on direct payments in the first and last years that have it."""
    s = i.national.set_index("year")[k.england(k.DP_GROSS_COST_GBP000)] / 1000
    have = s.dropna()
    if len(have) < 2:
        return None
    a, z = have.iloc[0], have.iloc[-1]
    word = "rose" if z > a else "fell" if z < a else "stayed"
    text = (
        f"Councils' gross spend on direct payments in England, in cash terms, {word} from {fmt.gbp_million(a)} in "
        f"{have.index[0]} to {fmt.gbp_million(z)} in {have.index[-1]}"
    )
    gaps = [y for y in s.index if have.index[0] < y < have.index[-1] and y not in have.index]
    if gaps:
        text += f" (the tables give no England total for {' or '.join(gaps)})"
    return text + "."


def later(i: Inputs) -> str | None:
    """England on the later ASCOF self-directed support series, each side of its framework change
    said on its own (never a change across it), against the last target."""
    s = pd.Series(i.series.get("series", {}) if i.series else {}, dtype=float).dropna().sort_index()
    if s.empty:
        return None
    before, after = s[s.index < what_next.BREAK_YEAR], s[s.index >= what_next.BREAK_YEAR]
    parts = []
    if len(before):
        parts.append(
            f"England stood at {fmt.pct(before.iloc[-1])} in {before.index[-1]}, the last year of the earlier framework"
        )
    if len(after):
        parts.append(
            f"at {fmt.pct(after.iloc[-1])} in {after.index[-1]}, after the framework change (not compared with the years before)"
        )
    text = (
        "On a later and different measure, the share of people receiving long-term community support who had "
        "self-directed support (ASCOF), " + ", and ".join(parts)
    )
    if len(i.targets) > 1:
        t = i.targets[-1]
        reached = bool((s >= float(t["value"])).any())
        text += f"; the target was {measures.share_text(t['value'])} of eligible people {t['label']}, and " + (
            "England reached that level in a later year" if reached else "no later year reached that level"
        )
    return text + "."


#: The rules in reading order.
RULES = (verdicts, untested, national_takeup, council_spread, spend, later)


def main_points(i: Inputs | None = None) -> list[str]:
    """The main points, four to six sentences (fewer only when the data allow fewer)."""
    i = i if i is not None else load()
    return [s for s in (rule(i) for rule in RULES) if s][:6]
