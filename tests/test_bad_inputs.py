"""The bad-input corpus: real official files, one changed at a time (see tests/corpus.py).

Each refused case must raise InputError whose message names the file, the row
and the column (where one applies) and says what was expected; a subset is
also run through ``python -m pbanalysis raw``, which must exit non-zero with
that message on stderr. Refused input writes nothing. Accepted cases must give
the same extracts as the unmodified files. Nothing under the project's data/
(or reports/) may change while the corpus runs.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_once
from corpus import CASES, SOURCE, copy_register, copy_source, message_matches

from pbanalysis.analysis import register
from pbanalysis.core import paths
from pbanalysis.core.errors import InputError
from pbanalysis.dataset.raw import build_raw
from pbanalysis.pipeline import lock

pytestmark = pytest.mark.skipif(
    not (SOURCE / "pssex1").is_dir() or not (SOURCE / "lookup").is_dir(),
    reason=f"official files not present ({SOURCE})",
)

#: The project's own folders (paths.REPORTS_DIR may point elsewhere under tests).
WATCHED = [paths.ROOT / "data", paths.ROOT / "reports"]


def project_checksums() -> dict[str, str]:
    """sha256 of every file under the project's data/ (and reports/, if present)."""
    out = {}
    for top in WATCHED:
        if top.is_dir():
            for p in sorted(top.rglob("*")):
                if p.is_file():
                    out[str(p.relative_to(paths.ROOT))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module", autouse=True)
def project_files_unchanged():
    """Fails the module, after its last test, if anything under the project's data/ or reports/
    changed while its corpus cases ran."""
    before = project_checksums()
    yield
    after = project_checksums()
    changed = sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))
    if changed:
        pytest.fail(f"project files changed while the corpus ran: {changed}")


@pytest.fixture(scope="session")
def baseline(tmp_path_factory, worker_id):
    """Extracts of the unmodified official files, made once for the whole run (this module and
    ``test_bad_inputs_ascof.py`` read them; :func:`conftest.build_once`)."""

    def extract(folder: Path) -> None:
        build_raw(copy_source(folder / "pristine"), raw_dir=folder / "out", progress=None)

    return build_once(tmp_path_factory, worker_id, "raw-baseline", extract) / "out"


def _written(out) -> list:
    """What a run wrote in ``out``, apart from the lock file of a folder outside the project."""
    return [p for p in out.iterdir() if p.name != lock.LOCK_NAME] if out.exists() else []


def run_cli(source, out):
    return subprocess.run(
        [sys.executable, "-m", "pbanalysis", "raw", "--source", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=120,
    )


def assert_names_the_place(case, exc: InputError, target_name: str) -> None:
    msg = str(exc)
    assert exc.path is not None and exc.path.name == target_name, msg
    assert not message_matches(case, msg), f"{msg}\n does not match {message_matches(case, msg)}"
    assert "expected " in msg
    if case.row is not None:
        assert exc.row == case.row, msg
    assert exc.row is not None, f"no row named: {msg}"
    if case.column is not None:
        assert exc.column == case.column, msg


#: The ASCOF cases read a large workbook each: they run in test_bad_inputs_ascof.py, beside these.
OTHER_CASES = [c for c in CASES if not c.id.startswith("ascof-")]


@pytest.mark.parametrize("case", OTHER_CASES, ids=[c.id for c in OTHER_CASES])
def test_corpus_case(case, tmp_path, baseline):
    check_case(case, tmp_path, baseline)


def check_case(case, tmp_path, baseline):
    """Apply one corpus case to a copy of the inputs and check it is refused or accepted as it says."""
    if case.is_register:
        figures = copy_register(tmp_path / "raw")
        case.mutate(figures)
        if case.refused:
            with pytest.raises(InputError) as info:
                register.load_register(figures)
            assert_names_the_place(case, info.value, figures.name)
        else:
            assert case.check(register.load_register(figures))
        return

    source, out = copy_source(tmp_path / "source"), tmp_path / "out"
    target = source / case.target
    before = target.read_bytes()
    case.mutate(target)
    assert target.read_bytes() != before, "the mutation changed nothing"

    if not case.refused:
        build_raw(source, raw_dir=out, progress=None)
        case.check(out, baseline, source)
        return

    with pytest.raises(InputError) as info:
        build_raw(source, raw_dir=out, progress=None)
    assert_names_the_place(case, info.value, target.name)
    assert not _written(out), "refused input must write nothing"

    if case.cli:
        res = run_cli(source, out)
        assert res.returncode != 0, res.stderr
        assert f"error: {info.value}" in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
        assert not _written(out), "refused input must write nothing"


def test_corpus_has_at_least_20_cases_and_covers_every_family():
    ids = [c.id for c in CASES]
    assert len(ids) >= 20
    for family in ("encoding-", "layout-", "council-", "value-", "file-", "register-", "ascof-"):
        assert any(i.startswith(family) for i in ids), family
    assert sum(c.cli for c in CASES) >= 8
    assert all(c.refused or c.check for c in CASES)


def test_unknown_council_named_by_its_file_and_row_when_locations_are_given(tmp_path):
    """match_councils(where=...) names the PSS-EX1 row without re-reading any file."""
    import pandas as pd

    from pbanalysis.sources import lookup, pssex1

    lk = lookup.read_lookup(paths.lookup_csv(SOURCE))
    seen = pd.DataFrame(
        {"council_code": ["306", "999"], "council_name": ["Manchester", "Atlantis"], "year": ["2009-10", "2009-10"]}
    )
    where = {"999": [pssex1.Location(tmp_path / "t.csv", 42, 0, "999-Atlantis", "Atlantis")]}
    with pytest.raises(
        InputError,
        match=r"t\.csv, row 42, column A \(field 0\): expected a council named like "
        r"exactly one English council .*found '999-Atlantis \(lookup: no match\)'",
    ):
        lookup.match_councils(seen, lk, paths.lookup_csv(SOURCE), where=where)
    # Without locations and with a lookup that is not beside the tables, the lookup is named.
    with pytest.raises(
        InputError,
        match=r"column 'official-name': expected exactly one English council in the "
        r"lookup named like \['Atlantis'\] \(PSS-EX1 council 999, 2009-10\)",
    ):
        lookup.match_councils(seen, lk, tmp_path / "elsewhere.csv")


def test_make_raw_with_bad_input_exits_non_zero_and_names_the_file(tmp_path):
    source = copy_source(tmp_path / "source")
    (source / "pssex1" / "pssex1_activity_2010-11.csv").write_bytes(b"")
    run = subprocess.run(
        ["make", "-s", "raw", f"SOURCE={source}"], cwd=paths.ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode != 0
    assert "pssex1_activity_2010-11.csv, row 1" in run.stderr and "empty file" in run.stderr
