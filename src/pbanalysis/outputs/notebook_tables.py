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
from pbanalysis.analysis import measures, register
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.dataset import datapackage
from pbanalysis.outputs.tables import Column, Table

#: How each council measure's values print, and its header.
MEASURE_KIND = {k.PROXY_TAKEUP_PCT: "pct", k.DP_CLIENTS_31MAR: "count", k.DP_SPEND_PER_RECIPIENT_GBP: "gbp"}
MEASURE_HEADER = {
    k.PROXY_TAKEUP_PCT: "Proxy take-up, %",
    k.DP_CLIENTS_31MAR: "People on direct payments at 31 March",
    k.DP_SPEND_PER_RECIPIENT_GBP: "Direct-payment spend per recipient, £ a year",
}
CLAIMS_SOURCE = (
    "pbanalysis claims check: the register of reported figures tested against PSS-EX1 and ASCOF 1C "
    "(each figure's method is set out on the claims page)."
)


def _ids() -> frozenset[str]:
    return frozenset(register.load_register()["figure_id"])


def source_register() -> str:
    """The source line for tables of reported figures: the publications and the span of their dates."""
    srcs = register.load_sources()
    pubs = sorted(set(srcs["publication"].str.split(" -").str[0].str.split(" \\(").str[0]))
    dates = sorted(srcs["published"])
    return (
        f"Source: reported figures from {', '.join(pubs)} articles, {dates[0][:7]} to {dates[-1][:7]} "
        "(pbanalysis register of reported figures)."
    )


def source_pssex1(years: list[str] | None = None) -> str:
    """The source line for the PSS-EX1 activity tables (built from the data package)."""
    return datapackage.source_line("pssex1-activity", years, package=datapackage.project_package())


def source_unitcosts(years: list[str] | None = None) -> str:
    """The source line for the PSS-EX1 unit-cost tables (built from the data package)."""
    return datapackage.source_line("pssex1-unitcosts", years, package=datapackage.project_package())


def source_ascof() -> str:
    """The source line for the ASCOF 1C 2020-21 extract (built from the data package)."""
    return datapackage.source_line("ascof-1c-2020-21", package=datapackage.project_package())


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
        {"meaning": d["label"], "people": measures.denominator_value(reg, k)}
        for k, d in measures.denominators().items()
    ]
    return Table(
        pd.DataFrame(rows),
        [
            Column("meaning", "Who counts as eligible"),
            Column("people", "People", "count"),
        ],
        title="The three denominators of take-up",
        source=source_register(),
        name="denominators",
    )


def timeline(df: pd.DataFrame) -> Table:
    """Reported take-up over time beside the official England proxy."""
    out = df.assign(kind=df["kind"].map({"reported": "Reported", "proxy": "Official proxy", "target": "Target"}))
    return Table(
        out,
        [
            Column("date", "Date", "date"),
            Column("label", "Figure"),
            Column("kind", "Kind"),
            Column("takeup_pct", "Take-up, %", "pct"),
            Column("figure_id", "Register id", "id", missing="[z]"),
        ],
        title="Reported take-up, targets and the official England proxy",
        source=f"{source_register()} England proxy: {source_pssex1().removeprefix('Source: ')}",
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
            Column("holders", "Reported holders"),
            Column("figure_kind", "What the figure is"),
            Column("holders_count", "Holders (number)", "count"),
            Column("denominator_label", "Denominator"),
            Column("takeup_pct", "Take-up, %", "pct"),
            Column("against_target", f"Against the {target} target"),
            Column("holders_figure", "Register id of the holders", "id"),
        ],
        title="Take-up under each denominator",
        source=source_register(),
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
        [
            Column("statement", "Reported figure"),
            Column("derivation", "Rebuilt as"),
            Column("reported", "Reported", "number"),
            Column("rebuilt", "Rebuilt", "number"),
            Column("low", "Wording allows from", "number"),
            Column("high", "to", "number"),
            Column("within", "Inside the interval", "yesno"),
            Column("figure_id", "Register id", "id"),
        ],
        title="Derived figures, rebuilt from the register's own inputs",
        source=source_register(),
        notes=["Values in each figure's own unit (people, % or 'one in N')."],
        name="derived",
        ids=_ids(),
    )


