"""Every path pbanalysis uses, in one place.

Nothing else in the project builds a path by hand: notebooks, the CLI, the
Makefile helpers and the tests all import from here.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The project root (the folder holding ``pyproject.toml``).
ROOT = Path(__file__).resolve().parents[3]

DATA_DIR = ROOT / "data"
#: Tidy extracts made by ``make raw`` from the official files. Committed; never edited by hand.
RAW_DIR = DATA_DIR / "raw"
#: Hand-curated inputs, edited by people: the register of reported figures and its articles, how
#: each figure is checked, the origin of every official file, and councils across boundary changes.
REFERENCE_DIR = DATA_DIR / "reference"
#: Analysis-ready tables built by ``make data``. Not committed.
PROCESSED_DIR = DATA_DIR / "processed"

NOTEBOOKS_DIR = ROOT / "notebooks"
PARAMS_DIR = NOTEBOOKS_DIR / "params"

#: Report outputs; ``$PBANALYSIS_REPORTS`` moves them (the tests use a temporary folder).
REPORTS_DIR = Path(os.environ.get("PBANALYSIS_REPORTS", ROOT / "reports"))
FIGURES_DIR = REPORTS_DIR / "figures"
EXECUTED_DIR = REPORTS_DIR / "notebooks"
HTML_DIR = REPORTS_DIR / "html"
BRIEFINGS_DIR = REPORTS_DIR / "briefings"
CLAIMS_CSV = REPORTS_DIR / "claims.csv"
INDEX_HTML = REPORTS_DIR / "index.html"
#: The run log of the last `make report` / `make briefings` (commit, versions, input hashes, runs).
RUN_JSON = REPORTS_DIR / "run.json"
#: The data tables (pbanalysis.outputs.datatables): the workbook, and one CSV per table in data/.
DATA_TABLES_XLSX = REPORTS_DIR / "pbanalysis-data-tables.xlsx"
DATA_TABLES_DIR = REPORTS_DIR / "data"

# --- data/raw ---------------------------------------------------------------
PSSEX1_ACTIVITY_CSV = RAW_DIR / "pssex1_activity.csv"
PSSEX1_UNITCOSTS_CSV = RAW_DIR / "pssex1_unitcosts.csv"
COUNCILS_CSV = RAW_DIR / "councils.csv"
REGISTER_CSV = REFERENCE_DIR / "reported_figures.csv"
REGISTER_SOURCES_CSV = REFERENCE_DIR / "reported_sources.csv"
#: How each reported figure is checked against official data (read by pbanalysis.analysis.checks).
CLAIM_CHECKS_YAML = REFERENCE_DIR / "claim_checks.yaml"
#: The data package over data/raw and data/reference: schema, units and provenance of every file.
DATAPACKAGE_JSON = DATA_DIR / "datapackage.json"

# --- data/processed ---------------------------------------------------------
COUNCIL_YEAR_CSV = PROCESSED_DIR / "council_year.csv"
NATIONAL_SERIES_CSV = PROCESSED_DIR / "national_series.csv"
RECONCILIATION_CSV = PROCESSED_DIR / "england_reconciliation.csv"

#: Where the official files live: ``$PBANALYSIS_SOURCE`` or ``../shared/data``
#: beside the project. Only ``make raw`` and the refresh test read it.
DEFAULT_SOURCE_DIR = Path(os.environ.get("PBANALYSIS_SOURCE", ROOT.parent / "shared" / "data"))


def pssex1_dir(source_dir: Path) -> Path:
    """The PSS-EX1 folder inside a source folder."""
    return Path(source_dir) / "pssex1"


def lookup_csv(source_dir: Path) -> Path:
    """The mySociety council lookup inside a source folder."""
    return Path(source_dir) / "lookup" / "uk_local_authorities_mysociety.csv"


def figure_path(name: str, ext: str, out_dir: Path | None = None) -> Path:
    """Path of one chart file, e.g. ``figure_path("variance_rank", "svg")``."""
    return Path(out_dir or FIGURES_DIR) / f"{name}.{ext}"


def briefing_dir(slug: str, out_dir: Path | None = None) -> Path:
    """Folder of one council's briefing pack."""
    return Path(out_dir or BRIEFINGS_DIR) / slug


# --- ASCOF 2020-21 and the records of where every official file comes from ---
ASCOF_1C_CSV = RAW_DIR / "ascof_1c_2020_21.csv"
#: Hand-curated: which 2009-2014 councils became which 2020-21 councils (boundary changes).
COUNCIL_SUCCESSORS_CSV = REFERENCE_DIR / "council_successors.csv"
#: Hand-curated: publisher, publication, page, stored copy, date accessed, licence and sha256 of
#: every official file read by ``make raw``.
ORIGINS_YAML = REFERENCE_DIR / "origins.yaml"


#: ASCOF self-directed support and direct payments, 2017-18 to 2023-24 (from a compilation of the official files).
ASCOF_TREND_CSV = RAW_DIR / "ascof_sds_dp_2017_18_to_2023_24.csv"


def ascof_trend_csv(source_dir: Path) -> Path:
    """The third-party compilation of ASCOF measures, 2017-18 to 2023-24, inside a source folder."""
    return Path(source_dir) / "ascof" / "ascof_trend_2017-18_to_2023-24_compiled.csv"


def ascof_xlsx(source_dir: Path) -> Path:
    """The ASCOF 2020-21 workbook inside a source folder."""
    return Path(source_dir) / "ascof" / "ascof_measures_2020-21.xlsx"


#: Word templates, edited in Word (fonts, logo, wording); made first by scripts/make_template.py.
TEMPLATES_DIR = ROOT / "templates"
BRIEFING_TEMPLATE_DOCX = TEMPLATES_DIR / "briefing.docx"


def briefing_docx(slug: str, out_dir: Path | None = None) -> Path:
    """The Word document of one council's briefing pack."""
    return briefing_dir(slug, out_dir) / f"{slug}-personal-budgets.docx"
