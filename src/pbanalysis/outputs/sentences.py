"""The plain-English sentences of a council briefing, each written by a rule over the council's numbers.

Every rule lives here, so an analyst can read or change them in one place. A rule
takes one council's briefing numbers (:class:`pbanalysis.outputs.briefing_numbers.Briefing`: its
``series`` by year, chosen ``year``, ``rank`` of ``of``, region, council type and the
years where the count's definition changes) and returns a sentence, or ``None``
when its numbers do not allow one. Nothing is typed for a particular council.

The rules, in reading order:

1. :func:`level`: the council's proxy take-up in the year against England and its region's median;
2. :func:`rank`: its rank among councils and its quarter;
3. :func:`change`: its change over the years that share the chosen year's count definition;
4. :func:`definition_breaks`: where the count's definition changes, so years either side are not compared;
5. :func:`missing`: the years with no value, and why (suppressed or not available).

A pack opens with :func:`ascof_now`: where the council stands now, its latest ASCOF year (named in
the first sentence) with its values, ranks (the one rank rule, :mod:`pbanalysis.analysis.ranks`) and
England's, said on its own side of the 2023-24 framework change. Beside the rules,
:func:`article_claims` says what the news articles reported of the council with the proxy's view of
each figure (from the claims check), or in one line that they did not name it, and
:func:`ascof_series` tells its ASCOF years before the framework change: values and ranks, a boundary
change (successors named, never their values) and every flagged move in one sentence
(:func:`ascof_moves`), worded as a possible change in recording.

The wording rules every sentence follows (about the same, plurals, quarters, targets, one precision)
are written once, under "wording rules" below.

:func:`sentences` keeps the first five that apply; if fewer than three apply it
adds :func:`people` (the count of people on direct payments) and
:func:`spend` (spend per recipient). A missing or suppressed value is never used:
suppressed official values are missing values here, and a rule that needs one
returns ``None`` or says the value is not available.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Protocol

import pandas as pd

from pbanalysis.analysis import measures
from pbanalysis.analysis.measures import BASIS_LABEL
from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.outputs.index_page import STATUS_COUNTED
from pbanalysis.outputs.notebook_tables import measure_text
from pbanalysis.sources.pssex1 import SUPPRESSION

#: Short names of each count definition, for sentences.
BASIS_SHORT = {k.BASIS_DP_ONLY: "direct payments only", k.BASIS_DP_AND_PB: "direct payments and personal budgets"}

#: Quarter of councils by rank (1 = highest), as readers say it: the top quarter, the middle half
#: (the second and third quarters together) and the lowest quarter.
QUARTERS = {1: "in the top quarter", 2: "in the middle half", 3: "in the middle half", 4: "in the lowest quarter"}

# --------------------------------------------------------------------------- wording rules
#
# Written once, used by every sentence of a pack (and tested in tests/test_briefing.py):
# * a change smaller than ABOUT_THE_SAME_POINTS is "about the same", never a rise or a fall;
# * counts agree with their noun ("1 council", "2 councils");
# * quarters as readers say them (QUARTERS);
# * a whole-number share such as a target or a ceiling prints without decimals ("100%");
# * the numbers of one sentence share one precision (percentages and points to one decimal).

#: A change of less than this many percentage points (as printed) is "about the same"
#: (:func:`pbanalysis.analysis.measures.movement`, which chart titles use too).
ABOUT_THE_SAME_POINTS = measures.ABOUT_THE_SAME_POINTS
movement = measures.movement


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 council', '2 councils', '1,200 people' (``nouns``: an irregular plural)."""
    return f"{n:,} " + (noun if n == 1 else nouns or noun + "s")


def share(value: float) -> str:
    """A share as a reader says it: '100%' for a whole number (a target, a ceiling), else '97.9%'."""
    return measures.share_text(value)


def precisions(sentence: str) -> set[int]:
    """The number of decimals of each percentage and each 'points' figure in ``sentence`` (a whole
    '100%' counts as a target, not a precision): one element when the sentence has one precision."""
    out = set()
    for m in re.finditer(r"(\d[\d,]*)(?:\.(\d+))?(?:%| points?\b)", sentence):
        if m.group(2) is None and m.group(1) in ("100", "0", "50", "30", "20"):
            continue  # a target or a rule ("100%", "20 points"), said as a whole number
        out.add(len(m.group(2) or ""))
    return out


