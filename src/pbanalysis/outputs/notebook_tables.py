"""The tables the report notebooks show, each a :class:`pbanalysis.outputs.tables.Table`.

One function per table: it takes the frame the analysis returns and says, once, how a reader sees
it (headers in words with units, which columns are counts, pounds, percentages or years, the
symbol and note for each missing value, the source line). The notebooks call these and nothing
else to show a table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from pbanalysis.analysis import claims as claims_mod
from pbanalysis.analysis import measures, quality, register
from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.dataset import datapackage
from pbanalysis.outputs.tables import Table, col

CLAIMS_SOURCE = (
    "pbanalysis claims check: the register of reported figures tested against PSS-EX1 and ASCOF 1C "
    "(each figure's method is set out on the claims page)."
)


def _ids() -> frozenset[str]:
    return frozenset(register.load_register()["figure_id"])


#: The note under every money table: what "cash terms" means.
CASH_NOTE = (
    "Cash terms: each year's pounds as spent, not adjusted for inflation, so a rise from one year to the "
    "next is partly a rise in prices."
)


def _words(key: object) -> str:
    return str(key).replace("_", " ")


# --------------------------------------------------------------------------- take-up


def denominators(reg: pd.DataFrame) -> Table:
    """The three denominators of take-up and the people each counts."""
    rows = [
        {"eligible": d["label"], "people": measures.denominator_value(reg, k)}
        for k, d in measures.denominators().items()
    ]
    return Table(
        pd.DataFrame(rows),
        [col("eligible"), col("people")],
        title="The three denominators of take-up",
        source=datapackage.source_line(datapackage.REGISTER),
        name="denominators",
    )


def timeline(df: pd.DataFrame) -> Table:
    """Reported take-up over time beside the official England proxy."""
    out = df.assign(
        figure_type=df["kind"].map({"reported": "Reported", "proxy": "Official proxy", "target": "Target"}),
        figure_label=df["label"],
        # A target reads as it was set ("100%"); a reported or official figure keeps one decimal.
        takeup_text=[
            fmt.reported(v, "percent", k) if not fmt.is_missing(v) else "[x]"
            for v, k in zip(df["takeup_pct"], df["kind"], strict=True)
        ],
    )
    return Table(
        out,
        [
            col("date"),
            col("figure_label"),
            col("figure_type"),
            col("takeup_text", entry="takeup_pct", kind="printed"),
            col("figure_id", missing="[z]"),
        ],
        title="Reported take-up, targets and the official England proxy",
        source=datapackage.source_line(datapackage.REGISTER, then=[("England proxy", datapackage.PSSEX1)]),
        notes=["The official proxy is a series, not a register figure: its id is [z]."],
        name="timeline",
        ids=_ids(),
    )


def by_denominator(df: pd.DataFrame) -> Table:
    """Each reported count of holders as a share of each denominator, against the target."""
    target = f"{fmt.number(df['target_pct'].iloc[0])}%" if len(df) else "the"
    return Table(
        df,
        [
            *map(col, ("holders", "figure_kind", "holders_count", "denominator_label", "takeup_pct")),
            col("against_target", target=target),
            col("holders_figure"),
        ],
        title="Take-up under each denominator",
        source=datapackage.source_line(datapackage.REGISTER),
        notes=[
            "A forecast is what councils expected, not a count of holders: it cannot meet a target, only "
            "say whether the expected number would have."
        ]
        if len(df) and df["forecast"].any()
        else [],
        name="by-denominator",
        ids=_ids(),
    )


def _in_words(derivation: str, reg: pd.DataFrame) -> str:
    """A derivation over register ids in words: each id as its value and what it counts (a
    percentage as its number, marked %), the operators as a reader writes them:
    ``376,000 (councils' forecast of ...) ÷ 1,500,000 (...) × 100``."""
    figures = reg.set_index("figure_id")
    ids = sorted(figures.index, key=len, reverse=True)

    def figure(fid: str) -> str:
        r = figures.loc[fid]
        what = str(r["statement"]).rstrip(".")
        what = what[:1].lower() + what[1:] if what[1:2].islower() else what
        unit = ", %" if r["unit"] == "percent" else ""
        return f"{fmt.number(r['value'])} ({what}{unit})"

    text = derivation.replace("*", "×").replace("/", "÷")
    for fid in ids:
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(fid)}(?![A-Za-z0-9_])", lambda _m, f=fid: figure(f), text)
    return text


