"""The claims check's methods: how a register figure is tested against the data.

No figure is named here: each register figure's check (method, official
measure, years, reason texts, notebook section) is an entry of
``data/reference/claim_checks.yaml`` (see :mod:`pbanalysis.analysis.checks`).
A method reads the :class:`Context`, the figure's register row and its checks
entry, and returns its outcome, status, evidence and the fields its reason
templates are filled from; :func:`pbanalysis.analysis.claims.check` puts the
results together into the claims table. The methods:

``input``
    a reported input, target or date, taken as given (status ``input``).
``rebuild``
    a derived figure rebuilt from the register's own inputs: ``match`` when the
    rebuilt value lies inside the interval the article's wording implies
    (:func:`pbanalysis.analysis.register.implied_tolerance`), else ``differs``.
``bracket``
    the claim implies a quantity (the figure itself or an expression over
    figures); official values bound that quantity in time or definition, and
    the ``relation`` (``within``, ``at_least``, ``at_most``) says which side the
    claim must fall: ``consistent`` or ``inconsistent``, the bracket shown.
``reconcile``
    a reported count against the official count of the nearest definition at
    the same date: the difference is stated; a verdict only where a
    ``relation`` says which way the definitions differ, else ``proxy``.
``rank`` / ``distribution``
    council claims on the proxy: where the named council ranks (rank of N,
    percentile), or how the proxy's distribution compares with a reported
    share, count or extreme. Always ``proxy`` (no verdict); ``proxy_agrees``
    says whether the proxy agrees, and a disagreement is said plainly.
``proxy``
    the measure is not available; the nearest official value and the proxy's
    known bias are shown, no verdict.
``not_rebuildable``
    nothing available tests it; the reason says why.
``later_outcome``
    a target level (percent) against the later official outcome, ASCOF 1C(1A)
    self-directed support in every year from 2017-18 to 2023-24
    (:mod:`pbanalysis.analysis.what_next`): ``reached`` when England stood at or
    above the target in some year, else ``not_reached``, with its best year and
    value. It shows where things stood years after the target date, not whether
    the target was met on its date.

A new method needs a function in :data:`METHODS`, its fields and outcomes in
:mod:`pbanalysis.analysis.checks` and its sentences in the checks file.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pbanalysis.analysis import checks as checks_mod
from pbanalysis.analysis import measures, register, what_next
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.errors import InputError


@dataclass
class Context:
    """What every method may read: the register, the official tables and the checks file's path."""

    reg: pd.DataFrame
    cy: pd.DataFrame
    nat: pd.DataFrame
    path: object

    def value(self, fid: str) -> float:
        """The register value of figure ``fid``, in its stored unit (%, £, people...)."""
        return float(self.reg.set_index("figure_id").loc[fid, "value"])

    def interval(self, fid: str) -> tuple[float, float]:
        """(low, high): the values consistent with how figure ``fid`` was worded, in its stored unit."""
        r = self.reg.set_index("figure_id").loc[fid]
        return register.implied_tolerance(r["stated_precision"], r["value"])

    def official(self, specs: list[dict]) -> list[dict]:
        """Each official value a spec names: measure, label, year, value (NaN where missing)."""
        nat = self.nat.set_index("year")
        out = []
        for spec in specs:
            if spec["measure"] not in nat.columns:
                raise InputError(
                    self.path, "a column of national_series.csv", key="official.measure", found=spec["measure"]
                )
            vals = []
            for year in spec["years"]:
                v = float(nat[spec["measure"]].get(year, np.nan)) * float(spec.get("scale", 1))
                vals.append({"measure": spec["measure"], "label": spec["label"], "year": year, "value": v})
            take = spec.get("take", "each")
            present = [x for x in vals if np.isfinite(x["value"])]
            if take != "each" and present:
                pick = (min if take == "min" else max)(present, key=lambda x: x["value"])
                vals = [pick]
            out += vals
        return out


def _official_text(values: list[dict]) -> str:
    return "; ".join(
        f"{v['label']} {v['year']}: {fmt.number(v['value']) if np.isfinite(v['value']) else 'missing'}" for v in values
    )