class _Numbers(Protocol):
    """What a rule reads of one council's briefing numbers (a :class:`pbanalysis.outputs.briefing_numbers.Briefing`)."""

    name: str
    region: str
    year: str
    series: pd.DataFrame
    rank: int | None
    of: int
    definition_changes: list[str]


def same_definition_run(series: pd.DataFrame, year: str, column: str = "council") -> list[str]:
    """The unbroken run of years ending at ``year`` that share its definition and have a value in ``column``."""
    s = series.set_index("year")
    years = list(s.index[: list(s.index).index(year) + 1])
    run: list[str] = []
    for y in reversed(years):
        if s.loc[y, k.DEFINITION_BASIS] != s.loc[year, k.DEFINITION_BASIS] or pd.isna(s.loc[y, column]):
            break
        run.insert(0, y)
    return run


def _basis(key: str) -> str:
    return BASIS_SHORT.get(key) or BASIS_LABEL.get(key, "another count")


def _rel(a: float, b: float) -> str:
    return "above" if a > b else "below" if a < b else "level with"


def _at(b: _Numbers) -> pd.Series:
    return b.series.set_index("year").loc[b.year]


def quartile(rank: int, of: int) -> int:
    """The quarter (1 = top) that a rank out of ``of`` falls in."""
    return min(4, max(1, math.ceil(4 * rank / of)))


#: A council whose proxy rests on fewer service receipts than this has its counts said beside its
#: share (and any extreme names them): a small base sets the extremes.
SMALL_BASE = 100


def level(b: _Numbers) -> str | None:
    """Proxy take-up in the year against England and the region's median."""
    at = _at(b)
    if pd.isna(at["council"]):
        parts = []
        if pd.notna(at["england"]):
            parts.append(f"England's was {fmt.pct(at['england'])}")
        if pd.notna(at["region_median"]):
            parts.append(f"the {b.region} median {fmt.pct(at['region_median'])}")
        tail = f"; {' and '.join(parts)}" if parts else ""
        return f"In {b.year}, no proxy take-up can be given for {b.name}{tail}."
    text = f"In {b.year}, {b.name}'s proxy take-up was {fmt.pct(at['council'])}"
    comps = []
    if pd.notna(at["england"]):
        comps.append(f"{_rel(at['council'], at['england'])} England ({fmt.pct(at['england'])})")
    if pd.notna(at["region_median"]):
        comps.append(
            f"{_rel(at['council'], at['region_median'])} the {b.region} median ({fmt.pct(at['region_median'])})"
        )
    return text + (", " + " and ".join(comps) if comps else "") + "."


def rank(b: _Numbers) -> str | None:
    """Rank among councils with a value that year (the one rank rule: a tie is said), and its quarter;
    the lowest or highest council's rank says how many receipts stand behind its share."""
    if b.rank is None or not b.of:
        return None
    q = quartile(b.rank, b.of)
    text = getattr(b, "rank_text", "") or f"{fmt.ordinal(b.rank)} of {b.of}"
    out = f"It ranked {text} councils (1 = highest), {QUARTERS[q]}"
    at = _at(b)
    extreme = b.rank == 1 or b.rank == b.of
    base = at.get(k.COMMUNITY_RECEIPTS_31MAR)
    if (extreme or (pd.notna(base) and base < SMALL_BASE)) and pd.notna(base) and pd.notna(at.get(k.DP_CLIENTS_31MAR)):
        out += f"; its share rests on {fmt.count(at[k.DP_CLIENTS_31MAR])} of {plural(int(base), 'service receipt')}" + (
            f", so few that each is {fmt.points(100 / base)} of it" if base < SMALL_BASE else ""
        )
    return out + "."