def derived(df: pd.DataFrame, reg: pd.DataFrame | None = None) -> Table:
    """Derived figures rebuilt from their inputs; each derivation in words, from the register ``reg``."""
    reg = register.load_register() if reg is None else reg
    statements = reg.set_index("figure_id")["statement"]
    out = df.assign(
        derivation=df["derivation"].map(lambda d: _in_words(d, reg)), statement=df["figure_id"].map(statements)
    )
    return Table(
        out,
        [*map(col, ("statement", "derivation", "reported", "rebuilt", "low", "high", "within", "figure_id"))],
        title="Derived figures, rebuilt from the register's own inputs",
        source=datapackage.source_line(datapackage.REGISTER),
        notes=["Values in each figure's own unit (people, % or 'one in N')."],
        name="derived",
        ids=_ids(),
    )


#: The columns every claims table opens and ends with.
_CLAIM_HEAD = (col("statement"), col("reported", kind="value", unit="unit"), col("check_basis"))
_CLAIM_TAIL = (col("finding"), col("not_established", missing="[z]"), col("figure_id"))


def section_claims(df: pd.DataFrame, title: str = "The claims of this section") -> Table:
    """The claims one notebook section shows (:func:`pbanalysis.analysis.claims.for_section`)."""
    out = _status_words(df)
    return Table(
        out,
        [*_CLAIM_HEAD, col("status"), *_CLAIM_TAIL],
        title=title,
        source=CLAIMS_SOURCE,
        notes=["[z] in 'Not established': the check states nothing further."]
        if (df["not_established"] == "").any()
        else [],
        name="",
        ids=_ids(),
    )


# --------------------------------------------------------------------------- spending


def spend_split(df: pd.DataFrame) -> Table:
    """The reported split of spending through personal budgets."""
    return Table(
        df,
        [col("part"), col("gbp_million"), col("share_pct")],
        title="Reported split of spending through personal budgets, 2009-10",
        source=datapackage.source_line(datapackage.REGISTER),
        name="spend-split",
    )


def spend_cross_check(df: pd.DataFrame) -> Table:
    """Official England direct-payment spend by year beside the reported split."""
    return Table(
        df,
        [*map(col, df.columns)],  # the columns of measures.spend_cross_check, in its order
        title="Official direct-payment spend, England, against the reported split",
        source=datapackage.source_line(datapackage.UNIT_COSTS, then=[("Reported split", datapackage.REGISTER)]),
        notes=["The reported figures are for 2009-10; they are repeated in each year for comparison.", CASH_NOTE],
        name="spend-cross-check",
    )


def council_spend_by_year(df: pd.DataFrame) -> Table:
    """Gross direct-payment spend by council (rows) and year (columns), England last."""
    years = [c for c in df.columns if c != "council"]
    return Table(
        df.rename(columns={"council": "council_name"}),
        [col("council_name")] + [col(y, entry="dp_gross_cost_in_year", year=y) for y in years],
        title="Gross spend on direct payments by council, £ thousand, cash terms",
        source=datapackage.source_line(datapackage.UNIT_COSTS, years=years),
        notes=["England is the last row.", CASH_NOTE],
        name="council-spend-by-year",
    )


def spend_per_recipient(df: pd.DataFrame, year: str) -> Table:
    """Every council ranked by direct-payment spend per recipient in ``year``."""
    return Table(
        df,
        [
            *_RANKED_COUNCIL,
            *map(col, (k.DP_GROSS_COST_GBP000, k.DP_RECIPIENTS_31MAR, k.DP_SPEND_PER_RECIPIENT_GBP)),
            col(k.RECIPIENTS_SOURCE),
        ],
        title=f"{columns.label(k.DP_SPEND_PER_RECIPIENT_GBP)}, all councils ranked, {year}",
        source=datapackage.source_line(datapackage.UNIT_COSTS, years=[year]),
        notes=["Rank 1 is the highest spend per recipient.", CASH_NOTE],
        name="spend-per-recipient",
    )


# --------------------------------------------------------------------------- variance


def reference_figures(df: pd.DataFrame) -> Table:
    """The reported NI 130 statements the variance notebook sets beside the proxy."""
    out = df.reset_index().rename(columns={"value": "reported"})
    out["period"] = out["period"].str.removeprefix("FY")
    return Table(
        out,
        [col("statement"), col("reported", kind="value", unit="unit"), col("period"), col("figure_id")],
        title="The reported NI 130 statements (reference values, not data)",
        source=datapackage.source_line(datapackage.REGISTER),
        name="reference",
        ids=_ids(),
    )


def _basis(df: pd.DataFrame) -> pd.Series:
    return df[k.DEFINITION_BASIS].map(lambda b: measures.BASIS_LABEL.get(b, _words(b)))


#: The columns every table of ranked councils opens with.
_RANKED_COUNCIL = tuple(map(col, ("rank", "council_name", "region", "council_type")))