def _official_cell(values: list[dict]) -> str:
    return "; ".join(
        f"{v['measure']} {v['year']} = {fmt.number(v['value']) if np.isfinite(v['value']) else 'missing'}"
        for v in values
    )


def _input(ctx, row, entry) -> dict:
    return {"outcome": "input", "status": "input"}


def _rebuild(ctx, row, entry) -> dict:
    if row["kind"] != "derived":
        raise InputError(ctx.path, "method rebuild only for derived figures", key=f"checks.{row['figure_id']}.method")
    rebuilt = register.evaluate(row["derivation"], dict(zip(ctx.reg["figure_id"], ctx.reg["value"])))
    low, high = ctx.interval(row["figure_id"])
    names = register.expression_names(row["derivation"])
    inputs = ", ".join(f"{n} = {fmt.number(ctx.value(n))}" for n in names)  # ids: the CSV's evidence column
    statement = dict(zip(ctx.reg["figure_id"], ctx.reg["statement"]))
    in_words = "; ".join(f"{fmt.number(ctx.value(n))}, from: {str(statement[n]).rstrip('.')}" for n in names)
    ok = register.within(rebuilt, low, high)
    edge = register.at_boundary(rebuilt, low, high)
    return {
        "outcome": "match" if ok else "differs",
        "status": "match" if ok else "differs",
        "rebuilt": rebuilt,
        "rebuilt_from": f"inputs: {row['derivation']}",
        "difference": rebuilt - float(row["value"]),
        "official_values": inputs,
        "bracket_low": low,
        "bracket_high": high,
        "bracket_basis": "the interval the article's wording allows"
        + (" (the rebuilt value sits on its edge)" if edge else ""),
        "fields": {
            "inputs": in_words,
            "rebuilt": fmt.number(rebuilt),
            "edge": " The rebuilt value sits on the edge of that interval." if edge else "",
        },
    }


def _implied(ctx, row, entry) -> tuple[float, float, float]:
    """(value, low, high) of what the claim implies, the interval from each input's wording."""
    expr = entry.get("implied", row["figure_id"])
    names = register.expression_names(expr)
    values = {n: ctx.value(n) for n in names}
    value = register.evaluate(expr, values)
    corners = []
    for combo in itertools.product(*[ctx.interval(n) for n in names]):
        if all(np.isfinite(combo)):
            corners.append(register.evaluate(expr, dict(zip(names, combo))))
    return value, min(corners, default=value), max(corners, default=value)


def _trend(ctx, spec) -> tuple[bool, str]:
    """Whether an official measure rises every year it has a value, and a sentence saying so."""
    s = ctx.nat.set_index("year")[spec["measure"]].dropna()
    rising = bool(len(s) > 1 and (s.diff().dropna() > 0).all())
    years = f"{s.index[0]} to {s.index[-1]}" if len(s) else "no year"
    if rising:
        return True, f"the official series rises in every year it has a value, {years}"
    return False, f"the official series does not rise every year ({years}), so a missing year is not bounded"


def _verdict(relation: str, low: float, high: float, blow: float, bhigh: float) -> str:
    """``consistent``, ``inconsistent`` or ``conditional``: a claim interval (low, high) against an
    official bound that may lie anywhere from ``blow`` to ``bhigh`` (one value when both are equal).

    The claim is judged at both ends of the bound, each time with the tolerance its wording allows
    (some reading of the claim fits): ``consistent`` when it fits even at the end least favourable
    to it, ``inconsistent`` when it fails even at the most favourable end, else ``conditional``:
    whether it holds depends on where the bound lies. ``within``: the claim must lie inside the
    official bracket (the bracket is the allowed range itself, not an unknown bound)."""
    if relation == "at_least":  # the claim must be at least the bound: high >= bound
        worst, best = high >= bhigh, high >= blow
    elif relation == "at_most":  # the claim must be at most the bound: low <= bound
        worst, best = low <= blow, low <= bhigh
    else:
        worst = best = high >= blow and low <= bhigh
    return "consistent" if worst else "inconsistent" if not best else "conditional"


