"""The council explorer's logic: one council, its comparators, a measure and a span of years.

Everything the explorer (``notebooks/explore.ipynb``, served as a web app by ``make explore``)
shows is computed here; the notebook only wires widgets to :func:`view`.

* :data:`MEASURES` - what can be shown: proxy take-up, people on direct payments and direct-payment
  spend per recipient (PSS-EX1, 2008-09 to 2013-14), and ASCOF self-directed support and direct
  payments for every year the ASCOF compilation holds (2017-18 to 2023-24, with the 2023-24
  framework change as a break);
* :func:`tables` - every value in one long table, read once per process;
* :func:`find_council` - a council by name (any spelling the tables use) or GSS or CASSR code, the
  project's one look-up (:func:`pbanalysis.analysis.measures.find_council`) on these tables; an
  unknown name fails with the closest matches;
* :func:`view` - what the explorer shows for one choice: the chart's series, the table, the rank,
  what the articles said about the council, notes and the source line (a :class:`View`).

A value is never filled in: a year without a value is missing, with the symbol the tables use
(``[c]`` suppressed, ``[x]`` not available, ``[z]`` not applicable, for a council whose boundary
changed before the ASCOF year).
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pbanalysis.analysis import measures, quality, ranks, register
from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data, datapackage
from pbanalysis.sources import ascof_trend, lookup


@dataclass(frozen=True)
class Measure:
    """One measure the explorer shows: ``key`` (its name in :func:`tables`), ``label`` (words),
    ``unit`` (words, for headers), ``kind`` (how a value prints: pct, count or gbp), ``source``
    (``pssex1`` or ``ascof``), ``definition`` (one sentence for readers) and ``short`` (its name
    inside a sentence)."""

    key: str
    label: str
    unit: str
    kind: str
    source: str
    definition: str
    #: The measure inside a sentence ("proxy take-up").
    short: str = ""

    @property
    def resource(self) -> str:
        """The data package's resource the measure is read from (its source line names it)."""
        return datapackage.ASCOF_SERIES if self.source == "ascof" else datapackage.resource_of(self.key)

    @property
    def header(self) -> str:
        """The measure in words with its unit, as a column header (:func:`pbanalysis.core.columns.header`)."""
        return columns.header(self.key)

    def text(self, value: object, flag: object = None) -> str:
        """A value as printed (12.3%, 1,234, £11,855), or its missing-value symbol."""
        return {"pct": fmt.pct, "count": fmt.count, "gbp": fmt.gbp}[self.kind](value, flag)


ASCOF_SDS, ASCOF_DP = "ascof_sds_pct", "ascof_dp_pct"
_ASCOF_GROUPS = {ASCOF_SDS: "1C1A", ASCOF_DP: "1C2A"}


def _measure(key: str, source: str) -> Measure:
    """The explorer's measure ``key``: its label, unit, format, definition and name in a sentence from
    the column dictionary (:mod:`pbanalysis.core.columns`)."""
    e = columns.entry(key)
    return Measure(key, e.label, e.unit, e.format, source, e.description, columns.short(key))


#: Every measure the explorer can show, in the order the control lists them.
MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        _measure(k.PROXY_TAKEUP_PCT, "pssex1"),
        _measure(k.DP_CLIENTS_31MAR, "pssex1"),
        _measure(k.DP_SPEND_PER_RECIPIENT_GBP, "pssex1"),
        _measure(ASCOF_SDS, "ascof"),
        _measure(ASCOF_DP, "ascof"),
    )
}

#: The kinds of comparators: the council's region, its council type, or councils named one by one.
COMPARATORS = {"region": "its region", "type": "its council type", "named": "named councils"}
#: At most this many named comparators.
MAX_NAMED = 5

#: What each year's definition is called: England's ``basis`` that year.
ASCOF_BEFORE, ASCOF_AFTER = "ascof_framework_2014", "ascof_framework_2023"
_BASIS_WORDS = {
    k.BASIS_DP_ONLY: "the count is of direct payments only",
    k.BASIS_DP_AND_PB: "the count is of direct payments and personal budgets",
    ASCOF_BEFORE: "ASCOF's earlier framework (measure 1C)",
    ASCOF_AFTER: "ASCOF's renumbered framework (measure 3D)",
}
#: The two sides of a definition change, named on the chart (the earlier side, the later side).
_SIDE_WORDS = {
    k.BASIS_DP_ONLY: "direct payments only",
    k.BASIS_DP_AND_PB: "direct payments and personal budgets",
    ASCOF_BEFORE: "earlier framework",
    ASCOF_AFTER: "renumbered framework",
}
#: The label on the dashed line of a definition change, where the report gives one.
BREAK_LABELS = {ASCOF_AFTER: "ASCOF renumbered"}
#: A share cannot pass 100%: where most councils sit there, they are not ranked among themselves.
CEILING = {"pct": 100.0}


