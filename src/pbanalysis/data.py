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

Loaders: :func:`load_council_year`, :func:`load_national_series`,
:func:`load_reconciliation`, plus :func:`load_extract` and
:func:`load_councils` for the raw extracts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pbanalysis import paths
from pbanalysis.atomic import write_csv
from pbanalysis.errors import InputError, ParameterError

#: Proxy take-up: its name and definition, shown wherever the proxy is used.
PROXY_NAME = "Proxy take-up: direct payments as a share of community-service receipts at 31 March"
PROXY_DEFINITION = (
    "People on direct payments at 31 March (in 2009-10 the table counts 'existing / new direct payments "
    "and personal budgets'; 2010-11 carries the same header but its counts equal the direct-payment "
    "recipients of the unit-cost table, so it is treated as direct payments only) divided by the sum of people receiving "
    "home care, day care, meals and direct payments at 31 March, all ages (PSS-EX1 / RAP P2s). "
    "A person receiving two services counts twice in the denominator, so this understates the share "
    "of people. It is NOT NI 130 (clients and carers receiving self-directed support during the year "
    "as a share of all community-based clients and carers), which is not published per council in "
    "the data available here."
)

DP_ONLY_IN_EFFECT = (
    "The table's header says 'existing / new direct payments and personal budgets', but all {n} councils' "
    "counts equal their direct-payment recipients in the unit-cost table: treated as direct payments only."
)

#: The community services whose 31 March counts make the proxy's denominator.
COMMUNITY_MEASURES = ["home_care_clients_31mar", "day_care_clients_31mar", "meals_clients_31mar", "dp_clients_31mar"]

#: Measures reconciled against the England row.
RECONCILED = [
    ("activity", "dp_clients_31mar", "all", "all_ages"),
    ("activity", "home_care_clients_31mar", "all", "all_ages"),
    ("activity", "day_care_clients_31mar", "all", "all_ages"),
    ("activity", "meals_clients_31mar", "all", "all_ages"),
    ("unitcosts", "dp_gross_cost", "all_adults", "18+"),
    ("unitcosts", "dp_recipients_31mar", "all_adults", "18+"),
]

_DTYPES = {
    "year": str,
    "council_code": str,
    "council_name": str,
    "area": str,
    "measure": str,
    "client_group": str,
    "age_band": str,
    "definition_basis": str,
    "unit": str,
    "flag": str,
    "flag_reason": str,
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
        sub = sub[keys + ["value", "flag", "definition_basis"]].rename(
            columns={"value": col, "flag": f"{col}_flag", "definition_basis": f"{col}_basis"}
        )
        parts.append(sub.set_index(keys))
    return pd.concat(parts, axis=1).reset_index()


def build_council_year(activity: pd.DataFrame, unitcosts: pd.DataFrame, councils: pd.DataFrame) -> pd.DataFrame:
    """One row per council and year (England rows kept, area='england')."""
    act = _wide(
        activity,
        {
            ("dp_clients_31mar", "all", "all_ages"): "dp_clients_31mar",
            ("home_care_clients_31mar", "all", "all_ages"): "home_care_clients_31mar",
            ("day_care_clients_31mar", "all", "all_ages"): "day_care_clients_31mar",
            ("meals_clients_31mar", "all", "all_ages"): "meals_clients_31mar",
        },
    )
    uc = _wide(
        unitcosts[unitcosts["measure"].isin(["dp_gross_cost", "dp_recipients_31mar"])],
        {
            ("dp_gross_cost", "all_adults", "18+"): "dp_gross_cost_gbp000",
            ("dp_recipients_31mar", "all_adults", "18+"): "dp_recipients_31mar_uc",
        },
    )
    out = act.merge(uc, on=["year", "council_code", "area"], how="left")
    out["definition_basis"] = out["dp_clients_31mar_basis"]
    out["definition_note"] = ""
    # A year whose header says "direct payments and personal budgets" but whose counts equal the
    # unit-cost table's direct-payment recipients for every council counts direct payments only.
    for year, g in out[out["definition_basis"] == "dp_and_pb"].groupby("year"):
        both = g.dropna(subset=["dp_clients_31mar", "dp_recipients_31mar_uc"])
        if len(both) >= 100 and (both["dp_clients_31mar"] == both["dp_recipients_31mar_uc"]).all():
            rows = out["year"] == year
            out.loc[rows, "definition_basis"] = "dp_only"
            out.loc[rows, "definition_note"] = DP_ONLY_IN_EFFECT.format(n=len(both))
    denom = out[COMMUNITY_MEASURES].sum(axis=1, min_count=len(COMMUNITY_MEASURES))
    denom = denom.where(out[COMMUNITY_MEASURES].notna().all(axis=1))
    out["community_receipts_31mar"] = denom
    out["proxy_takeup_pct"] = (100 * out["dp_clients_31mar"] / denom.replace(0, np.nan)).round(2)
    # Spend per recipient: unit-cost recipients where the table has them; else the activity count.
    recip = out["dp_recipients_31mar_uc"]
    use_activity = recip.isna() & out["dp_gross_cost_gbp000"].notna()
    out["dp_recipients_31mar"] = recip.where(~use_activity, out["dp_clients_31mar"])
    has_pair = out["dp_gross_cost_gbp000"].notna() & out["dp_recipients_31mar"].notna()
    out["recipients_source"] = np.where(
        ~has_pair, "", np.where(use_activity, "activity table (RAP P2s) at 31 March", "unit-cost table denominator")
    )
    spend = 1000 * out["dp_gross_cost_gbp000"] / out["dp_recipients_31mar"].replace(0, np.nan)
    not_credible = (out["dp_gross_cost_gbp000"] == 0) & (out["dp_recipients_31mar"] > 0)
    out["dp_spend_per_recipient_gbp"] = spend.where(~not_credible).round(0)
    out["spend_note"] = np.where(not_credible, "not credible: gross cost 0 with recipients at 31 March", "")
    meta = councils[["council_code", "council_name", "gss_code", "region", "council_type", "council_type_2008_09"]]
    out = out.merge(meta, on="council_code", how="left")
    first = out["year"] == "2008-09"
    out.loc[first, "council_type"] = out.loc[first, "council_type_2008_09"]
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
        "definition_basis",
        "definition_note",
        "dp_clients_31mar",
        "dp_clients_31mar_flag",
        "home_care_clients_31mar",
        "day_care_clients_31mar",
        "meals_clients_31mar",
        "community_receipts_31mar",
        "proxy_takeup_pct",
        "dp_gross_cost_gbp000",
        "dp_gross_cost_gbp000_flag",
        "dp_recipients_31mar",
        "recipients_source",
        "dp_spend_per_recipient_gbp",
        "spend_note",
    ]
    out = out[cols].sort_values(["year", "area", "council_code"], kind="mergesort").reset_index(drop=True)
    validate_council_year(out)
    return out


