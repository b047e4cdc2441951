"""``python -m pbanalysis``: rebuild data, run the report, regenerate charts and briefings.

Every command exits non-zero with a one-line message naming the file, row and
column when its input is bad. The Makefile calls these commands; users can too.
"""

from __future__ import annotations

import argparse
import sys

from pbanalysis.errors import InputError, ParameterError, RunError


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_raw(args) -> None:
    from pbanalysis.raw import build_raw

    build_raw(args.source, raw_dir=args.out, progress=_progress)


def cmd_data(args) -> None:
    from pbanalysis.data import build_processed

    build_processed(out_dir=args.out, progress=_progress)


def cmd_run_notebook(args) -> None:
    from pbanalysis import report

    report.run_notebook(args.notebook, args.param_set, progress=not args.quiet)


def cmd_html(args) -> None:
    from pbanalysis import report

    report.to_html(args.executed)


def cmd_index(args) -> None:
    from pbanalysis import index_page

    index_page.write_index()


def cmd_chart(args) -> None:
    from pbanalysis import registry

    if args.list or not args.name:
        for name, desc in registry.describe():
            print(f"{name:28s} {desc}")
        return
    for p in registry.render(
        args.name, year=args.year, council=args.council, fmt=args.format, size=args.size, out_dir=args.out
    ):
        print(p)


def cmd_briefings(args) -> None:
    from pbanalysis import briefing

    briefing.build_all(out_dir=args.out, councils=args.council or None, progress=not args.quiet)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pbanalysis",
        description="pbanalysis: personal budgets in English adult social care, rebuilt from official "
        "PSS-EX1 tables and checked against the figures reported in 2010-2011.",
        epilog="Typical use: `make report` (everything), `python -m pbanalysis chart --list`, "
        "`python -m pbanalysis chart variance_rank --year 2010-11 --format png`.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("raw", help="extract tidy tables from the official files into data/raw/")
    s.add_argument("--source", default=None, help="folder holding pssex1/ and lookup/ (default: ../shared/data)")
    s.add_argument("--out", default=None, help="output folder (default data/raw)")
    s.set_defaults(func=cmd_raw)

    s = sub.add_parser("data", help="build the processed tables in data/processed/")
    s.add_argument("--out", default=None, help="output folder (default data/processed)")
    s.set_defaults(func=cmd_data)

    s = sub.add_parser("run-notebook", help="execute one notebook with one named parameter set")
    s.add_argument("notebook", help="notebook name, e.g. take_up")
    s.add_argument("param_set", help="parameter set name in notebooks/params/<notebook>.yaml")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_run_notebook)

    s = sub.add_parser("html", help="convert an executed notebook to HTML with code hidden")
    s.add_argument("executed", help="path of the executed notebook")
    s.set_defaults(func=cmd_html)

    s = sub.add_parser("index", help="write reports/index.html linking notebooks, charts and claims")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("chart", help="regenerate one chart of the report (--list shows them)")
    s.add_argument("name", nargs="?", help="chart name (see --list)")
    s.add_argument("--list", action="store_true", help="list the charts and what they show")
    s.add_argument("--year", default=None, help="financial year, e.g. 2010-11")
    s.add_argument("--council", default=None, help="council name or GSS code (council charts)")
    s.add_argument("--format", default="svg", help="svg or png (300 dpi)")
    s.add_argument("--size", default="slide", help="slide (16:9) or a4half")
    s.add_argument("--out", default=None, help="output folder (default reports/figures)")
    s.set_defaults(func=cmd_chart)

    s = sub.add_parser("briefings", help="build council briefing packs (all 152 by default)")
    s.add_argument("--council", action="append", help="only this council (repeatable)")
    s.add_argument("--out", default=None, help="output folder (default reports/briefings)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_briefings)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (InputError, ParameterError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