def _missing_years(ctx, years: list[str]) -> list[str]:
    """The years of the national series strictly between the first and last of ``years`` that ``years`` skip."""
    have = sorted(years)
    order = [y for y in ctx.nat["year"] if have[0] < y < have[-1]]
    return [y for y in order if y not in have]


def _straight_line(spec_values: list[dict], year: str) -> float:
    """The value on the straight line between the nearest official years either side of ``year``
    (by the year's start); NaN without a value on both sides. What the neighbours suggest, never data."""
    pts = sorted((int(v["year"][:4]), v["value"]) for v in spec_values if np.isfinite(v["value"]))
    t = int(year[:4])
    before = [p for p in pts if p[0] < t]
    after = [p for p in pts if p[0] > t]
    if not before or not after:
        return np.nan
    (x0, y0), (x1, y1) = before[-1], after[0]
    return y0 + (y1 - y0) * (t - x0) / (x1 - x0)


def _condition(relation: str, low: float, high: float, unit: str, bound: str) -> str:
    """The sentence that states when a conditional claim holds, from its interval and the bound's name."""
    v = lambda x: fmt.value(x, unit, sentence=True)  # noqa: E731
    if relation == "at_most":
        return (
            f"The claim holds only if {bound} was at least {v(low)}, and on every reading its wording "
            f"allows only if it was at least {v(high)}."
        )
    if relation == "at_least":
        return (
            f"The claim holds only if {bound} was at most {v(high)}, and on every reading its wording "
            f"allows only if it was at most {v(low)}."
        )
    return f"The claim holds only on the readings of its wording that lie inside {bound}."


def _bracket(ctx, row, entry) -> dict:
    value, low, high = _implied(ctx, row, entry)
    official = ctx.official(entry["official"])
    present = [v["value"] for v in official if np.isfinite(v["value"])]
    blow, bhigh = (min(present), max(present)) if present else (np.nan, np.nan)
    trend = "the official values are all present"
    bounded = bool(present) and len(present) == len(official)
    relation = entry["relation"]
    unit = entry.get("implied_unit", "")
    spec = entry["official"][0]
    missing = _missing_years(ctx, spec["years"]) if entry.get("monotonic") else []
    if entry.get("monotonic"):
        rising, trend = _trend(ctx, spec)
        bounded = bounded and rising
    bound = f"{spec['label'].split(',')[0]} in {' and '.join(missing)}" if missing else "the official bound"
    line_value = _straight_line(official, missing[0]) if len(missing) == 1 else np.nan
    condition = line = ""
    if bounded:
        outcome = _verdict(relation, low, high, blow, bhigh)
        if outcome == "conditional":
            condition = _condition(relation, low, high, unit, bound)
            if np.isfinite(line_value):
                needed = high if relation == "at_most" else low
                holds = line_value >= needed if relation == "at_most" else line_value <= needed
                line = (
                    f"A straight line between the neighbouring years gives about "
                    f"{fmt.value(line_value, unit, sentence=True)} for {missing[0]}, "
                    + (
                        "which meets that condition: the neighbours suggest the claim holds, but do not show it."
                        if holds
                        else "which does not meet that condition: the neighbours suggest the claim does not hold, but do not show it."
                    )
                )
    else:
        outcome = "no_verdict"
    label = entry.get("implied_label", row["statement"])
    basis = "possibility" if (relation == "at_most" or missing) else "official"
    return {
        "outcome": outcome,
        "status": outcome if outcome != "no_verdict" else "proxy",
        "basis": basis if outcome != "no_verdict" else "proxy",
        "rebuilt": value,
        "rebuilt_from": f"implied: {entry.get('implied', row['figure_id'])}",
        "official_values": _official_cell(official),
        "implied_low": low,
        "implied_high": high,
        "bracket_low": blow,
        "bracket_high": bhigh,
        "bracket_basis": f"{relation}: {checks_mod.RELATIONS[relation]}; {trend}"
        + (
            f"; the bound itself ({bound}) is missing, so the claim is judged at both ends of its bracket"
            if missing
            else ""
        ),
        "straight_line": line_value,
        "fields": {
            "implied_label": label,
            "implied_low": fmt.number(low),
            "implied_high": fmt.number(high),
            "bracket_low": fmt.number(blow),
            "bracket_high": fmt.number(bhigh),
            "official": _official_text(official),
            "trend": trend,
            "implied_range": fmt.value_range(low, high, unit, sentence=True),
            "bracket_range": fmt.value_range(blow, bhigh, unit, sentence=True),
            "relation_text": checks_mod.RELATIONS[relation],
            "condition": condition,
            "line": line,
            "bound": bound,
        },
    }


