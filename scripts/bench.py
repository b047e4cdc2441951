"""make bench: speed and memory, measured side by side in one run; prints ratios.

1. Council briefings: the batch (every council, in a pool of one worker per core, at most
   two) against the naive way (papermill runs the briefing notebook once per council),
   timed on a sample of councils and scaled to all of them, and against the batch in one
   process (what the pool gains). Also checks the batch and the naive way give identical
   numbers for the sample.
2. A cold ``make report`` (into a scratch folder) against a one-process script
   doing the same computations and writing the same charts.
3. A no-op ``make report`` (everything up to date).
4. The council explorer: how long one change of a control takes to redraw (the widgets'
   callback: the view, its chart and its table), in this process with the tables loaded once.

Peak memory of a step is the memory of its whole process tree (the command and
everything it starts), sampled every 0.1 s from /proc: the sum of each process's
proportional set size (PSS), which counts a page shared by several processes once
in all (forked workers share their parent's pages; every process shares the
libraries). The largest single resident set (what GNU time reports) and the summed
resident sets (which count shared pages once per process) are printed on a detail line.
The briefings steps also print their processor seconds (user and system, over the whole process tree),
which other work on a shared machine hardly changes, with the load average.
This is a benchmark, not a test: nothing here fails on a time. The last lines are the summary
(targets: cold report at most 2.5x the one-process script, briefings batch at least 25x the naive
loop, the pool faster than one process, the report's peak at most 350 MiB and the briefings' at
most 400 MiB, no-op under 0.5 s, an explorer redraw under 0.5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: One-process equivalent of the report: every chart each notebook run declares, drawn with the
#: run's parameters (notebook defaults read by papermill, then the named set), the claims table
#: and the briefing packs.
REPORT_SCRIPT = r"""
from pbanalysis.analysis import claims, register
from pbanalysis.dataset import data
from pbanalysis.core import paths
from pbanalysis.outputs import briefing
from pbanalysis.pipeline import catalogue, report
from pbanalysis.core.atomic import write_csv
from pbanalysis.pipeline import registry
for run in catalogue.all_runs():
    p = dict(report.notebook_defaults(run.notebook), **run.params)
    for name in catalogue.declared_charts(run.notebook):
        registry.draw(name, **{k: p[k] for k in registry.CHARTS[name].params}).save_for_run(run.param_set)
    if catalogue.DECLARED.get(run.notebook, {}).get("briefing_pack"):
        briefing.build_pack(p["council"], year=p["year"], docx=p.get("docx", True), svg=p.get("svg", False))
    if "claims.csv" in catalogue.DECLARED.get(run.notebook, {}).get("files", []):
        write_csv(paths.CLAIMS_CSV, claims.check(register.load_register(), data.load_council_year(),
                                                 data.load_national_series()))
