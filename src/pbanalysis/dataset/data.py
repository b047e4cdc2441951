"""Processed, analysis-ready tables (``make data``) and one loader per table.

Built from ``data/raw`` only:

``council_year.csv``
    One row per council and year: people on direct payments (or direct
    payments and personal budgets, where that year's definition says so) and on
    the other community services at 31 March, the proxy take-up rate, and
    direct-payment gross spend and spend per recipient.
``national_series.csv``
    One row per year: the England row of each table beside the council sums.
``england_reconciliation.csv``
    Each main measure's England value against the sum of its councils, with
    the difference explained (rounding to the nearest 5, suppressed cells,
    estimates for missing councils).

Loaders: :func:`load_council_year`, :func:`load_national_series`, plus :func:`load_extract` and
:func:`load_councils` for the raw extracts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from pbanalysis.core import keys as k
from pbanalysis.core import paths
from pbanalysis.core.atomic import write_csv
from pbanalysis.core.errors import InputError, ParameterError
from pbanalysis.sources import lookup, pssex1_rules

#: Proxy take-up: its name and definition, shown wherever the proxy is used.
PROXY_NAME = "Proxy take-up: direct payments as a share of community-service receipts at 31 March"
PROXY_DEFINITION = (
    pssex1_rules.DP_COUNT_DEFINITION + " divided by the community-service receipts at 31 March: "
    "the receipts of home care, day care, meals and direct payments, all ages (PSS-EX1 / RAP P2s). "
    "These are receipts, not people: a person receiving two of the services is two receipts. "
    "It is NOT NI 130 (clients and carers receiving self-directed support during the year "
    "as a share of all community-based clients and carers), which is not published per council in "
    "the data available here."
)

#: The community services whose 31 March counts make the proxy's denominator.
COMMUNITY_MEASURES = list(k.COMMUNITY_MEASURES)

#: Measures reconciled against the England row.
RECONCILED = [
    ("activity", k.DP_CLIENTS_31MAR, "all", "all_ages"),
    ("activity", k.HOME_CARE_CLIENTS_31MAR, "all", "all_ages"),
    ("activity", k.DAY_CARE_CLIENTS_31MAR, "all", "all_ages"),
    ("activity", k.MEALS_CLIENTS_31MAR, "all", "all_ages"),
    ("unitcosts", k.DP_GROSS_COST, "all_adults", "18+"),
    ("unitcosts", k.DP_RECIPIENTS_31MAR, "all_adults", "18+"),
]

#: The unit-cost table's recipients, before :func:`pbanalysis.sources.pssex1_rules.spend_recipients` picks the count.
_UC_RECIPIENTS = k.DP_RECIPIENTS_31MAR + "_uc"

_DTYPES = {
    "year": str,
    "council_code": str,
    "council_name": str,
    "area": str,
    "measure": str,
    "client_group": str,
    "age_band": str,
    k.DEFINITION_BASIS: str,
    "unit": str,
    "flag": str,
    "flag_reason": str,
    "source_file": str,
    "source_code": str,
    "definition": str,
}


def _read(path, dtype=None, numeric_blank_is_missing=False) -> pd.DataFrame:
    """Read a project CSV; empty text stays "", empty numbers become missing."""
    path = Path(path)
    if not path.exists():
        hint = "run `make data`" if path.parent == paths.PROCESSED_DIR else "run `make raw`"
        raise InputError(path, f"the file to exist ({hint})", found="no such file")
    if not numeric_blank_is_missing:
        return pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values={"value": [""]})
    df = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""])
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].fillna("").astype(str)
    return df


def load_extract(kind: str = "activity") -> pd.DataFrame:
    """The tidy PSS-EX1 extract of one table kind ('activity' or 'unitcosts')."""
    files = {"activity": paths.PSSEX1_ACTIVITY_CSV, "unitcosts": paths.PSSEX1_UNITCOSTS_CSV}
    if kind not in files:
        raise ParameterError("kind", kind, list(files))
    p = files[kind]
    df = _read(p, dtype=_DTYPES)
    df["value"] = pd.to_numeric(df["value"])
    return df


def load_councils() -> pd.DataFrame:
    """PSS-EX1 council codes with GSS code, region and council type."""
    return _read(paths.COUNCILS_CSV, dtype=str)


def _wide(df: pd.DataFrame, measures: dict[tuple[str, str, str], str]) -> pd.DataFrame:
    keys = ["year", "council_code", "area"]
    parts = []
    for (measure, group, age), col in measures.items():
        sub = df[(df["measure"] == measure) & (df["client_group"] == group) & (df["age_band"] == age)]
        sub = sub[keys + ["value", "flag", k.DEFINITION_BASIS]].rename(
            columns={"value": col, "flag": k.flag(col), k.DEFINITION_BASIS: f"{col}_basis"}
        )
        parts.append(sub.set_index(keys))
    return pd.concat(parts, axis=1).reset_index()


def build_council_year(activity: pd.DataFrame, unitcosts: pd.DataFrame, councils: pd.DataFrame) -> pd.DataFrame:
    """One row per council and year (England rows kept, area='england')."""
    act = _wide(
        activity,
        {
            (m, "all", "all_ages"): m
            for m in (k.DP_CLIENTS_31MAR, k.HOME_CARE_CLIENTS_31MAR, k.DAY_CARE_CLIENTS_31MAR, k.MEALS_CLIENTS_31MAR)
        },
    )
    uc = _wide(
        unitcosts[unitcosts["measure"].isin([k.DP_GROSS_COST, k.DP_RECIPIENTS_31MAR])],
        {
            (k.DP_GROSS_COST, "all_adults", "18+"): k.DP_GROSS_COST_GBP000,
            (k.DP_RECIPIENTS_31MAR, "all_adults", "18+"): _UC_RECIPIENTS,
        },
    )
    out = act.merge(uc, on=["year", "council_code", "area"], how="left")
    out[k.DEFINITION_BASIS] = out[f"{k.DP_CLIENTS_31MAR}_basis"]
    out[k.DEFINITION_NOTE] = ""
    # Where the table's header and its counts disagree, the source module says what the count is.
    for year, note in pssex1_rules.dp_only_in_effect(activity, unitcosts).items():
        rows = out["year"] == year
        out.loc[rows, k.DEFINITION_BASIS] = k.BASIS_DP_ONLY
        out.loc[rows, k.DEFINITION_NOTE] = note
    community = list(k.COMMUNITY_MEASURES)
    denom = out[community].sum(axis=1, min_count=len(community))
    denom = denom.where(out[community].notna().all(axis=1))
    out[k.COMMUNITY_RECEIPTS_31MAR] = denom
    out[k.PROXY_TAKEUP_PCT] = (100 * out[k.DP_CLIENTS_31MAR] / denom.replace(0, np.nan)).round(2)
    # A sum or share that needs a suppressed part ('-', 1 to 5 people) is itself suppressed: its
    # symbol is [c], not [x]; any other missing part makes it not available.
    for col, parts in ((k.COMMUNITY_RECEIPTS_31MAR, community), (k.PROXY_TAKEUP_PCT, community)):
        out[k.flag(col)] = derived_flag(out, parts, out[col])
    gross = out[k.DP_GROSS_COST_GBP000]
    out[k.DP_RECIPIENTS_31MAR], out[k.RECIPIENTS_SOURCE] = pssex1_rules.spend_recipients(
        out[_UC_RECIPIENTS], out[k.DP_CLIENTS_31MAR], gross
    )
    spend = 1000 * gross / out[k.DP_RECIPIENTS_31MAR].replace(0, np.nan)
    not_credible = pssex1_rules.spend_not_credible(gross, out[k.DP_RECIPIENTS_31MAR])
    out[k.DP_SPEND_PER_RECIPIENT_GBP] = spend.where(~not_credible).round(0)
    out[k.SPEND_NOTE] = np.where(not_credible, pssex1_rules.NOT_CREDIBLE_SPEND, "")
    meta = councils[["council_code", "council_name", "gss_code", "region", "council_type", "council_type_2008_09"]]
    out = out.merge(meta, on="council_code", how="left")
    out["council_type"] = lookup.council_type_in_year(out["year"], out["council_type"], out["council_type_2008_09"])
    eng = out["area"] == "england"
    out.loc[eng, ["council_name", "gss_code", "region", "council_type"]] = ["England", "E92000001", "", ""]
    cols = [
        "year",
        "area",
        "council_code",
        "council_name",
        "gss_code",
        "region",
        "council_type",
        k.DEFINITION_BASIS,
        k.DEFINITION_NOTE,
        k.DP_CLIENTS_31MAR,
        k.DP_CLIENTS_31MAR_FLAG,
        k.HOME_CARE_CLIENTS_31MAR,
        k.flag(k.HOME_CARE_CLIENTS_31MAR),
        k.DAY_CARE_CLIENTS_31MAR,
        k.flag(k.DAY_CARE_CLIENTS_31MAR),
        k.MEALS_CLIENTS_31MAR,
        k.flag(k.MEALS_CLIENTS_31MAR),
        k.COMMUNITY_RECEIPTS_31MAR,
        k.flag(k.COMMUNITY_RECEIPTS_31MAR),
        k.PROXY_TAKEUP_PCT,
        k.flag(k.PROXY_TAKEUP_PCT),
        k.DP_GROSS_COST_GBP000,
        k.DP_GROSS_COST_GBP000_FLAG,
        k.DP_RECIPIENTS_31MAR,
        k.RECIPIENTS_SOURCE,
        k.DP_SPEND_PER_RECIPIENT_GBP,
        k.SPEND_NOTE,
    ]
    out = out[cols].sort_values(["year", "area", "council_code"], kind="mergesort").reset_index(drop=True)
    validate_council_year(out)
    return out


def derived_flag(df: pd.DataFrame, parts: list[str], value: pd.Series) -> pd.Series:
    """The source mark of a value computed from ``parts`` (each with its ``<part>_flag`` column):
    empty where it has a value; ``-`` (suppressed, [c]) where every missing part is suppressed;
    else the first other mark of a missing part ('..', '.', 'blank')."""
    out = pd.Series("", index=df.index, dtype=object)
    for i in df.index[value.isna()]:
        marks = [str(df.at[i, k.flag(p)] or "") for p in parts if pd.isna(df.at[i, p])]
        marks = [m for m in marks if m and m != "nan"]
        if marks and all(m == "-" for m in marks):
            out[i] = "-"
        elif marks:
            out[i] = next(m for m in marks if m != "-")
    return out


def validate_council_year(df: pd.DataFrame, path: Path | str | None = None) -> None:
    """Checks a processed council x year table must pass; raises InputError otherwise."""
    dup = df.duplicated(["year", "council_code"])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            path or paths.COUNCIL_YEAR_CSV,
            "one row per year and council",
            row=i + 2,
            column="council_code",
            found=df.loc[i, "council_code"],
        )
    bad = df[k.PROXY_TAKEUP_PCT].notna() & ~df[k.PROXY_TAKEUP_PCT].between(0, 100)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            path or paths.COUNCIL_YEAR_CSV,
            "a percentage from 0 to 100",
            row=i + 2,
            column=k.PROXY_TAKEUP_PCT,
            found=str(df.loc[i, k.PROXY_TAKEUP_PCT]),
        )
    counts = df[df["area"] == "council"].groupby("year")["council_code"].nunique()
    for year, n in counts.items():
        expected = pssex1_rules.expected_councils(year)
        if n != expected:
            raise InputError(
                path or paths.COUNCIL_YEAR_CSV, f"{expected} councils in {year}", column="council_code", found=str(n)
            )


def reconcile(extract: pd.DataFrame, table: str, measure: str, group: str, age: str) -> pd.DataFrame:
    """England row against the council sum for one measure, each year, with the gap explained."""
    sub = extract[(extract["measure"] == measure) & (extract["client_group"] == group) & (extract["age_band"] == age)]
    rows = []
    for year, g in sub.groupby("year"):
        eng = g[g["area"] == "england"]["value"]
        c = g[g["area"] == "council"]
        england = float(eng.iloc[0]) if len(eng) and pd.notna(eng.iloc[0]) else np.nan
        total = float(c["value"].sum())
        n_small = int((c["flag"] == "-").sum())
        n_missing = int(c["flag"].isin(["..", ".", "blank"]).sum())
        n = int(c["value"].notna().sum())
        diff = england - total
        rounding = 2.5 * n if measure != k.DP_GROSS_COST else 0.5 * n
        if np.isnan(diff):
            why = "no England value"
        elif abs(diff) < 1e-9:
            why = "exact"
        elif n_missing and diff > 0:
            why = f"England total includes estimates for {n_missing} council(s) with no return ('..'), plus rounding"
        elif n_small and 0 < diff <= 5 * n_small + rounding:
            why = f"{n_small} suppressed cell(s) ('-', 1 to 5 each) plus rounding"
        elif abs(diff) <= rounding:
            why = "rounding: each council figure is rounded (to the nearest 5 people or £1,000)"
        else:
            why = "unexplained"
        rows.append(
            {
                "year": year,
                "table": table,
                "measure": measure,
                "client_group": group,
                "age_band": age,
                "england_value": england,
                "council_sum": total,
                "councils_with_value": n,
                "councils_suppressed": n_small,
                "councils_missing": n_missing,
                "difference": round(diff, 2),
                "difference_pct": round(100 * diff / england, 3) if england else np.nan,
                "explanation": why,
            }
        )
    return pd.DataFrame(rows)


def build_reconciliation(activity: pd.DataFrame, unitcosts: pd.DataFrame) -> pd.DataFrame:
    """Every measure of :data:`RECONCILED`: England row against the council sum, one row per year."""
    parts = [reconcile(activity if t == "activity" else unitcosts, t, m, g, a) for t, m, g, a in RECONCILED]
    return pd.concat(parts, ignore_index=True)


def build_national_series(council_year: pd.DataFrame) -> pd.DataFrame:
    """One row per year: the England values the report uses, and how many councils reported."""
    eng = council_year[council_year["area"] == "england"].set_index("year")
    cy = council_year[council_year["area"] == "council"]
    out = pd.DataFrame(index=sorted(council_year["year"].unique()))
    out.index.name = "year"
    out[k.DEFINITION_BASIS] = eng[k.DEFINITION_BASIS]
    out[k.DEFINITION_NOTE] = eng[k.DEFINITION_NOTE]
    out["councils"] = cy.groupby("year")["council_code"].nunique()
    for col, england_col in k.ENGLAND_OF.items():
        out[england_col] = eng[col]
    out[k.COUNCILS_WITH_PROXY] = cy.groupby("year")[k.PROXY_TAKEUP_PCT].count()
    out[k.COUNCIL_MEDIAN_PROXY_TAKEUP_PCT] = cy.groupby("year")[k.PROXY_TAKEUP_PCT].median().round(2)
    out[k.COUNCILS_WITH_DP_SPEND] = cy.groupby("year")[k.DP_GROSS_COST_GBP000].count()
    return out.reset_index()


def build_processed(out_dir: Path | str | None = None, progress: Callable[[str], object] | None = print) -> list[Path]:
    """``make data``: build every processed table from ``data/raw``; returns the files written."""
    out_dir = Path(out_dir or paths.PROCESSED_DIR)
    activity, unitcosts, councils = load_extract("activity"), load_extract("unitcosts"), load_councils()
    cy = build_council_year(activity, unitcosts, councils)
    rec = build_reconciliation(activity, unitcosts)
    nat = build_national_series(cy)
    written = [
        write_csv(out_dir / paths.COUNCIL_YEAR_CSV.name, cy),
        write_csv(out_dir / paths.RECONCILIATION_CSV.name, rec),
        write_csv(out_dir / paths.NATIONAL_SERIES_CSV.name, nat),
    ]
    if progress:
        for p in written:
            progress(f"wrote {p}")
    return written


def load_council_year() -> pd.DataFrame:
    """Council x year table (England rows have area == 'england')."""
    return _read(
        paths.COUNCIL_YEAR_CSV,
        dtype={
            "year": str,
            "council_code": str,
            "gss_code": str,
            k.DP_CLIENTS_31MAR_FLAG: str,
            k.DEFINITION_NOTE: str,
            k.SPEND_NOTE: str,
            k.DP_GROSS_COST_GBP000_FLAG: str,
            **{k.flag(c): str for c in (*k.COMMUNITY_MEASURES, k.COMMUNITY_RECEIPTS_31MAR, k.PROXY_TAKEUP_PCT)},
        },
        numeric_blank_is_missing=True,
    )


def load_national_series() -> pd.DataFrame:
    """England series, one row per year."""
    return _read(paths.NATIONAL_SERIES_CSV, dtype={"year": str}, numeric_blank_is_missing=True)
