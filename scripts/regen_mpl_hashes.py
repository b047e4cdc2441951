"""Regenerate tests/mpl_hashes.json (the image hashes pytest-mpl compares) by running the image tests.

Run after an intended change to how charts look: ``.venv/bin/python scripts/regen_mpl_hashes.py``.
Never edit the JSON by hand. Review the new images (``--mpl-generate-path``) before committing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HASHES = ROOT / "tests" / "mpl_hashes.json"


def main() -> int:
    """Run every ``test_image_*`` test writing the hashes, then again checking them; returns the check's exit code.

    The first run reports the images whose hash changed (that is what is being regenerated)."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        str(ROOT / "tests" / "test_charts.py"),
        "-k",
        "test_image",
        f"--mpl-generate-hash-library={HASHES}",
    ]
    subprocess.run(cmd, cwd=ROOT)
    return subprocess.run(cmd[:-1], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
