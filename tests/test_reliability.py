"""Reliability: atomic outputs survive SIGKILL, rebuilds are byte-identical, nothing uses the network."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_report

from pbanalysis.analysis import claims, register
from pbanalysis.core import atomic, paths
from pbanalysis.dataset import data
from pbanalysis.outputs import datatables
from pbanalysis.pipeline import catalogue

HERE = Path(__file__).parent


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every output file (not temporary files, Make's bookkeeping in dot-folders)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not p.name.endswith(".tmp")
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


#: Outputs that record when and from what they were built, so differ between builds by design.
STAMPED = {"index.html", "run.json"}


def make(reports: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PBANALYSIS_REPORTS=str(reports))
    return subprocess.run(
        ["make", "-s", *args, f"REPORTS={reports}"], cwd=paths.ROOT, env=env, capture_output=True, text=True, **kw
    )


@pytest.fixture(scope="module")
def built(built_report, tmp_path_factory):
    """A copy of the report built once for the test session (tests/conftest.py), for this module's
    tests to rebuild and interrupt without touching what other tests read."""
    return copy_report(built_report, tmp_path_factory.mktemp("reliability") / "reports")


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """The processed tables built once (``make data``'s step, in this process) for the kill tests
    to copy: each test kills a build over its own copy."""
    out = tmp_path_factory.mktemp("processed-once") / "processed"
    data.build_processed(out_dir=out, progress=None)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4, 2.0])
def test_killing_the_data_build_leaves_earlier_outputs_intact(processed, tmp_path, delay):
    out = shutil.copytree(processed, tmp_path / "processed", copy_function=shutil.copy2)
    before = digest(out)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pbanalysis", "data", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert digest(out) == before, "a killed build changed or truncated an earlier output"
    rerun = subprocess.run([sys.executable, "-m", "pbanalysis", "data", "--out", str(out)], capture_output=True)
    assert rerun.returncode == 0
    assert digest(out) == before


@pytest.mark.slow
def test_make_report_prints_one_line_per_run_and_no_kernel_warning(built):
    stderr = (built.parent / "first-build.stderr").read_text()
    lines = stderr.strip().splitlines()
    runs = subprocess.run([sys.executable, "-m", "pbanalysis", "runs"], capture_output=True, text=True).stdout.split()
    progress = [ln for ln in lines if ln.startswith("[")]
    assert len(progress) == len(runs) and all(re.search(r" \d+\.\d s  ok$", ln) for ln in progress), lines
    assert lines[-1] == f"report: {len(runs)} runs executed, 0 already up to date", lines
    assert not [ln for ln in lines[:-1] if ln not in progress and not ln.startswith("running ")], lines
    assert "TCP" not in stderr and "encryption" not in stderr
    assert (built / "run.json").exists() and (built / "claims.csv").exists()
    assert [p for p, _, _ in datatables.downloads(built)][:2] == [datatables.WORKBOOK_NAME, "data/england_by_year.csv"]


@pytest.mark.slow
def test_noop_report_does_nothing_and_one_run_reruns_only_itself_with_identical_bytes(built):
    before = digest(built)
    t = time.perf_counter()
    noop = make(built, "report")
    n_runs = len(catalogue.all_runs())
    assert noop.returncode == 0 and noop.stderr == f"report: 0 runs executed, {n_runs} already up to date\n", (
        noop.stderr
    )
    assert time.perf_counter() - t < 2.0, "a no-op make report should start no Python (make bench: < 0.5 s)"
    assert digest(built) == before
    # Age one declared chart of one run: only that run is stale.
    os.utime(built / "figures" / "dp_spend_series--latest.svg", (0, 0))
    dry = make(built, "-n", "report")
    marked = re.findall(r"\.stale/(\S+)", dry.stdout)
    assert marked == ["spending--latest"], dry.stdout
    # A changed parameter file makes exactly that notebook's runs stale.
    params = paths.PARAMS_DIR / "take_up.yaml"
    st = params.stat()
    try:
        os.utime(params, None)
        dry = make(built, "-n", "report")
    finally:
        os.utime(params, ns=(st.st_atime_ns, st.st_mtime_ns))
    marked = sorted(set(re.findall(r"\.stale/(\S+)", dry.stdout)))
    assert marked == ["spending--latest", "take_up--adass_eligible", "take_up--default", "take_up--ni130_all"]
    rerun = make(built, "report")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert json.loads((built / "run.json").read_text())["report"]["executed_now"] == ["spending--latest"]
    after = digest(built)
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert set(changed) <= STAMPED, "a rebuilt run gave different bytes: " + ", ".join(changed)


@pytest.mark.slow
def processes_of(reports: Path) -> list[str]:
    """The pid and command of every process whose environment names this reports folder."""
    mark = f"PBANALYSIS_REPORTS={reports}".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if mark in proc.joinpath("environ").read_bytes().split(b"\0"):
                command = proc.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{proc.name}: {command}")
        except OSError:
            continue
    return found


def test_killing_make_report_leaves_earlier_outputs_intact_and_a_rerun_completes(built):
    reports = built
    before = digest(reports)
    assert "claims.csv" in before and "notebooks/claims--default.ipynb" in before
    # Force two runs again (age their outputs, not the project's files), then kill the whole
    # make process group mid-way.
    os.utime(reports / "notebooks" / "claims--default.ipynb", (0, 0))
    os.utime(reports / "notebooks" / "variance--default.ipynb", (0, 0))
    env = dict(os.environ, PBANALYSIS_REPORTS=str(reports))
    proc = subprocess.Popen(
        ["make", "-s", "report", f"REPORTS={reports}"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(4)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # No kernel outlives the killed run (each polls its parent, the template, once a second).
    for _ in range(30):
        left = processes_of(reports)
        if not left:
            break
        time.sleep(0.5)
    assert not left, f"processes left running by the killed run: {left}"
    after = digest(reports)
    for name, sha in before.items():
        if name not in STAMPED:
            assert after.get(name) == sha, f"{name} was changed or truncated by a killed run"
    rerun = make(reports, "report")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    final = digest(reports)
    # Executed notebooks differ only in volatile metadata, which is stripped: same bytes again.
    assert {k: v for k, v in final.items() if k not in STAMPED} == {k: v for k, v in before.items() if k not in STAMPED}
    assert not list((reports / ".stale").iterdir())


def test_claims_csv_is_byte_identical_across_builds(tmp_path):
    args = (register.load_register(), data.load_council_year(), data.load_national_series())
    atomic.write_csv(tmp_path / "a.csv", claims.check(*args))
    atomic.write_csv(tmp_path / "b.csv", claims.check(*args))
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_the_workbook_and_a_word_document_are_byte_identical_across_builds(tmp_path):
    from PIL import Image

    from pbanalysis.outputs import briefing_docx

    png = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(png, "PNG")
    charts = [{"title": "A chart", "alt": "A blank chart", "png": png.getvalue()}]
    context = {
        "title": "A council",
        "meta": "GSS E00000000",
        "council": "A council",
        "sentences": ["One."],
        "headers": {"year": "Financial year"},
        "ascof_headers": {"year": "Financial year"},
    }
    builds = []
    for i, name in enumerate(("first", "second")):
        if i:
            time.sleep(2.1)  # past the 2-second step of a zip's dates and the second of the document's own
        out = tmp_path / name
        datatables.write(out)
        briefing_docx.write(out / "pack.docx", context, charts)
        builds.append(digest(out))
    assert datatables.WORKBOOK_NAME in builds[0] and "pack.docx" in builds[0]
    assert builds[0] == builds[1]


@pytest.mark.slow
def test_the_report_opens_no_network_connection(tmp_path):
    log = tmp_path / "net.log"
    env = dict(
        os.environ,
        PYTHONPATH=str(HERE / "offline") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        PBANALYSIS_NET_LOG=str(log),
        PBANALYSIS_REPORTS=str(tmp_path / "reports"),
    )
    # The guard works: a connection to an outside address is refused and logged.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), 1)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "network use refused" in probe.stderr
    log.unlink()
    steps = [
        [sys.executable, "-m", "pbanalysis", "data", "--out", str(tmp_path / "processed")],
        [sys.executable, "-m", "pbanalysis", "chart", "variance_rank", "--out", str(tmp_path / "fig")],
        [sys.executable, "-m", "pbanalysis", "run-notebook", "claims", "default", "--quiet"],
        [sys.executable, "-m", "pbanalysis", "html", str(tmp_path / "reports" / "notebooks" / "claims--default.ipynb")],
        [
            sys.executable,
            "-m",
            "pbanalysis",
            "briefings",
            "--council",
            "Somerset",
            "--quiet",
            "--out",
            str(tmp_path / "briefings"),
        ],
    ]
    for cmd in steps:
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=paths.ROOT)
        assert run.returncode == 0, (cmd, run.stderr[-2000:])
    assert not log.exists() or log.read_text() == "", log.read_text()