#: The columns every claims table opens and ends with.
_CLAIM_HEAD = (
    Column("statement", "Reported figure"),
    Column("reported", "Reported", "value", unit="unit"),
    Column("basis", "Basis of the check"),
)
_CLAIM_TAIL = (
    Column("finding", "Finding"),
    Column("not_established", "Not established", missing="[z]"),
    Column("figure_id", "Register id", "id"),
)


def section_claims(df: pd.DataFrame, title: str = "The claims of this section") -> Table:
    """The claims one notebook section shows (:func:`pbanalysis.analysis.claims.for_section`)."""
    out = _status_words(df)
    return Table(
        out,
        [*_CLAIM_HEAD, Column("status", "Status"), *_CLAIM_TAIL],
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
        [
            Column("part", "Part of spending through personal budgets"),
            Column("gbp_million", "Spend, £ million, cash terms", "gbp_million"),
            Column("share_pct", "Share, %", "pct"),
        ],
        title="Reported split of spending through personal budgets, 2009-10",
        source=source_register(),
        name="spend-split",
    )


def spend_cross_check(df: pd.DataFrame) -> Table:
    """Official England direct-payment spend by year beside the reported split."""
    return Table(
        df,
        [
            Column("year", "Financial year", "year"),
            Column(
                "dp_gross_cost_gbp_million",
                "Official gross spend on direct payments, £ million, cash terms",
                "gbp_million",
            ),
            Column(
                "reported_pb_total_gbp_million",
                "Reported spend through personal budgets, £ million, cash terms",
                "gbp_million",
            ),
            Column(
                "reported_pb_as_dp_gbp_million",
                "Of which reported as direct payments, £ million, cash terms",
                "gbp_million",
            ),
            Column(
                "official_minus_reported_dp_gbp_million",
                "Official less reported direct payments, £ million, cash terms",
                "gbp_million",
            ),
            Column(k.COUNCILS_WITH_DP_SPEND, "Councils with direct-payment spend", "count"),
        ],
        title="Official direct-payment spend, England, against the reported split",
        source=f"{source_unitcosts()} Reported split: {source_register().removeprefix('Source: ')}",
        notes=["The reported figures are for 2009-10; they are repeated in each year for comparison.", CASH_NOTE],
        name="spend-cross-check",
    )


def council_spend_by_year(df: pd.DataFrame) -> Table:
    """Gross direct-payment spend by council (rows) and year (columns), England last."""
    years = [c for c in df.columns if c != "council"]
    return Table(
        df,
        [Column("council", "Council")] + [Column(y, f"{y}, £ thousand", "count") for y in years],
        title="Gross spend on direct payments by council, £ thousand, cash terms",
        source=source_unitcosts(years),
        notes=["England is the last row.", CASH_NOTE],
        name="council-spend-by-year",
    )


def spend_per_recipient(df: pd.DataFrame, year: str) -> Table:
    """Every council ranked by direct-payment spend per recipient in ``year``."""
    return Table(
        df,
        [
            Column("rank", "Rank", "rank"),
            Column("council_name", "Council"),
            Column("region", "Region"),
            Column("council_type", "Council type"),
            Column(k.DP_GROSS_COST_GBP000, "Gross spend on direct payments, £ thousand, cash terms", "count"),
            Column(k.DP_RECIPIENTS_31MAR, "Recipients", "count"),
            Column(k.DP_SPEND_PER_RECIPIENT_GBP, "Spend per recipient, £ a year, cash terms", "gbp"),
            Column(k.RECIPIENTS_SOURCE, "Recipients counted from"),
        ],
        title=f"Direct-payment spend per recipient, all councils ranked, {year}",
        source=source_unitcosts([year]),
        notes=["Rank 1 is the highest spend per recipient.", CASH_NOTE],
        name="spend-per-recipient",
    )


# --------------------------------------------------------------------------- variance