def _reconcile(ctx, row, entry) -> dict:
    official = ctx.official(entry["official"])[0]
    reported = float(row["value"])
    low, high = ctx.interval(row["figure_id"])
    ov = official["value"]
    diff = ov - reported
    relation = entry.get("relation")
    if relation and np.isfinite(ov):
        outcome = status = _verdict(relation, low, high, ov, ov)
        # A floor from a narrower official count of the same people at the same date is a test;
        # a ceiling only says the claim is possible.
        basis = "possibility" if relation == "at_most" else "official"
    else:
        outcome, status, basis = "no_verdict", "proxy", "proxy"
    blow, bhigh = {"at_least": (ov, math.inf), "at_most": (-math.inf, ov), "within": (ov, ov)}.get(
        relation, (np.nan, np.nan)
    )
    return {
        "outcome": outcome,
        "status": status,
        "basis": basis,
        "rebuilt": ov,
        "rebuilt_from": f"{official['label']}, {official['year']}",
        "difference": diff,
        "official_values": _official_cell([official]),
        "implied_low": low,
        "implied_high": high,
        "bracket_low": blow,
        "bracket_high": bhigh,
        "bracket_basis": f"{relation}: {checks_mod.RELATIONS[relation]}" if relation else "",
        "fields": {
            "official_label": official["label"],
            "official_value": fmt.number(ov),
            "official_year": official["year"],
            "official": _official_text([official]),
            "difference": fmt.number(abs(diff)),
            "difference_pct": f"{fmt.number(abs(100 * diff / reported))}%" if reported else "n/a",
            "direction": "below the reported figure" if diff < 0 else "above the reported figure",
        },
    }


def _councils(ctx, row, entry) -> pd.DataFrame:
    """Councils ranked on the entry's measure and year; InputError naming the entry if there are none."""
    measure, year = entry["measure"], entry["year"]
    where = f"checks.{row['figure_id']}"
    if measure not in ctx.cy.columns:
        raise InputError(ctx.path, "a column of council_year.csv", key=f"{where}.measure", found=measure)
    ranked = measures.councils_in_year(ctx.cy, year, measure)
    if ranked.empty:
        raise InputError(ctx.path, f"a year with council values of {measure}", key=f"{where}.year", found=year)
    return ranked


def _rank(ctx, row, entry) -> dict:
    measure, year = entry["measure"], entry["year"]
    ranked = _councils(ctx, row, entry)
    council = row["council"]
    hit = ranked[ranked["council_name"] == council]
    if hit.empty:
        raise InputError(
            ctx.path,
            f"a council with a value of {measure} in {year}",
            key=f"checks.{row['figure_id']}",
            found=council,
        )
    r = hit.iloc[0]
    rank, of = int(r["rank"]), int(r["of"])
    pct = round(100 * (of - rank) / (of - 1)) if of > 1 else 100
    position = entry["position"]
    extreme = ranked.iloc[0] if position == "highest" else ranked.iloc[-1]
    agrees = (rank == 1) if position == "highest" else (rank == of)
    return {
        "outcome": "agrees" if agrees else "disagrees",
        "status": "proxy",
        "rebuilt": float(r[measure]),
        "rebuilt_from": f"{measure}, {council}, {year} (PSS-EX1 proxy)",
        "difference": float(r[measure]) - float(row["value"]),
        "official_values": f"{measure} {year} {council} = {fmt.number(float(r[measure]))}",
        "rank": rank,
        "of": of,
        "percentile": pct,
        "proxy_agrees": "yes" if agrees else "no",
        "fields": {
            "official_label": measures.short_label(measure),
            "council": council,
            "year": year,
            "rank": rank,
            "of": of,
            "percentile": fmt.ordinal(pct),
            "proxy_value": fmt.value(float(r[measure]), "percent", sentence=True),
            "position": position,
            "extreme_council": f"{extreme['council_name']} ({fmt.value(float(extreme[measure]), 'percent', sentence=True)})",
        },
    }