def change(b: _Numbers) -> str | None:
    """Change over the unbroken run of years with the chosen year's count definition."""
    run = same_definition_run(b.series, b.year)
    if len(run) < 2:
        return None
    s = b.series.set_index("year")
    a, z = s.loc[run[0], "council"], s.loc[run[-1], "council"]
    word = movement(a, z)
    diff = fmt.rounded(fmt.rounded(z, 1) - fmt.rounded(a, 1), 1)
    text = f"On the same count definition, its proxy take-up {word}"
    ea, ez = s.loc[run[0], "england"], s.loc[run[-1], "england"]
    eng = f"England {fmt.pct(ea)} to {fmt.pct(ez)}" if pd.notna(ea) and pd.notna(ez) else ""
    if word == "stayed about the same":
        text += f" between {run[0]} and {run[-1]} ({fmt.pct(a)} and {fmt.pct(z)}" + (f"; {eng})" if eng else ")")
    else:
        text += f" from {fmt.pct(a)} in {run[0]} to {fmt.pct(z)} in {run[-1]}"
        text += f" ({fmt.points(abs(diff))}" + (f"; {eng})" if eng else ")")
    return text + "."


def definition_breaks(b: _Numbers) -> str | None:
    """Where the count's definition changes across the years shown."""
    s = b.series.set_index("year")
    if not b.definition_changes:
        basis = _basis(s[k.DEFINITION_BASIS].iloc[0])
        return f"Every year shown counts people on {basis} at 31 March."
    parts = [f"{y} (to {_basis(s.loc[y, k.DEFINITION_BASIS])})" for y in b.definition_changes]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"The count's definition changes in {joined}, so the charts break the line there "
        "and years either side are not compared."
    )


def _missing_reason(row: pd.Series) -> str:
    flag = row.get(k.DP_CLIENTS_31MAR_FLAG, "")
    if isinstance(flag, str) and flag in SUPPRESSION:
        kind, _, detail = SUPPRESSION[flag].partition(": ")
        return f"the count of people on direct payments is {kind}" + (f", {detail}" if detail else "")
    if pd.isna(row.get(k.DP_CLIENTS_31MAR)):
        return "the count of people on direct payments is not given"
    return "a home care, day care or meals count is missing or suppressed"


def missing(b: _Numbers) -> str | None:
    """The years with no proxy take-up, and why."""
    s = b.series.set_index("year")
    gaps = [(y, _missing_reason(r)) for y, r in s.iterrows() if pd.isna(r["council"])]
    if not gaps:
        return None
    parts = [f"{y} ({why})" for y, why in gaps]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    return f"No proxy take-up is shown for {joined}."


def people(b: _Numbers) -> str | None:
    """People on direct payments at 31 March of the year (only when the count is given)."""
    at = _at(b)
    if pd.isna(at[k.DP_CLIENTS_31MAR]):
        return None
    when = f"31 March {b.year[:2]}{b.year[-2:]}"
    basis = BASIS_LABEL.get(at[k.DEFINITION_BASIS], "direct payments")
    return f"At {when}, {b.name} had {fmt.count(at[k.DP_CLIENTS_31MAR])} people on {basis}."


def spend(b: _Numbers) -> str | None:
    """Gross direct-payment spend per recipient in the year (only when credible and given)."""
    at = _at(b)
    if pd.isna(at[k.DP_SPEND_PER_RECIPIENT_GBP]):
        return None
    return (
        f"In {b.year} its gross spend on direct payments was {fmt.gbp(at[k.DP_SPEND_PER_RECIPIENT_GBP])} per recipient."
    )


#: The rules in reading order; :data:`FILL` rules are used only to reach three sentences.
RULES: list[Callable] = [level, rank, change, definition_breaks, missing]
FILL: list[Callable] = [people, spend]


def sentences(b: _Numbers) -> list[str]:
    """Three to five sentences for one council's briefing, each from a rule in :data:`RULES`."""
    out = [s for s in (rule(b) for rule in RULES) if s][:5]
    for rule in FILL:
        if len(out) >= 3:
            break
        s = rule(b)
        if s:
            out.append(s)
    return out