def reference_figures(df: pd.DataFrame) -> Table:
    """The reported NI 130 statements the variance notebook sets beside the proxy."""
    out = df.reset_index()
    out["period"] = out["period"].str.removeprefix("FY")
    return Table(
        out,
        [
            Column("statement", "Reported statement"),
            Column("value", "Value", "value", unit="unit"),
            Column("period", "Period"),
            Column("figure_id", "Register id", "id"),
        ],
        title="The reported NI 130 statements (reference values, not data)",
        source=source_register(),
        name="reference",
        ids=_ids(),
    )


def _basis(df: pd.DataFrame) -> pd.Series:
    return df[k.DEFINITION_BASIS].map(lambda b: measures.BASIS_LABEL.get(b, _words(b)))


def councils_ranked(df: pd.DataFrame, year: str, measure: str) -> Table:
    """Every council with a value of ``measure`` in ``year``, ranked."""
    kind = MEASURE_KIND.get(measure, "number")
    flag = f"{measure}_flag" if f"{measure}_flag" in df.columns else None
    return Table(
        df.assign(basis=_basis(df)),
        [
            Column("rank", "Rank", "rank"),
            Column("council_name", "Council"),
            Column("region", "Region"),
            Column("council_type", "Council type"),
            Column(measure, MEASURE_HEADER.get(measure, _words(measure)), kind, flag=flag),
            Column("basis", "Count basis"),
        ],
        title=f"All councils ranked: {measures.VARIANCE_MEASURES.get(measure, measure)}, {year}",
        source=source_unitcosts([year]) if measure == k.DP_SPEND_PER_RECIPIENT_GBP else source_pssex1([year]),
        notes=["Rank 1 is the highest value."],
        name="councils-ranked",
    )


def group_summary(df: pd.DataFrame, year: str, by: str, measure: str) -> Table:
    """Median, quartiles and range of a council measure by region or council type."""
    kind = MEASURE_KIND.get(measure, "number")
    unit = MEASURE_HEADER.get(measure, _words(measure)).split(", ")[-1] if kind != "count" else "people"
    return Table(
        df,
        [
            Column(by, _words(by).capitalize()),
            Column("councils", "Councils", "count"),
            Column("median", f"Median, {unit}", kind),
            Column("q1", f"Lower quartile, {unit}", kind),
            Column("q3", f"Upper quartile, {unit}", kind),
            Column("min", f"Lowest, {unit}", kind),
            Column("max", f"Highest, {unit}", kind),
        ],
        title=f"{measures.VARIANCE_MEASURES.get(measure, measure).split(':')[0]} by {_words(by)}, {year}",
        source=source_unitcosts([year]) if measure == k.DP_SPEND_PER_RECIPIENT_GBP else source_pssex1([year]),
        name=f"by-{by}",
    )


def threshold_shares(df: pd.DataFrame, thresholds: Sequence[float]) -> Table:
    """Councils below and above each take-up threshold, year by year."""
    t = list(thresholds)
    bands = [(f"below_{t[0]:g}", f"below {t[0]:g}%")]
    bands += [(f"above_{x:g}", f"above {x:g}%") for x in t[1:-1]]
    bands += [(f"at_or_above_{t[-1]:g}", f"at or above {t[-1]:g}%")]
    cols = [
        Column("year", "Financial year", "year"),
        Column("councils_with_value", "Councils with a value", "count"),
        Column("basis", "Count basis"),
        Column("median_pct", "Median proxy take-up, %", "pct"),
    ]
    for key, words in bands:
        cols.append(Column(f"{key}_n", f"Councils {words}", "count"))
        cols.append(Column(f"{key}_share_pct", f"Share {words}, %", "pct"))
    return Table(
        df.assign(basis=_basis(df)),
        cols,
        title="Councils below and above the take-up thresholds, every year (proxy take-up)",
        source=source_pssex1(),
        name="threshold-shares",
    )


# --------------------------------------------------------------------------- claims


def _status_words(df: pd.DataFrame) -> pd.DataFrame:
    """The status and the basis of each row in a reader's words."""
    out = df.assign(status=df["status"].map(claims_mod.STATUS_LABEL))
    if "basis" in df:
        out["basis"] = df["basis"].map(claims_mod.BASIS_LABEL)
    return out


