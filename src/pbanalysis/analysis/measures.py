"""The report's computations: take-up under each denominator, proxy rates,
spend per recipient, council distributions, and parameter checks, among them the one council
look-up every caller uses (:func:`find_council`: by name, GSS or PSS-EX1 code, across successor
councils, failing with the closest matches).

Pure pandas: no file reading beyond the loaders in :mod:`pbanalysis.dataset.data`,
:mod:`pbanalysis.analysis.register` and :func:`pbanalysis.sources.lookup.read_successors`, and no
plotting.
"""

from __future__ import annotations

import difflib
import functools
import numbers
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pbanalysis.analysis import checks, ranks
from pbanalysis.analysis import register as register_mod
from pbanalysis.core import columns
from pbanalysis.core import format as fmt
from pbanalysis.core import keys as k
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import data
from pbanalysis.sources import lookup

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def uses(doc: dict | None = None) -> dict:
    """The roles register figures play in the notebooks (``uses`` of the checks file).

    ``doc`` is a loaded checks file; by default ``data/reference/claim_checks.yaml``
    is read (validated) when called.
    """
    return (doc if doc is not None else checks.load_checks())["uses"]


def denominators(doc: dict | None = None) -> dict[str, dict]:
    """Take-up denominators by key: label, people (a figure_id) and share (a figure_id or None)."""
    return dict(uses(doc)["denominators"])


# --------------------------------------------------------------------------
# Parameter checks: a wrong value fails at once and lists the allowed values
# --------------------------------------------------------------------------

#: Council-level measures the variance notebook can rank.
VARIANCE_MEASURES = {
    # Each label is the column dictionary's header (pbanalysis.core.columns); the proxy's says what it is.
    k.PROXY_TAKEUP_PCT: columns.header(k.PROXY_TAKEUP_PCT)
    + ": direct payments as a share of community-service receipts at 31 March",
    k.DP_CLIENTS_31MAR: columns.header(k.DP_CLIENTS_31MAR),
    k.DP_SPEND_PER_RECIPIENT_GBP: columns.header(k.DP_SPEND_PER_RECIPIENT_GBP),
}


def short_label(measure: str) -> str:
    """The short name of a council measure: its :data:`VARIANCE_MEASURES` label up to the colon."""
    return VARIANCE_MEASURES.get(measure, measure).split(":")[0]


def check_choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, else ParameterError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(name, value, list(allowed))
    return value