def later(council: dict, england: dict, year: str) -> str:
    """The council's ASCOF 1C values in ``year`` (percent) beside England's, or why there are none.

    ``council`` and ``england`` are :func:`pbanalysis.analysis.what_next.council_value` and
    :func:`pbanalysis.analysis.what_next.england` records. Never built from a suppressed value.
    """
    v = council
    if v["comparable"] and v["sds_pct"] is not None and v["dp_pct"] is not None:
        return (
            f"In {year}, on a later and different measure (ASCOF 1C), {fmt.pct(v['sds_pct'])} of the people "
            f"{v['council_name']} supported in the community received self-directed support and "
            f"{fmt.pct(v['dp_pct'])} direct payments (England {fmt.pct(england['sds_pct'])} and {fmt.pct(england['dp_pct'])})."
        )
    note = str(v.get("note") or "no value is published").strip()
    return f"In {year}, no ASCOF 1C value can be given for {v['council_name']}. {note}"


# --------------------------------------------------------------------------- what the articles said


_MONTHS = ("January February March April May June July August September October November December").split()


def published(date: str) -> str:
    """An article's date in words: '2010-08-23' gives '23 August 2010', '2011-04' gives 'April 2011'."""
    parts = str(date).split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 and parts[2].isdigit() else month
    return str(date)


def article_claims(name: str, named: list[dict]) -> list[str]:
    """What the articles said of the council, each statement beside the proxy's view; one line when none.

    ``named`` holds one record per register figure naming the council (built by
    :func:`pbanalysis.outputs.briefing_numbers.articles_for` from the register, its articles and the claims
    check): ``statement``, ``reported`` (the value in words, e.g. 3.3%), ``period``, ``measure``
    (e.g. NI 130, or empty), ``position`` (highest or lowest, for a rank claim, else empty),
    ``publication``, ``published``, and for a rank claim the proxy's ``proxy_year``, ``proxy_value``
    (percent), ``rank`` of ``of`` councils and ``proxy_agrees``; ``extreme`` names the council at that
    end of the proxy when it disagrees.
    """
    if not named:
        return [f"The articles did not name {name}."]
    out = []
    for r in named:
        said = f"{r['publication']} ({published(r['published'])})"
        if r.get("position"):
            on = f" on {r['measure']}" if r.get("measure") else ""
            text = (
                f"{said} reported {name}'s take-up{on} in {r['period']} as {r['reported']}, the {r['position']} "
                f"of the published figures. On the proxy in {r['proxy_year']}, {name} ranked "
                + (r.get("rank_text") or f"{fmt.count(r['rank'])} of {fmt.count(r['of'])}")
                + f" councils (1 = highest) at {fmt.pct(r['proxy_value'])}"
            )
            if r["proxy_agrees"] == "yes":
                text += f": the proxy also puts it {r['position']}."
            else:
                behind = ""
                if r.get("extreme_people") is not None and r.get("extreme_receipts"):
                    behind = (
                        f", at {fmt.pct(r['extreme_value'])}: {fmt.count(r['extreme_people'])} of "
                        f"{plural(r['extreme_receipts'], 'service receipt')}"
                    )
                text += f": the proxy does not put it {r['position']}" + (
                    f" ({r['extreme']} is {r['position']} there{behind})." if r.get("extreme") else "."
                )
            text += " The two are different measures, so the proxy's place neither confirms nor refutes the reported figure."
        else:
            text = f"{said} also reported: {r['statement'].rstrip('.')}; there is nothing official to test it against."
        out.append(text)
    return out


# --------------------------------------------------------------------------- ASCOF, 2017-18 to 2023-24


