"""The claims table: every reported figure judged against what the data can show.

No figure is named here either: each register figure's check is an entry of
``data/reference/claim_checks.yaml`` (see :mod:`pbanalysis.analysis.checks`),
and :mod:`pbanalysis.analysis.methods` runs its method. :func:`check` puts the
results together into the claims table, one row per figure, each reason built
from the templates in the checks file, filled from the data. The rest
summarises the table: the statuses and what each means (:data:`STATUSES`,
:data:`VERDICTS`, :data:`STATUS_MEANING`), the count by status, the verdicts,
the claims a notebook section shows, how far the council proxy agrees with
the reported council figures, and one headline finding per area.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pbanalysis.analysis import checks as checks_mod
from pbanalysis.analysis import methods, register
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.dataset import data
from pbanalysis.sources import ascof_trend

if TYPE_CHECKING:
    from pathlib import Path

#: Every status a claim can have, in the order they are counted.
STATUSES = (
    "match",
    "differs",
    "consistent",
    "conditional",
    "inconsistent",
    "reached",
    "not_reached",
    "proxy",
    "not_rebuildable",
    "input",
)
#: The statuses that are verdicts on the claim (``conditional``: a verdict that depends on a missing value).
VERDICTS = ("match", "differs", "consistent", "conditional", "inconsistent", "reached", "not_reached")
#: The later measure the targets are set against, as the rows use it (one statement of the method).
LATER_MEASURE = (
    "England's best year on a later and different official measure, ASCOF self-directed support "
    f"(1C(1A), 3D1A from 2023-24), {ascof_trend.YEARS[0]} to {ascof_trend.YEARS[-1]}"
)
#: What each status means (for the notebook, the workbook and the index page).
STATUS_MEANING = {
    "match": "rebuilt from the articles' own figures, inside the interval the wording allows",
    "differs": "rebuilt from the articles' own figures, outside the interval the wording allows",
    "consistent": "an official value bounds what the claim implies, and the claim lies on the side it allows "
    "(where the bound is a missing year, at every value the bracket allows)",
    "conditional": "the official bound is itself missing (a year bracketed by its neighbours): the claim holds "
    "only if the missing value lies on one side of a stated level; not a confirmation",
    "inconsistent": "an official value bounds what the claim implies, and the claim lies on the side it rules out "
    "(where the bound is a missing year, at every value the bracket allows)",
    "reached": f"a target level reached in {LATER_MEASURE}; where things stood years later, not a verdict on "
    "the target by its date",
    "not_reached": f"a target level not reached in {LATER_MEASURE}; where things stood years later, not a "
    "verdict on the target by its date",
    "proxy": "the measure is not available; the nearest official proxy is shown, no verdict",
    "not_rebuildable": "nothing available tests it",
    "input": "a reported input, target or date, taken as given",
}
#: A status in a reader's words (tables, the index page, the workbook).
STATUS_LABEL = {
    "match": "Matches (rebuilt)",
    "differs": "Differs (rebuilt)",
    "consistent": "Consistent",
    "conditional": "Conditional on a missing official value (not a confirmation)",
    "inconsistent": "Inconsistent",
    "reached": "Level reached on the later measure (not a verdict on the target)",
    "not_reached": "Level not reached on the later measure (not a verdict on the target)",
    "proxy": "Proxy only: no verdict",
    "not_rebuildable": "Cannot be tested",
    "input": "Input, taken as given",
}

#: What a check rests on, in the order they are counted: every claim has one basis, set by a rule
#: from its method and data (:func:`basis_of`), never by hand per row.
BASES = ("official", "own_figures", "possibility", "later_outcome", "proxy", "not_rebuildable", "input")
#: A basis in a reader's words.
BASIS_LABEL = {
    "official": "tested against official data",
    "own_figures": "rebuilt from the articles' own figures",
    "possibility": "a possibility check against an official bound",
    "later_outcome": "a target set against a later outcome",
    "proxy": "set beside a proxy, no verdict",
    "not_rebuildable": "nothing available can test it",
    "input": "an input, taken as given",
}
#: What each basis means, and the rule that gives it.
BASIS_MEANING = {
    "official": "an official count of the same people on a narrower definition, at the same date, is a floor "
    "the claim could have fallen below",
    "own_figures": "the articles' own inputs rebuilt: a test of the articles' arithmetic, not of official data",
    "possibility": "the claim is part of an official whole (it can fail only by exceeding it), or the bound is "
    "a missing year bracketed by its neighbours: it shows the claim is possible, not that it is right",
    "later_outcome": "a target level against a later and different official measure, years after its date",
    "proxy": "the measure is not available; the nearest official measure is set beside it",
    "not_rebuildable": "nothing available can test it",
    "input": "a reported input, target or date, with nothing official to test it against",
}
#: The basis of each method's result where the method itself does not set one (bracket and
#: reconcile set theirs from their relation and bound).
METHOD_BASIS = {
    "input": "input",
    "rebuild": "own_figures",
    "later_outcome": "later_outcome",
    "not_rebuildable": "not_rebuildable",
    "proxy": "proxy",
    "rank": "proxy",
    "distribution": "proxy",
}


def basis_of(method: str, result: dict) -> str:
    """The basis of a method's result: the one it set (bracket, reconcile), else its method's."""
    return result.get("basis") or METHOD_BASIS[method]


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
    "basis",
    "rebuilt",
    "rebuilt_from",
    "difference",
    "official_values",
    "implied_low",
    "implied_high",
    "bracket_low",
    "bracket_high",
    "bracket_basis",
    "straight_line",
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


def _fill(path: Path | str, where: str, template: str, fields: dict) -> str:
    try:
        return template.format(**fields)
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(path, f"a template whose placeholders this method fills ({exc})", key=where) from None


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
    path = path if path is not None else paths.CLAIM_CHECKS_YAML
    if doc is None:
        doc = checks_mod.load_checks(path, figure_ids=reg["figure_id"])
    ctx = methods.Context(reg, cy, nat, path)
    refs = methods.bias_reference(ctx, doc["bias"])
    rows = []
    for _, r in reg.iterrows():
        fid = r["figure_id"]
        if fid not in doc["checks"]:
            raise InputError(path, "an entry for every register figure_id", key=f"checks.{fid}", found="no entry")
        entry = doc["checks"][fid]
        method = entry["method"]
        res = methods.METHODS[method](ctx, r, entry)
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
        fields.update(methods.bias_fields(ctx, entry, doc["bias"], refs))
        opening = _fill(path, f"templates.{method}.{res['outcome']}", doc["templates"][method][res["outcome"]], fields)
        basis = _fill(path, f"checks.{fid}.basis", entry["basis"], fields) if "basis" in entry else ""
        not_est = (
            _fill(path, f"checks.{fid}.not_established", entry["not_established"], fields)
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
                "basis": basis_of(method, res),
                "rebuilt": _round(rebuilt, 6),
                "rebuilt_from": res.get("rebuilt_from", ""),
                "difference": _round(res.get("difference", np.nan), 6),
                "official_values": res.get("official_values", ""),
                "implied_low": _round(res.get("implied_low", np.nan), 6),
                "implied_high": _round(res.get("implied_high", np.nan), 6),
                "bracket_low": _round(res.get("bracket_low", np.nan), 6),
                "bracket_high": _round(res.get("bracket_high", np.nan), 6),
                "bracket_basis": res.get("bracket_basis", ""),
                "straight_line": _round(res.get("straight_line", np.nan), 6),
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
    bad = out[~out["status"].isin(STATUSES) | ~out["basis"].isin(BASES)]
    if len(bad):  # pragma: no cover - a method returning an unknown status is a programming error
        raise ValueError(f"unknown status {bad['status'].iloc[0]!r} for {bad['figure_id'].iloc[0]}")
    return out


def proxy_note(reg: pd.DataFrame | None = None, cy: pd.DataFrame | None = None, nat: pd.DataFrame | None = None) -> str:
    """The note on the proxy's bias that every page shows beside its definition: the parts from the
    checks file, each with its direction, and a net direction only as computed from the register's
    NI 130 figures against the proxy (:func:`pbanalysis.analysis.methods.proxy_note`)."""
    if reg is None and cy is None and nat is None:
        return _default_proxy_note()
    reg = reg if reg is not None else register.load_register()
    cy = cy if cy is not None else data.load_council_year()
    nat = nat if nat is not None else data.load_national_series()
    doc = checks_mod.load_checks(figure_ids=reg["figure_id"])
    ctx = methods.Context(reg, cy, nat, None)
    return methods.proxy_note(ctx, doc["bias"], methods.bias_reference(ctx, doc["bias"]))


@functools.cache
def _default_proxy_note() -> str:
    return proxy_note(register.load_register(), data.load_council_year(), data.load_national_series())


def check_statuses(show_status: str | list[str]) -> list[str]:
    """The statuses to list: ``"all"`` gives :data:`STATUSES`; else a non-empty list of them, or ParameterError."""
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


def by_basis(claims: pd.DataFrame) -> pd.DataFrame:
    """Figures by basis and status: ``basis``, ``status``, ``figures``, in the order of :data:`BASES`
    then :data:`STATUSES`, only the pairs that occur. The one count every output prints (main
    points, the claims table of the index page, the workbook, the notebook)."""
    counts = claims.groupby(["basis", "status"]).size()
    rows = [
        {"basis": b, "status": s, "figures": int(counts[(b, s)])}
        for b in BASES
        for s in STATUSES
        if (b, s) in counts.index
    ]
    return pd.DataFrame(rows, columns=["basis", "status", "figures"])


def basis_counts(claims: pd.DataFrame) -> dict[str, dict[str, int]]:
    """:func:`by_basis` as basis -> {status: figures} (bases with no figure left out)."""
    out: dict[str, dict[str, int]] = {}
    for r in by_basis(claims).itertuples():
        out.setdefault(r.basis, {})[r.status] = r.figures
    return out


def verdicts(claims: pd.DataFrame) -> pd.DataFrame:
    """The rows that carry a verdict (:data:`VERDICTS`)."""
    return claims[claims["status"].isin(VERDICTS)]


def for_section(claims: pd.DataFrame, section: str) -> pd.DataFrame:
    """The claims a notebook section shows (``section`` as 'notebook#anchor'), with their evidence."""
    cols = [
        "figure_id",
        "statement",
        "reported",
        "unit",
        "status",
        "basis",
        "rebuilt",
        "official_values",
        "bracket_low",
        "bracket_high",
    ]
    cols += ["rank", "of", "proxy_agrees", "finding", "not_established"]
    return claims.loc[claims["section"] == section, cols].reset_index(drop=True)


def proxy_agreement(claims: pd.DataFrame, section: str) -> list[str]:
    """Sentences on how far the proxy agrees with the reported council figures of ``section``.

    One sentence per rank or distribution claim (its finding), then the count of agreements
    (:func:`proxy_agreement_overall`). Built from the claims table; nothing typed to fit the data.
    """
    sub = _proxy_claims(claims, section)
    if sub.empty:
        return []
    out = [f"{r['statement']} {r['finding'].removeprefix('Proxy only, no verdict. ')}" for _, r in sub.iterrows()]
    return [*out, proxy_agreement_overall(claims, section)]


def _proxy_claims(claims: pd.DataFrame, section: str) -> pd.DataFrame:
    return claims[(claims["section"] == section) & claims["method"].isin(["rank", "distribution"])]


def proxy_agreement_overall(claims: pd.DataFrame, section: str) -> str:
    """The count of the reported council statements of ``section`` the proxy agrees with, and what
    agreement and disagreement between two measures do not show ("" where the section has none)."""
    sub = _proxy_claims(claims, section)
    if sub.empty:
        return ""
    agree = int((sub["proxy_agrees"] == "yes").sum())
    ranks = sub[sub["method"] == "rank"]
    rank_agree = int((ranks["proxy_agrees"] == "yes").sum())
    return (
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


def headlines(claims: pd.DataFrame, doc: dict | None = None) -> list[dict]:
    """One finding per headline area of the checks file: area, title, section, sentence.

    The sentence counts the area's figures by basis and status (:func:`basis_counts`) and quotes the
    finding of its headline figure.
    """
    doc = doc if doc is not None else checks_mod.load_checks()
    out = []
    for area, h in doc["uses"]["headlines"].items():
        sub = claims[claims["section"].str.split("#").str[0] == area]
        parts = [
            f"{n} {BASIS_LABEL[b]}" + (f", {STATUS_LABEL[st].lower()}" if b not in ("proxy", "not_rebuildable") else "")
            for b, by in basis_counts(sub).items()
            if b != "input"
            for st, n in by.items()
        ]
        row = claims.set_index("figure_id").loc[h["figure"]]
        agreement = proxy_agreement_overall(claims, row["section"])
        lead = agreement or row["finding"]
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
