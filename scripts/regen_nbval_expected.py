"""Regenerate tests/nbval_expected/<notebook>.json from a fresh run of each notebook.

Each notebook runs on its defaults (papermill, the project's kernel) into a
scratch folder; the printed output of every cell marked ``# NBVAL_CHECK_OUTPUT``
becomes that cell's reference text. Run it after a change that is meant to
alter a checked output, and review the diff before committing:

    .venv/bin/python scripts/regen_nbval_expected.py [notebook ...]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm

from pbanalysis.core import paths
from pbanalysis.pipeline import report

EXPECTED_DIR = paths.ROOT / "tests" / "nbval_expected"


def checked_outputs(executed: Path) -> dict[str, str]:
    """Cell id -> printed stdout of every NBVAL_CHECK_OUTPUT cell of an executed notebook."""
    nb = nbformat.read(executed, as_version=4)
    out = {}
    for c in nb.cells:
        if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source:
            text = "".join(
                o.get("text", "") for o in c.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"
            )
            if not text:
                sys.exit(f"{executed.name} cell {c.id}: marked NBVAL_CHECK_OUTPUT but printed nothing to stdout")
            out[c.id] = text
    return out


def main(names: list[str]) -> int:
    """Rewrite the reference file of each named notebook (all when none is named); returns 0."""
    names = names or report.notebooks()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PBANALYSIS_REPORTS"] = tmp
        for name in names:
            executed = Path(tmp) / f"{name}.ipynb"
            pm.execute_notebook(
                str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
                str(executed),
                kernel_name="pbanalysis",
                cwd=str(paths.NOTEBOOKS_DIR),
                progress_bar=False,
            )
            expected = checked_outputs(executed)
            target = EXPECTED_DIR / f"{name}.json"
            if expected:
                target.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
                print(f"{target.relative_to(paths.ROOT)}: {len(expected)} checked cell(s)")
            elif target.exists():
                target.unlink()
                print(f"{target.relative_to(paths.ROOT)}: removed (no checked cells)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