def _distribution(ctx, row, entry) -> dict:
    measure, year, stat = entry["measure"], entry["year"], entry["statistic"]
    ranked = _councils(ctx, row, entry)
    v, n = ranked[measure], len(ranked)
    reported = float(row["value"])
    low, high = ctx.interval(row["figure_id"])
    t = entry.get("threshold")
    tt = fmt.value(float(t), "percent", sentence=True) if t is not None else ""
    out = {"rank": np.nan, "of": n, "official_values": ""}
    if stat in ("share_below", "share_above"):
        k = int((v < t).sum()) if stat == "share_below" else int((v > t).sum())
        proxy = 100 * k / n
        word = "below" if stat == "share_below" else "above"
        agrees = register.within(proxy, low, high)
        reported_share = f"{fmt.value(reported, 'percent', sentence=True)} of councils {word} {tt} (wording allows {fmt.number(low)}% to {fmt.number(high)}%)"
        proxy_share = f"{k} of {n} councils ({fmt.number(proxy)}%) {word} {tt}"
        out.update(implied_low=low, implied_high=high, rebuilt=proxy)
    elif stat == "one_in_above":
        k = int((v > t).sum())
        proxy = n / k if k else math.inf
        agrees = register.within(proxy, low, high)
        reported_share = f"one in {fmt.number(reported)} councils above {tt} (wording allows one in {fmt.number(low)} to one in {fmt.number(high)})"
        proxy_share = f"{k} of {n} councils above {tt}, one in {fmt.number(proxy)}"
        out.update(implied_low=low, implied_high=high, rebuilt=proxy)
    elif stat == "count_at_or_above":
        k = int((v >= t).sum())
        if "of_figure" in entry:
            base = ctx.value(entry["of_figure"])
            # The other councils could add anything from none to all of them.
            lo, hi = reported, reported + max(n - base, 0)
            reported_share = (
                f"{fmt.number(reported)} of {fmt.number(base)} responding councils ({fmt.number(100 * reported / base)}%) at or above {tt}, "
                f"so {fmt.number(lo)} to {fmt.number(hi)} of all {n} councils whatever the others did"
            )
        else:
            lo, hi = low, high
            reported_share = f"{fmt.number(reported)} councils at or above {tt}"
        agrees = lo <= k <= hi
        proxy_share = f"{k} of {n} councils ({fmt.number(100 * k / n)}%) at or above {tt}"
        out.update(implied_low=lo, implied_high=hi, rebuilt=float(k))
    else:  # max / min
        r = ranked.iloc[0] if stat == "max" else ranked.iloc[-1]
        proxy = float(r[measure])
        agrees = register.within(proxy, low, high)
        word = "highest" if stat == "max" else "lowest"
        reported_share = f"a {word} council at {fmt.value(reported, 'percent', sentence=True)} (wording allows {fmt.number(low)}% to {fmt.number(high)}%)"
        proxy_share = f"the {word} council is {r['council_name']} at {fmt.value(proxy, 'percent', sentence=True)}"
        out.update(implied_low=low, implied_high=high, rebuilt=proxy)
    out["official_values"] = f"{measure} {year}: {proxy_share}"
    out.update(
        outcome="agrees" if agrees else "disagrees",
        status="proxy",
        rebuilt_from=f"{measure}, all councils with a value, {year} (PSS-EX1 proxy)",
        proxy_agrees="yes" if agrees else "no",
        fields={
            "official_label": measures.short_label(measure),
            "year": year,
            "of": n,
            "threshold": tt,
            "reported_share": reported_share,
            "proxy_share": proxy_share,
        },
    )
    return out


