"""The kernels of the report's runs: a fresh kernel for every run, started ahead of need.

At most ``live`` kernels are alive at once: when a run has executed and its kernel is shut down,
the next kernel starts at once, so it is ready while that run's HTML is written. Each kernel is
forked from one warm template process (:mod:`pbanalysis.pipeline.kernel`), so the kernels share
the libraries the template imported; each talks over IPC sockets in a private temporary folder
(so no "TCP without encryption" warning).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.provisioning import LocalProvisioner

from pbanalysis.core import paths

log = logging.getLogger(__name__)

#: The kernel a report run executes on: the standard one without its debugger, forked by the
#: template from the arguments after the command's first three. Its spec is written into the
#: pool's own folder; the notebooks still name ``python3``.
REPORT_KERNEL_NAME = "pbanalysis-report"
TEMPLATE = [sys.executable, "-m", "pbanalysis.pipeline.kernel"]
REPORT_KERNEL = {
    "argv": [*TEMPLATE, "-f", "{connection_file}"],
    "display_name": "Python 3 (pbanalysis report run)",
    "language": "python",
}
#: How a report kernel runs: no output history (``Out``, ``_``; a run is read top to bottom, and
#: the history would keep every chart and table of the run alive until the kernel stops).
KERNEL_ARGS = ("--InteractiveShell.cache_size=0",)
#: C library settings for the template and its kernels: blocks of 1 MiB and more (a chart's
#: pixels) are returned to the system when freed, and threads share two memory arenas, not one each.
KERNEL_ENV = {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_ARENA_MAX": "2"}


class _Child:
    """A forked kernel, with the methods of ``subprocess.Popen`` the provisioner calls (its
    parent, the template, reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return 0
        return None

    def wait(self, timeout: float | None = None) -> int:
        while self.poll() is None:
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class _Forked(LocalProvisioner):
    """jupyter_client's local provisioner, but the kernel is forked by the pool's template."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        self.cwd = str(kwargs.get("cwd") or self.pool.cwd)
        self.pid = self.pgid = self.pool._fork(
            cmd[len(TEMPLATE) :], self.cwd, dict(kwargs["env"]), self.parent._pbanalysis_log
        )
        self.process = _Child(self.pid)
        return self.connection_info


class KernelPool:
    """``count`` fresh kernels, handed out in turn by :meth:`take`, at most ``live`` alive at once.

    :meth:`release` shuts a used kernel down and starts the next. Kernels start in ``cwd`` and
    write their own log to a file (shown with ``--verbose``).
    """

    def __init__(self, count: int, live: int, kernel_name: str = REPORT_KERNEL_NAME, cwd: Path | None = None):
        self.kernel_name, self.cwd = kernel_name, Path(cwd or paths.NOTEBOOKS_DIR)
        self.tmp = Path(tempfile.mkdtemp(prefix="pbanalysis-kernels-"))
        (self.tmp / "kernels" / kernel_name).mkdir(parents=True)
        (self.tmp / "kernels" / kernel_name / "kernel.json").write_text(json.dumps(REPORT_KERNEL))
        self._todo = iter(range(count))
        self._ready: queue.Queue[Future] = queue.Queue()
        self._lock = threading.Lock()
        self._starter = ThreadPoolExecutor(max(1, live), thread_name_prefix="kernel-start")
        self._template: subprocess.Popen | None = None
        self._template_lock = threading.Lock()
        for _ in range(max(1, live)):
            self._start_next()

    def _start_next(self) -> None:
        with self._lock:
            i = next(self._todo, None)
            if i is not None:
                self._ready.put(self._starter.submit(self._start_one, i))

    def _fork(self, argv: list[str], cwd: str, env: dict, log_file: Path) -> int:
        """The pid of a kernel the template forked with these arguments (the template is started
        on the first call)."""
        with self._template_lock:
            t = self._template
            if t is None:
                t = self._template = subprocess.Popen(
                    TEMPLATE,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=open(self.tmp / "template.log", "wb"),
                    cwd=self.cwd,
                    env={**os.environ, **KERNEL_ENV},
                    text=True,
                )
                if t.stdout.readline().strip() != "ready":
                    raise RuntimeError("the kernel template did not start: " + self._template_log())
            request = {"argv": argv, "cwd": cwd, "env": env, "log": str(log_file)}
            try:
                t.stdin.write(json.dumps(request) + "\n")
                t.stdin.flush()
                return int(t.stdout.readline())
            except (OSError, ValueError):
                raise RuntimeError("the kernel template has stopped: " + self._template_log()) from None

    def _template_log(self) -> str:
        p = self.tmp / "template.log"
        return (p.read_text(errors="replace").strip() if p.exists() else "") or "(no message)"

    def _start_one(self, i: int) -> Any:
        km = KernelManager(
            kernel_id=str(uuid.uuid4()),
            kernel_name=self.kernel_name,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.tmp / "kernels")]),
            transport="ipc",
            ip=str(self.tmp / f"k{i}"),
            connection_file=str(self.tmp / f"k{i}.json"),
        )
        km._pbanalysis_log = self.tmp / f"k{i}.log"
        km.provisioner = _Forked(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        km.provisioner.pool = self
        with open(km._pbanalysis_log, "wb") as err:
            km.start_kernel(
                cwd=str(self.cwd),
                stdout=err,
                stderr=err,
                env={**os.environ, **KERNEL_ENV},
                extra_arguments=list(KERNEL_ARGS),
            )
        kc = km.client()
        try:
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
        finally:
            kc.stop_channels()
        log.debug("kernel %d started (pid %s)", i, getattr(km.provisioner, "pid", "?"))
        return km

    def take(self) -> Any:
        """A started kernel manager that has executed nothing (raises if it failed to start)."""
        try:
            return self._ready.get().result()
        except Exception:
            self._start_next()  # its place is free
            raise

    def release(self, km: Any) -> None:
        """Shut a used kernel down, remove its files and start the next (once per kernel; later
        calls do nothing); returns nothing."""
        with self._lock:  # marked on the kernel itself: an id() may be reused once it is freed
            if getattr(km, "_pbanalysis_released", False):
                return
            km._pbanalysis_released = True
        try:
            km.shutdown_kernel(now=True)
            km.cleanup_resources()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("kernel shutdown: %s", exc)
        logf = getattr(km, "_pbanalysis_log", None)
        if logf and logf.exists() and log.isEnabledFor(logging.DEBUG) and (text := logf.read_text(errors="replace")):
            log.debug("kernel log:\n%s", text.strip())
        self._start_next()

    def close(self) -> None:
        """Start no more kernels and shut down any started but not taken; returns nothing."""
        with self._lock:
            self._todo = iter(())
        self._starter.shutdown(wait=True)
        while not self._ready.empty():
            fut = self._ready.get()
            if fut.exception() is None:
                self.release(fut.result())
        if self._template is not None:
            self._template.stdin.close()  # the template ends
            self._template.wait()
            self._template.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