# --------------------------------------------------------------------------
# The tables, read once per process
# --------------------------------------------------------------------------


@dataclass
class Tables:
    """Every value the explorer shows, and the councils.

    ``values``: one row per council, year and measure: ``year``, ``council_code`` (the 2009-2014
    CASSR code), ``measure``, ``value`` (NaN when missing), ``flag`` (the missing value's source
    mark or symbol), ``region``, ``council_type`` (that year's), ``basis`` (what the count counts
    that year). ``england``: one row per year and measure, England's value. ``councils``:
    ``data/raw/councils.csv``. ``years``: each measure's years, in order."""

    values: pd.DataFrame
    england: pd.DataFrame
    councils: pd.DataFrame
    successors: pd.DataFrame
    years: dict[str, list[str]]
    names: dict[str, str] = field(default_factory=dict)
    region: dict[str, str] = field(default_factory=dict)
    council_type: dict[str, str] = field(default_factory=dict)
    #: Values of councils that are not one of the 2009-2014 councils (formed over a changed boundary):
    #: ``year``, ``council_code`` ('GSS:' and their GSS code), ``council_name``, ``measure``, ``value``.
    #: Never shown as a council; ranked with the others, so a rank counts every council published.
    others: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["year", "council_code", "measure"]))
    #: What has been worked out from the tables, kept for the next look-up of the same thing.
    _memo: dict = field(default_factory=dict, repr=False)

    def _remember(self, key: tuple, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def rows(self, measure: str, years: tuple[str, ...]) -> pd.DataFrame:
        """The rows of ``values`` for one measure and some years."""
        v = self.values
        return self._remember(("rows", measure, years), lambda: v[(v["measure"] == measure) & v["year"].isin(years)])

    def matrix(self, measure: str, column: str) -> pd.DataFrame:
        """One measure's ``value`` or ``flag`` column as councils (rows) by years (columns)."""

        def make():
            sub = self.values[self.values["measure"] == measure]
            return sub.pivot(index="council_code", columns="year", values=column)

        return self._remember(("matrix", measure, column), make)

    def england_of(self, measure: str) -> pd.DataFrame:
        """England's ``value`` and ``basis`` by year for one measure."""
        e = self.england
        return self._remember(("england", measure), lambda: e[e["measure"] == measure].set_index("year"))

    def ranked(self, measure: str, year: str) -> pd.DataFrame:
        """Councils with a value of ``measure`` in ``year``, highest first, ranked by the one rank
        rule (:func:`pbanalysis.analysis.ranks.rank`: ties share a rank; a crowded ceiling is not
        ranked): its columns ``rank``, ``tied``, ``of``, ``at_ceiling``, ``short`` and ``text``."""

        def make():
            v = self.values
            sub = v[(v["measure"] == measure) & (v["year"] == year) & v["value"].notna()].copy()
            sub["council_name"] = sub["council_code"].map(self.names)
            o = self.others
            extra = o[(o["measure"] == measure) & (o["year"] == year)]
            if len(extra):
                sub = pd.concat([sub, extra], ignore_index=True)
            sub = sub.sort_values(["value", "council_name"], ascending=[False, True], kind="mergesort")
            sub = sub.reset_index(drop=True)
            m = MEASURES[measure]
            r = ranks.rank(sub["value"], ceiling=CEILING.get(m.kind), show=lambda x: m.text(x))
            return pd.concat([sub, r.drop(columns="value")], axis=1)

        return self._remember(("ranked", measure, year), make)


def _pssex1_values(cy: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    cc = cy[cy["area"] == "council"]
    dp_flag = cc[k.flag(k.DP_CLIENTS_31MAR)].fillna("")
    gross_flag = cc[k.flag(k.DP_GROSS_COST_GBP000)].fillna("")
    flags = {
        # Proxy take-up is missing because its numerator is, or because a denominator service is not there.
        k.PROXY_TAKEUP_PCT: dp_flag.where(cc[k.DP_CLIENTS_31MAR].isna(), ""),
        k.DP_CLIENTS_31MAR: dp_flag,
        k.DP_SPEND_PER_RECIPIENT_GBP: gross_flag.where(cc[k.DP_GROSS_COST_GBP000].isna(), ""),
    }
    # What the count counts each year (England's row says it for every council of that year).
    eng = cy[cy["area"] == "england"].set_index("year")
    recipients_basis = cc.groupby("year")[k.RECIPIENTS_SOURCE].agg(lambda s: s.mode().iloc[0] if len(s.mode()) else "")
    parts, england = [], []
    for m, flag in flags.items():
        basis = cc["year"].map(eng[k.DEFINITION_BASIS] if m != k.DP_SPEND_PER_RECIPIENT_GBP else recipients_basis)
        parts.append(
            pd.DataFrame(
                {
                    "year": cc["year"],
                    "council_code": cc["council_code"],
                    "measure": m,
                    "value": cc[m].astype(float),
                    "flag": flag,
                    "region": cc["region"],
                    "council_type": cc["council_type"],
                    "basis": basis.fillna(""),
                }
            )
        )
        england.append(
            pd.DataFrame(
                {
                    "year": eng.index,
                    "measure": m,
                    "value": eng[m].astype(float).to_numpy(),
                    "basis": (eng[k.DEFINITION_BASIS] if m != k.DP_SPEND_PER_RECIPIENT_GBP else recipients_basis)
                    .reindex(eng.index)
                    .fillna("")
                    .to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True), pd.concat(england, ignore_index=True)


def _ascof_values(trend: pd.DataFrame, councils: pd.DataFrame, successors: pd.DataFrame):
    """ASCOF self-directed support and direct payments (percent) for every year of the compilation
    (:func:`pbanalysis.sources.ascof_trend.load_trend`), on the 2009-2014 councils.

    A council whose boundary changed before the year has no comparable value: it is kept, missing,
    with the mark [z] (not applicable), never split or merged. A council with no published value
    that year is missing with [x]. Each year's ``basis`` names its framework: the 2023-24
    renumbering is a definition change, so no line joins it to the years before. Also returns the
    values of the later councils formed over a changed boundary (for ranks only: see ``Tables.others``)."""
    cols = ["year", "council_code", "measure", "value", "flag", "region", "council_type", "basis"]
    sel = trend[trend["measure_group"].isin(list(_ASCOF_GROUPS.values()))]
    if not len(sel):
        empty = pd.DataFrame(columns=["year", "council_code", "council_name", "measure", "value"])
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=["year", "measure", "value", "basis"]), empty
    current = councils[councils["last_year"] == councils["last_year"].max()].set_index("council_code")
    changed = successors[successors["relation"] == "boundary_changed"].groupby("council_code_2009_14")["changed_on"]
    changed_on = changed.min().to_dict()
    years = sorted(sel["year"].unique())
    out, england, others = [], [], []
    for m, group in _ASCOF_GROUPS.items():
        g = sel[sel["measure_group"] == group]
        for year in years:
            gy = g[g["year"] == year]
            basis = ASCOF_AFTER if year >= ascof_trend.BREAK_YEAR else ASCOF_BEFORE
            e = gy[gy["area_level"] == "england"]
            england.append(
                {"year": year, "measure": m, "value": float(e["value"].iloc[0]) if len(e) else np.nan, "basis": basis}
            )
            later = gy[(gy["area_level"] == "council") & (gy["council_code_2009_14"] == "")]
            others.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "council_code": "GSS:" + later["gss_code"],
                        "council_name": later["area_name"],
                        "measure": m,
                        "value": later["value"].astype(float),
                    }
                )
            )
            c = gy[(gy["area_level"] == "council") & (gy["council_code_2009_14"] != "")]
            got = dict(zip(c["council_code_2009_14"], c["value"].astype(float)))
            start = f"{year[:4]}-04-01"  # a financial year starts on 1 April
            codes = list(current.index)
            flags = ["" if code in got else "[z]" if changed_on.get(code, "9999") <= start else "[x]" for code in codes]
            out.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "council_code": codes,
                        "measure": m,
                        "value": [got.get(code, np.nan) for code in codes],
                        "flag": flags,
                        "region": current["region"].to_numpy(),
                        "council_type": current["council_type"].to_numpy(),
                        "basis": basis,
                    }
                )
            )
    return pd.concat(out, ignore_index=True)[cols], pd.DataFrame(england), pd.concat(others, ignore_index=True)