def councils_ranked(df: pd.DataFrame, year: str, measure: str) -> Table:
    """Every council with a value of ``measure`` in ``year``, ranked."""
    flag = k.flag(measure) if k.flag(measure) in df.columns else None
    return Table(
        df.assign(count_basis=_basis(df)),
        [*_RANKED_COUNCIL, col(measure, flag=flag), col("count_basis")],
        title=f"All councils ranked: {measures.VARIANCE_MEASURES.get(measure, measure)}, {year}",
        source=datapackage.source_line(datapackage.resource_of(measure), years=[year]),
        notes=["Rank 1 is the highest value."],
        name="councils-ranked",
    )


def group_summary(df: pd.DataFrame, year: str, by: str, measure: str) -> Table:
    """Median, quartiles and range of a council measure by region or council type."""
    kind, unit = columns.kind(measure), columns.unit(measure)
    return Table(
        df,
        [col(by), col("councils")]
        + [col(c, kind=kind, measure_unit=unit) for c in ("median", "q1", "q3", "min", "max")],
        title=f"{columns.label(measure)} by {_words(by)}, {year}",
        source=datapackage.source_line(datapackage.resource_of(measure), years=[year]),
        name=f"by-{by}",
    )


def threshold_shares(df: pd.DataFrame, thresholds: Sequence[float]) -> Table:
    """Councils below and above each take-up threshold, year by year."""
    t = list(thresholds)
    bands = [(f"below_{t[0]:g}", f"below {t[0]:g}%")]
    bands += [(f"above_{x:g}", f"above {x:g}%") for x in t[1:-1]]
    bands += [(f"at_or_above_{t[-1]:g}", f"at or above {t[-1]:g}%")]
    cols = [*map(col, ("year", "councils_with_value", "count_basis", "median_pct"))]
    for key, words in bands:
        cols.append(col(f"{key}_n", entry="councils_in_band", band=words))
        cols.append(col(f"{key}_share_pct", entry="share_in_band", band=words))
    return Table(
        df.assign(count_basis=_basis(df)),
        cols,
        title="Councils below and above the take-up thresholds, every year (proxy take-up)",
        source=datapackage.source_line(datapackage.PSSEX1),
        name="threshold-shares",
    )


# --------------------------------------------------------------------------- claims


def _status_words(df: pd.DataFrame) -> pd.DataFrame:
    """The status and the basis of each row in a reader's words."""
    out = df.assign(status=df["status"].map(claims_mod.STATUS_LABEL))
    if "basis" in df:
        out["check_basis"] = df["basis"].map(claims_mod.BASIS_LABEL)
    return out


def status_summary(df: pd.DataFrame) -> Table:
    """The count of register figures by basis and status (:func:`pbanalysis.analysis.claims.by_basis`),
    with what each means."""
    out = _status_words(df).assign(
        status_meaning=df["status"].map(claims_mod.STATUS_MEANING),
        basis_meaning=df["basis"].map(claims_mod.BASIS_MEANING),
    )
    return Table(
        out,
        [*map(col, ("check_basis", "status", "figures", "status_meaning", "basis_meaning"))],
        title="Register figures by the basis of their check and status",
        source=CLAIMS_SOURCE,
        name="status-summary",
    )


def verdicts(df: pd.DataFrame) -> Table:
    """The claims that carry a verdict, with the basis, the official bound and the finding."""
    out = _status_words(df)
    return Table(
        out.assign(verdict=out["status"]),
        [*_CLAIM_HEAD, col("verdict"), col("bracket_low"), col("bracket_high"), *_CLAIM_TAIL],
        title="The verdicts and their evidence",
        source=CLAIMS_SOURCE,
        notes=["Bounds are in the unit of what the claim implies (people, councils, % or £ million)."],
        name="verdicts",
        ids=_ids(),
    )


def all_claims(df: pd.DataFrame) -> Table:
    """Every register figure with its basis, status and reason; each row is the anchor ``claim-<id>``."""
    out = _status_words(df)
    return Table(
        out,
        [
            col("figure_id"),
            *_CLAIM_HEAD,
            col("status"),
            col("rebuilt", missing="[z]"),
            col("reason"),
        ],
        title="Every register figure, its status and the reason",
        source=CLAIMS_SOURCE,
        notes=[
            f"[z] in '{columns.header('rebuilt')}': the check rebuilds no value (an input, or nothing available "
            "tests it)."
        ],
        name="claims",
        interactive=True,
        ids=_ids(),
        row_anchor="figure_id",
        claims_page="",
    )


# --------------------------------------------------------------------------- council briefing


