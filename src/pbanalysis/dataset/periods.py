"""The report's period and each measure's years, read from the extracts in ``data/raw``.

One place says which years the report covers: every page title, cover, note and legend that names
a period takes it from :func:`periods` (or its words, :func:`statement`), never from typed text.

* the council tables (PSS-EX1): the years of ``pssex1_activity.csv`` (2008-09 to 2013-14);
* the official ASCOF 1C file: the years of ``ascof_1c_*.csv`` (2020-21);
* the ASCOF series, compiled from the yearly files: the years of the compilation (2017-18 to
  2023-24), with the framework change of :data:`pbanalysis.sources.ascof_trend.BREAK_YEAR`;
* the gap between the council tables and the ASCOF series, in which no comparable series exists.

:func:`contradictions` finds, in a text, a span of years or a "latest" year that none of these allow.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pbanalysis.core import paths
from pbanalysis.sources import ascof_trend


def _years(files: list[Path]) -> tuple[str, ...]:
    found: set[str] = set()
    for f in files:
        found |= set(pd.read_csv(f, usecols=["year"], dtype=str)["year"].dropna())
    return tuple(sorted(found))


def year_after(year: str, n: int = 1) -> str:
    """The financial year ``n`` years on: '2013-14' -> '2014-15'."""
    start = int(year[:4]) + n
    return f"{start}-{(start + 1) % 100:02d}"


def is_financial_year(text: str) -> bool:
    """'2010-11' is a financial year; '2010-04' (a month) is not."""
    return bool(re.fullmatch(r"\d{4}-\d{2}", text)) and int(text[5:]) == (int(text[:4]) + 1) % 100


def span(years: tuple[str, ...] | list[str]) -> str:
    """Years as a reader reads them: '2020-21', or '2008-09 to 2013-14'."""
    years = sorted(years)
    if not years:
        return ""
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


@dataclass(frozen=True)
class Periods:
    """The years of each measure, as found in data/raw."""

    council_tables: tuple[str, ...]
    ascof_official: tuple[str, ...]
    ascof_series: tuple[str, ...]
    framework_break: str

    @property
    def all_years(self) -> tuple[str, ...]:
        """Every year any measure has, in order."""
        return tuple(sorted(set(self.council_tables) | set(self.ascof_official) | set(self.ascof_series)))

    @property
    def report(self) -> str:
        """The report's period: '2008-09 to 2023-24'."""
        return span(self.all_years)

    @property
    def council(self) -> str:
        """'2008-09 to 2013-14'."""
        return span(self.council_tables)

    @property
    def official(self) -> str:
        """'2020-21'."""
        return span(self.ascof_official)

    @property
    def series(self) -> str:
        """'2017-18 to 2023-24'."""
        return span(self.ascof_series)

    @property
    def gap(self) -> tuple[str, ...]:
        """The years between the council tables' last and the ASCOF series' first: 2014-15 to 2016-17."""
        if not self.council_tables or not self.ascof_series:
            return ()
        out, y = [], year_after(self.council_tables[-1])
        while y < self.ascof_series[0]:
            out.append(y)
            y = year_after(y)
        return tuple(out)

    def allowed_spans(self) -> set[tuple[str, str]]:
        """Spans of years a text may name: any within one measure's years (or within the gap),
        the report's whole period, and a span ending the year before the ASCOF series starts (the
        years a text says it does not cover, such as '2010-11 to 2016-17')."""
        out = {(self.all_years[0], self.all_years[-1])} if self.all_years else set()
        for years in (self.council_tables, self.ascof_official, self.ascof_series, self.gap):
            out |= {(a, b) for a in years for b in years if a < b}
        if self.ascof_series and self.all_years:
            before = year_after(self.ascof_series[0], -1)
            y = self.all_years[0]
            while y < before:
                out.add((y, before))
                y = year_after(y)
        return out

    def latest_years(self) -> set[str]:
        """The years a text may call a measure's latest: each measure's last year."""
        return {ys[-1] for ys in (self.council_tables, self.ascof_official, self.ascof_series) if ys}


@functools.lru_cache(maxsize=4)
def _periods(raw_dir: str) -> Periods:
    raw = Path(raw_dir)
    return Periods(
        council_tables=_years([raw / paths.PSSEX1_ACTIVITY_CSV.name]),
        ascof_official=_years(sorted(raw.glob("ascof_1c_*.csv"))),
        ascof_series=_years([raw / paths.ASCOF_TREND_CSV.name]),
        framework_break=ascof_trend.BREAK_YEAR,
    )


def periods(raw_dir: Path | str | None = None) -> Periods:
    """The years of every measure, read from the extracts in ``raw_dir`` (default data/raw)."""
    return _periods(str(raw_dir or paths.RAW_DIR))


def statement(p: Periods | None = None) -> list[str]:
    """The report's period and each measure's years in words, one sentence each (the cover, the
    landing page and the notes print these)."""
    p = p or periods()
    out = [
        f"The report covers the financial years (April to March) {p.report}.",
        f"Council tables (PSS-EX1, people on direct payments and spending): {p.council}.",
        f"ASCOF measure 1C, the official file: {p.official}.",
        f"ASCOF self-directed support and direct payments, compiled from the yearly files: {p.series}; "
        f"the framework changed in {p.framework_break}, so {p.framework_break} is not compared with the years before it.",
    ]
    if p.gap:
        out.append(
            f"No comparable council series exists for {span(p.gap)}, between the council tables and the ASCOF series."
        )
    return out


#: A span of financial years in a text ('2008-09 to 2020-21', '2008-09 and 2013-14' is not a span).
_SPAN = re.compile(r"\b(\d{4}-\d{2})\s*(?:to|until|–|—)\s*(\d{4}-\d{2})\b")
#: A year a text calls a measure's latest, or the year its data end.
_LATEST = re.compile(r"\b(?:latest (?:ASCOF )?year|(?:ends?|ended) in)\s*(?:is\s*)?(\d{4}-\d{2})\b")
#: A year after which a text says there is nothing: must be the end of the report's period.
_NOTHING_AFTER = re.compile(r"\b(?:no|not any|nothing)\b[^.]{0,80}?\bafter\s*(\d{4}-\d{2})\b")


def contradictions(text: str, p: Periods | None = None) -> list[str]:
    """The spans and latest years in ``text`` that contradict the data's periods ([] if none).

    A span must lie within one measure's years (or the gap between them) or be the report's whole
    period; a year called the latest, or the one a measure ends in, must be a measure's last year;
    a year after which there is said to be no data must be the report's last."""
    p = p or periods()
    allowed, latest = p.allowed_spans(), p.latest_years()
    found = []
    for m in _SPAN.finditer(text):
        a, b = m.group(1), m.group(2)
        if not (is_financial_year(a) and is_financial_year(b)):
            continue  # months ('2010-04 to 2011-04'), not financial years
        if (a, b) not in allowed:
            found.append(f"'{m.group(0)}' is not within one measure's years ({statement(p)[0]})")
    for m in _LATEST.finditer(text):
        if m.group(1) not in latest:
            found.append(
                f"'{m.group(0)}' names {m.group(1)}, which is no measure's last year ({', '.join(sorted(latest))})"
            )
    for m in _NOTHING_AFTER.finditer(text):
        if p.all_years and m.group(1) != p.all_years[-1]:
            found.append(f"'{m.group(0)}' says nothing follows {m.group(1)}, but the data run to {p.all_years[-1]}")
    return found
