"""The project's lock: one command at a time writes under reports/, data/processed/ or data/raw/.

An advisory ``fcntl.flock`` on ``.pbanalysis.lock`` at the project's root (a scratch folder outside
the project has its own), which the kernel releases when its holder dies, however it dies. The
file records the holder (pid, command, start) so that a second command can name it while it
waits; a normal release empties it, so a record found by the next holder means the last one was
killed. What the lock does for a user, and why: docs/running.md ("Two runs at once: the lock").
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pbanalysis.core import paths
from pbanalysis.core.errors import RunError

log = logging.getLogger("pbanalysis")

LOCK_NAME = ".pbanalysis.lock"
#: The lock files the commands that started this one hold (``device:inode``, space-separated): a
#: command run by ``with-lock`` inherits the open lock and must not wait for it.
HELD_ENV = "PBANALYSIS_LOCKS_HELD"
#: The exit status of a command that found the lock taken and was told not to wait (EX_TEMPFAIL).
BUSY_STATUS = 75


class LockBusy(RunError):
    """The lock is held by another run and the command was told not to wait (``--no-wait``)."""

    def __init__(self, path: Path, pid: int | None):
        self.path, self.pid = path, pid
        super().__init__(
            f"another pbanalysis run (pid {pid or 'unknown'}) is writing to this project (lock {path}); "
            "not waiting (--no-wait): try again when it has finished"
        )


def lock_path(folder: str | os.PathLike | None = None) -> Path:
    """The lock guarding ``folder`` (default: the reports folder in use): the project's,
    ``<root>/.pbanalysis.lock``, for any folder inside the project, else ``<folder>/.pbanalysis.lock``."""
    folder = Path(folder or paths.REPORTS_DIR).resolve()
    root = paths.ROOT.resolve()
    return root / LOCK_NAME if folder.is_relative_to(root) else folder / LOCK_NAME


def holder(path: Path) -> dict:
    """What the lock file at ``path`` records about its holder (empty when none is recorded)."""
    try:
        rec = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return rec if isinstance(rec, dict) else {}


def _file_id(fd_or_path: int | Path) -> str:
    st = os.fstat(fd_or_path) if isinstance(fd_or_path, int) else os.stat(fd_or_path)
    return f"{st.st_dev}:{st.st_ino}"


@dataclass
class Held:
    """A lock taken by this process: its file and open descriptor."""

    path: Path
    fd: int

    def release(self) -> None:
        """Empty the holder's record and let go of the lock (closing the descriptor); returns nothing."""
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)
            self.fd = -1


def acquire(
    path: Path, wait: bool = True, command: str | None = None, say: Callable[[str], None] | None = None
) -> Held | None:
    """Take the lock at ``path``; returns it, or None when a command that started this one holds it.

    Waits for another holder, saying so once through ``say`` (default: the log), or with ``wait``
    False raises :class:`LockBusy` naming it. Takes over a lock whose holder was killed, saying so.
    """
    say, path = say or log.warning, Path(path)
    with contextlib.suppress(FileNotFoundError):
        if _file_id(path) in os.environ.get(HELD_ENV, "").split():
            return None
    path.parent.mkdir(parents=True, exist_ok=True)
    waited = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = None
                for _ in range(10):  # a holder that has just taken the lock writes its record at once
                    if pid := holder(path).get("pid"):
                        break
                    time.sleep(0.05)
                if not wait:
                    raise LockBusy(path, pid) from None
                if not waited:
                    say(f"waiting for another pbanalysis run (pid {pid or 'unknown'}) to finish")
                waited = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            # `make clean` in a scratch folder removes the lock file it holds: lock the file now at the path.
            with contextlib.suppress(FileNotFoundError):
                if _file_id(path) == _file_id(fd):
                    break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    if pid := holder(path).get("pid"):
        say(f"took over the lock left by pid {pid} (no longer running: killed or crashed)")
    rec = {
        "pid": os.getpid(),
        "command": command or " ".join(["python -m pbanalysis", *sys.argv[1:]]),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(rec, sort_keys=True) + "\n").encode(), 0)
    return Held(path, fd)


@contextlib.contextmanager
def held(*folders: str | os.PathLike | None, wait: bool = True, command: str | None = None) -> Iterator[list[Held]]:
    """Hold the lock of every folder given (default: the reports folder in use) for the ``with`` block,
    taken in path order (two commands needing the same two cannot block each other); yields those
    this process took."""
    taken: list[Held] = []
    try:
        for p in sorted({lock_path(f) for f in (folders or (None,))}):
            if (h := acquire(p, wait=wait, command=command)) is not None:
                taken.append(h)
        yield taken
    finally:
        for h in reversed(taken):
            h.release()


def run_locked(argv: list[str], folders: list[str] | None = None, wait: bool = True) -> int:
    """Run ``argv`` (``python -m pbanalysis with-lock -- make ...``) holding the lock of ``folders``
    (default: the reports folder in use); returns its exit status (128 + the signal's number if a
    signal ended it).

    The command inherits the open lock, so the lock stays held while any part of it runs, even if
    this wrapper is killed, and what it starts does not wait for it (:data:`HELD_ENV`). SIGTERM and
    SIGHUP are passed on to it; SIGINT (Ctrl-C), which the terminal sends to the whole group, is left to it.
    """
    if not argv:
        raise RunError("with-lock: no command given (python -m pbanalysis with-lock -- COMMAND ...)")
    with held(*(folders or [None]), wait=wait, command=" ".join(argv)) as taken:
        ids = os.environ.get(HELD_ENV, "").split() + [_file_id(h.fd) for h in taken]
        try:
            proc = subprocess.Popen(argv, env={**os.environ, HELD_ENV: " ".join(ids)}, pass_fds=[h.fd for h in taken])
        except OSError as exc:
            raise RunError(f"with-lock: cannot run {argv[0]}: {exc.strerror}") from None
        old = {
            s: signal.signal(s, lambda signum, _f: proc.send_signal(signum)) for s in (signal.SIGTERM, signal.SIGHUP)
        }
        old[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            rc = proc.wait()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
    return 128 - rc if rc < 0 else rc