def council_comparison(df: pd.DataFrame, name: str, year: str) -> Table:
    """One council against England, its region and its council type."""
    return Table(
        df.rename(columns={"label": "area", "value": k.PROXY_TAKEUP_PCT}),
        [col("area"), col(k.PROXY_TAKEUP_PCT)],
        title=f"{name} against England, its region and its council type, {year}",
        source=datapackage.source_line(datapackage.PSSEX1, years=[year]),
        notes=["Region and council-type values are the medians of their councils."],
        name="comparison",
    )


def council_series(df: pd.DataFrame, name: str) -> Table:
    """One council's proxy take-up and direct payments, every year."""
    out = df.assign(count_basis=_basis(df)).rename(
        columns={
            "council": "council_proxy_pct",
            "england": k.ENGLAND_PROXY_TAKEUP_PCT,
            "region_median": "region_median_proxy_pct",
            "type_median": "type_median_proxy_pct",
        }
    )
    return Table(
        out,
        [
            col("year"),
            col("council_proxy_pct", council=name),
            *map(col, (k.ENGLAND_PROXY_TAKEUP_PCT, "region_median_proxy_pct", "type_median_proxy_pct")),
            col(k.DP_CLIENTS_31MAR, flag=k.flag(k.DP_CLIENTS_31MAR)),
            col(k.DP_SPEND_PER_RECIPIENT_GBP),
            col("count_basis"),
        ],
        title=f"{name}: proxy take-up and direct payments, every year",
        source=datapackage.source_line(datapackage.UNIT_COSTS),
        name="series",
    )


def council_later(later: dict) -> Table:
    """ASCOF 1C in 2020-21: the council against England."""
    c, e = later["council"], later["england"]
    rows = ("sds_denominator", "sds_numerator", "sds_pct", "dp_numerator", "dp_pct")
    df = pd.DataFrame(
        {
            "measure": [columns.header(key) for key in rows],
            "council_value": [measure_text(c.get(key), key) for key in rows],
            "england_value": [measure_text(e.get(key), key) for key in rows],
        }
    )
    return Table(
        df,
        [col("measure"), col("council_value", council=str(c.get("council_name", "Council"))), col("england_value")],
        title=f"ASCOF 1C, {later['year']}: {c.get('council_name', 'the council')} against England",
        source=datapackage.source_line(datapackage.ASCOF_2020_21),
        name="later",
    )


def measure_text(value: object, measure: str) -> str:
    """One value of a council measure as printed in its tables (16.5%, 1,234, £12,457): by its
    format in the column dictionary."""
    kind = columns.entries()[measure].format if measure in columns.entries() else "number"
    return getattr(fmt, kind if hasattr(fmt, kind) else "number")(value)


# --------------------------------------------------------------------------- data quality

#: The columns of every table of data-quality flags.
_FLAG_COLUMNS = tuple(map(col, ("council_name", "gss_code", "year", "measure_name", "values_text")))


def quality_rules(counts: pd.DataFrame, source: str) -> Table:
    """The data-quality rules and the flags each raises (:func:`pbanalysis.analysis.quality.counts_by_rule`)."""
    return Table(
        counts.rename(columns={"councils": "councils_flagged"}),
        [*map(col, ("rule_name", "test", "flags", "councils_flagged"))],
        "The data-quality rules and the flags each raises",
        source,
        name="data-quality-rules",
    )


def quality_flags(flags: pd.DataFrame, rule: str, source: str) -> Table:
    """Every flag of one rule (``rule``: its key; ``flags``: those of
    :func:`pbanalysis.analysis.quality.flags` it raised); what a flag may mean as a column only
    where it differs from flag to flag."""
    meanings = [col("flag_meaning")] if flags["meaning"].nunique() > 1 else []
    return Table(
        flags.rename(columns={"meaning": "flag_meaning"}),
        [*_FLAG_COLUMNS, *meanings],
        f"{quality.RULES[rule].name}: every flag",
        source,
        name=f"data-quality-{rule.replace('_', '-')}",
    )


def definition_test(test: pd.DataFrame, year: str, next_year: str, source: str, notes: Sequence[str] = ()) -> Table:
    """The councils of :func:`pbanalysis.analysis.quality.definition_test` whose ``year`` 'direct
    payments only' label is in doubt or shows one sign."""
    return Table(
        test.rename(columns={"verdict": "label_verdict"}),
        [
            col("council_name"),
            col("gss_code"),
            col("count", entry=k.DP_CLIENTS_31MAR, qualifier=year),
            col("next_count", entry=k.DP_CLIENTS_31MAR, qualifier=next_year),
            col("count_ratio"),
            col("spend", entry=k.DP_SPEND_PER_RECIPIENT_GBP, qualifier=year),
            col("spend_median"),
            col("label_verdict"),
        ],
        f"Councils whose {year} 'direct payments only' label is in doubt or shows one sign",
        source,
        notes=notes,
        name="data-quality-definition",
    )
