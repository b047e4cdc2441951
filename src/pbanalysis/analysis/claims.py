"""The claims check: every reported figure judged against what the data can show.

``claims.py`` knows no figure: each register figure's check (method, official
measure, years, reason texts, notebook section) is an entry of
``data/reference/claim_checks.yaml`` (see :mod:`pbanalysis.analysis.checks`). This module
interprets the methods:

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

Every reason is built from the templates in the checks file, filled from the
data. A new method needs a function in :data:`METHODS`, its fields and
outcomes in :mod:`pbanalysis.analysis.checks` and its sentences in the checks file.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pbanalysis.analysis import checks as checks_mod
from pbanalysis.analysis import measures, register
from pbanalysis.core import format as fmt
from pbanalysis.core.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

#: Every status a claim can have, in the order they are counted.
STATUSES = (
    "match",
    "differs",
    "consistent",
    "inconsistent",
    "reached",
    "not_reached",
    "proxy",
    "not_rebuildable",
    "input",
)
#: The statuses that are verdicts on the claim.
VERDICTS = ("match", "differs", "consistent", "inconsistent", "reached", "not_reached")
#: What each status means (for the notebook and the index page).
STATUS_MEANING = {
    "match": "rebuilt from the register's inputs, inside the interval the wording allows",
    "differs": "rebuilt from the register's inputs, outside the interval the wording allows",
    "consistent": "official values bound what the claim implies, and the claim lies on the allowed side",
    "inconsistent": "official values bound what the claim implies, and the claim lies outside",
    "reached": "a target level, reached by England on the later official measure (ASCOF 1C, 2020-21)",
    "not_reached": "a target level, not reached by England on the later official measure (ASCOF 1C, 2020-21)",
    "proxy": "the measure is not available; the nearest official proxy is shown, no verdict",
    "not_rebuildable": "nothing available tests it",
    "input": "a reported input, target or date, taken as given",
}

CLAIMS_COLUMNS = [
    "figure_id",
    "source_id",
    "kind",
    "statement",
    "reported",
    "unit",
    "stated_precision",
    "tolerance_low",
    "tolerance_high",
    "method",
    "status",
    "rebuilt",
    "rebuilt_from",
    "difference",
    "official_values",
    "implied_low",
    "implied_high",
    "bracket_low",
    "bracket_high",
    "bracket_basis",
    "rank",
    "of",
    "percentile",
    "proxy_agrees",
    "finding",
    "verdict_basis",
    "not_established",
    "reason",
    "section",
]


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
                    self.path, "a column of national_series.csv", column="official.measure", found=spec["measure"]
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


def _fill(ctx: Context, where: str, template: str, fields: dict) -> str:
    try:
        return template.format(**fields)
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(ctx.path, f"a template whose placeholders this method fills ({exc})", column=where) from None


# --------------------------------------------------------------------------- methods


def _input(ctx, row, entry) -> dict:
    return {"outcome": "input", "status": "input"}


def _rebuild(ctx, row, entry) -> dict:
    if row["kind"] != "derived":
        raise InputError(
            ctx.path, "method rebuild only for derived figures", column=f"checks.{row['figure_id']}.method"
        )
    rebuilt = register.evaluate(row["derivation"], dict(zip(ctx.reg["figure_id"], ctx.reg["value"])))
    low, high = ctx.interval(row["figure_id"])
    names = register.expression_names(row["derivation"])
    inputs = ", ".join(f"{n} = {fmt.number(ctx.value(n))}" for n in names)
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
            "inputs": inputs,
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


def _verdict(relation: str, low: float, high: float, blow: float, bhigh: float) -> bool:
    """Whether a claim interval (low, high) fits the official bracket (blow, bhigh) under ``relation``."""
    if relation == "at_least":
        return high >= blow
    if relation == "at_most":
        return low <= bhigh
    return high >= blow and low <= bhigh


def _bracket(ctx, row, entry) -> dict:
    value, low, high = _implied(ctx, row, entry)
    official = ctx.official(entry["official"])
    present = [v["value"] for v in official if np.isfinite(v["value"])]
    blow, bhigh = (min(present), max(present)) if present else (np.nan, np.nan)
    trend = "the official values are all present"
    bounded = bool(present) and len(present) == len(official)
    if entry.get("monotonic"):
        rising, trend = _trend(ctx, entry["official"][0])
        bounded = bounded and rising
    relation = entry["relation"]
    if bounded:
        ok = _verdict(relation, low, high, blow, bhigh)
        outcome = "consistent" if ok else "inconsistent"
    else:
        outcome = "no_verdict"
    label = entry.get("implied_label", row["statement"])
    return {
        "outcome": outcome,
        "status": outcome if outcome != "no_verdict" else "proxy",
        "rebuilt": value,
        "rebuilt_from": f"implied: {entry.get('implied', row['figure_id'])}",
        "official_values": _official_cell(official),
        "implied_low": low,
        "implied_high": high,
        "bracket_low": blow,
        "bracket_high": bhigh,
        "bracket_basis": f"{relation}: {checks_mod.RELATIONS[relation]}; {trend}",
        "fields": {
            "implied_label": label,
            "implied_low": fmt.number(low),
            "implied_high": fmt.number(high),
            "bracket_low": fmt.number(blow),
            "bracket_high": fmt.number(bhigh),
            "official": _official_text(official),
            "trend": trend,
            "implied_range": fmt.value_range(low, high),
            "bracket_range": fmt.value_range(blow, bhigh),
            "relation_text": checks_mod.RELATIONS[relation],
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
        ok = _verdict(relation, low, high, ov, ov)
        outcome = "consistent" if ok else "inconsistent"
        status = outcome
    else:
        outcome, status = "no_verdict", "proxy"
    blow, bhigh = {"at_least": (ov, math.inf), "at_most": (-math.inf, ov), "within": (ov, ov)}.get(
        relation, (np.nan, np.nan)
    )
    return {
        "outcome": outcome,
        "status": status,
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
        raise InputError(ctx.path, "a column of council_year.csv", column=f"{where}.measure", found=measure)
    ranked = measures.councils_in_year(ctx.cy, year, measure)
    if ranked.empty:
        raise InputError(ctx.path, f"a year with council values of {measure}", column=f"{where}.year", found=year)
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
            column=f"checks.{row['figure_id']}",
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
            "official_label": data_label(measure),
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


def data_label(measure: str) -> str:
    """The short name of a council measure (from :data:`pbanalysis.analysis.measures.VARIANCE_MEASURES`)."""
    return measures.VARIANCE_MEASURES.get(measure, measure).split(":")[0]


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
            "official_label": data_label(measure),
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
    from pbanalysis.analysis import what_next
    from pbanalysis.core import format as fmt

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


def _round(v, digits=4):
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return v
    return round(float(v), digits)


def check(
    reg: pd.DataFrame, cy: pd.DataFrame, nat: pd.DataFrame, doc: dict | None = None, path: Path | str | None = None
) -> pd.DataFrame:
    """The claims table: one row per register figure, with its status and evidence.

    ``doc`` is the checks file (:func:`pbanalysis.analysis.checks.load_checks`), loaded
    from ``paths.CLAIM_CHECKS_YAML`` when not given. Columns:
    :data:`CLAIMS_COLUMNS`; ``reported``/``rebuilt`` in the figure's unit,
    ``rank``/``of`` for council claims, ``reason`` in full.
    """
    from pbanalysis.core import paths

    path = path if path is not None else paths.CLAIM_CHECKS_YAML
    if doc is None:
        doc = checks_mod.load_checks(path, figure_ids=reg["figure_id"])
    ctx = Context(reg, cy, nat, path)
    rows = []
    for _, r in reg.iterrows():
        fid = r["figure_id"]
        if fid not in doc["checks"]:
            raise InputError(path, "an entry for every register figure_id", column=f"checks.{fid}", found="no entry")
        entry = doc["checks"][fid]
        method = entry["method"]
        res = METHODS[method](ctx, r, entry)
        reported = float(r["value"])
        low, high = register.implied_tolerance(r["stated_precision"], reported)
        fields = {
            "figure_id": fid,
            "reported": fmt.number(reported),
            "reported_text": fmt.value(reported, r["unit"], sentence=True),
            "precision": register.PRECISION_WORDS[r["stated_precision"]],
            "low": fmt.number(low),
            "high": fmt.number(high),
        }
        fields.update({k: v for k, v in res.get("fields", {}).items()})
        opening = _fill(ctx, f"templates.{method}.{res['outcome']}", doc["templates"][method][res["outcome"]], fields)
        basis = _fill(ctx, f"checks.{fid}.basis", entry["basis"], fields) if "basis" in entry else ""
        not_est = (
            _fill(ctx, f"checks.{fid}.not_established", entry["not_established"], fields)
            if "not_established" in entry
            else ""
        )
        reason = " ".join(
            x for x in [opening, basis, f"Not established: {not_est[:1].lower()}{not_est[1:]}" if not_est else ""] if x
        )
        rebuilt = res.get("rebuilt", np.nan)
        rows.append(
            {
                "figure_id": fid,
                "source_id": r["source_id"],
                "kind": r["kind"],
                "statement": r["statement"],
                "reported": reported,
                "unit": r["unit"],
                "stated_precision": r["stated_precision"],
                "tolerance_low": _round(low),
                "tolerance_high": _round(high),
                "method": method,
                "status": res["status"],
                "rebuilt": _round(rebuilt, 6),
                "rebuilt_from": res.get("rebuilt_from", ""),
                "difference": _round(res.get("difference", np.nan), 6),
                "official_values": res.get("official_values", ""),
                "implied_low": _round(res.get("implied_low", np.nan), 6),
                "implied_high": _round(res.get("implied_high", np.nan), 6),
                "bracket_low": _round(res.get("bracket_low", np.nan), 6),
                "bracket_high": _round(res.get("bracket_high", np.nan), 6),
                "bracket_basis": res.get("bracket_basis", ""),
                "rank": res.get("rank", np.nan),
                "of": res.get("of", np.nan),
                "percentile": res.get("percentile", np.nan),
                "proxy_agrees": res.get("proxy_agrees", ""),
                "finding": opening,
                "verdict_basis": basis if method != "input" else "",
                "not_established": not_est,
                "reason": reason,
                "section": entry["section"],
            }
        )
    out = pd.DataFrame(rows, columns=CLAIMS_COLUMNS)
    for col in ("rank", "of", "percentile"):
        out[col] = out[col].astype("Int64")
    bad = out[~out["status"].isin(STATUSES)]
    if len(bad):  # pragma: no cover - a method returning an unknown status is a programming error
        raise ValueError(f"unknown status {bad['status'].iloc[0]!r} for {bad['figure_id'].iloc[0]}")
    return out


def check_statuses(show_status: str | list[str]) -> list[str]:
    """The statuses to list: ``"all"`` gives :data:`STATUSES`; else a non-empty list of them, or ParameterError."""
    from pbanalysis.core.errors import ParameterError

    if show_status == "all":
        return list(STATUSES)
    if not isinstance(show_status, list) or not show_status or any(s not in STATUSES for s in show_status):
        raise ParameterError("show_status", show_status, ["all"] + list(STATUSES))
    return show_status


def summary(claims: pd.DataFrame) -> pd.DataFrame:
    """Count of figures by status (every status in :data:`STATUSES`, zeros included)."""
    return (
        claims["status"]
        .value_counts()
        .reindex(list(STATUSES), fill_value=0)
        .rename_axis("status")
        .reset_index(name="figures")
    )


def verdicts(claims: pd.DataFrame) -> pd.DataFrame:
    """The rows that carry a verdict (match, differs, consistent, inconsistent)."""
    return claims[claims["status"].isin(VERDICTS)]


def for_section(claims: pd.DataFrame, section: str) -> pd.DataFrame:
    """The claims a notebook section shows (``section`` as 'notebook#anchor'), with their evidence."""
    cols = [
        "figure_id",
        "statement",
        "reported",
        "unit",
        "status",
        "rebuilt",
        "official_values",
        "bracket_low",
        "bracket_high",
    ]
    cols += ["rank", "of", "proxy_agrees", "finding", "not_established"]
    return claims.loc[claims["section"] == section, cols].reset_index(drop=True)


def proxy_agreement(claims: pd.DataFrame, section: str) -> list[str]:
    """Sentences on how far the proxy agrees with the reported council figures of ``section``.

    One sentence per rank or distribution claim (its finding), then a count of
    agreements. Built from the claims table; nothing typed to fit the data.
    """
    sub = claims[(claims["section"] == section) & claims["method"].isin(["rank", "distribution"])]
    if sub.empty:
        return []
    out = [f"{r['statement']} {r['finding'].removeprefix('Proxy only, no verdict. ')}" for _, r in sub.iterrows()]
    agree = int((sub["proxy_agrees"] == "yes").sum())
    ranks = sub[sub["method"] == "rank"]
    rank_agree = int((ranks["proxy_agrees"] == "yes").sum())
    out.append(
        f"In all, the proxy agrees with {agree} of {len(sub)} reported council statements "
        f"({rank_agree} of {len(ranks)} named councils at the top or bottom, "
        f"{agree - rank_agree} of {len(sub) - len(ranks)} shares, counts and extremes). "
        + (
            "Where it disagrees, two different measures disagree: that is not evidence that the reported "
            "NI 130 figures were wrong, and where it agrees it does not confirm them."
            if agree < len(sub)
            else "Agreement between two different measures does not confirm the reported NI 130 figures."
        )
    )
    return out


def headlines(claims: pd.DataFrame, doc: dict | None = None) -> list[dict]:
    """One finding per headline area of the checks file: area, title, section, sentence.

    The sentence counts the area's statuses and quotes the finding of its headline figure.
    """
    doc = doc if doc is not None else checks_mod.load_checks()
    out = []
    for area, h in doc["uses"]["headlines"].items():
        sub = claims[claims["section"].str.split("#").str[0] == area]
        counts = sub["status"].value_counts()
        parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES if s in counts and s != "input"]
        row = claims.set_index("figure_id").loc[h["figure"]]
        agreement = proxy_agreement(claims, row["section"])
        lead = agreement[-1] if agreement else row["finding"]
        if not agreement and row["not_established"]:
            lead += f" Not established: {row['not_established'][:1].lower()}{row['not_established'][1:]}"
        out.append(
            {
                "area": area,
                "title": h["title"],
                "section": row["section"],
                "figure_id": h["figure"],
                "sentence": f"{len(sub)} reported figures ({', '.join(parts) or 'inputs only'}). {lead}",
            }
        )
    return out
