"""The project's lock: one writer at a time, a clear wait, killed holders taken over, and a
`make report` that never succeeds with a declared output missing.

The slow tests work in a fresh copy of the project (the files git tracks or would track), sharing
this project's .venv, with its notebooks trimmed to their default parameter set. To keep the
builds short, the copy starts from the processed tables and the report built once for the test
session (tests/conftest.py), with their times kept, and two runs made stale: the lock and the
checks do not depend on how many runs execute.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from pbanalysis.core import paths
from pbanalysis.outputs import datatables
from pbanalysis.pipeline import lock

WAITING = "waiting for another pbanalysis run (pid {}) to finish"
#: Outputs that record when and from what they were built, so differ between builds by design.
STAMPED = {"index.html", "run.json"}
WORKBOOK = datatables.WORKBOOK_NAME


def hold_in_child(folder: Path, seconds: float) -> subprocess.Popen:
    """A child process holding the lock of ``folder`` for ``seconds`` (prints 'held' once it has it)."""
    code = (
        "import sys, time; from pbanalysis.pipeline import lock; "
        f"h = lock.acquire(lock.lock_path({str(folder)!r}), command='test holder'); "
        f"print('held', flush=True); time.sleep({seconds}); h.release()"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


# --- the lock itself ------------------------------------------------------------------------------


def test_every_folder_of_the_project_shares_one_lock_and_a_scratch_folder_has_its_own(tmp_path):
    root = paths.ROOT.resolve()
    for folder in (paths.REPORTS_DIR, paths.PROCESSED_DIR, paths.RAW_DIR, paths.FIGURES_DIR, paths.ROOT):
        if Path(folder).resolve().is_relative_to(root):
            assert lock.lock_path(folder) == root / ".pbanalysis.lock"
    assert lock.lock_path(tmp_path / "reports") == (tmp_path / "reports" / ".pbanalysis.lock").resolve()


def test_a_second_holder_waits_says_so_once_and_then_holds_it(tmp_path):
    path = lock.lock_path(tmp_path)
    child = hold_in_child(tmp_path, 1.5)
    said: list[str] = []
    t = time.perf_counter()
    h = lock.acquire(path, say=said.append)
    waited = time.perf_counter() - t
    try:
        assert said == [WAITING.format(child.pid)]
        assert waited > 0.5, "the lock was taken while the other holder still had it"
        assert lock.holder(path)["pid"] == os.getpid()
    finally:
        h.release()
    assert child.wait() == 0
    assert lock.holder(path) == {}, "a holder that ends normally leaves no record"


def test_no_wait_stops_at_once_naming_the_holder(tmp_path):
    h = lock.acquire(lock.lock_path(tmp_path))
    try:
        with pytest.raises(lock.LockBusy, match=rf"another pbanalysis run \(pid {os.getpid()}\)"):
            lock.acquire(lock.lock_path(tmp_path), wait=False)
        t = time.perf_counter()
        cli = subprocess.run(
            [sys.executable, "-m", "pbanalysis", "chart", "variance_rank", "--out", str(tmp_path), "--no-wait"],
            capture_output=True,
            text=True,
        )
    finally:
        h.release()
    assert cli.returncode == lock.BUSY_STATUS, cli.stderr
    assert f"error: another pbanalysis run (pid {os.getpid()})" in cli.stderr and "--no-wait" in cli.stderr
    assert time.perf_counter() - t < 10
    assert not list(tmp_path.glob("*.svg")), "a command that did not get the lock wrote"


def test_a_lock_left_by_a_killed_holder_is_taken_over_with_a_message(tmp_path):
    child = hold_in_child(tmp_path, 60)
    child.send_signal(signal.SIGKILL)
    child.wait()
    said: list[str] = []
    t = time.perf_counter()
    h = lock.acquire(lock.lock_path(tmp_path), say=said.append)
    h.release()
    assert time.perf_counter() - t < 2
    assert len(said) == 1 and said[0].startswith(f"took over the lock left by pid {child.pid} (no longer running")


def test_a_lock_file_removed_while_held_still_lets_only_one_holder_in(tmp_path):
    # `make clean` in a scratch folder removes the folder's own lock file while holding it.
    path = lock.lock_path(tmp_path)
    first = lock.acquire(path)
    got: list[lock.Held] = []
    waiter = threading.Thread(target=lambda: got.append(lock.acquire(path, say=lambda _m: None)))
    waiter.start()
    time.sleep(0.3)
    path.unlink()
    second = lock.acquire(path, wait=False)  # a newcomer finds no lock file and makes a new one
    first.release()
    time.sleep(0.5)
    assert not got, "the waiter took the removed file's lock while the newcomer held the new one"
    second.release()
    waiter.join(5)
    assert got and got[0].path == path
    got[0].release()


def test_what_a_locked_command_starts_shares_its_lock(tmp_path):
    out = tmp_path / "processed"
    t = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pbanalysis", "with-lock", "--dir", str(out), "--"]
        + [sys.executable, "-m", "pbanalysis", "data", "--out", str(out), "--no-wait"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (out / "council_year.csv").exists() and "waiting" not in run.stderr
    assert time.perf_counter() - t < 60


def test_killing_the_wrapper_keeps_the_lock_until_its_command_ends(tmp_path):
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "pbanalysis", "with-lock", "--dir", str(tmp_path), "--", "sleep", "3"]
    )
    path = lock.lock_path(tmp_path)
    for _ in range(100):
        if lock.holder(path).get("pid") == wrapper.pid:
            break
        time.sleep(0.05)
    wrapper.send_signal(signal.SIGKILL)
    wrapper.wait()
    with pytest.raises(lock.LockBusy):  # `sleep` still runs, holding the inherited lock
        lock.acquire(path, wait=False)
    said: list[str] = []
    t = time.perf_counter()
    lock.acquire(path, say=said.append).release()
    assert time.perf_counter() - t > 1
    assert said[0] == WAITING.format(wrapper.pid)
    assert said[1].startswith(f"took over the lock left by pid {wrapper.pid}")


# --- make, in a fresh copy of the project -----------------------------------------------------------


def file_digest(p: Path) -> str:
    """sha256 of a file; of a Word document, of what it holds (its zip records the time it was written)."""
    if p.suffix != ".docx":
        return hashlib.sha256(p.read_bytes()).hexdigest()
    h = hashlib.sha256()
    with zipfile.ZipFile(p) as z:
        for name in sorted(z.namelist()):
            h.update(name.encode() + b"\0" + z.read(name))
    return h.hexdigest()


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every output file (not temporary files, Make's bookkeeping in dot-folders)."""
    return {
        str(p.relative_to(folder)): file_digest(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not p.name.endswith(".tmp")
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def unstamped(d: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in d.items() if k not in STAMPED}


@pytest.fixture(scope="module")
def clone(tmp_path_factory, built_report) -> Path:
    """A fresh copy of the project (what git tracks, or would; this .venv), with the processed tables
    and the session's built report copied in, times kept, so that Make finds them up to date."""
    dest = tmp_path_factory.mktemp("clone") / "pbanalysis"
    git = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=paths.ROOT, capture_output=True
    )
    if git.returncode != 0:
        pytest.skip("not a git checkout: cannot list the project's files")
    listed = git.stdout.split(b"\0")
    for rel in filter(None, (os.fsdecode(p) for p in listed)):
        src = paths.ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    (dest / ".venv").symlink_to(paths.ROOT / ".venv")
    # The shared .venv is up to date: Make must not reinstall it from the copy's files.
    for name in ("pyproject.toml", "requirements.lock"):
        os.utime(dest / name, (0, 0))
    for params in (dest / "notebooks" / "params").glob("*.yaml"):
        st = params.stat()
        params.write_text(yaml.safe_dump({"default": yaml.safe_load(params.read_text())["default"]}))
        os.utime(params, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.copytree(paths.PROCESSED_DIR, dest / "data" / "processed", dirs_exist_ok=True, copy_function=shutil.copy2)
    reports = dest / "reports"
    shutil.copytree(
        built_report, reports, copy_function=shutil.copy2, ignore=shutil.ignore_patterns(".make", ".*.lock")
    )
    for run in STALE_FIRST:  # what the first report of the copy executes
        os.utime(reports / "notebooks" / f"{run}.ipynb", (0, 0))
    return dest


def clone_env(clone: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PBANALYSIS_", "MAKE")) and k not in ("MFLAGS", "REPORTS")
    }
    env["PYTHONPATH"] = str(clone / "src")
    return env


def start(clone: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "-s", *args],
        cwd=clone,
        env=clone_env(clone),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def make(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args], cwd=clone, env=clone_env(clone), capture_output=True, text=True)


def wait_for_holder(clone: Path, timeout: float = 60) -> int:
    path = clone / ".pbanalysis.lock"
    for _ in range(int(timeout / 0.05)):
        pid = lock.holder(path).get("pid")
        if pid:
            return pid
        time.sleep(0.05)
    raise AssertionError("no run took the lock")


def n_runs(clone: Path) -> int:
    return len(list((clone / "notebooks").glob("*.ipynb")))


BRIEFING = ("briefings", "ARGS=--council Leeds --quiet")
#: The runs the copy's first `make report` finds stale.
STALE_FIRST = ("claims--default", "explore--default")


@pytest.fixture(scope="module")
def concurrent(clone):
    """Two `make report` and a `make briefings` started together in the fresh copy."""
    first = start(clone, "report", "JOBS=2")
    holder = wait_for_holder(clone)
    second = start(clone, "report")
    brief = start(clone, *BRIEFING)
    done = {
        name: (p, *p.communicate(timeout=600))
        for name, p in (("first", first), ("second", second), ("briefings", brief))
    }
    return holder, {name: (p.returncode, out, err) for name, (p, out, err) in done.items()}


@pytest.mark.slow
def test_two_reports_and_briefings_at_once_all_succeed_one_after_the_other(clone, concurrent):
    holder, res = concurrent
    for name, (rc, _out, err) in res.items():
        assert rc == 0, f"{name}: {err[-3000:]}"
    runs = n_runs(clone)
    first_err, second_err, brief_err = (res[n][2] for n in ("first", "second", "briefings"))
    stale = len(STALE_FIRST)
    assert first_err.strip().splitlines()[-1] == f"report: {stale} runs executed, {runs - stale} already up to date"
    # The second report waited for the first (one line), then found everything up to date.
    assert second_err.count(WAITING.format(holder)) == 1, second_err
    assert second_err.strip().splitlines()[-1] == f"report: 0 runs executed, {runs} already up to date"
    assert brief_err.count(WAITING.format(holder)) == 1, brief_err
    # Neither run's record of itself was lost to the other.
    log = json.loads((clone / "reports" / "run.json").read_text())
    assert {"report", "briefings"} <= set(log) and log["briefings"]["outcome"] == "ok"
    assert (clone / "reports" / "briefings" / "leeds" / "index.html").exists()


@pytest.mark.slow
def test_outputs_of_runs_at_once_are_byte_identical_to_a_single_run(clone, concurrent, built_report, tmp_path):
    # The single run: the report built once for the tests by one `make report` of the project
    # (every parameter set, where the copy has its defaults only), and the Leeds pack built alone.
    together = unstamped(digest(clone / "reports"))
    alone = unstamped(digest(built_report))
    env = dict(os.environ, PBANALYSIS_REPORTS=str(tmp_path / "reports"))
    leeds = subprocess.run(
        [sys.executable, "-m", "pbanalysis", "briefings", "--council", "Leeds", "--quiet"],
        cwd=paths.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert leeds.returncode == 0, leeds.stderr[-3000:]
    alone.update({k: v for k, v in unstamped(digest(tmp_path / "reports")).items() if k.startswith("briefings/")})
    assert "claims.csv" in together and any(k.startswith("figures/") for k in together)
    assert any(k.startswith("briefings/leeds/") for k in together)
    missing = sorted(set(together) - set(alone))
    assert not missing, "outputs the single run did not make: " + ", ".join(missing)
    # The workbook's cover names the commit it was built from, and the copy is not a git checkout:
    # its tables are compared as the CSV files beside it (tests/test_datatables.py: equal to the sheets).
    changed = sorted(k for k in together if together[k] != alone[k] and k != WORKBOOK)
    assert not changed, "outputs differ from a single run's: " + ", ".join(changed)
    assert any(k.startswith("data/") and k.endswith(".csv") for k in together)


@pytest.mark.slow
def test_a_killed_report_leaves_its_lock_to_be_taken_over_and_the_next_run_completes(clone, concurrent):
    reports = clone / "reports"
    before = unstamped(digest(reports))
    for run in ("claims--default", "council_briefing--default"):
        os.utime(reports / "notebooks" / f"{run}.ipynb", (0, 0))
    proc = start(clone, "report")
    holder = wait_for_holder(clone)
    for _ in range(400):  # until Make has marked both runs stale and the report has started
        if (reports / ".stale").is_dir() and len(list((reports / ".stale").iterdir())) == 2:
            break
        time.sleep(0.05)
    time.sleep(1.0)  # the report is starting its kernels: no run can have finished yet
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    rerun = make(clone, "report")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    lines = rerun.stderr.strip().splitlines()
    assert any(ln.startswith(f"took over the lock left by pid {holder} (no longer running") for ln in lines), lines
    assert lines[-1] == f"report: 2 runs executed, {n_runs(clone) - 2} already up to date", lines
    assert unstamped(digest(reports)) == before
    assert lock.holder(clone / ".pbanalysis.lock") == {}


@pytest.mark.slow
def test_a_report_that_ends_with_a_declared_output_missing_fails_naming_it_and_make_rebuilds_it(clone, concurrent):
    reports = clone / "reports"
    before = unstamped(digest(reports))
    (reports / "claims.csv").unlink()  # behind Make's back
    # The report step without Make: nothing is marked stale, so it executes nothing, and the final
    # check is all that stands between the missing output and a success.
    env = dict(clone_env(clone), PBANALYSIS_REPORTS=str(reports))
    direct = subprocess.run(
        [sys.executable, "-m", "pbanalysis", "report"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert direct.returncode == 1
    assert "error: run claims--default: declared output missing: claims.csv" in direct.stderr, direct.stderr
    assert (
        direct.stderr.strip().splitlines()[-1]
        == f"report: 0 runs executed, {n_runs(clone) - 1} already up to date, 1 with declared outputs missing"
    )
    assert (reports / ".stale" / "claims--default").exists()
    rerun = make(clone, "report")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert unstamped(digest(reports)) == before
    t = time.perf_counter()
    noop = make(clone, "report")
    assert noop.returncode == 0 and noop.stderr == f"report: 0 runs executed, {n_runs(clone)} already up to date\n"
    assert time.perf_counter() - t < 1.0, "a no-op make report starts no Python (make bench: under 0.5 s)"