def _joined(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def _ranked(y: dict, key: str) -> str:
    """A year's rank on one measure, by the one rank rule ('98th of 152', 'joint 1st with 64 other
    councils, of 152'), or '' where it has none."""
    text = y.get(f"{key}_rank_text") or (
        f"{fmt.ordinal(y[f'{key}_rank'])} of {y[f'{key}_of']}" if y.get(f"{key}_rank") is not None else ""
    )
    return text + " councils" if text and not text.startswith("at ") else text


def ascof_now(trend: dict, name: str) -> list[str]:
    """Where the council stands now: its latest ASCOF year (the first sentence of every pack names it),
    its values and ranks on self-directed support and direct payments beside England's, and that the
    year is a framework of its own. Values flagged by the data-quality rules are said to be flagged.

    ``trend`` is :func:`pbanalysis.outputs.briefing_numbers.ascof_series`: the years of
    :func:`pbanalysis.analysis.what_next.council_trend`, with ``england`` ({year: {"sds", "dp"}}),
    ``flagged`` ({year: ["sds", "dp"]}: values the data-quality rules flag) and ``small_base`` (the
    people behind the council's 2020-21 values when few, else None)."""
    years = trend["years"]
    latest = years[-1]["year"]
    y = years[-1]
    eng = trend.get("england", {}).get(latest, {})
    intro = f"In {latest}, the latest ASCOF year"
    out = []
    if y["status"] == "published" and y["sds_pct"] is not None:
        parts = []
        for key, words in (("sds", "self-directed support"), ("dp", "direct payments")):
            v = y.get(f"{key}_pct")
            if v is None:
                parts.append(f"no {words} value is published ([x])")
                continue
            e = eng.get(key)
            where = _ranked(y, key)
            who = f" of the people {name} supported in the community" if not parts else ""
            parts.append(
                f"{fmt.pct(v)}{who} received {words}"
                + (f", {where}" if where else "")
                + (f" (England {fmt.pct(e)})" if e is not None else "")
            )
        text = f"{intro}, {parts[0]}; {parts[1]}."
        flagged = trend.get("flagged", {}).get(latest, [])
        if flagged:
            words = _joined([{"sds": "self-directed support", "dp": "direct payments"}[m] for m in flagged])
            text += f" The data-quality checks flag its {words} value that year (see below), so read it with care."
        out.append(text)
    elif y["status"] == "boundary_changed":
        out.append(
            f"{intro}, no value can be given for {name}: its boundary had changed (its area was part of "
            f"{_joined(y['successors'])}), and another area's figures are not {name}'s."
        )
    else:
        out.append(f"{intro}, no ASCOF value is published for {name} ([x]).")
    if y["definition_break"]:
        out.append(
            f"{latest} is the first year of a renumbered framework (self-directed support became 3D1A, direct "
            f"payments 3D2A), so it is said on its own and not compared with the years before it."
        )
    small = trend.get("small_base")
    if small:
        out.append(
            f"{name}'s shares rest on few people ({plural(small['people'], 'person', 'people')} receiving long-term "
            f"community support in {small['year']}), so a handful of people moves them a long way."
        )
    return out


def _moves(trend: dict) -> list[dict]:
    """The flagged year-to-year moves, one per pair of years and values, with the measures that made it."""
    groups: dict[tuple, list[str]] = {}
    for j in trend.get("moves", trend.get("jumps", [])):
        if j["across_break"]:
            continue  # never a change across the framework change: each side is said on its own
        key = (
            j["from_year"],
            j["to_year"],
            round(j["from_value"], 1),
            round(j["to_value"], 1),
            bool(j["across_break"]),
        )
        groups.setdefault(key, []).append(j["measure"])
    return [
        {"from_year": a, "to_year": b, "from_value": x, "to_value": z, "across_break": br, "measures": m}
        for (a, b, x, z, br), m in groups.items()
    ]


def ascof_moves(name: str, trend: dict) -> str | None:
    """Every flagged year-to-year move of the council's ASCOF shares (20 points or more, or halving or
    doubling) in one sentence, worded as possible changes in recording, never as changes in take-up."""
    moves = _moves(trend)
    if not moves:
        return None
    by_measures: dict[tuple, list[dict]] = {}
    for m in moves:
        by_measures.setdefault(tuple(sorted(set(m["measures"]), reverse=True)), []).append(m)
    parts = []
    for measures_, ms in by_measures.items():
        label = _joined(list(measures_)) + (" shares (the same values)" if len(measures_) > 1 else " share")
        steps = "; ".join(
            f"{fmt.pct(m['from_value'])} in {m['from_year']} to {fmt.pct(m['to_value'])} in {m['to_year']}"
            for m in sorted(ms, key=lambda m: m["to_year"])
        )
        times = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}.get(
            len(ms), f"{len(ms)} times"
        )
        parts.append(f"its {label} moved sharply {times} ({steps})")
    rule = trend.get("move_rule", "by 20 points or more, or halving or doubling, in a year")
    return (
        f"{name}: {'; '.join(parts)}. Each move is {rule}, and is flagged as a possible change in recording, "
        "not read as a change in take-up."
    )


