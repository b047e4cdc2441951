"""Every council's briefing pack, and the index page that lists them (``make briefings``).

:func:`build_all` builds each council's pack with :func:`pbanalysis.outputs.briefing.build_pack`,
in this process or (the first pack here, the rest) in a standard process pool of forked workers
(:class:`concurrent.futures.ProcessPoolExecutor`), then writes the index. A pack depends only on
its council, so the order the workers take them in changes no byte of any pack.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from tqdm import tqdm

from pbanalysis.analysis import measures
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.outputs import briefing_numbers, index_page, pages
from pbanalysis.outputs.briefing import build_pack

#: Councils a worker takes at a time. One: a hand-off costs well under a millisecond against about
#: half a second a pack, and the workers then finish within one pack of each other (four a time
#: left one worker idle for up to two seconds at the end).
CHUNK = 1
#: A batch of at most this many councils is built in this process (a pool would not pay for itself).
MIN_POOLED = 4
#: Workers by default: at most two. Each holds the tables, matplotlib and one pack's figures
#: (about 150 MiB), and the machines this runs on have two cores.
MAX_PROCESSES = 2

_first_pack_done = False


def _one(args: tuple) -> tuple:
    """Build one council's pack; return what the index lists (name, slug, region, rank, of)."""
    global _first_pack_done
    council, out_dir, docx, svg = args
    b = build_pack(council, out_dir, docx=docx, svg=svg)
    gc.collect()  # closed figures hold reference cycles; without this a worker grows by ~10 MiB a council
    if not _first_pack_done:
        # What outlives the first pack (modules, tables, font and template caches) lives for the whole
        # batch. Freezing it keeps every later collection to the objects of one pack.
        gc.freeze()
        _first_pack_done = True
    return b.name, b.slug, b.region, b.rank, b.of


def build_all(
    out_dir: Path | str | None = None,
    councils: list[str] | None = None,
    progress: bool = True,
    processes: int | None = None,
    docx: bool = True,
    svg: bool = False,
) -> Path:
    """Every council's pack (or each of ``councils``: names or codes, as
    :func:`pbanalysis.analysis.measures.find_council` takes them) plus an index page; returns the
    index's path.

    ``processes``: 1 builds every pack in this process; more shares them among that many forked
    workers (default: the cores, at most :data:`MAX_PROCESSES`). ``svg`` adds each chart as SVG."""
    table = briefing_numbers.councils()
    # Every council named is found before any pack is built (an unknown one fails at once, with the
    # closest matches), and two spellings of one council build one pack.
    names = (
        list(dict.fromkeys(measures.find_council(c, table)["council_name"] for c in councils))
        if councils
        else measures.list_councils(table)
    )
    out_dir = Path(out_dir or paths.BRIEFINGS_DIR)
    processes = processes or min(MAX_PROCESSES, os.cpu_count() or 1)
    jobs = [(n, out_dir, docx, svg) for n in names]
    rows = []
    with tqdm(total=len(jobs), desc="briefings", disable=not progress, unit="council") as bar, ExitStack() as stack:
        results = map(_one, jobs)
        if processes > 1 and len(jobs) > MIN_POOLED:
            # The first pack is built here, before the workers fork: what every pack shares (the tables,
            # the ASCOF ranks and data-quality flags, matplotlib and its fonts, the first drawing, the
            # Word template compiled) is then made once and inherited by both workers, not made in each.
            rows.append(_one(jobs[0]))
            bar.update()
            gc.freeze()  # keeps the inherited objects out of the workers' collections, and their pages shared
            stack.callback(gc.unfreeze)
            pool = stack.enter_context(ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")))
            results = pool.map(_one, jobs[1:], chunksize=CHUNK)
        for row in results:
            rows.append(row)
            bar.update()
    page = pages.render(
        "briefings.html.j2",
        rows=[
            {
                "name": n,
                "slug": slug,
                "region": r,
                "rank": "[x]" if rk is None else f"{fmt.count(rk)} of {fmt.count(of)}",
                "rank_sort": "" if rk is None else str(rk),
                "docx": paths.briefing_docx(slug, out_dir).name if docx else "",
            }
            for n, slug, r, rk, of in rows
        ],
        notes=["[x]: no proxy take-up in the latest year, so no rank."] if any(row[3] is None for row in rows) else [],
    )
    write_text(out_dir / "index.html", page)
    if out_dir.resolve() == Path(paths.BRIEFINGS_DIR).resolve() and paths.INDEX_HTML.exists():
        index_page.write_index()  # the landing page no longer says the packs are not built
    return out_dir / "index.html"
