"""``python -m pbanalysis``: rebuild data, run the report, regenerate charts and briefings.

Every command exits non-zero with a one-line message naming the file, row and
column when its input is bad. The Makefile calls these commands; users can too.
Every command that writes under reports/ or data/ holds the project's lock while it runs
(:mod:`pbanalysis.pipeline.lock`): a second one waits, or with ``--no-wait`` stops (exit 75).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.core.errors import InputError, ParameterError, RunError
from pbanalysis.pipeline import lock

# Each command imports the modules it runs inside its own function, and only those: a start-up
# cost measured (2026-12-03, the 2-core build machine, busy). This module with its top imports (the
# standard library, core and the lock) imports in 0.2-0.3 s and `runs` adds 0.2 s; `report` 1.6 s
# (papermill; no pandas in the runner's process); `data`, `briefings`, `index` and `chart` 1.2-2.6 s
# each (pandas, matplotlib). Every command's modules at the top took 8.4-9.8 s, and `with-lock`,
# `runs` and a no-op `make report` must start in well under a second.

log = logging.getLogger("pbanalysis")


def _positive_int(text: str) -> int:
    """An argument that must be a whole number of at least 1 (argparse names the option on error)."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return n


def _progress(msg: str) -> None:
    log.info(msg)


def setup_logging(verbose: bool = False) -> None:
    """Send logs to stderr: progress lines by default, detail (and other libraries' notes) with ``--verbose``; returns nothing."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("pbanalysis").setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("pbanalysis.nbconvert").setLevel(logging.DEBUG if verbose else logging.ERROR)
    # papermill logs every cell at INFO; traitlets warns about kernel start-up details.
    for name in ("papermill", "traitlets", "nbclient", "jupyter_client"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)


def cmd_raw(args: argparse.Namespace) -> None:
    """``raw``: regenerate the data/raw extracts from the official files in ``args.source`` (into ``args.out``); returns nothing."""
    from pbanalysis.dataset.raw import build_raw

    build_raw(args.source, raw_dir=args.out, progress=_progress)


def cmd_data(args: argparse.Namespace) -> None:
    """``data``: build the processed tables from data/raw (into ``args.out``); returns nothing."""
    from pbanalysis.dataset.data import build_processed

    build_processed(out_dir=args.out, progress=_progress)


def cmd_run_notebook(args: argparse.Namespace) -> None:
    """``run-notebook``: execute one notebook (``args.notebook``) with a named parameter set (``args.param_set``); returns nothing."""
    from pbanalysis.pipeline import report

    report.run_notebook(args.notebook, args.param_set, progress=not args.quiet)


def cmd_runs(args: argparse.Namespace) -> None:
    """List the runs, their Make rules (--make) or their outputs (--outputs) on stdout; returns nothing."""
    from pbanalysis.pipeline import catalogue

    runs = catalogue.all_runs()
    for r in runs:
        log.debug("run %s: parameters %s", r.name, r.params)
    if args.make:
        text = catalogue.make_rules(runs)
        if args.out:  # Make includes this file: written whole or not at all, under the lock
            write_text(args.out, text)
        else:
            sys.stdout.write(text)
    elif args.outputs:
        for r in runs:
            for p in catalogue.run_outputs(r):
                print(f"{r.name}\t{p}")
    else:
        for r in runs:
            print(r.name)


def cmd_report(args: argparse.Namespace) -> None:
    """Execute stale (or named) runs, then the index and run.json; exits 1 if a run failed."""
    from pbanalysis.pipeline import report

    status = report.build(args.run or (["all"] if args.all else None), jobs=args.jobs)
    if status:
        raise SystemExit(status)


def cmd_html(args: argparse.Namespace) -> None:
    """``html``: convert one executed notebook (``args.executed``) to HTML with code hidden; returns nothing."""
    from pbanalysis.pipeline import report

    report.to_html(args.executed)


def cmd_index(args: argparse.Namespace) -> None:
    """``index``: write reports/index.html; returns nothing."""
    from pbanalysis.outputs import index_page

    index_page.write_index()


def cmd_chart(args: argparse.Namespace) -> None:
    """``chart``: list the registered charts (``--list``), or draw one and print the paths of the files written; returns nothing."""
    from pbanalysis.pipeline import registry

    if args.list or not args.name:
        for name, desc in registry.describe():
            print(f"{name:28s} {desc}")
        return
    for p in registry.render(
        args.name, year=args.year, council=args.council, fmt=args.format, size=args.size, out_dir=args.out
    ):
        print(p)


def cmd_with_lock(args: argparse.Namespace) -> None:
    """``with-lock``: run a command holding the project's lock; exits with the command's status."""
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    status = lock.run_locked(argv, folders=[args.dir] if args.dir else None, wait=not args.no_wait)
    if status:
        raise SystemExit(status)


def cmd_briefings(args: argparse.Namespace) -> None:
    """``briefings``: build every (or each named) council's briefing pack and log the run to reports/run.json; returns nothing."""
    from pbanalysis.outputs import packs, runlog

    started, t0 = runlog.now(), time.time()
    entry = {
        "command": "make briefings",
        "argv": sys.argv[1:],
        "started": started,
        "parameters": {
            "councils": args.council or "all",
            "out": args.out,
            "svg": args.svg,
            "processes": args.processes,
        },
    }
    try:
        index = packs.build_all(
            out_dir=args.out,
            councils=args.council or None,
            progress=not args.quiet,
            svg=args.svg,
            processes=args.processes,
        )
    except BaseException as exc:
        entry.update(outcome="failed", error=f"{type(exc).__name__}: {exc}", duration_s=round(time.time() - t0, 2))
        runlog.write_entry("briefings", {**entry, **runlog.environment()})
        raise
    entry.update(outcome="ok", index=str(index), duration_s=round(time.time() - t0, 2))
    runlog.write_entry("briefings", {**entry, **runlog.environment()})


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m pbanalysis`` argument parser: one sub-command per ``cmd_*`` function."""
    p = argparse.ArgumentParser(
        prog="python -m pbanalysis",
        description="pbanalysis: personal budgets in English adult social care, rebuilt from official "
        "PSS-EX1 tables and checked against the figures reported in 2010-2011.",
        epilog="Typical use: `make report` (everything), `python -m pbanalysis chart --list`, "
        "`python -m pbanalysis chart variance_rank --year 2010-11 --format png`.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log detail (default: errors and progress only)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("raw", help="extract tidy tables from the official files into data/raw/")
    s.add_argument(
        "--source", default=None, help="folder holding pssex1/, lookup/ and ascof/ (default: ../shared/data)"
    )
    s.add_argument(
        "--out",
        default=None,
        help="folder of the extracts (default data/raw); the data package is written in the folder above it, "
        "as data/datapackage.json is beside data/raw",
    )
    # The extracts and the data package: the folder above the extracts holds both.
    _writes(s, lambda a: [Path(a.out or paths.RAW_DIR).parent])
    s.set_defaults(func=cmd_raw)

    s = sub.add_parser("data", help="build the processed tables in data/processed/")
    s.add_argument("--out", default=None, help="output folder (default data/processed)")
    _writes(s, lambda a: [a.out or paths.PROCESSED_DIR])
    s.set_defaults(func=cmd_data)

    s = sub.add_parser("runs", help="list the report's notebook runs (<notebook>--<set>), one a line")
    s.add_argument("--make", action="store_true", help="print Make rules: each run's outputs as targets of its inputs")
    s.add_argument("--outputs", action="store_true", help="print each run's outputs (run, tab, path)")
    s.add_argument("--out", default=None, help="with --make: write the rules to this file (atomically), not stdout")
    _writes(s, lambda a: [Path(a.out).parent] if a.out else [])
    s.set_defaults(func=cmd_runs)

    s = sub.add_parser(
        "report",
        help="execute the stale notebook runs (or those named) on all cores, then the index and run.json",
    )
    s.add_argument("run", nargs="*", help="runs to execute (default: those `make report` marked stale)")
    s.add_argument("--all", action="store_true", help="execute every run")
    s.add_argument("--jobs", "-j", type=int, default=None, help="runs at once (default: one per core)")
    _writes(s, lambda a: [paths.REPORTS_DIR])
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("run-notebook", help="execute one notebook with one named parameter set")
    s.add_argument("notebook", help="notebook name, e.g. take_up")
    s.add_argument("param_set", help="parameter set name in notebooks/params/<notebook>.yaml")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    _writes(s, lambda a: [paths.REPORTS_DIR])
    s.set_defaults(func=cmd_run_notebook)

    s = sub.add_parser("html", help="convert an executed notebook to HTML with code hidden")
    s.add_argument("executed", help="path of the executed notebook")
    _writes(s, lambda a: [paths.REPORTS_DIR])
    s.set_defaults(func=cmd_html)

    s = sub.add_parser("index", help="write reports/index.html linking notebooks, charts and claims")
    _writes(s, lambda a: [paths.REPORTS_DIR])
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("chart", help="regenerate one chart of the report (--list shows them)")
    s.add_argument("name", nargs="?", help="chart name (see --list)")
    s.add_argument("--list", action="store_true", help="list the charts and what they show")
    s.add_argument("--year", default=None, help="financial year, e.g. 2010-11")
    s.add_argument("--council", default=None, help="council name or GSS code (council charts)")
    s.add_argument("--format", default="svg", help="svg or png (300 ppi at the width the size is used at)")
    s.add_argument("--size", default="slide", help="slide (16:9) or a4half")
    s.add_argument("--out", default=None, help="output folder (default reports/figures)")
    _writes(s, lambda a: [] if a.list or not a.name else [a.out or paths.FIGURES_DIR])
    s.set_defaults(func=cmd_chart)

    s = sub.add_parser("briefings", help="build council briefing packs (all 152 by default)")
    s.add_argument("--council", action="append", help="only this council (repeatable)")
    s.add_argument("--out", default=None, help="output folder (default reports/briefings)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--svg", action="store_true", help="also write each chart as SVG, for editing")
    s.add_argument(
        "--processes",
        type=_positive_int,
        default=None,
        help="worker processes (default: one per core, at most 2); 1 builds every pack in this process",
    )
    # The packs, and the run log in the reports folder.
    _writes(s, lambda a: [a.out or paths.BRIEFINGS_DIR, paths.REPORTS_DIR])
    s.set_defaults(func=cmd_briefings)

    s = sub.add_parser(
        "with-lock",
        help="run a command (e.g. make) holding the project's lock; what it starts shares the lock",
        description="Run COMMAND holding the project's lock (.pbanalysis.lock at the project's root, or in "
        "DIR when DIR is outside the project). Another run waits for it, and says so.",
    )
    s.add_argument("--no-wait", action="store_true", help="if another run holds the lock, stop (exit 75)")
    s.add_argument("--dir", default=None, help="the folder the command writes to (default: the reports folder)")
    s.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- COMMAND ...", help="the command and its arguments")
    s.set_defaults(func=cmd_with_lock)
    return p


def _writes(s: argparse.ArgumentParser, folders) -> None:
    """Mark a sub-command as writing ``folders(args)``: it then runs holding their lock
    (:mod:`pbanalysis.pipeline.lock`), with a ``--no-wait`` option; returns nothing."""
    s.add_argument(
        "--no-wait",
        action="store_true",
        help="if another pbanalysis run holds the project's lock, stop at once (exit 75) instead of waiting",
    )
    s.set_defaults(writes=folders)


def main(argv: list[str] | None = None) -> int:
    """Run the command line (``argv``, default ``sys.argv[1:]``); returns the exit status.

    0 when the command succeeded; 2 for bad input, a bad parameter or a run error
    (logged as ``error: ...``); 75 when another run holds the project's lock and ``--no-wait``
    was given; otherwise the code the command exited with (``report``: 1
    when a run failed).
    """
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    log.debug("command: %s", args)
    try:
        folders = args.writes(args) if getattr(args, "writes", None) else []
        with lock.held(*folders, wait=not args.no_wait) if folders else contextlib.nullcontext():
            args.func(args)
    except lock.LockBusy as exc:
        log.error(f"error: {exc}")
        return lock.BUSY_STATUS
    except (InputError, ParameterError, RunError) as exc:
        log.error(f"error: {exc}")
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:  # e.g. Ctrl-C while waiting for the lock: nothing was written
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