def ascof_series(trend: dict, name: str | None = None) -> list[str]:
    """The council's earlier ASCOF years in words (2017-18 to the year before the framework change),
    from :func:`pbanalysis.analysis.what_next.council_trend`: its first and last published years of
    that framework (values and ranks; never a change across the framework change), any boundary
    change (its successors named, never their values), years with no value, and every flagged move
    in one sentence (:func:`ascof_moves`)."""
    name = name or trend["council_name"]
    years = trend["years"]
    before = [y for y in years if not y["definition_break"]]
    pub = [y for y in before if y["status"] == "published" and y["sds_pct"] is not None]
    eng = trend.get("england", {})
    out = []
    if pub:
        first, last = pub[0], pub[-1]

        def at(y: dict) -> str:
            e = eng.get(y["year"], {}).get("sds")
            bits = [b for b in (_ranked(y, "sds"), f"England {fmt.pct(e)}" if e is not None else "") if b]
            return f"{fmt.pct(y['sds_pct'])} in {y['year']}" + (f" ({'; '.join(bits)})" if bits else "")

        span = f"{before[0]['year']} to {before[-1]['year']}"
        text = f"In the earlier framework, {span}, {name}'s self-directed support stood at {at(first)}"
        if last is not first:
            text += f" and {at(last)}"
        out.append(text + ".")
    elif before:
        out.append(
            f"No ASCOF self-directed support value is published for {name} from {before[0]['year']} to "
            f"{before[-1]['year']}."
        )
    gone = [y for y in years if y["status"] == "boundary_changed"]
    if gone:
        succ = gone[0]["successors"]
        out.append(
            f"From {gone[0]['year']}, {name}'s boundary had changed: its area was part of {_joined(succ)}, "
            f"so no value is shown for those years (boundary changed; another area's figures are not {name}'s)."
        )
    missing = [y["year"] for y in years if y["status"] == "not_published"]
    if missing:
        out.append(f"No ASCOF value is published for {name} in {_joined(missing)}.")
    moves = ascof_moves(name, trend)
    if moves:
        out.append(moves)
    return out


# --------------------------------------------------------------------------- the notebook pages' main points
#
# Each report page opens with two to four sentences, each computed from a frame the page itself
# shows further down (the notebook passes its own frames), so a changed frame changes the sentence.


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _one_of(n: int, of: int, thing: str) -> str:
    return f"{fmt.count(n)} of {fmt.count(of)} {thing}" if of != 1 else f"{fmt.count(n)} of 1 {thing.rstrip('s')}"


def take_up_points(timeline: pd.DataFrame, by_denominator: pd.DataFrame, target: float, denominator: str) -> list[str]:
    """The take-up page's main points: reported figures against the target on the chosen
    denominator (``denominator`` in words), whether the verdict depends on the denominator, and the
    official proxy's range.

    ``timeline`` is :func:`pbanalysis.analysis.measures.takeup_timeline`, ``by_denominator``
    :func:`pbanalysis.analysis.measures.takeup_by_denominator` (a ``forecast`` column, where it
    has one, marks a forecast, which would reach a target but cannot meet it)."""
    out = []
    t = f"{fmt.number(target)}%"
    rep = timeline[timeline["kind"] == "reported"]
    if len(rep):
        reach = int((rep["takeup_pct"] >= target).sum())
        out.append(
            f"{_one_of(reach, len(rep), 'take-up figures reported at the time')} reach the {t} target "
            f"when people are counted as {_lower_first(denominator)}."
        )
    if len(by_denominator):
        met = by_denominator[by_denominator["meets_target"].astype(bool)]
        combos = f"{fmt.count(len(by_denominator))} pairs of a reported count of holders and a denominator"
        if "forecast" in by_denominator and met["forecast"].astype(bool).any():
            counts = met[~met["forecast"].astype(bool)]
            n = len(counts)
            reach = (
                "no count of holders reaches"
                if n == 0
                else "1 count of holders reaches"
                if n == 1
                else f"{fmt.count(n)} counts of holders reach"
            )
            out.append(
                f"Whether the target is met depends on who counts as eligible: of {combos}, {reach} {t}; "
                f"the councils' forecast would reach it under {fmt.count(met['denominator'].nunique())} of "
                f"{fmt.count(by_denominator['denominator'].nunique())} denominators."
            )
        else:
            out.append(
                f"Whether the target is met depends on who counts as eligible: {fmt.count(len(met))} of {combos} reach {t}."
            )
    proxy = timeline[timeline["kind"] == "proxy"].dropna(subset=["takeup_pct"])
    if len(proxy):
        lo, hi = proxy["takeup_pct"].min(), proxy["takeup_pct"].max()
        where = "below" if hi < target else "at or above" if lo >= target else "either side of"
        out.append(
            f"The official England proxy, a different measure (direct payments as a share of community-service "
            f"receipts), stood between {fmt.pct(lo)} and {fmt.pct(hi)} at 31 March of each year from "
            f"{proxy['date'].min().year} to {proxy['date'].max().year}, {where} the {t} target."
        )
    return out