def build_tables(cy: pd.DataFrame, councils: pd.DataFrame, trend: pd.DataFrame, successors: pd.DataFrame) -> Tables:
    """The explorer's :class:`Tables` from the processed council-year table, the councils, the ASCOF
    compilation of 2017-18 to 2023-24 and the successor councils (any frames of those shapes:
    tests pass small ones)."""
    pv, pe = _pssex1_values(cy)
    av, ae, others = _ascof_values(trend, councils, successors)
    values = pd.concat([pv, av], ignore_index=True)
    values["flag"] = values["flag"].fillna("")
    england = pd.concat([pe, ae], ignore_index=True)
    years = {m: sorted(values.loc[values["measure"] == m, "year"].unique()) for m in MEASURES}
    return Tables(
        values=values,
        england=england,
        councils=councils,
        successors=successors,
        years={m: y for m, y in years.items() if y},
        names=dict(zip(councils["council_code"], councils["council_name"])),
        region=dict(zip(councils["council_code"], councils["region"])),
        council_type=dict(zip(councils["council_code"], councils["council_type"])),
        others=others,
    )


@functools.lru_cache(maxsize=1)
def tables() -> Tables:
    """The project's tables for the explorer, read from data/processed and data/raw once per process."""
    return build_tables(
        data.load_council_year(), data.load_councils(), ascof_trend.load_trend(), lookup.read_successors()
    )