def validate_council_year(df: pd.DataFrame, path=None) -> None:
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
    bad = df["proxy_takeup_pct"].notna() & ~df["proxy_takeup_pct"].between(0, 100)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            path or paths.COUNCIL_YEAR_CSV,
            "a percentage from 0 to 100",
            row=i + 2,
            column="proxy_takeup_pct",
            found=str(df.loc[i, "proxy_takeup_pct"]),
        )
    counts = df[df["area"] == "council"].groupby("year")["council_code"].nunique()
    for year, n in counts.items():
        expected = 150 if year == "2008-09" else 152
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
        rounding = 2.5 * n if measure != "dp_gross_cost" else 0.5 * n
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
    parts = [reconcile(activity if t == "activity" else unitcosts, t, m, g, a) for t, m, g, a in RECONCILED]
    return pd.concat(parts, ignore_index=True)


def build_national_series(council_year: pd.DataFrame) -> pd.DataFrame:
    """One row per year: the England values the report uses, and how many councils reported."""
    eng = council_year[council_year["area"] == "england"].set_index("year")
    cy = council_year[council_year["area"] == "council"]
    out = pd.DataFrame(index=sorted(council_year["year"].unique()))
    out.index.name = "year"
    out["definition_basis"] = eng["definition_basis"]
    out["definition_note"] = eng["definition_note"]
    out["councils"] = cy.groupby("year")["council_code"].nunique()
    for col in [
        "dp_clients_31mar",
        "home_care_clients_31mar",
        "day_care_clients_31mar",
        "meals_clients_31mar",
        "community_receipts_31mar",
        "proxy_takeup_pct",
        "dp_gross_cost_gbp000",
        "dp_recipients_31mar",
        "dp_spend_per_recipient_gbp",
    ]:
        out[f"england_{col}"] = eng[col]
    out["councils_with_proxy"] = cy.groupby("year")["proxy_takeup_pct"].count()
    out["council_median_proxy_takeup_pct"] = cy.groupby("year")["proxy_takeup_pct"].median().round(2)
    out["councils_with_dp_spend"] = cy.groupby("year")["dp_gross_cost_gbp000"].count()
    return out.reset_index()


def build_processed(out_dir=None, progress=print) -> list[Path]:
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
            "dp_clients_31mar_flag": str,
            "definition_note": str,
            "spend_note": str,
            "dp_gross_cost_gbp000_flag": str,
        },
        numeric_blank_is_missing=True,
    )


def load_national_series() -> pd.DataFrame:
    """England series, one row per year."""
    return _read(paths.NATIONAL_SERIES_CSV, dtype={"year": str}, numeric_blank_is_missing=True)


def load_reconciliation() -> pd.DataFrame:
    """England row against council sums, with explanations."""
    return _read(paths.RECONCILIATION_CSV, dtype={"year": str}, numeric_blank_is_missing=True)
