"""Atomic file writes: write to a temporary file beside the target, then rename.

A run that fails or is killed half-way leaves the earlier output intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target):
    """Yield a temporary path in the target's folder; rename it into place on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(target, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)
    return Path(target)


def write_text(target, text: str) -> Path:
    """Write UTF-8 text with Unix newlines, atomically."""
    return write_bytes(target, text.encode("utf-8"))


def write_csv(target, frame) -> Path:
    """Write a data frame as CSV (UTF-8, ``\\n`` line ends, no index), atomically."""
    text = frame.to_csv(index=False, lineterminator="\n")
    return write_text(target, text)