# --------------------------------------------------------------------------
# Finding a council
# --------------------------------------------------------------------------


def council_options(t: Tables | None = None) -> list[str]:
    """Every council as the search box lists it: 'Name (GSS code)', or the name alone without one."""
    t = t or tables()
    c = t.councils.sort_values("council_name")
    return [f"{n} ({g})" if g else n for n, g in zip(c["council_name"], c["gss_code"])]


def find_council(query: object, t: Tables | None = None) -> pd.Series:
    """The council (a row of councils.csv) named by ``query``, among every council of the explorer's
    tables (those abolished in 2009 included): :func:`pbanalysis.analysis.measures.find_council`, the
    one council look-up, on ``t``'s councils and successors."""
    t = t or tables()
    return measures.find_council(query, t.councils, t.successors, abolished=True)


def check_measure(measure: object, t: Tables | None = None) -> Measure:
    """The :class:`Measure` called ``measure`` (a key of :data:`MEASURES` with years in the tables)."""
    t = t or tables()
    if not isinstance(measure, str) or measure not in t.years:
        names = {MEASURES[x].label.lower(): x for x in t.years}
        q = str(measure).strip().lower()
        if q in names:  # the measure by its name in words
            return MEASURES[names[q]]
        close = difflib.get_close_matches(q, [*t.years, *names], n=3, cutoff=0.5)
        close = list(dict.fromkeys(names.get(c, c) for c in close))
        listed = ", ".join(f"{c} ({MEASURES[c].label})" for c in (close or t.years))
        raise ParameterError("measure", measure, ("closest matches: " if close else "one of ") + listed)
    return MEASURES[measure]


def latest_year(measure: str, council_code: str, t: Tables | None = None) -> str:
    """The council's latest year with a value of ``measure`` (the measure's last year when it has none)."""
    t = t or tables()
    row = t.matrix(measure, "value").reindex([council_code]).iloc[0].dropna()
    return str(row.index[-1]) if len(row) else t.years[measure][-1]


def year_span(years: list[str] | tuple[str, ...]) -> str:
    """'2010-11', or '2008-09 to 2013-14' (never a bare hyphen between two years)."""
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


def check_years(years: object, measure: str, t: Tables | None = None, council_code: str | None = None) -> list[str]:
    """The years shown: ``years`` is one year ('2010-11'), a pair (first, last), None or 'all' for
    every year of the measure, or 'latest' for the council's latest year with a value (given
    ``council_code``). Returns the measure's years in that span, in order."""
    t = t or tables()
    have = t.years[measure]
    if years is None or years == "all":
        return list(have)
    if years == "latest":
        return [latest_year(measure, council_code, t) if council_code else have[-1]]
    span = [years, years] if isinstance(years, str) else list(years) if isinstance(years, (list, tuple)) else []
    if len(span) != 2 or any(y not in have for y in span) or span[0] > span[1]:
        raise ParameterError(
            "years", years, f"one year or a (first, last) pair of {', '.join(have)} ({year_span(have)})"
        )
    return [y for y in have if span[0] <= y <= span[1]]


# --------------------------------------------------------------------------
# What the explorer shows
# --------------------------------------------------------------------------


