"""Shared test helpers: the official source folder, small hand-made PSS-EX1 tables, what the
tests build once for the whole run (a report, a few packs, every council's numbers), and the order
in which xdist hands out the test modules."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

from pbanalysis.core import paths

SOURCE = paths.DEFAULT_SOURCE_DIR
has_source = pytest.mark.skipif(not (SOURCE / "pssex1").is_dir(), reason="official files not present (../shared/data)")

# The columns of a minimal 2009-10-style activity table, in file order:
# (group header, leaf header, code).
ACTIVITY_COLUMNS = [
    (
        "People receiving services at 31 March 2010",
        "Total all ages, Home care (sum of RAP P2s Pages 1, 3 and 5, column 2, row 11)",
        "A4.17",
    ),
    ("", "Total all ages, Day care (sum of RAP P2s Pages 1, 3 and 5, column 3, row 11)", "A4.18"),
    ("", "Total all ages, Meals (sum of RAP P2s Pages 1, 3 and 5, column 4, row 11)", "A4.19"),
    (
        "",
        "Total all ages, Existing / new Direct payments and Personal Budgets "
        "(sum of RAP P2s Pages 2, 4 and 6, column 1, row 11)",
        "A4.20",
    ),
]
COUNCIL_ROWS = [
    ["306-Manchester", "1,200", "300", "50", "2,500"],
    ["905-Somerset", "2,000", "400", "..", "-"],
]
ENGLAND_ROW = ["TOTAL England", "3,200", "700", "55", "2,505"]


def activity_rows(columns=None, councils=None, england=None, title_year="2009-10", notes=True):
    """Rows of a small activity table laid out like the real 2009-10 file."""
    columns = ACTIVITY_COLUMNS if columns is None else columns
    title = (
        "Personal Social Services Expenditure and Unit Cost - England and Councils with Adult "
        f"Social Services Responsibilites tables, {title_year}: Activity Data (Final)"
    )
    rows = [
        [title] + [""] * len(columns),
        ["", "ASSESSMENTS, REVIEWS AND SERVICES"] + [""] * (len(columns) - 1),
        [""] + [c[0] for c in columns],
        [""] + [c[1] for c in columns],
        [""] + [c[2] for c in columns],
    ]
    rows += [list(r) for r in (COUNCIL_ROWS if councils is None else councils)]
    rows.append(list(ENGLAND_ROW if england is None else england))
    if notes:
        rows += [
            [""] * (len(columns) + 1),
            ["Note"],
            ["- means greater than 0 and less than or equal to 5"],
            [".. means data is missing"],
        ]
    return rows


def write_table(path: Path, rows, encoding="utf-8", bom=False) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


@pytest.fixture
def activity_file(tmp_path):
    """A factory: write a small activity table with optional changes, return its path."""

    def make(name="pssex1_activity_2009-10.csv", encoding="utf-8", bom=False, **kw):
        return write_table(tmp_path / name, activity_rows(**kw), encoding=encoding, bom=bom)

    return make


def shared_folder(tmp_path_factory, worker_id) -> Path:
    """The scratch folder every test worker of this run sees (each worker's own base folder sits
    in it; without xdist, the session's base folder)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def build_once(tmp_path_factory, worker_id, name: str, build) -> Path:
    """``shared/<name>``, made by ``build(folder)`` once for the whole test run, however many xdist
    workers ask: the first holds ``shared/<name>.lock`` while it builds, the others wait for it and
    then read what it made (the pattern of the pytest-xdist docs, with ``fcntl`` for the lock). A
    failed build is recorded beside it and fails every test that asks, without building again.
    Tests that change what they find copy it first (:func:`copy_report`)."""
    shared = shared_folder(tmp_path_factory, worker_id)
    folder, done, failed = shared / name, shared / f"{name}.done", shared / f"{name}.failed"
    with open(shared / f"{name}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(failed.read_text())
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what an interrupted build left
            folder.mkdir()
            try:
                build(folder)
            except BaseException as e:
                failed.write_text(f"building {name} for the tests failed: {e}")
                raise
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_report(tmp_path_factory, worker_id) -> Path:
    """A whole report built with `make report` into a scratch folder, once for the whole test
    run (:func:`build_once`; its first build's stderr is beside it). Tests that change what they
    find copy it first (:func:`copy_report`)."""

    def make_report(built: Path) -> None:
        reports = built / "reports"
        env = dict(os.environ, PBANALYSIS_REPORTS=str(reports))
        first = subprocess.run(
            ["make", "-s", "report", "JOBS=2", f"REPORTS={reports}"],
            cwd=paths.ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if first.returncode != 0:
            raise RuntimeError("make report failed:\n" + first.stdout[-2000:] + first.stderr[-3000:])
        (built / "first-build.stderr").write_text(first.stderr)

    return build_once(tmp_path_factory, worker_id, "built-report", make_report) / "reports"


@pytest.fixture(scope="session")
def reports_dir(request) -> Path:
    """The pages to check: ``$PBANALYSIS_CHECK_REPORTS``, or the report built once for the tests."""
    given = os.environ.get("PBANALYSIS_CHECK_REPORTS")
    if given:
        return Path(given)
    return request.getfixturevalue("built_report")


#: The councils of the packs built once for the tests (:func:`built_packs`).
PACK_COUNCILS = ("Somerset", "Manchester", "Stoke on Trent", "Hackney")


@pytest.fixture(scope="session")
def built_packs(tmp_path_factory, worker_id) -> Path:
    """The packs of :data:`PACK_COUNCILS` and their index, built by ``python -m pbanalysis
    briefings`` once for the whole test run (:func:`build_once`): the ``briefings`` folder, in a
    reports folder of its own (its own lock and run log, not the project's). For tests that read
    packs (test_print.py, test_pages.py, test_docs.py); a test about building packs builds its own."""

    def make_packs(built: Path) -> None:
        reports = built / "reports"
        args = [sys.executable, "-m", "pbanalysis", "briefings", "--quiet", "--processes", "1"]
        args += ["--out", str(reports / "briefings")]
        for c in PACK_COUNCILS:
            args += ["--council", c]
        env = dict(os.environ, PBANALYSIS_REPORTS=str(reports))
        done = subprocess.run(args, cwd=paths.ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("python -m pbanalysis briefings failed:\n" + done.stderr[-3000:])

    return build_once(tmp_path_factory, worker_id, "built-packs", make_packs) / "reports" / "briefings"


@pytest.fixture(scope="session")
def every_council(tmp_path_factory, worker_id) -> list:
    """The briefing numbers of every council (``briefing.council_numbers`` of each, its latest
    year), computed once for the whole test run (:func:`build_once`, kept as a pickle) for the
    tests that read all 152 (test_briefing.py, test_layout_councils.py)."""
    # Imported here, not at the top: 1.0 s (pandas, matplotlib) that the xdist controller, which
    # runs no test, would pay too (measured: 0.17 s for pytest, xdist and core.paths alone).
    from pbanalysis.analysis import measures
    from pbanalysis.dataset import data
    from pbanalysis.outputs import briefing

    def compute(folder: Path) -> None:
        numbers = [briefing.council_numbers(c) for c in measures.list_councils(data.load_councils())]
        (folder / "numbers.pickle").write_bytes(pickle.dumps(numbers))

    folder = build_once(tmp_path_factory, worker_id, "every-council", compute)
    return pickle.loads((folder / "numbers.pickle").read_bytes())


def copy_report(reports: Path, dest: Path) -> Path:
    """A copy of a built report folder whose files keep their times, so Make finds it up to date."""
    shutil.copytree(reports, dest, copy_function=shutil.copy2)
    shutil.copy2(reports.parent / "first-build.stderr", dest.parent / "first-build.stderr")
    return dest


# --------------------------------------------------------------------------- the order of the modules

#: The modules that take longest, longest first, the one that starts the shared report build first
#: (seconds of one worker, 2 cores at load 5, from a timeline of one run). xdist's loadscope hands
#: out a module at a time (its module fixtures stay on one worker) in the order of its number of
#: tests, so these few-test, long modules came last and one worker ran the last of them alone
#: (54 s of the run). Handed out first, the short modules fill the end (the workers ended 1 s
#: apart). A module not named here keeps xdist's order after these; a stale list only costs time.
LONGEST_FIRST = (
    "tests/test_lock.py",  # 157 s, 100 of them building the report for the tests (built_report)
    "tests/test_layout_councils.py",  # 131 s: no subprocess, no time-out, beside that build
    "tests/test_explorer_browser.py",  # 139 s: Voila and eight readers, after that build
    "tests/test_reliability.py",  # 95 s
    "tests/test_bad_inputs_ascof.py",  # 81 s
    "tests/test_notebooks.py",  # 77 s (nbval)
    "tests/test_briefing.py",  # 47 s
    "tests/test_layout.py",  # 43 s
    "tests/test_charts.py",  # 37 s
    "tests/test_explore.py",  # 36 s
    "tests/test_bad_inputs.py",  # 33 s
    "tests/test_runner.py",  # 28 s
    "tests/test_docs.py",  # 24 s
    "tests/test_datatables.py",  # 19 s
    "tests/test_publication.py",  # 11 s
    "tests/test_print.py",  # 9 s
)


class LongestFirst(LoadScopeScheduling):
    """loadscope, handing out the modules of :data:`LONGEST_FIRST` first, in that order."""

    def _assign_work_unit(self, node) -> None:
        def rank(scope: str) -> int:
            module = scope.split("::")[0]
            return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

        self.workqueue.move_to_end(min(self.workqueue, key=rank), last=False)
        super()._assign_work_unit(node)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` (pyproject's addopts) as :class:`LongestFirst`; any other mode as given."""
    if config.getvalue("dist") == "loadscope":
        return LongestFirst(config, log)
    return None