def spending_points(split: pd.DataFrame, spend: pd.DataFrame, per_recipient: pd.DataFrame, year: str) -> list[str]:
    """The spending page's main points: the reported split, official direct-payment spend over the
    years it is given, and the spread of spend per recipient among councils in ``year``.

    ``split`` is :func:`pbanalysis.analysis.measures.pb_spend_split`, ``spend``
    :func:`pbanalysis.analysis.measures.spend_series`, ``per_recipient``
    :func:`pbanalysis.analysis.measures.spend_per_recipient` for ``year``."""
    out = []
    if len(split):
        dp = split.iloc[0]
        out.append(
            f"The councils' survey reported {fmt.gbp_million(split['gbp_million'].sum())} spent through personal "
            f"budgets in 2009-10, {fmt.pct(dp['share_pct'], decimals=0)} of it ({fmt.gbp_million(dp['gbp_million'])}) "
            "as direct payments."
        )
    given = spend.dropna(subset=["dp_gross_cost_gbp_million"])
    if len(given) >= 2:
        a, z = given.iloc[0], given.iloc[-1]
        gaps = [y for y in spend["year"] if y not in set(given["year"])]
        gap = f" ({', '.join(gaps)} is not in the official tables)" if gaps else ""
        out.append(
            f"Official gross spend on direct payments in England went from {fmt.gbp_million(a['dp_gross_cost_gbp_million'])} "
            f"in {a['year']} to {fmt.gbp_million(z['dp_gross_cost_gbp_million'])} in {z['year']}, in cash terms{gap}."
        )
    col = k.DP_SPEND_PER_RECIPIENT_GBP
    per = per_recipient.dropna(subset=[col])
    if len(per):
        top, low = per.loc[per[col].idxmax()], per.loc[per[col].idxmin()]

        def who(r: pd.Series) -> str:
            n = r.get(k.DP_RECIPIENTS_31MAR)
            return r["council_name"] + (f", {fmt.count(n)} recipients" if pd.notna(n) else "")

        out.append(
            f"In {year}, {columns.short(col)} ranged from {fmt.gbp(low[col])} a year ({who(low)}) to "
            f"{fmt.gbp(top[col])} ({who(top)}) across {fmt.count(len(per))} councils; the median was "
            f"{fmt.gbp(per[col].median())}."
        )
    return out


def measure_in_words(measure: str) -> str:
    """A council measure as the subject of a sentence: the column dictionary's words for it
    (:func:`pbanalysis.core.columns.short`), a count as "the number of" them."""
    return ("the number of " if columns.kind(measure) == "count" else "") + columns.short(measure)