"""

PAGE = os.sysconf("SC_PAGE_SIZE")


def _pss(pid: int) -> int:
    """Proportional set size of one process in bytes (0 if it has gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_memory_mib(root: int) -> tuple[float, float, float]:
    """Memory of a process and all its descendants (MiB): (summed PSS, largest single RSS, summed RSS)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    pss, total, largest, stack = 0, 0, 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            rss = 0
        total, largest = total + rss, max(largest, rss)
        pss += _pss(pid) if rss else 0
        stack += children.get(pid, [])
    return pss / 2**20, largest / 2**20, total / 2**20


#: Per measured command (label): largest single resident set and largest summed resident sets (MiB).
DETAIL: dict[str, tuple[float, float]] = {}
#: Per measured command (label): processor seconds (user and system) of its whole process tree, summed
#: over the runs measured under that label. Other work on the machine stretches a step's wall time, but
#: hardly its processor time, so these say what a change gained when the machine is busy.
CPU: dict[str, float] = {}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd, env=None, cwd=ROOT, sample=True, label=None):
    """(seconds, peak MiB of the process tree as summed PSS) of one command; exits if the command fails."""
    t, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0, 0.0, 0.0]
    stop = threading.Event()

    def sampler():
        while not stop.wait(0.1):
            now = tree_memory_mib(proc.pid)
            peak[:] = [max(a, b) for a, b in zip(peak, now)]

    th = threading.Thread(target=sampler, daemon=True)
    if sample:
        th.start()
    _, err = proc.communicate()
    secs = time.perf_counter() - t
    stop.set()
    if sample:
        th.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    if label:
        CPU[label] = CPU.get(label, 0.0) + _children_cpu() - cpu
        old = DETAIL.get(label, (0.0, 0.0))
        DETAIL[label] = (max(old[0], peak[1]), max(old[1], peak[2]))
    return secs, peak[0]


def detail_line() -> str:
    """The resident-set figures behind the PSS peaks, per measured step."""
    return "  resident sets (MiB; largest single process / summed over the tree, shared pages once per process): " + (
        ", ".join(f"{k} {a:.0f} / {b:.0f}" for k, (a, b) in DETAIL.items())
    )


def row(label, secs, mib):
    print(f"  {label:52s} {secs:9.2f} s   peak {mib:7.0f} MiB", flush=True)


def report_only(scratch: Path) -> None:
    """Only step 2 (cold report vs one process): quick checks while working on the runner."""
    cold_secs, cold_mib = measure(["make", "-s", "report", f"REPORTS={scratch / 'cold'}"], label="report")
    one_secs, one_mib = measure(
        [PY, "-c", REPORT_SCRIPT], dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "one")), label="one-process"
    )
    row("cold make report", cold_secs, cold_mib)
    row("one-process script", one_secs, one_mib)
    print(detail_line())
    print(f"ratio cold-report/one-process: {cold_secs / one_secs:.1f}")
    shutil.rmtree(scratch, ignore_errors=True)


def explorer_redraw() -> tuple[float, float]:
    """(median, slowest) seconds of one explorer redraw, over a round of control changes."""
    sys.path.insert(0, str(ROOT / "src"))
    from pbanalysis.outputs.explore import Explorer

    app = Explorer("Somerset", "proxy_takeup_pct", None, "region")  # loads the tables, as a kernel does once
    changes = [
        ("council", "Manchester (E08000003)"),
        ("comparators", "type"),
        ("council", "Cheshire East (E06000049)"),
        ("years", ("2010-11", "2010-11")),
        ("comparators", "region"),
        ("measure", "dp_spend_per_recipient_gbp"),
        ("council", "Leeds (E08000035)"),
        ("measure", "ascof_sds_pct"),
        ("council", "Dorset (E10000009)"),
        ("measure", "dp_clients_31mar"),
        ("comparators", "named"),
        ("named", ["Kent (E10000016)", "Essex (E10000012)", "Surrey (E10000030)"]),
    ]
    times = []
    for name, value in changes:
        t0 = time.perf_counter()
        getattr(app, name).value = value
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2], times[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=10, help="councils in the naive papermill sample (default 10)")
    ap.add_argument("--report-only", action="store_true", help="only the cold report against the one-process script")
    ap.add_argument("--briefings-only", action="store_true", help="only the briefings batch against the papermill loop")
    ap.add_argument("--explorer-only", action="store_true", help="only the council explorer's redraw")
    args = ap.parse_args()
    if args.explorer_only:
        median, slowest = explorer_redraw()
        print(f"  explorer redraw: median {median:.2f} s, slowest {slowest:.2f} s of 12 control changes")
        print(f"explorer redraw seconds: {median:.2f}")
        return
    if args.report_only:
        return report_only(Path(tempfile.mkdtemp(prefix="pbanalysis-bench-")))

    sys.path.insert(0, str(ROOT / "src"))
    from pbanalysis.analysis import measures
    from pbanalysis.dataset import data
    from pbanalysis.outputs import briefing

    councils = measures.list_councils(data.load_councils())
    step = max(1, len(councils) // args.sample)
    sample = councils[::step][: args.sample]
    scratch = Path(tempfile.mkdtemp(prefix="pbanalysis-bench-"))
    print(f"pbanalysis benchmark: {os.cpu_count()} cores; scratch {scratch}\n")

    # 1. briefings ---------------------------------------------------------------------
    print(f"1. Council briefings ({len(councils)} councils; naive loop timed on {len(sample)} and scaled)")
    params_dir = scratch / "params"
    params_dir.mkdir()
    naive_secs, naive_mib = 0.0, 0.0
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "naive"))
    for c in sample:
        import papermill  # noqa: F401  (fail early if missing)

        cmd = [
            PY,
            "-m",
            "papermill",
            "--no-progress-bar",
            "-k",
            "python3",
            "--cwd",
            str(ROOT / "notebooks"),
            "-p",
            "council",
            c,
            str(ROOT / "notebooks" / "council_briefing.ipynb"),
            str(scratch / f"naive-{briefing.slugify(c)}.ipynb"),
        ]
        s, m = measure(cmd, env, label="naive")
        naive_secs, naive_mib = naive_secs + s, max(naive_mib, m)
    naive_all = naive_secs * len(councils) / len(sample)
    row(f"naive: papermill per council ({len(sample)} councils)", naive_secs, naive_mib)
    row(f"naive, scaled to {len(councils)} councils", naive_all, naive_mib)
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "batch"))
    batch_secs, batch_mib = measure(
        [PY, "-m", "pbanalysis", "briefings", "--quiet", "--out", str(scratch / "batch" / "briefings")],
        env,
        label="briefings",
    )
    row(f"batch: make briefings ({len(councils)} councils)", batch_secs, batch_mib)
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "serial"))
    serial_secs, serial_mib = measure(
        [
            PY,
            "-m",
            "pbanalysis",
            "briefings",
            "--quiet",
            "--processes",
            "1",
            "--out",
            str(scratch / "serial" / "briefings"),
        ],
        env,
        label="briefings in one process",
    )
    row("batch in one process (--processes 1)", serial_secs, serial_mib)
    same = all(
        json.loads((scratch / "naive" / "briefings" / briefing.slugify(c) / "numbers.json").read_text())
        == json.loads((scratch / "batch" / "briefings" / briefing.slugify(c) / "numbers.json").read_text())
        for c in sample
    )
    print(f"  identical numbers on the sample: {same}")
    print(
        f"  processor seconds (user + system, whole tree): naive {CPU['naive'] * len(councils) / len(sample):.0f} "
        f"scaled to {len(councils)} councils, batch {CPU['briefings']:.1f}, one process "
        f"{CPU['briefings in one process']:.1f}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
    )
    if args.briefings_only:
        print(detail_line())
        print(f"ratio naive-briefings/batch: {naive_all / batch_secs:.1f}")
        print(f"ratio one-process-briefings/pool: {serial_secs / batch_secs:.2f}")
        print(f"peak MiB: briefings {batch_mib:.0f}")
        shutil.rmtree(scratch, ignore_errors=True)
        return

    # 2. cold report vs one process ------------------------------------------------------
    print("2. Whole report")
    cold_dir = scratch / "cold"
    cold_secs, cold_mib = measure(["make", "-s", "report", f"REPORTS={cold_dir}"], label="report")
    row("cold make report (all runs, HTML, index, run.json)", cold_secs, cold_mib)
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "oneproc"))
    one_secs, one_mib = measure([PY, "-c", REPORT_SCRIPT], env, label="one-process")
    row("one-process script: same computations and charts", one_secs, one_mib)
    print()

    # 3. no-op -----------------------------------------------------------------------------
    print("3. No-op")
    noop_secs, noop_mib = measure(["make", "-s", "report", f"REPORTS={cold_dir}"], sample=False)
    row("no-op make report (everything up to date)", noop_secs, noop_mib)
    print("  peaks above: whole process trees, summed PSS (a page shared by several processes counted once)")
    print(detail_line())
    print()

    # 4. the explorer --------------------------------------------------------------------
    print("4. Council explorer")
    redraw, slowest = explorer_redraw()
    print(f"  explorer redraw: median {redraw:.2f} s, slowest {slowest:.2f} s of 12 control changes\n")

    print(f"ratio cold-report/one-process: {cold_secs / one_secs:.1f}")
    print(f"ratio naive-briefings/batch: {naive_all / batch_secs:.1f}")
    print(f"ratio one-process-briefings/pool: {serial_secs / batch_secs:.2f}")
    print(f"peak MiB: report {cold_mib:.0f}, briefings {batch_mib:.0f}")
    print(f"noop-report seconds: {noop_secs:.2f}")
    print(f"explorer redraw seconds: {redraw:.2f}")
    subprocess.run([PY, str(ROOT / "scripts" / "bench_explorer.py")], cwd=ROOT, check=False)  # in headless Chromium
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
