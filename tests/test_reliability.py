"""Reliability: atomic outputs survive SIGKILL, rebuilds are byte-identical, nothing uses the network."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pbanalysis import atomic, claims, data, paths, register

HERE = Path(__file__).parent


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".tmp") and not p.name.startswith(".")
    }


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4, 2.0])
def test_killing_the_data_build_leaves_earlier_outputs_intact(tmp_path, delay):
    out = tmp_path / "processed"
    data.build_processed(out_dir=out, progress=None)
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
def test_killing_make_report_leaves_earlier_outputs_intact_and_a_rerun_completes(tmp_path):
    reports = tmp_path / "reports"
    env = dict(os.environ, PBANALYSIS_REPORTS=str(reports))
    target = f"{reports}/notebooks/claims--default.ipynb"
    first = subprocess.run(
        ["make", "-s", target, f"REPORTS={reports}"], cwd=paths.ROOT, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr[-2000:]
    before = digest(reports)
    assert "claims.csv" in before and "notebooks/claims--default.ipynb" in before
    # Force the notebook to run again (age its output, not the project's files), then kill the
    # whole make process group mid-way.
    os.utime(reports / "notebooks" / "claims--default.ipynb", (0, 0))
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
    after = digest(reports)
    for name, sha in before.items():
        assert after.get(name) == sha, f"{name} was changed or truncated by a killed run"
    rerun = subprocess.run(
        ["make", "-s", target, f"REPORTS={reports}"], cwd=paths.ROOT, env=env, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    final = digest(reports)
    # Executed notebooks differ only in volatile metadata, which is stripped: same bytes again.
    assert final["notebooks/claims--default.ipynb"] == before["notebooks/claims--default.ipynb"]
    assert final["claims.csv"] == before["claims.csv"]


def test_claims_csv_is_byte_identical_across_builds(tmp_path):
    args = (register.load_register(), data.load_council_year(), data.load_national_series())
    atomic.write_csv(tmp_path / "a.csv", claims.check(*args))
    atomic.write_csv(tmp_path / "b.csv", claims.check(*args))
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


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