def _proxy(ctx, row, entry) -> dict:
    official = ctx.official(entry["official"])
    first = [v for v in official if v["measure"] == entry["official"][0]["measure"]]
    rebuilt = first[0]["value"] if len(first) == 1 else np.nan
    same_unit = row["unit"] == "percent" and first[0]["measure"].endswith("_pct")
    return {
        "outcome": "proxy",
        "status": "proxy",
        "rebuilt": rebuilt,
        "rebuilt_from": ", ".join(sorted({f"{v['label']}, {v['year']}" for v in first})),
        "difference": rebuilt - float(row["value"]) if same_unit else np.nan,
        "official_values": _official_cell(official),
        "fields": {"official": _official_text(official)},
    }


def _not_rebuildable(ctx, row, entry) -> dict:
    return {"outcome": "not_rebuildable", "status": "not_rebuildable"}


def _later_outcome(ctx, row, entry) -> dict:
    t = what_next.against_target_series(row["figure_id"], register_frame=ctx.reg)
    outcome = "reached" if t["reached"] else "not_reached"
    year = t["first_year_reached"] if t["reached"] else t["best_year"]
    return {
        "outcome": outcome,
        "status": outcome,
        "rebuilt": t["best_pct"],
        "rebuilt_from": f"England, {t['measure']}, best of {t['years']} ({t['best_year']})",
        "difference": t["best_pct"] - t["target_pct"],
        "official_values": (
            f"ascof_1c1a england {t['years']}: {t['series_text']}; best {t['best_year']} = "
            f"{fmt.number(t['best_pct'], 1)}; councils at or above {fmt.number(t['target_pct'])}% in "
            f"{t['best_year']} = {fmt.count(t['councils_at_target'])} of {fmt.count(t['councils_published'])}"
        ),
        "bracket_low": t["target_pct"],
        "bracket_high": 100.0,
        "bracket_basis": "reached when England's outcome in some year from 2017-18 lies from the target level to 100%",
        "fields": {
            "measure": t["measure"],
            "year": year,
            "official_year": t["years"],
            "trend": t["series_text"],
            "england_pct": fmt.number(t["best_pct"], 1),
            "gap_points": fmt.number(abs(t["gap_points"]), 1),
            "councils_at_target": fmt.count(t["councils_at_target"]),
            "councils_published": fmt.count(t["councils_published"]),
            "target_pct": fmt.number(t["target_pct"]),
            "target_period": fmt.by_period(t["target_period"]),
        },
    }


# --------------------------------------------------------------------------- the proxy's bias


def bias_reference(ctx: Context, bias: dict) -> list[dict]:
    """The computed comparisons a net direction may rest on: each ``bias.reference`` figure (a
    reported NI 130 value, England's or a council's) against the proxy of its year, on the same
    footing. Each: figure, area, year, reported, proxy (percent), direction (above, below, equal)."""
    reg = ctx.reg.set_index("figure_id")
    out = []
    for ref in bias.get("reference") or []:
        r, year = reg.loc[ref["figure"]], ref["year"]
        council = str(r.get("council", "") or "").strip()
        if council:
            hit = ctx.cy[(ctx.cy["council_name"] == council) & (ctx.cy["year"] == year)]
            proxy = float(hit[k.PROXY_TAKEUP_PCT].iloc[0]) if len(hit) else np.nan
        else:
            nat = ctx.nat.set_index("year")
            proxy = float(nat[k.england(k.PROXY_TAKEUP_PCT)].get(year, np.nan))
        reported = float(r["value"])
        if not np.isfinite(proxy):
            continue
        direction = "above" if proxy > reported else "below" if proxy < reported else "equal to"
        out.append(
            {
                "figure": ref["figure"],
                "area": council or "England",
                "year": year,
                "reported": reported,
                "proxy": proxy,
                "direction": direction,
            }
        )
    return out


def comparison_text(refs: list[dict]) -> str:
    """'in 2009-10 the proxy stood above NI 130 (England 19.2% against 13%; ...)' for comparisons of one
    year that agree on their direction; the counts of each direction where they do not."""
    if not refs:
        return ""
    year = refs[0]["year"]
    pairs = "; ".join(
        f"{r['area']} {fmt.pct(r['proxy'])} against {fmt.value(r['reported'], 'percent', sentence=True)}" for r in refs
    )
    dirs = sorted({r["direction"] for r in refs})
    if len(dirs) == 1:
        return f"in {year} the proxy stood {dirs[0]} NI 130 ({pairs})"
    counts = ", ".join(f"{sum(r['direction'] == d for r in refs)} {d}" for d in dirs)
    return f"in {year} the comparisons of the proxy with NI 130 go both ways ({counts}: {pairs})"


