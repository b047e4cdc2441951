"""Atomic file writes: write to a temporary file beside the target, then rename.

A run that fails or is killed half-way leaves the earlier output intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
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


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to ``target`` atomically; returns the target's path."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)
    return Path(target)


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text with Unix newlines, atomically; returns the target's path."""
    return write_bytes(target, text.encode("utf-8"))


def write_csv(target: str | os.PathLike, frame: pd.DataFrame) -> Path:
    """Write a data frame as CSV (UTF-8, ``\\n`` line ends, no index), atomically; returns the target's path."""
    text = frame.to_csv(index=False, lineterminator="\n")
    return write_text(target, text)