@dataclass
class View:
    """What the explorer shows for one choice.

    ``series``: the chart's lines, one row per line and year (``line``: council, peer_median,
    england or a named council's code; ``label``; ``year``; ``value``; ``flag``; ``basis``).
    ``table``: one row per council shown, then the comparators' median and England, with a value
    column (and a flag column ``<year>_flag``) per year, ``rank`` in the last year shown and, over
    several years, ``change`` from the first year to the last (:func:`add_change`).
    ``rank``/``ranked``: the council's rank (1 = highest) among the councils with a value in the
    last year shown. ``mentions``: what the articles said about the council (register rows).
    ``breaks``: years whose count definition differs from the year before, within the span."""

    council: dict
    measure: Measure
    years: list[str]
    comparators: str
    comparator_label: str
    peers: list[str]
    series: pd.DataFrame
    table: pd.DataFrame
    rank: int | None
    ranked: int
    mentions: list[dict]
    breaks: list[str]
    notes: list[str]
    source: str
    title: str
    #: The council's rank in words, by the one rank rule ("joint 1st with 64 other councils, of 150").
    rank_words: str = ""
    #: {year of a definition change: (the earlier side's name, the later side's name, the line's label)}.
    sides: dict = field(default_factory=dict)

    @property
    def year_label(self) -> str:
        """'2010-11', or '2008-09 to 2013-14'."""
        return year_span(self.years)

    def value(self, year: str | None = None) -> float:
        """The council's value in ``year`` (default: the last year shown); NaN when missing."""
        s = self.series[(self.series["line"] == "council") & (self.series["year"] == (year or self.years[-1]))]
        return float(s["value"].iloc[0]) if len(s) else float("nan")

    def summary(self) -> str:
        """The view in a few lines of text (what a reader sees, without the chart)."""
        c, m = self.council, self.measure
        lines = [f"{c['name']} ({c['gss_code'] or 'no GSS code'}), {c['region']}, {c['council_type']}"]
        lines.append(f"{m.header}, {self.year_label}, compared with {self.comparator_label}")
        for y in self.years:
            row = self.series[(self.series["line"] == "council") & (self.series["year"] == y)].iloc[0]
            lines.append(f"  {y}: {m.text(row['value'], row['flag'])}")
        lines.append(self.rank_text())
        lines += [f"Reported: {x['text']}" for x in self.mentions]
        return "\n".join(lines)

    def rank_text(self) -> str:
        """The council's rank in words, by the one rank rule (ties share a rank and say so)."""
        last = self.years[-1]
        if not self.rank_words:
            return f"Rank in {last}: not ranked (no value); {self.ranked:,} councils had a value."
        return f"Rank in {last}: {self.rank_words} councils with a value (1st = highest {self.measure.short})."


def _council_dict(row: pd.Series) -> dict:
    return {
        "code": row["council_code"],
        "name": row["council_name"],
        "gss_code": row["gss_code"],
        "region": row["region"],
        "council_type": row["council_type"],
        "first_year": row["first_year"],
        "last_year": row["last_year"],
    }


def _peers(t: Tables, council: dict, comparators: str, named: list[str], rows: pd.DataFrame) -> list[str]:
    """The comparator councils' codes (the council itself excluded), in the order of their name."""
    if comparators == "named":
        return [c for c in named if c != council["code"]]
    present = set(rows["council_code"])
    if comparators == "region":
        peers = set(t.councils.loc[t.councils["region"] == council["region"], "council_code"]) & present
    else:  # the council's type in the last year shown (five councils became unitary in 2009)
        mine = rows[rows["council_code"] == council["code"]].sort_values("year")["council_type"].dropna()
        want = mine.iloc[-1] if len(mine) else council["council_type"]
        last = rows["year"].max()
        peers = set(rows.loc[(rows["council_type"] == want) & (rows["year"] == last), "council_code"])
    peers.discard(council["code"])
    return sorted(peers, key=lambda c: t.names.get(c, c))


def _register_mentions(council_name: str, reg: pd.DataFrame | None = None) -> list[dict]:
    """The register's figures about the council: statement, value as printed, period, publication."""
    reg = _register() if reg is None else reg
    hit = reg[reg["council"].fillna("").str.lower() == council_name.lower()]
    out = []
    for r in hit.itertuples():
        value = fmt.value(r.value, r.unit)
        where = f"{r.publication} ({r.published})" if getattr(r, "publication", "") else r.source_id
        out.append(
            {
                "figure_id": r.figure_id,
                "statement": r.statement,
                "value": value,
                "period": str(r.period).removeprefix("FY"),
                "publication": where,
                "text": f"{r.statement} Reported value: {value}; period {str(r.period).removeprefix('FY')}; {where}.",
            }
        )
    return out


