"""One period, stated the same everywhere: the years of each measure are read from data/raw in one
place (:mod:`pbanalysis.dataset.periods`), and no output names a period that contradicts them.

The checker is tried on made-up periods and sentences first, so it is known to fail when it
should; then every page of a built report (the one built for the tests, or
``$PBANALYSIS_CHECK_REPORTS``), its council packs (page and Word document) and the workbook's
sheets are read whole."""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pbanalysis.dataset import periods

MADE_UP = periods.Periods(
    council_tables=("2008-09", "2009-10", "2010-11"),
    ascof_official=("2014-15",),
    ascof_series=("2013-14", "2014-15", "2015-16"),
    framework_break="2015-16",
)


def test_the_years_are_read_from_the_extracts(tmp_path):
    pd.DataFrame({"year": ["2009-10", "2008-09"], "value": [1, 2]}).to_csv(
        tmp_path / "pssex1_activity.csv", index=False
    )
    pd.DataFrame({"year": ["2019-20"]}).to_csv(tmp_path / "ascof_1c_2019_20.csv", index=False)
    pd.DataFrame({"year": ["2018-19", "2019-20", "2020-21"]}).to_csv(
        tmp_path / "ascof_sds_dp_2017_18_to_2023_24.csv", index=False
    )
    p = periods.periods(tmp_path)
    assert p.council == "2008-09 to 2009-10" and p.official == "2019-20" and p.series == "2018-19 to 2020-21"
    assert p.report == "2008-09 to 2020-21"
    assert p.gap == ("2010-11", "2011-12", "2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18")


def test_the_project_period_is_what_data_raw_holds():
    p = periods.periods()
    activity = pd.read_csv(periods.paths.PSSEX1_ACTIVITY_CSV, usecols=["year"])["year"]
    assert p.council_tables == tuple(sorted(activity.unique()))
    assert p.report == f"{p.council_tables[0]} to {p.ascof_series[-1]}"
    assert p.framework_break in p.ascof_series
    assert periods.statement(p)[0].endswith(f"{p.report}.")


def test_the_gap_lies_between_the_council_tables_and_the_series():
    assert MADE_UP.gap == ("2011-12", "2012-13")


@pytest.mark.parametrize(
    "text",
    [
        "Personal budgets, 2008-09 to 2015-16 and beyond 2008-09 to 2014-15",
        "there is no comparable series after 2014-15",
        "the latest year 2009-10 shows",
        "the council tables end in 2013-14",
        "from 2010-11 to 2013-14",
    ],
)
def test_a_period_that_contradicts_the_data_is_found(text):
    assert periods.contradictions(text, MADE_UP)


@pytest.mark.parametrize(
    "text",
    [
        "the report covers 2008-09 to 2015-16",
        "council tables 2008-09 to 2010-11; the series 2013-14 to 2015-16",
        "no comparable series for 2011-12 to 2012-13",
        "no council-level measure for 2009-10 to 2012-13",  # the years before the series starts
        "the latest year 2010-11; the tables end in 2010-11; nothing after 2015-16",
        "targets dated 2010-04 to 2011-04",  # months, not financial years
    ],
)
def test_a_period_the_data_allow_passes(text):
    assert periods.contradictions(text, MADE_UP) == []


# --------------------------------------------------------------------------- every output


@pytest.fixture(scope="module")
def reports(request) -> Path:
    given = os.environ.get("PBANALYSIS_CHECK_REPORTS")
    return Path(given) if given else request.getfixturevalue("built_report")


def _page_text(path: Path) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _zipped_text(path: Path) -> str:
    """The text of a Word document or workbook (every XML part, tags removed)."""
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    return html.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))


def outputs(reports: Path) -> dict[str, str]:
    found = [reports / "index.html", *sorted((reports / "html").glob("*.html"))]
    found += sorted((reports / "briefings").glob("**/index.html"))
    texts = {str(p.relative_to(reports)): _page_text(p) for p in found if p.exists()}
    for p in [*reports.glob("*.xlsx"), *sorted((reports / "briefings").glob("*/*.docx"))]:
        texts[str(p.relative_to(reports))] = _zipped_text(p)
    return texts


@pytest.mark.slow
def test_no_output_names_a_period_that_contradicts_the_data(reports):
    texts = outputs(reports)
    assert "index.html" in texts and any(k.endswith(".xlsx") for k in texts) and any(k.endswith(".docx") for k in texts)
    bad = {name: periods.contradictions(text) for name, text in texts.items()}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, "\n".join(f"{k}: {'; '.join(sorted(set(v)))}" for k, v in bad.items())


@pytest.mark.slow
def test_the_landing_page_states_the_period_from_the_data(reports):
    page = (reports / "index.html").read_text(encoding="utf-8")
    p = periods.periods()
    assert re.search(rf"<title>[^<]*{p.report}</title>", page)
    for line in periods.statement(p):
        assert html.escape(line) in page or line in page