def variance_points(
    ranked: pd.DataFrame, year: str, measure: str, shares: pd.DataFrame, thresholds: list[float]
) -> list[str]:
    """The variance page's main points: the spread of ``measure`` (:func:`measure_in_words`) among
    councils in ``year``, with the people behind each extreme of proxy take-up, and how many
    councils stood at or above the top threshold in the first and last years of proxy take-up.

    ``ranked`` is :func:`pbanalysis.analysis.measures.councils_in_year`, ``shares``
    :func:`pbanalysis.analysis.measures.threshold_shares`."""
    out = []
    val = ranked.dropna(subset=[measure])
    if len(val):
        top, low = val.loc[val[measure].idxmax()], val.loc[val[measure].idxmin()]
        words = measure_in_words(measure)

        def who(r: pd.Series) -> str:
            n, of = r.get(k.DP_CLIENTS_31MAR), r.get(k.COMMUNITY_RECEIPTS_31MAR)
            if measure == k.PROXY_TAKEUP_PCT and pd.notna(n) and pd.notna(of):
                return f"{r['council_name']}, {fmt.count(n)} of {fmt.count(of)} people"
            return r["council_name"]

        out.append(
            f"In {year}, {words} ranged from {measure_text(low[measure], measure)} "
            f"({who(low)}) to {measure_text(top[measure], measure)} ({who(top)}) across "
            f"{fmt.count(len(val))} councils; the median was {measure_text(val[measure].median(), measure)}."
        )
    if len(shares) and thresholds:
        last = f"{thresholds[-1]:g}"
        n = f"at_or_above_{last}_n"
        if n in shares:
            a, z = shares.iloc[0], shares.iloc[-1]
            out.append(
                f"On proxy take-up, {_one_of(int(a[n]), int(a['councils_with_value']), 'councils')} stood at or above "
                f"{last}% in {a['year']} and {_one_of(int(z[n]), int(z['councils_with_value']), 'councils')} in "
                f"{z['year']}; the count behind it changes definition between years, so compare with care."
            )
    out.append(
        "The proxy is not NI 130, the measure the articles reported: no council-level NI 130 table is available, "
        "so it ranks councils but does not test their reported figures."
    )
    return out


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def claims_points(by_basis: pd.DataFrame, basis_label: dict[str, str]) -> list[str]:
    """The claims page's main points from its count of figures by basis and status
    (:func:`pbanalysis.analysis.claims.by_basis`: ``basis``, ``status``, ``figures``): how many
    figures, then one clause a basis with its statuses, in the order given. ``basis_label``: each
    basis in words (:data:`pbanalysis.analysis.claims.BASIS_LABEL`)."""
    total = int(by_basis["figures"].sum())
    out = [
        f"The register holds {fmt.count(total)} figures the articles reported, each checked against what the data can show."
    ]
    parts = []
    for basis, g in by_basis.groupby("basis", sort=False):
        n = int(g["figures"].sum())
        if not n:
            continue
        statuses = [(s, int(f)) for s, f in zip(g["status"], g["figures"]) if f]
        words = _listed([f"{fmt.count(f)} {STATUS_COUNTED.get(s, s.replace('_', ' '))}" for s, f in statuses])
        parts.append(f"{fmt.count(n)} {basis_label.get(basis, basis)} ({words})")
    if parts:
        out.append("By the basis of each check: " + "; ".join(parts) + ".")
    out.append(
        "Only a figure tested against official data could have been shown wrong by official data; a proxy that disagrees shows two measures disagree, not that the claim was wrong."
    )
    return out


def what_next_points(sds: pd.DataFrame, dp: pd.DataFrame) -> list[str]:
    """The later measures' main points, one sentence a measure, from England's series
    (:func:`pbanalysis.analysis.what_next.england_series`: ``year``, ``value`` %, ``definition_break``):
    the years before the framework change, their highest, and the year after it said on its own,
    never compared across the change."""
    out = []
    for frame, name in ((sds, "self-directed support"), (dp, "direct payments")):
        given = frame.dropna(subset=["value"])
        before, after = given[~given["definition_break"].astype(bool)], given[given["definition_break"].astype(bool)]
        if not len(before):
            continue
        a, z = before.iloc[0], before.iloc[-1]
        top = before.loc[before["value"].idxmax()]
        text = (
            f"Of the people councils supported in the community, England's share on {name} was "
            f"{fmt.pct(a['value'])} in {a['year']} and "
            f"{fmt.pct(z['value'])} in {z['year']}"
        )
        if top["year"] not in (a["year"], z["year"]):
            text += f" (highest {fmt.pct(top['value'])}, in {top['year']})"
        if len(after):
            b = after.iloc[0]
            text += f"; after the {b['year']} framework change, measured on its own, it was {fmt.pct(b['value'])}"
        out.append(text + ".")
    return out


def points_markdown(points: list[str]) -> str:
    """A page's main points as Markdown: a short heading and one bullet a sentence."""
    return "**Main points**\n\n" + "\n".join(f"* {p}" for p in points)
