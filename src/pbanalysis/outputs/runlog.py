"""``reports/run.json``: what the last ``make report`` and ``make briefings`` ran, on what, and how it went.

Each command writes its own entry (``report`` or ``briefings``), keeping the
other's: the git commit and whether the tree had uncommitted changes, the
Python and package versions, the sha256 of every input file (``data/raw``, the
notebooks and their parameter files), each run's parameters, start time and
duration, and the outcome. The file is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_state(root: Path | None = None) -> dict:
    """``{"commit": <sha or None>, "dirty": <bool or None>}`` of the project's git checkout.

    ``dirty`` is True when tracked files have uncommitted changes; both are None outside git.
    """
    root = Path(root or paths.ROOT)

    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


def versions() -> dict:
    """``{"python": "3.11.7", "platform": ..., "packages": {name: version}}`` for pbanalysis and its requirements."""
    pkgs = {"pbanalysis": metadata.version("pbanalysis")}
    for req in metadata.requires("pbanalysis") or []:
        if "extra ==" in req:
            continue
        name = re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0]
        try:
            pkgs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pkgs[name] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": dict(sorted(pkgs.items())),
    }


def input_files() -> list[Path]:
    """Every input of the report: ``data/raw/*``, ``data/reference/*``, the data package,
    ``notebooks/*.ipynb`` and ``notebooks/params/*.yaml``."""
    files = [
        p
        for folder in (paths.RAW_DIR, paths.REFERENCE_DIR)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    ]
    files.append(paths.DATAPACKAGE_JSON)
    files += list(paths.NOTEBOOKS_DIR.glob("*.ipynb")) + list(paths.PARAMS_DIR.glob("*.yaml"))
    return sorted(files)


def input_hashes() -> dict[str, str]:
    """``{path relative to the project: sha256 hex}`` of every input file."""
    out = {}
    for p in input_files():
        out[p.relative_to(paths.ROOT).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def environment() -> dict:
    """The part of every entry that says what was run on: git, versions, input hashes."""
    return {"git": git_state(), **versions(), "inputs": input_hashes()}


def read(path: Path | None = None) -> dict:
    """The current run log ({} if none or unreadable)."""
    path = Path(path or paths.RUN_JSON)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_entry(command: str, entry: dict, path: Path | None = None) -> Path:
    """Set ``command``'s entry in the run log (keeping the others), atomically; returns the file."""
    path = Path(path or paths.RUN_JSON)
    log = read(path)
    log[command] = entry
    return write_text(path, json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def write_report_log(all_runs: list, results: list, started: str, seconds: float, path: Path | None = None) -> Path:
    """Record a ``make report`` in the run log; returns its path. ``all_runs``: every
    :class:`~pbanalysis.pipeline.catalogue.Run`; ``results``: the :class:`~pbanalysis.pipeline.runner.Result` of those executed now.

    Runs not executed this time keep their record from the previous log (marked ``up to date``).
    """
    path = Path(path or paths.RUN_JSON)
    before = {r["run"]: r for r in read(path).get("report", {}).get("runs", [])}
    now_ = {r.run.name: r.as_dict() for r in results}
    runs = []
    for run in all_runs:
        if run.name in now_:
            runs.append(now_.pop(run.name))
        else:
            prev = dict(
                before.get(run.name)
                or {
                    "run": run.name,
                    "notebook": run.notebook,
                    "param_set": run.param_set,
                    "started": None,
                    "duration_s": None,
                }
            )
            prev["parameters"] = run.params
            prev["outcome"] = (
                "up to date" if prev.get("outcome") in ("ok", "up to date") else prev.get("outcome", "not run")
            )
            runs.append(prev)
    runs += list(now_.values())  # e.g. undeclared outputs
    failed = [r["run"] for r in runs if r.get("outcome") == "failed"]
    entry = {
        "command": "make report",
        "argv": sys.argv[1:],
        "started": started,
        "duration_s": round(seconds, 2),
        "outcome": "failed" if any(not r.ok for r in results) else "ok",
        "failed_runs": failed,
        "executed_now": [r.run.name for r in results],
        **environment(),
        "runs": runs,
    }
    return write_entry("report", entry, path)