@functools.lru_cache(maxsize=1)
def _register() -> pd.DataFrame:
    reg = register.load_register()
    src = register.load_sources()[["source_id", "publication", "published"]]
    reg = reg.merge(src, on="source_id", how="left")
    reg["publication"] = reg["publication"].fillna("").str.split(" - ").str[0]
    return reg


def _breaks(t: Tables, measure: str, years: list[str]) -> list[str]:
    """Years whose definition (England's basis that year) differs from the last earlier year with one."""
    e = t.england_of(measure)["basis"]
    out, prev = [], None
    for y in years:
        b = e.get(y, "")
        if not b:
            continue
        if prev is not None and b != prev:
            out.append(y)
        prev = b
    return out


def view(
    council: str,
    measure: str = k.PROXY_TAKEUP_PCT,
    years: object = None,
    comparators: str = "region",
    named: list[str] | tuple[str, ...] = (),
    t: Tables | None = None,
) -> View:
    """What the explorer shows: ``council`` (name or code) against ``comparators`` ('region', 'type'
    or 'named', with up to five ``named`` councils) on ``measure`` over ``years`` (see
    :func:`check_years`). Every bad choice fails with a :class:`ParameterError` saying what is allowed."""
    t = t or tables()
    c = _council_dict(find_council(council, t))
    m = check_measure(measure, t)
    ys = check_years(years, measure, t, c["code"])
    if comparators not in COMPARATORS:
        raise ParameterError("comparators", comparators, list(COMPARATORS))
    named = [n for n in (named or ()) if str(n).strip()]
    if comparators == "named" and not named:
        raise ParameterError("named", named, f"one to {MAX_NAMED} council names when comparing with named councils")
    if len(named) > MAX_NAMED:
        raise ParameterError("named", named, f"at most {MAX_NAMED} councils")
    named_codes = (
        [] if comparators != "named" else list(dict.fromkeys(find_council(n, t)["council_code"] for n in named))
    )

    rows = t.rows(m.key, tuple(ys))
    peers = _peers(t, c, comparators, named_codes, rows)
    shown = [c["code"], *peers]
    vals = t.matrix(m.key, "value").reindex(index=shown, columns=ys)
    flags = t.matrix(m.key, "flag").reindex(index=shown, columns=ys).fillna("")
    eng = t.england_of(m.key).reindex(ys)
    if comparators == "type":
        # Each year's median over the other councils of the chosen council's type that year.
        mine_type = rows.loc[rows["council_code"] == c["code"]].set_index("year")["council_type"]
        want = rows["year"].map(mine_type).fillna(c["council_type"])
        same = rows[(rows["council_type"] == want) & (rows["council_code"] != c["code"])]
        med = same.groupby("year")["value"].median().reindex(ys)
    else:
        med = vals.loc[peers].median(axis=0) if peers else pd.Series(np.nan, index=ys)
    basis = eng["basis"].fillna("")

    if comparators == "region":
        label = f"{c['region']} councils"
    elif comparators == "type":
        label = f"councils of the same type ({c['council_type'].lower()})"
    else:
        label = "the named councils"
    parts = [_lines("council", c["name"], vals.loc[c["code"]], flags.loc[c["code"]])]
    if comparators == "named":
        parts += [_lines(code, t.names[code], vals.loc[code], flags.loc[code]) for code in peers]
    else:
        parts.append(_lines("peer_median", f"Median of {label}", med, None))
    parts.append(_lines("england", "England", eng["value"], None))
    series = pd.concat(parts, ignore_index=True)
    series["basis"] = series["year"].map(basis).fillna("")

    last = ys[-1]
    ranked = t.ranked(m.key, last)
    mine = ranked[ranked["council_code"] == c["code"]]
    my_rank = None if not len(mine) or pd.isna(mine["rank"].iloc[0]) else int(mine["rank"].iloc[0])
    words = mine["text"].iloc[0] if len(mine) else ""
    breaks = _breaks(t, m.key, ys)
    sides = {
        y: (
            _SIDE_WORDS.get(basis.get(ys[ys.index(y) - 1], ""), ""),
            _SIDE_WORDS.get(basis.get(y, ""), ""),
            BREAK_LABELS.get(basis.get(y, ""), ""),
        )
        for y in breaks
    }
    table = _table(t, c, shown, ys, vals, flags, med, eng["value"], ranked.set_index("council_code"), label)
    if len(ys) > 1:
        add_change(table, ys, basis)
    return View(
        council=c,
        measure=m,
        years=ys,
        comparators=comparators,
        comparator_label=label,
        peers=peers,
        series=series,
        table=table,
        rank=my_rank,
        ranked=len(ranked),
        rank_words=words,
        sides=sides,
        mentions=_register_mentions(c["name"]),
        breaks=breaks,
        notes=_notes(t, c, m, ys, vals.loc[c["code"]], flags.loc[c["code"]], breaks, basis),
        source=datapackage.source_line(m.resource, years=ys, form="short", processed=True),
        title=_title(c, m, ys, series, words, label, basis),
    )