def status_summary(df: pd.DataFrame) -> Table:
    """The count of register figures by basis and status (:func:`pbanalysis.analysis.claims.by_basis`),
    with what each means."""
    out = _status_words(df).assign(
        meaning=df["status"].map(claims_mod.STATUS_MEANING), basis_meaning=df["basis"].map(claims_mod.BASIS_MEANING)
    )
    return Table(
        out,
        [
            Column("basis", "Basis of the check"),
            Column("status", "Status"),
            Column("figures", "Figures", "count"),
            Column("meaning", "What the status means"),
            Column("basis_meaning", "What the basis means"),
        ],
        title="Register figures by the basis of their check and status",
        source=CLAIMS_SOURCE,
        name="status-summary",
    )


def verdicts(df: pd.DataFrame) -> Table:
    """The claims that carry a verdict, with the basis, the official bound and the finding."""
    out = _status_words(df)
    return Table(
        out,
        [
            *_CLAIM_HEAD,
            Column("status", "Verdict"),
            Column("bracket_low", "Official bound from", "number"),
            Column("bracket_high", "to", "number"),
            *_CLAIM_TAIL,
        ],
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
            Column("figure_id", "Register id", "id"),
            Column("statement", "Reported figure"),
            Column("reported", "Reported", "value", unit="unit"),
            Column("basis", "Basis of the check"),
            Column("status", "Status"),
            Column("rebuilt", "Rebuilt or official value", "number", missing="[z]"),
            Column("reason", "Reason"),
        ],
        title="Every register figure, its status and the reason",
        source=CLAIMS_SOURCE,
        notes=[
            "[z] in 'Rebuilt or official value': the check rebuilds no value (an input, or nothing available tests it)."
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
        df,
        [Column("label", "Area"), Column("value", "Proxy take-up, %", "pct")],
        title=f"{name} against England, its region and its council type, {year}",
        source=source_pssex1([year]),
        notes=["Region and council-type values are the medians of their councils."],
        name="comparison",
    )


def council_series(df: pd.DataFrame, name: str) -> Table:
    """One council's proxy take-up and direct payments, every year."""
    return Table(
        df.assign(basis=_basis(df)),
        [
            Column("year", "Financial year", "year"),
            Column("council", f"{name}, proxy take-up, %", "pct"),
            Column("england", "England, %", "pct"),
            Column("region_median", "Region median, %", "pct"),
            Column("type_median", "Council-type median, %", "pct"),
            Column(
                k.DP_CLIENTS_31MAR, "People on direct payments at 31 March", "count", flag=k.flag(k.DP_CLIENTS_31MAR)
            ),
            Column(k.DP_SPEND_PER_RECIPIENT_GBP, "Spend per recipient, £ a year", "gbp"),
            Column("basis", "Count basis"),
        ],
        title=f"{name}: proxy take-up and direct payments, every year",
        source=source_unitcosts(),
        name="series",
    )


def council_later(later: dict) -> Table:
    """ASCOF 1C in 2020-21: the council against England."""
    c, e = later["council"], later["england"]
    rows = [
        ("Self-directed support (1C(1A)), %", "pct", "sds_pct"),
        ("People on self-directed support", "count", "sds_numerator"),
        ("People on long-term community support", "count", "sds_denominator"),
        ("Direct payments (1C(2A)), %", "pct", "dp_pct"),
        ("People on direct payments", "count", "dp_numerator"),
    ]
    df = pd.DataFrame(
        [
            {
                "measure": label,
                "council": getattr(fmt, kind)(c.get(key)),
                "england": getattr(fmt, kind)(e.get(key)),
            }
            for label, kind, key in rows
        ]
    )
    return Table(
        df,
        [
            Column("measure", "Measure"),
            Column("council", str(c.get("council_name", "Council")), "printed"),
            Column("england", "England", "printed"),
        ],
        title=f"ASCOF 1C, {later['year']}: {c.get('council_name', 'the council')} against England",
        source=source_ascof(),
        name="later",
    )


def measure_text(value: object, measure: str) -> str:
    """One value of a council measure as printed in its tables (16.5%, 1,234, £12,457)."""
    return getattr(fmt, MEASURE_KIND.get(measure, "number"))(value)
