"""The project's lock: one command at a time writes under reports/, data/processed/ or data/raw/.

Every command that writes there (``make report``, ``briefings``, ``data``, ``raw``, ``chart``,
``clean`` and the ``python -m pbanalysis`` commands behind them) holds the lock while it runs. A
second command waits, saying once ``waiting for another pbanalysis run (pid 1234) to finish``, or
with ``--no-wait`` (``make ... NO_WAIT=1``) stops at once with exit status 75.

The lock is the kernel's: an advisory ``fcntl.flock`` on ``.pbanalysis.lock`` at the project's
root, released when its holder dies, however it dies. The file records the holder (pid, command,
start time) and is emptied when the holder ends normally, so a record found by the next command
means the holder was killed: that command says it takes the lock over, naming the pid.

``python -m pbanalysis with-lock -- COMMAND`` (:func:`run_locked`) runs a whole command (``make``)
under the lock. The command inherits the open lock, so the lock stays held while any part of it
runs, even if the wrapper is killed, and ``$PBANALYSIS_LOCKS_HELD`` names the lock files it holds,
so the commands it starts do not wait for themselves.

A folder outside the project tree (a scratch copy: the tests, ``make bench``) has a lock of its
own inside it, so work there never waits for, or blocks, the project.
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
#: The lock files held by the commands that started this one, as ``device:inode`` (space-separated).
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
    """The lock guarding ``folder`` (default: the reports folder in use, ``$PBANALYSIS_REPORTS``).

    Any folder inside the project tree shares the project's lock, ``<root>/.pbanalysis.lock``
    (outside reports/, so ``make clean`` never removes it); a folder elsewhere has its own lock,
    ``<folder>/.pbanalysis.lock``.
    """
    folder = Path(folder or paths.REPORTS_DIR).resolve()
    root = paths.ROOT.resolve()
    return root / LOCK_NAME if folder.is_relative_to(root) else folder / LOCK_NAME


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid is running (one owned by another user counts). A killed
    process its parent has not yet collected (a zombie) is not running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: the signal test is all there is
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def holder(path: Path) -> dict:
    """What the lock file at ``path`` records about its holder (empty when none is recorded)."""
    try:
        rec = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return rec if isinstance(rec, dict) else {}


def _file_id(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}"


@dataclass
class Held:
    """A lock taken by this process: its file and open descriptor."""

    path: Path
    fd: int

    def release(self) -> None:
        """Empty the holder's record and let go of the lock; returns nothing."""
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing the last descriptor lets go of the flock
            self.fd = -1


def _open_locked(path: Path, wait: bool, say: Callable[[str], None]) -> int:
    """A descriptor of the file at ``path`` with its flock taken (waiting for it if ``wait``)."""
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
                say(f"waiting for another pbanalysis run (pid {pid or 'unknown'}) to finish")
                say = lambda _msg: None  # noqa: E731  (said once)
                fcntl.flock(fd, fcntl.LOCK_EX)
            # The file may have been removed or replaced while this waited: lock the one at the path.
            with contextlib.suppress(FileNotFoundError):
                if _file_id(os.stat(path)) == _file_id(os.fstat(fd)):
                    return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def acquire(
    path: Path, wait: bool = True, command: str | None = None, say: Callable[[str], None] | None = None
) -> Held | None:
    """Take the lock at ``path``; returns it, or None when a command that started this one holds it.

    Waits for another holder (saying so once through ``say``, default the log) unless ``wait`` is
    False, then raises :class:`LockBusy`. Takes over a lock whose holder was killed, saying so.
    """
    say = say or log.warning
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if _file_id(os.stat(path)) in os.environ.get(HELD_ENV, "").split():
            return None  # held by the run this command is part of
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_locked(path, wait, say)
    if pid := holder(path).get("pid"):  # the lock is free, yet its last holder did not clear its record
        state = (
            "no longer running: killed or crashed" if not pid_alive(pid) else "it let go without clearing its record"
        )
        say(f"took over the lock left by pid {pid} ({state})")
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
    """Hold the lock of every folder given (default: the reports folder in use) for the ``with`` block.

    Yields the locks this process took (not those a command that started it holds). Locks are
    taken in path order, so two commands needing the same two locks cannot block each other.
    """
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
    """Run ``argv`` holding the lock of ``folders`` (default: the reports folder in use); returns
    its exit status (128 + the signal's number if a signal ended it).

    The command inherits the open lock (so what it starts does not wait for it). SIGTERM and SIGHUP
    are passed on to it; SIGINT (Ctrl-C), which the terminal sends to the whole group anyway, is
    left to it.
    """
    if not argv:
        raise RunError("with-lock: no command given (python -m pbanalysis with-lock -- COMMAND ...)")
    with held(*(folders or [None]), wait=wait, command=" ".join(argv)) as taken:
        ids = os.environ.get(HELD_ENV, "").split() + [_file_id(os.fstat(h.fd)) for h in taken]
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