def _lines(line: str, label: str, values: pd.Series, flags: pd.Series | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": line,
            "label": label,
            "year": list(values.index),
            "value": values.to_numpy(dtype=float),
            "flag": "" if flags is None else flags.to_numpy(),
        }
    )


def _table(t, c, shown, ys, vals, flags, med, eng, ranked, label) -> pd.DataFrame:
    """The table's rows: the council, its comparators (highest value in the last year first), then
    the comparators' median and England. Ranks are those among every council with a value, by the
    one rank rule: ``rank`` (shared by ties; missing at a crowded ceiling), ``rank_short`` ('=1st')
    and ``rank_tied`` (how many others share it)."""
    peers = shown[1:]
    last = ys[-1]
    order = sorted(
        peers, key=lambda code: (-vals.loc[code, last] if pd.notna(vals.loc[code, last]) else np.inf, t.names[code])
    )
    codes = [shown[0], *order]
    out = pd.DataFrame(
        {
            "name": [t.names[x] for x in codes],
            "role": ["council"] + ["comparator"] * len(order),
            "region": [t.region.get(x, "") for x in codes],
            "council_type": [t.council_type.get(x, "") for x in codes],
        }
    )
    for y in ys:
        out[y] = vals.loc[codes, y].to_numpy(dtype=float)
        out[f"{y}_flag"] = flags.loc[codes, y].to_numpy()
    out["rank"] = [ranked["rank"].get(x) for x in codes]
    out["rank_short"] = [ranked["short"].get(x, "") for x in codes]
    out["rank_tied"] = [ranked["tied"].get(x) for x in codes]
    out["rank_flag"] = ""
    extra = pd.DataFrame(
        {
            "name": [f"Median of {label}", "England"],
            "role": ["median", "england"],
            "region": "[z]",  # a median or England has no region or type
            "council_type": "[z]",
            **{y: [med.get(y, np.nan), eng.get(y, np.nan)] for y in ys},
            **{f"{y}_flag": "" for y in ys},
            "rank": None,
            "rank_short": "[z]",
            "rank_tied": None,
            "rank_flag": "[z]",
        }
    )
    out = pd.concat([out, extra], ignore_index=True)
    for y in ys:
        out[y] = pd.to_numeric(out[y], errors="coerce").astype(float)
    out["rank"] = pd.array(pd.to_numeric(out["rank"], errors="coerce"), dtype="Int64")
    out["rank_tied"] = pd.array(pd.to_numeric(out["rank_tied"], errors="coerce"), dtype="Int64")
    return out


def add_change(table: pd.DataFrame, years: list[str], basis: pd.Series) -> bool:
    """Add ``change`` (last year shown minus first, in the measure's unit) and ``change_flag`` to a
    view's table: who moved most. Where the two years count on different definitions the change is
    not applicable ([z]); where a value is missing it is not available. Returns whether the two
    years are comparable."""
    first, last = years[0], years[-1]
    same = basis.get(first, "") == basis.get(last, "")
    table["change"] = (table[last] - table[first]) if same else np.nan
    table["change_flag"] = "" if same else "[z]"
    return same


def quality_notes(gss_code: str, measure: str, years: list[str]) -> list[str]:
    """The data-quality flags on one council's values of ``measure`` in ``years`` (every flag on the
    measures its value rests on, :func:`pbanalysis.analysis.quality.flags_for`): one note a year
    ("2010-11 is flagged: ..."); the value keeps its number in the chart and the table."""
    if not gss_code:
        return []
    f = quality.flags_for([gss_code], years, measure)
    out = []
    for y in years:
        note = quality.note_text(f[f["year"] == y])
        if note:
            out.append(f"{y} is flagged by the data-quality rules. {note}")
    return out