def check_number(name: str, value: object, low: float, high: float) -> float:
    """A real number in [low, high] (bools refused), else ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise ParameterError(name, value, f"a number from {low} to {high}")
    return float(value)


def check_year(name: str, value: object, available: Iterable[str]) -> str:
    """``value``, a financial year such as '2010-11' among ``available``; else ParameterError."""
    return check_choice(name, value, sorted(available))


def check_date(name: str, value: object) -> str:
    """``value``, an ISO date 'YYYY-MM-DD' (a string); else ParameterError."""
    try:
        ok = isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        pd.Timestamp(value)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ParameterError(name, value, "an ISO date such as '2011-04-01'")
    return value


def check_thresholds(name: str, value: object) -> list[float]:
    """``value`` as a non-empty list of increasing percentages (%) from 0 to 100; else ParameterError."""
    ok = (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 <= v <= 100 for v in value)
        and list(value) == sorted(value)
    )
    if not ok:
        raise ParameterError(name, value, "an increasing list of percentages from 0 to 100, e.g. [10, 20, 30]")
    return [float(v) for v in value]


# --------------------------------------------------------------------------
# Finding a council: the one resolver every caller uses
# --------------------------------------------------------------------------

#: A GSS code (E10000027) or a PSS-EX1 council code (905), as a query may give one.
COUNCIL_CODE = re.compile(r"^(E\d{8}|\d{3})$", re.IGNORECASE)
#: What a council query may be, as the errors say it.
COUNCIL_QUERY = "a council name or GSS code, or a PSS-EX1 council code"
_EXAMPLE = "such as 'Manchester', 'E08000003' or '306'"


@functools.lru_cache(maxsize=4096)
def _key(name: str) -> str:
    """A name as it is matched: any case, spacing, punctuation or 'Council' ("Stoke-on-Trent City
    Council" and "stoke on trent" are one key, as are "city-of-york" and "City of York";
    :func:`pbanalysis.sources.lookup.normalise` after punctuation becomes spaces)."""
    return lookup.normalise(re.sub(r"[^A-Za-z&]+", " ", name))


def _keys(names: str) -> set[str]:
    """The keys of a '; '-separated list of names (councils.csv's ``pssex1_names``)."""
    return {_key(n) for n in names.split(";")} - {""}


@functools.lru_cache(maxsize=1)
def _default_successors() -> pd.DataFrame:
    return lookup.read_successors()


def _column(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    """A column of ``frame`` as stripped text ('' where missing or absent), as a tuple (look-ups in
    plain Python: a pandas filter per column costs milliseconds, and packs look up every council)."""
    if column not in frame:
        return ("",) * len(frame)
    return _stripped(tuple(frame[column].tolist()))


@functools.lru_cache(maxsize=64)
def _stripped(values: tuple) -> tuple[str, ...]:
    return tuple(v.strip() if isinstance(v, str) else "" for v in values)


@functools.lru_cache(maxsize=8)
def _name_keys(names: tuple[str, ...], lookup_names: tuple[str, ...], pssex1: tuple[str, ...]) -> tuple[set, ...]:
    """Each council's keys (:func:`_key`) of its name, its lookup name and its PSS-EX1 names; kept by
    the columns' content, so a table changed in place is keyed afresh."""
    return tuple({_key(a), _key(b), *_keys(p)} - {""} for a, b, p in zip(names, lookup_names, pssex1))


def _row(frame: pd.DataFrame, i: int, later: bool = False) -> pd.Series:
    return pd.Series({**frame.iloc[i].to_dict(), "later": later}, name=frame.index[i])


def find_council(
    query: object,
    councils: pd.DataFrame | None = None,
    successors: pd.DataFrame | None = None,
    *,
    later: pd.DataFrame | None = None,
    abolished: bool = False,
) -> pd.Series:
    """The council ``query`` names: its row of ``councils`` (``councils.csv``, read by default).

    ``query`` is a council's name in any case or spelling the files use ("Stoke on Trent",
    "Stoke-on-Trent", "Stoke-on-Trent City Council", "Hull"), its GSS code or its PSS-EX1 council
    code (any case), or an entry of the explorer's search box ("Somerset (E10000027)").

    ``successors`` (``council_successors.csv`` by default) is followed: a later council over the same
    area (relation same_area) finds its 2009-2014 council by its new name or code (E06000060 finds
    Buckinghamshire, E06000066 Somerset). A later council formed over a changed boundary is found
    only in ``later``, a frame of later councils (``gss_code``, ``council_name``, and where known
    ``council_code`` and ``council_code_2009_14``, as in the ASCOF tables); without it, or not in it,
    the query fails naming the 2009-2014 councils its area came from. A council abolished in 2009
    (no GSS code: Cheshire, Bedfordshire) is found only with ``abolished``; otherwise the query fails
    naming the councils that took its area.

    The row returned has ``later``: False for a row of ``councils``, True for a row of ``later``.
    Anything else raises :class:`ParameterError` naming the query and up to five closest names (for
    a code, the closest codes, each with its council).
    """
    if not isinstance(query, str) or not query.strip():
        raise ParameterError("council", query, f"{COUNCIL_QUERY}, {_EXAMPLE}")
    councils = data.load_councils() if councils is None else councils
    successors = _default_successors() if successors is None else successors
    q = " ".join(query.split())
    boxed = re.fullmatch(r"(.+) \(([^()]+)\)", q)  # 'Somerset (E10000027)', as the search box lists it
    if boxed and COUNCIL_CODE.match(boxed.group(2)):
        q = boxed.group(1)
    code, key = q.upper(), _key(q)
    c_code, c_gss, c_name = (_column(councils, c) for c in ("council_code", "gss_code", "council_name"))
    usable = [i for i, g in enumerate(c_gss) if abolished or g]
    at = {c_code[i]: i for i in usable}

    # 1. A code of a council, then a name any file gives it.
    for col in (c_code, c_gss):
        hit = [i for i in usable if col[i].upper() == code]
        if len(hit) == 1:
            return _row(councils, hit[0])
    names = _name_keys(c_name, _column(councils, "lookup_name"), _column(councils, "pssex1_names"))
    hit = [i for i in usable if key and key in names[i]]
    if len(hit) == 1:
        return _row(councils, hit[0])
    if len(hit) > 1:
        raise ParameterError("council", query, f"one council; it names {len(hit)}: {', '.join(c_name[i] for i in hit)}")
    # 2. A later council over the same area: its 2009-2014 council.
    succ = list(
        zip(*(_column(successors, c) for c in ("successor_code", "successor_gss_code", "successor_name", "relation")))
    )
    asked = [
        n
        for n, (s_code, s_gss, s_name, _) in enumerate(succ)
        if code in (s_code, s_gss.upper()) or key == _key(s_name) != ""
    ]
    old = {_column(successors, "council_code_2009_14")[n] for n in asked if succ[n][3] == "same_area"} & set(at)
    if len(old) == 1:
        return _row(councils, at[old.pop()])
    # 3. A later council of ``later``, or its 2009-2014 council where it has one.
    if later is not None:
        l_code, l_gss, l_name = (_column(later, c) for c in ("council_code", "gss_code", "council_name"))
        hit = [i for i in range(len(later)) if code in (l_code[i], l_gss[i].upper()) or key == _key(l_name[i]) != ""]
        if len({l_gss[i] for i in hit}) == 1:
            before = _column(later, "council_code_2009_14")[hit[0]]
            return _row(councils, at[before]) if before in at else _row(later, hit[0], later=True)
    # 4. Why it was not found.
    changed = successors.iloc[[n for n in asked if succ[n][3] == "boundary_changed"]]
    if len(changed):
        formed = ", ".join(sorted(set(changed["council_name_2009_14"])))
        raise ParameterError(
            "council",
            query,
            f"a 2009-2014 council: {changed['successor_name'].iloc[0]} covers an area changed in "
            f"{changed['changed_on'].iloc[0][:4]} from parts of {formed}, so it is not one council of the "
            f"earlier tables; choose one of {formed}",
        )
    gone = [
        i for i, g in enumerate(c_gss) if not abolished and not g and (c_code[i] == code or key and key in names[i])
    ]
    if gone:
        g = councils.iloc[gone[0]]
        took = lookup.ABOLISHED_2009.get(g["council_code"], ("", "", ()))[2]
        now = [n for n, lc in zip(c_name, _column(councils, "lookup_code")) if lc and lc in took]
        raise ParameterError(
            "council",
            query,
            f"a council of 2009-10 onwards: {g['council_name']} was abolished on 1 April 2009 and has "
            f"figures for {g['last_year']} only" + (f"; its area is now {' and '.join(now)}" if now else ""),
        )
    shown = [(c_code[i], c_gss[i], c_name[i]) for i in usable]
    if later is not None:
        shown += list(zip(_column(later, "council_code"), _column(later, "gss_code"), _column(later, "council_name")))
    raise _unknown_council(query, q, shown)


def _unknown_council(query: str, q: str, councils: list[tuple[str, str, str]]) -> ParameterError:
    """The error for a query no council matches: the closest names, or for a code the closest codes
    (``councils``: (PSS-EX1 code, GSS code, name) of each council that could have matched)."""
    if COUNCIL_CODE.match(q):
        # The same kind of code (E10 counties, E08 metropolitan districts, ...; or a 3-digit
        # PSS-EX1 code), nearest in number first.
        code = q.upper()
        named: dict[str, str] = {}
        for cassr, gss, name in councils:
            for c in (gss.upper(), cassr):
                if COUNCIL_CODE.match(c) and len(c) == len(code):
                    named.setdefault(c, name)
        kind = [c for c in named if c[:3] == code[:3]] if code.startswith("E") else list(named)
        near = sorted(kind or named, key=lambda c: (abs(int(c.lstrip("E")) - int(code.lstrip("E"))), c))[:5]
        listed = ", ".join(f"{named[c]} ({c})" for c in near)
        return ParameterError(
            "council",
            query,
            f"{COUNCIL_QUERY}; closest matches: {listed}" if listed else f"{COUNCIL_QUERY}, {_EXAMPLE}",
        )
    names = list(dict.fromkeys(name for _, _, name in councils if name))
    close = difflib.get_close_matches(q, names, n=5, cutoff=0.6)
    close += [n for n in names if q.lower() in n.lower() and n not in close]
    close = close[:5] or difflib.get_close_matches(q, names, n=5, cutoff=0.3)
    return ParameterError(
        "council",
        query,
        f"{COUNCIL_QUERY}; closest matches: {', '.join(close)}"
        if close
        else f"{COUNCIL_QUERY}, {_EXAMPLE} (the councils are listed in data/raw/councils.csv)",
    )


def list_councils(councils: pd.DataFrame) -> list[str]:
    """The names of the current councils (those with a GSS code), sorted."""
    return sorted(councils[councils["gss_code"].fillna("") != ""]["council_name"])


# --------------------------------------------------------------------------
# Take-up (national, from the register)
# --------------------------------------------------------------------------


def _reg(register: pd.DataFrame) -> pd.Series:
    return register.set_index("figure_id")["value"].astype(float)


def denominator_value(register: pd.DataFrame, denominator: str, doc: dict | None = None) -> float:
    """People in a take-up denominator, from the register's reported figures."""
    dens = denominators(doc)
    check_choice("denominator", denominator, dens)
    d = dens[denominator]
    v = _reg(register)
    return float(v[d["people"]] * (v[d["share"]] / 100 if d.get("share") else 1))


def denominator_label(register: pd.DataFrame, denominator: str, doc: dict | None = None) -> str:
    """A denominator's description with its size, both from the register."""
    d = denominators(doc)[denominator]
    desc = d["label"]
    people = denominator_value(register, denominator, doc)
    if d.get("share"):
        desc = desc.replace("a share", f"{_reg(register)[d['share']]:g}%")
    return f"{desc} ({fmt.count(people)} people)"


def _month(period: str) -> str:
    """'2011-04' as 'April 2011' (a year alone as itself)."""
    text = str(period).removeprefix("FY")
    return pd.Timestamp(f"{text}-01").strftime("%B %Y") if re.fullmatch(r"\d{4}-\d{2}", text) else text


def is_forecast(period: str, published: str) -> bool:
    """Whether a figure is a forecast: its period ends after its article was published (both as
    ISO dates or months, e.g. '2011-04' against '2010-05-27')."""
    end = str(period).split("/")[-1].removeprefix("FY")
    if not re.match(r"^\d{4}(-\d{2})?", end):
        return False
    return end[:7] > str(published)[:7]


def takeup_by_denominator(
    register: pd.DataFrame, target_pct: float, doc: dict | None = None, sources: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each reported holder count as a share (%) of each denominator, and how it stands against the target.

    A figure whose period ends after its article was published (``sources``, the register's
    articles) is a forecast, not a count: ``forecast`` is True and ``against_target`` says it is
    the forecast that would or would not reach the target; a count meets it or not."""
    doc = doc if doc is not None else checks.load_checks()
    sources = sources if sources is not None else register_mod.load_sources()
    published = dict(zip(sources["source_id"], sources["published"]))
    v = _reg(register)
    rows_of = register.set_index("figure_id")
    target = fmt.pct(target_pct).replace(".0%", "%")
    rows = []
    for h in uses(doc)["holders"]:
        fid, label = h["figure"], h["label"]
        r = rows_of.loc[fid]
        forecast = is_forecast(r["period"], published.get(r["source_id"], ""))
        for den in denominators(doc):
            people = denominator_value(register, den, doc)
            pct = 100 * v[fid] / people
            meets = bool(pct >= target_pct)
            if forecast:
                against = f"A forecast for {_month(r['period'])} that would {'reach' if meets else 'not reach'} {target}, not a count"
            else:
                against = "At or above" if meets else "Below"
            rows.append(
                {
                    "holders_figure": fid,
                    "holders": label,
                    "holders_count": v[fid],
                    "figure_kind": f"Councils' forecast for {_month(r['period'])}"
                    if forecast
                    else f"Count, {_month(r['period'])}",
                    "forecast": forecast,
                    "denominator": den,
                    "denominator_label": denominator_label(register, den, doc),
                    "denominator_people": people,
                    "takeup_pct": round(pct, 1),
                    "target_pct": target_pct,
                    "meets_target": meets,
                    "against_target": against,
                }
            )
    return pd.DataFrame(rows)


#: How a stated precision reads in a label ("over 30%", "about 170,000").
_PRECISION_WORD = {"more_than": "over ", "or_more": "at least ", "about": "about ", "almost": "almost "}


def takeup_timeline(
    register: pd.DataFrame, denominator: str, as_of: str, doc: dict | None = None, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Reported take-up over time as percentages of ``denominator``, up to ``as_of``.

    Percentages the articles state are used as stated (their own NI 130 or
    survey basis); holder counts are turned into percentages of the chosen
    denominator. Targets are listed with kind 'target'. With ``national``
    (the national series), the official England proxy at 31 March of each
    year is added with kind 'proxy' (labelled as a proxy, not NI 130).
    Columns: figure_id, date, label, kind, takeup_pct, basis, note.
    """
    doc = doc if doc is not None else checks.load_checks()
    roles = uses(doc)
    v = _reg(register)
    reg_i = register.set_index("figure_id")
    people = denominator_value(register, denominator, doc)
    values = {k: float(x) for k, x in v.items()}
    rows = []
    for item in roles["timeline"]:
        fid, when, label = item["figure"], item["date"], item["label"]
        word = _PRECISION_WORD.get(reg_i.loc[fid, "stated_precision"], "")
        if reg_i.loc[fid, "unit"] == "percent":
            pct, basis = v[fid], "as stated in the article"
            label = f"{word}{v[fid]:g}% {label}"
        else:
            pct, basis = 100 * v[fid] / people, f"{fmt.count(int(v[fid]))} / {fmt.count(int(people))} ({denominator})"
            label = f"{word}{fmt.count(v[fid])} {label}"
        note = item["note"].format(**values) if item.get("note") else ""
        rows.append(
            {
                "figure_id": fid,
                "date": when,
                "label": label + (f"\n({note})" if note else ""),
                "kind": "reported",
                "takeup_pct": round(float(pct), 1),
                "basis": basis,
                "note": note,
            }
        )
    for item in roles["targets"]:
        fid, when, label = item["figure"], item["date"], item["label"]
        label = f"Target: {v[fid]:g}% {label}" if v[fid] < 100 else f"Target: all eligible {label}"
        rows.append(
            {
                "figure_id": fid,
                "date": when,
                "label": label,
                "kind": "target",
                "takeup_pct": float(v[fid]),
                "basis": "target",
                "note": "",
            }
        )
    if national is not None:
        for _, p in roles["proxy_series"].items():
            for _, n in national.dropna(subset=[p["measure"]]).iterrows():
                rows.append(
                    {
                        "figure_id": "",
                        "date": f"{int(n['year'][:4]) + 1}-{p['date']}",
                        "label": f"{p['label']}, {n['year']}",
                        "kind": "proxy",
                        "takeup_pct": round(float(n[p["measure"]]), 1),
                        "basis": f"official: {p['measure']} ({BASIS_LABEL.get(n[k.DEFINITION_BASIS], '')})",
                        "note": "",
                    }
                )
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df[df["date"] <= pd.Timestamp(as_of)].sort_values(["date", "kind"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------
# Council variance (official data, proxy measure)
# --------------------------------------------------------------------------


def share_text(value: float) -> str:
    """A share as a reader says it: a whole number (a target, a ceiling) without decimals ("100%"),
    anything else to one decimal ("97.9%")."""
    return fmt.pct(value, decimals=0) if float(value).is_integer() else fmt.pct(value)


#: "About the same" (:func:`pbanalysis.core.format.movement`): a change under this many points.
ABOUT_THE_SAME_POINTS = fmt.ABOUT_THE_SAME_POINTS
movement = fmt.movement


#: Measures that are shares (a ceiling of 100%: where most councils sit there, they are not ranked).
_SHARE_MEASURES = (k.PROXY_TAKEUP_PCT,)


def councils_in_year(cy: pd.DataFrame, year: str, measure: str = k.PROXY_TAKEUP_PCT) -> pd.DataFrame:
    """Councils with a value of ``measure`` in ``year``, ranked (1 = highest) by the one rank rule
    (:func:`pbanalysis.analysis.ranks.rank`): councils with the same value share the best rank of
    their group. Listed highest first (by name within a tie). Adds ``rank`` (Int64), ``of``, ``tied``
    (how many others share the value), ``rank_short`` ("=3rd") and ``rank_text`` ("joint 3rd with 1
    other council, of 152")."""
    sub = cy[(cy["area"] == "council") & (cy["year"] == year)].dropna(subset=[measure]).copy()
    sub = sub.sort_values([measure, "council_name"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    r = ranks.rank(sub[measure], ceiling=100.0 if measure in _SHARE_MEASURES else None, show=share_text)
    sub["rank"] = r["rank"]
    sub["of"] = len(sub)
    sub["tied"] = r["tied"]
    sub["rank_short"] = r["short"]
    sub["rank_text"] = r["text"]
    return sub


def threshold_shares(
    cy: pd.DataFrame, thresholds: Sequence[float] = (10, 20, 30), measure: str = k.PROXY_TAKEUP_PCT
) -> pd.DataFrame:
    """Per year: councils below the lowest threshold, above the middle ones, at or above the highest."""
    t = list(thresholds)
    rows = []
    for year, g in cy[cy["area"] == "council"].groupby("year"):
        vals = g[measure].dropna()
        n = len(vals)
        row = {
            "year": year,
            "councils_with_value": n,
            k.DEFINITION_BASIS: g[k.DEFINITION_BASIS].mode().iloc[0],
            "median_pct": round(float(vals.median()), 2) if n else np.nan,
            f"below_{t[0]:g}_n": int((vals < t[0]).sum()),
        }
        for x in t[1:-1]:
            row[f"above_{x:g}_n"] = int((vals > x).sum())
        row[f"at_or_above_{t[-1]:g}_n"] = int((vals >= t[-1]).sum())
        for col in [c for c in row if c.endswith("_n")]:
            row[col[:-2] + "_share_pct"] = round(100 * row[col] / n, 1) if n else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def group_summary(cy: pd.DataFrame, year: str, by: str, measure: str = k.PROXY_TAKEUP_PCT) -> pd.DataFrame:
    """Median, quartiles and count of ``measure`` by region or council type in one year."""
    sub = councils_in_year(cy, year, measure)
    g = sub.groupby(by)[measure]
    out = pd.DataFrame(
        {
            "councils": g.count(),
            "median": g.median().round(2),
            "q1": g.quantile(0.25).round(2),
            "q3": g.quantile(0.75).round(2),
            "min": g.min(),
            "max": g.max(),
        }
    )
    return out.sort_values("median", ascending=False).reset_index()


def definition_changes(cy_or_series: pd.DataFrame) -> list[str]:
    """Years whose direct-payment definition differs from the year before (to mark on charts)."""
    basis = (
        cy_or_series.groupby("year")[k.DEFINITION_BASIS].agg(lambda s: s.mode().iloc[0])
        if "area" in cy_or_series
        else cy_or_series.set_index("year")[k.DEFINITION_BASIS]
    )
    years = sorted(basis.index)
    return [y for prev, y in zip(years, years[1:]) if basis[y] != basis[prev]]


def reference_figures(register: pd.DataFrame, doc: dict | None = None) -> pd.DataFrame:
    """Register rows the variance notebook shows as reported reference values (not data)."""
    ids = [item["figure"] for item in uses(doc)["ni130_reference"]]
    return register.set_index("figure_id").loc[ids, ["statement", "value", "unit", "period", "source_id"]]


BASIS_LABEL = {
    k.BASIS_DP_ONLY: "direct payments only",
    k.BASIS_DP_AND_PB: "direct payments and personal budgets (existing/new)",
}


# --------------------------------------------------------------------------
# Spending
# --------------------------------------------------------------------------


def pb_spend_split(register: pd.DataFrame, doc: dict | None = None) -> pd.DataFrame:
    """The reported spend through personal budgets (£m) split into direct payments (its reported share) and the rest."""
    v = _reg(register)
    split = next(iter(uses(doc)["spend_split"].values()))
    total, share = v[split["total"]], v[split["share"]]
    dp = total * share / 100
    return pd.DataFrame(
        [
            {"part": "Direct payments", "gbp_million": round(dp, 1), "share_pct": share},
            {
                "part": "Other personal-budget arrangements",
                "gbp_million": round(total - dp, 1),
                "share_pct": 100 - share,
            },
        ]
    )


def spend_series(national: pd.DataFrame) -> pd.DataFrame:
    """Official England direct-payment gross spend (£m), recipients and spend per recipient by year."""
    out = national[
        [
            "year",
            k.ENGLAND_DP_GROSS_COST_GBP000,
            k.ENGLAND_DP_RECIPIENTS_31MAR,
            k.ENGLAND_DP_SPEND_PER_RECIPIENT_GBP,
            k.COUNCILS_WITH_DP_SPEND,
        ]
    ].copy()
    out["dp_gross_cost_gbp_million"] = (out[k.ENGLAND_DP_GROSS_COST_GBP000] / 1000).round(1)
    return out


def spend_cross_check(register: pd.DataFrame, national: pd.DataFrame, doc: dict | None = None) -> pd.DataFrame:
    """The reported personal-budget spend beside official direct-payment spend in each year (£m)."""
    split = pb_spend_split(register, doc).set_index("part")["gbp_million"]
    s = spend_series(national)
    s["reported_pb_total_gbp_million"] = float(split.sum())
    s["reported_pb_as_dp_gbp_million"] = float(split["Direct payments"])
    s["official_minus_reported_dp_gbp_million"] = (
        s["dp_gross_cost_gbp_million"] - s["reported_pb_as_dp_gbp_million"]
    ).round(1)
    return s[
        [
            "year",
            "dp_gross_cost_gbp_million",
            "reported_pb_total_gbp_million",
            "reported_pb_as_dp_gbp_million",
            "official_minus_reported_dp_gbp_million",
            k.COUNCILS_WITH_DP_SPEND,
        ]
    ]


def council_spend_by_year(cy: pd.DataFrame) -> pd.DataFrame:
    """Direct-payment gross spend (£000) by council (rows) and year (columns); England last."""
    years = sorted(cy["year"].unique())
    councils = cy[cy["area"] == "council"].pivot_table(
        index="council_name", columns="year", values=k.DP_GROSS_COST_GBP000, aggfunc="first"
    )
    councils = councils.reindex(columns=years).dropna(how="all")
    england = cy[cy["area"] == "england"].set_index("year")[k.DP_GROSS_COST_GBP000].reindex(years)
    out = pd.concat([councils, england.to_frame("England").T])
    return out.rename_axis("council").rename_axis(None, axis=1).reset_index()


def spend_per_recipient(cy: pd.DataFrame, year: str) -> pd.DataFrame:
    """Councils ranked by direct-payment gross spend per recipient in ``year``."""
    out = councils_in_year(cy, year, k.DP_SPEND_PER_RECIPIENT_GBP)
    return out[
        [
            "rank",
            "of",
            "council_name",
            "region",
            "council_type",
            k.DP_GROSS_COST_GBP000,
            k.DP_RECIPIENTS_31MAR,
            k.RECIPIENTS_SOURCE,
            k.DP_SPEND_PER_RECIPIENT_GBP,
        ]
    ]
