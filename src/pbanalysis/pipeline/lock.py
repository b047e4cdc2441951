"""The project's lock: one command at a time writes under reports/, data/processed/ or data/raw/.

Every command that writes there (``make report``, ``briefings``, ``data``, ``raw``, ``chart``,
``clean`` and the ``python -m pbanalysis`` commands behind them) holds the lock of the project
tree while it runs. A second command waits, and says so once::

    waiting for another pbanalysis run (pid 1234) to finish

or, with ``--no-wait`` (``make ... NO_WAIT=1``), stops at once with exit status 75.

The lock is an advisory ``fcntl.flock`` on ``.pbanalysis.lock`` at the project's root, so the
kernel releases it when its holder dies, however it dies. The file records the holder (pid,
command, start time); a holder that ends normally clears it, so a record found by the next
command means the holder was killed: that command says it takes the lock over, naming the pid.

``python -m pbanalysis with-lock -- COMMAND`` runs a whole command (``make`` itself) under the
lock. Its children inherit the open lock (so the lock stays held while any of them still runs,
even if the wrapper is killed) and a token in ``$PBANALYSIS_LOCK_TOKENS``, with which the
commands they start see that the lock is already theirs and do not wait for themselves.

A folder outside the project tree (a scratch copy: the tests, ``make bench``) has a lock of its
own inside it, so work there never waits for, or blocks, the project.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
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
#: Tokens of the locks held by the commands that started this one (space-separated).
TOKENS_ENV = "PBANALYSIS_LOCK_TOKENS"
#: The exit status of a command that found the lock taken and was told not to wait (EX_TEMPFAIL).
BUSY_STATUS = 75


class LockBusy(RunError):
    """The lock is held by another run and the command was told not to wait (``--no-wait``)."""

    def __init__(self, path: Path, pid: int | None):
        self.path, self.pid = path, pid
        super().__init__(
            f"another pbanalysis run ({_pid_text(pid)}) is writing to this project (lock {path}); "
            "not waiting (--no-wait): try again when it has finished"
        )


def _pid_text(pid: int | None) -> str:
    return f"pid {pid}" if pid else "pid unknown"


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
        text = Path(path).read_text()
    except (FileNotFoundError, UnicodeDecodeError):
        return {}
    try:
        rec = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return rec if isinstance(rec, dict) else {}


def _holder_soon(path: Path, tries: int = 10) -> dict:
    """The holder's record, allowing a moment for a holder that has just taken the lock to write it."""
    for _ in range(tries):
        rec = holder(path)
        if rec.get("pid"):
            return rec
        time.sleep(0.05)
    return {}


def _is_locked(path: Path) -> bool:
    """Whether some process holds the lock at ``path`` (tried without waiting, then let go)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    finally:
        os.close(fd)  # closing also lets go of a lock just taken
    return False


@dataclass
class Held:
    """A lock taken by this process: its file, open descriptor and token."""

    path: Path
    fd: int
    token: str

    def release(self) -> None:
        """Clear the holder's record and let go of the lock; returns nothing."""
        if self.fd < 0:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        with contextlib.suppress(OSError):
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = -1


def acquire(
    path: Path,
    wait: bool = True,
    command: str | None = None,
    say: Callable[[str], None] | None = None,
) -> Held | None:
    """Take the lock at ``path``; returns it, or None when a command that started this one holds it.

    Waits for another holder (saying so once through ``say``, default the log) unless
    ``wait`` is False, then raises :class:`LockBusy`. Takes over a lock whose holder was killed,
    saying so.
    """
    say = say or log.warning
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rec = holder(path)
    if rec.get("token") and rec["token"] in os.environ.get(TOKENS_ENV, "").split() and _is_locked(path):
        return None  # held by the run this command is part of
    waited = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                pid = _holder_soon(path).get("pid")
                if not wait:
                    raise LockBusy(path, pid) from None
                if not waited:
                    say(f"waiting for another pbanalysis run ({_pid_text(pid)}) to finish")
                    waited = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            # The file may have been removed or replaced while this waited: lock the one at the path.
            st = os.fstat(fd)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
            if now is None or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                os.close(fd)
                continue
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        break
    left = holder(path)
    if left.get("pid"):
        pid = left["pid"]
        # With flock the lock itself is free once its holder dies; the record it left says who that was.
        state = (
            "no longer running: killed or crashed" if not pid_alive(pid) else "it let go without clearing its record"
        )
        say(f"took over the lock left by pid {pid} ({state})")
    token = secrets.token_hex(8)
    rec = {
        "pid": os.getpid(),
        "command": command or " ".join(["python -m pbanalysis", *sys.argv[1:]]),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "token": token,
    }
    data = (json.dumps(rec, sort_keys=True) + "\n").encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    return Held(path, fd, token)


@contextlib.contextmanager
def held(*folders: str | os.PathLike | None, wait: bool = True, command: str | None = None) -> Iterator[list[Held]]:
    """Hold the lock of every folder given (default: the reports folder in use) for the ``with`` block.

    Yields the locks this process took (not those a command that started it holds). Locks are
    taken in path order, so two commands needing the same two locks cannot block each other.
    """
    paths_ = sorted({lock_path(f) for f in (folders or (None,))})
    taken: list[Held] = []
    try:
        for p in paths_:
            h = acquire(p, wait=wait, command=command)
            if h is not None:
                taken.append(h)
        yield taken
    finally:
        for h in reversed(taken):
            h.release()


def run_locked(argv: list[str], folders: list[str] | None = None, wait: bool = True) -> int:
    """Run ``argv`` holding the lock of ``folders`` (default: the reports folder in use); returns
    its exit status (128 + the signal's number if a signal ended it).

    The command inherits the open lock and its token (so what it starts does not wait for it).
    SIGTERM and SIGHUP are passed on to it; SIGINT (Ctrl-C), which the terminal sends to the whole
    group anyway, is left to it.
    """
    if not argv:
        raise RunError("with-lock: no command given (python -m pbanalysis with-lock -- COMMAND ...)")
    with held(*(folders or [None]), wait=wait, command=" ".join(argv)) as taken:
        tokens = os.environ.get(TOKENS_ENV, "").split() + [h.token for h in taken]
        env = dict(os.environ, **{TOKENS_ENV: " ".join(tokens)})
        try:
            proc = subprocess.Popen(argv, env=env, pass_fds=[h.fd for h in taken])
        except OSError as exc:
            raise RunError(f"with-lock: cannot run {argv[0]}: {exc.strerror}") from None

        def forward(signum, _frame):
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signum)

        old = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
        old[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            rc = proc.wait()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
    return 128 - rc if rc < 0 else rc