def bias_parts_text(bias: dict, comparison: str, parts: list[str]) -> str:
    """The parts that apply to a comparison, each with its direction, from the checks file's one list."""
    words = bias["directions"][comparison]
    return "; ".join(f"{bias['parts'][p]['text']} ({words[bias['parts'][p][comparison]]})" for p in parts)


def net_text(refs: list[dict], comparison: str, year: str | None, nat: pd.DataFrame) -> str:
    """The net direction of the bias, stated only from computed comparisons: for the share comparison
    in a year the reference covers, what those comparisons show (and that they are few); for any
    other year or comparison, that no net direction is computed, with the comparisons there are."""
    if comparison != "share" or not refs:
        return "No computed comparison shows which way the parts net out, so no net direction is stated."
    by_year: dict[str, list[dict]] = {}
    for r in refs:
        by_year.setdefault(r["year"], []).append(r)
    if year in by_year:
        these = by_year[year]
        text = comparison_text(these)
        n = len(these)
        agree = len({r["direction"] for r in these}) == 1
        return f"Computed from the register's NI 130 figures, {text}" + (
            f": on those {n} comparisons the parts that push it {'up' if these[0]['direction'] == 'above' else 'down'} "
            "outweighed the rest, which does not show the same for every council."
            if agree and these[0]["direction"] != "equal to"
            else ": no net direction is shown."
        )
    basis = nat.set_index("year")[k.DEFINITION_BASIS]
    others = []
    for y, these in sorted(by_year.items()):
        same = year in basis.index and y in basis.index and basis[y] == basis[year]
        others.append(f"{comparison_text(these)}, on {'the same' if same else 'a different'} count definition")
    return (
        f"No net direction is computed for {year}; the only computed comparisons are of another year: "
        + "; ".join(others)
        + "."
    )


def bias_fields(ctx: Context, entry: dict, bias: dict, refs: list[dict]) -> dict:
    """The {bias} and {net} fields of a check with a ``bias`` field (else none)."""
    if "bias" not in entry:
        return {}
    b = entry["bias"]
    if "year" in entry:
        year = entry["year"]
    elif "official" in entry:
        year = entry["official"][0]["years"][0]
    else:
        year = None
    return {
        "bias": bias_parts_text(bias, b["comparison"], b["parts"]),
        "net": net_text(refs, b["comparison"], year, ctx.nat),
    }


def proxy_note(ctx: Context, bias: dict, refs: list[dict]) -> str:
    """The note on the proxy's bias shown with its definition on every page: every part on the share
    comparison, and the net direction only as the computed comparisons show it."""
    parts = [p for p, v in bias["parts"].items() if "share" in v]
    years = sorted({r["year"] for r in refs})
    text = (
        "Against a take-up share of people such as NI 130, the proxy's bias has parts: "
        + bias_parts_text(bias, "share", parts)
        + "."
    )
    if years:
        shown = "; ".join(comparison_text([r for r in refs if r["year"] == y]) for y in years)
        basis = ctx.nat.set_index("year")[k.DEFINITION_BASIS]
        ref_bases = {basis.get(y) for y in years}
        differ = all(b not in ref_bases for y, b in basis.items() if y not in years)
        text += (
            f" Computed from the NI 130 figures the articles report, {shown}; no net direction is computed for "
            "the other years" + (", whose count definition differs." if differ else ".")
        )
    return text


#: method name -> function(context, register row, checks entry) -> result dict.
METHODS: dict[str, Callable] = {
    "input": _input,
    "rebuild": _rebuild,
    "bracket": _bracket,
    "reconcile": _reconcile,
    "rank": _rank,
    "distribution": _distribution,
    "proxy": _proxy,
    "not_rebuildable": _not_rebuildable,
    "later_outcome": _later_outcome,
}
assert set(METHODS) == set(checks_mod.METHOD_FIELDS) == set(checks_mod.OUTCOMES)