def _notes(t, c, m, ys, mine, mine_flags, breaks, basis) -> list[str]:
    """The measure's definition, where its count changes, the data-quality flags on the council's
    values, and why any of its years is missing."""
    notes = [m.definition, *quality_notes(c.get("gss_code") or "", m.key, ys)]
    if breaks:
        spans = []
        for b in dict.fromkeys(basis[basis != ""]):
            yrs = [y for y in ys if basis.get(y) == b]
            spans.append(f"{_spans(yrs, ys)}: {_BASIS_WORDS.get(b, 'recipients from the ' + b)}")
        notes.append(
            "The definition changes in "
            + ", ".join(breaks)
            + "; the chart's lines break there"
            + (" (" + "; ".join(spans) + ")." if spans else ".")
        )
    missing = [y for y in ys if pd.isna(mine[y])]
    if not missing:
        return notes
    why = []
    outside = [y for y in missing if y < c["first_year"] or (m.source == "pssex1" and y > c["last_year"])]
    if outside:
        why.append(
            f"{c['name']} was a council from {c['first_year']} to {c['last_year']} in the PSS-EX1 tables, so "
            f"{_spans(outside, ys)} {'has' if len(outside) == 1 else 'have'} no value ([x])"
        )
    changed = [y for y in missing if mine_flags[y] == "[z]"]
    if changed:
        succ = t.successors[t.successors["council_code_2009_14"] == c["code"]]
        later = " and ".join(f"{r.successor_name} ({r.successor_gss_code})" for r in succ.itertuples())
        on = succ["changed_on"].iloc[0] if len(succ) else "an earlier date"
        why.append(
            f"{c['name']}'s boundary changed on {on}; in {_spans(changed, ys)} its area was part of {later}, "
            f"whose values are for a different area, so none is shown ([z])"
        )
    rest = [y for y in missing if y not in outside and y not in changed]
    for y in rest:
        symbol = fmt.symbol(mine_flags[y])
        why.append(f"{y}: {fmt.SYMBOLS.get(symbol, 'not available')} ({symbol})")
    notes.append(f"Years without a value for {c['name']}: " + "; ".join(why) + ".")
    return notes


def _spans(some: list[str], years: list[str]) -> str:
    """Years as runs of consecutive years of ``years``: '2008-09, 2010-11 to 2013-14'."""
    runs: list[list[str]] = []
    for y in some:
        if runs and years.index(y) == years.index(runs[-1][-1]) + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(year_span(r) for r in runs)


def _title(c, m, ys, series, rank_words, label, basis) -> str:
    """The finding, in words: the council's latest value, its rank and the comparators' median, or
    its change over the latest years shown on one definition."""
    s = series[series["line"] == "council"].set_index("year")
    last = ys[-1]
    v, flag = s.loc[last, "value"], s.loc[last, "flag"]
    have = s["value"].dropna()
    if not len(have):
        span = ys[0] if len(ys) == 1 else f"{ys[0]} to {last}"
        why = ": its boundary changed before then" if flag == "[z]" else f" ({fmt.symbol(flag)})"
        return f"{c['name']}: no {m.short} value in {span}{why}"
    if pd.isna(v):
        return f"{c['name']}: {m.short} {m.text(have.iloc[-1])} in {have.index[-1]}; no value in {last} ({fmt.symbol(flag)})"
    ranked_text = f", {rank_words} councils" if rank_words else ""
    if len(have) == 1:
        med = series[(series["line"] == "peer_median") & (series["year"] == last)]["value"]
        against = f"; median of {label} {m.text(med.iloc[0])}" if len(med) and pd.notna(med.iloc[0]) else ""
        return f"{c['name']}: {m.short} {m.text(v)} in {last}{ranked_text}{against}"
    run = []  # the latest years shown on the last year's definition, without a gap in it
    for y in reversed(ys):
        if basis.get(y, "") != basis.get(last, ""):
            break
        run.insert(0, y)
    run = [y for y in run if y in have.index]
    if len(run) < 2:
        return f"{c['name']}: {m.short} {m.text(v)} in {last}{ranked_text}"
    y0, v0 = run[0], have[run[0]]
    a, z = m.text(v0), m.text(v)
    word = "rose" if z != a and v > v0 else "fell" if z != a else "held"
    change = f"{word} from {a} in {y0} to {z} in {last}" if word != "held" else f"held at {z} from {y0} to {last}"
    one = " on one definition" if len(set(basis[basis != ""])) > 1 else ""
    return f"{c['name']}: {m.short} {change}{one}{ranked_text} in {last}"
