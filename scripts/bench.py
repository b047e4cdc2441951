"""make bench: speed and memory, measured side by side in one run; prints ratios.

1. Council briefings: the batch (every council, one or two processes) against
   the naive way (papermill runs the briefing notebook once per council), timed
   on a sample of councils and scaled to all of them. Also checks both give
   identical numbers for the sample.
2. A cold ``make report`` (into a scratch folder) against a one-process script
   doing the same computations and writing the same charts.
3. A no-op ``make report`` (everything up to date).

Peak memory is the largest resident set of any process in each run. This is a
benchmark, not a test: nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: One-process equivalent of the report: every chart each notebook run draws.
REPORT_SCRIPT = r"""
import sys, yaml
from pbanalysis import claims, data, paths, register, report
from pbanalysis.atomic import write_csv
from pbanalysis import registry
NOTEBOOK_CHARTS = {
    "take_up": [("takeup_timeline", ["denominator", "target", "as_of"]), ("takeup_denominators", ["target"])],
    "spending": [("pb_spend_split", []), ("dp_spend_series", []), ("spend_per_recipient_rank", ["year", "highlight"])],
    "variance": [("variance_rank", ["year", "measure", "thresholds", "highlight"]), ("variance_by_region", ["year", "measure"]),
                 ("variance_by_type", ["year", "measure"]), ("variance_thresholds", ["thresholds"])],
    "council_briefing": [],
    "claims": [],
}
DEFAULTS = {
    "take_up": {"denominator": "ongoing", "target": 30, "as_of": "2013-03-31"},
    "spending": {"year": "2010-11", "highlight": ["Manchester", "Somerset"]},
    "variance": {"year": "2009-10", "measure": "proxy_takeup_pct", "thresholds": [10, 20, 30],
                 "highlight": ["Somerset", "Manchester"]},
    "council_briefing": {"council": "Manchester", "year": "2013-14"},
    "claims": {},
}
from pbanalysis import briefing
for nb in report.notebooks():
    for run, params in report.load_param_sets(nb).items():
        p = dict(DEFAULTS[nb], **params)
        for name, keys in NOTEBOOK_CHARTS[nb]:
            registry.draw(name, **{k: p[k] for k in keys}).save_for_run(run)
        if nb == "council_briefing":
            briefing.build_pack(p["council"], year=p["year"])
        if nb == "claims":
            write_csv(paths.CLAIMS_CSV, claims.check(register.load_register(), data.load_council_year(),
                                                     data.load_national_series()))
"""


def measure(cmd, env=None, cwd=ROOT):
    """(seconds, peak RSS in MiB of any process) of one command, run in a fresh wrapper."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL)\n"
        "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " r.returncode]))"
    )
    out = subprocess.run([PY, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, cwd=cwd, check=True)
    secs, kib, rc = json.loads(out.stdout)
    if rc != 0:
        raise SystemExit(f"benchmark command failed ({rc}): {' '.join(cmd)}")
    return secs, kib / 1024


def row(label, secs, mib):
    print(f"  {label:52s} {secs:9.2f} s   peak {mib:7.0f} MiB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=10, help="councils in the naive papermill sample (default 10)")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from pbanalysis import briefing, data, measures

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
        s, m = measure(cmd, env)
        naive_secs, naive_mib = naive_secs + s, max(naive_mib, m)
    naive_all = naive_secs * len(councils) / len(sample)
    row(f"naive: papermill per council ({len(sample)} councils)", naive_secs, naive_mib)
    row(f"naive, scaled to {len(councils)} councils", naive_all, naive_mib)
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "batch"))
    batch_secs, batch_mib = measure(
        [PY, "-m", "pbanalysis", "briefings", "--quiet", "--out", str(scratch / "batch" / "briefings")], env
    )
    row(f"batch: make briefings ({len(councils)} councils)", batch_secs, batch_mib)
    same = all(
        json.loads((scratch / "naive" / "briefings" / briefing.slugify(c) / "numbers.json").read_text())
        == json.loads((scratch / "batch" / "briefings" / briefing.slugify(c) / "numbers.json").read_text())
        for c in sample
    )
    print(f"  ratio naive/batch: {naive_all / batch_secs:.1f}x   identical numbers on the sample: {same}\n")

    # 2. cold report vs one process ------------------------------------------------------
    print("2. Whole report")
    cold_dir = scratch / "cold"
    cold_secs, cold_mib = measure(["make", "-s", "report", f"REPORTS={cold_dir}"])
    row("cold make report (papermill, HTML, index)", cold_secs, cold_mib)
    env = dict(os.environ, PBANALYSIS_REPORTS=str(scratch / "oneproc"))
    one_secs, one_mib = measure([PY, "-c", REPORT_SCRIPT], env)
    row("one-process script: same computations and charts", one_secs, one_mib)
    print(f"  ratio cold make report / one process: {cold_secs / one_secs:.1f}x\n")

    # 3. no-op -----------------------------------------------------------------------------
    print("3. No-op")
    noop_secs, noop_mib = measure(["make", "-s", "report", f"REPORTS={cold_dir}"])
    row("no-op make report (everything up to date)", noop_secs, noop_mib)
    print(f"  ratio cold / no-op: {cold_secs / noop_secs:.0f}x\n")

    print("Summary")
    print(f"  batch briefings vs naive papermill loop: {naive_all / batch_secs:.1f}x faster (target >= 10x)")
    print(f"  no-op make report: {noop_secs:.2f} s (target < 1 s)")
    print(f"  cold make report vs one process: {cold_secs / one_secs:.1f}x slower (the price of notebooks)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
