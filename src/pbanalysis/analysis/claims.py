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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pbanalysis.analysis import checks as checks_mod
from pbanalysis.analysis import methods, register
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


def _fill(path: Path | str, where: str, template: str, fields: dict) -> str:
    try:
        return template.format(**fields)
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(path, f"a template whose placeholders this method fills ({exc})", column=where) from None


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
    ctx = methods.Context(reg, cy, nat, path)
    rows = []
    for _, r in reg.iterrows():
        fid = r["figure_id"]
        if fid not in doc["checks"]:
            raise InputError(path, "an entry for every register figure_id", column=f"checks.{fid}", found="no entry")
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
