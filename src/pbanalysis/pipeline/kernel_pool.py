"""The kernel pool of the report's runs: a fresh kernel for every run, started ahead of need.

While a finished run's HTML is made, the kernel for the next run is starting; there are never
more kernels alive than workers (two with one worker). Each kernel is the report kernel
(:mod:`pbanalysis.pipeline.kernel`: IPython's kernel without its debugger), talks over IPC
sockets (so no "TCP without encryption" warning is printed), and has imported the heavy
libraries (:data:`WARM_IMPORTS`) before its run takes it.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from pbanalysis.core import paths

log = logging.getLogger(__name__)

#: The kernel a report run executes on: the standard one without its debugger (pbanalysis.pipeline.kernel).
#: Its spec is written into the kernel pool's own folder; the notebooks still name ``python3``.
REPORT_KERNEL_NAME = "pbanalysis-report"
REPORT_KERNEL = {
    "argv": [sys.executable, "-m", "pbanalysis.pipeline.kernel", "-f", "{connection_file}"],
    "display_name": "Python 3 (pbanalysis report run)",
    "language": "python",
}
#: Libraries a started kernel imports while it waits for its run (no name is bound in the
#: notebook's namespace, nothing of the project is loaded): the run then starts warm.
WARM_IMPORTS = ("numpy", "pandas", "matplotlib.pyplot", "IPython.display", "yaml")
#: How a report kernel runs: no output history (``Out``, ``_``; a run is read top to bottom, and
#: the history would keep every chart and table of the run alive until the kernel stops).
KERNEL_ARGS = ("--InteractiveShell.cache_size=0",)
#: C library settings for a report kernel: blocks of 1 MiB and more (a chart's pixels) are
#: returned to the system when freed, and threads share two memory arenas, not one each.
KERNEL_ENV = {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_ARENA_MAX": "2"}


class KernelPool:
    """Fresh kernels started ahead of need, at most ``live`` alive at once.

    Each :meth:`take` hands out a kernel that has run nothing; :meth:`release` shuts it down, and
    frees its place for the next kernel, which starts at once. With ``live`` equal to the number
    of workers (as :func:`pbanalysis.pipeline.runner.execute` sets it, with at least two), the
    next kernel starts while a finished run's HTML is exported, and no idle kernel waits beside
    the running ones. Kernels talk over IPC sockets in a private temporary folder (no TCP, hence
    no warning), start in ``cwd`` and write their own log to a file there (shown with
    ``--verbose``).
    """

    def __init__(self, count: int, live: int, kernel_name: str = REPORT_KERNEL_NAME, cwd: Path | None = None):
        self.count, self.kernel_name = count, kernel_name
        self.cwd = Path(cwd or paths.NOTEBOOKS_DIR)
        self.tmp = Path(tempfile.mkdtemp(prefix="pbanalysis-kernels-"))
        spec = self.tmp / "kernels" / kernel_name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(REPORT_KERNEL))
        self._ready: queue.Queue = queue.Queue()
        self._slots = threading.Semaphore(max(1, live))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._starter = threading.Thread(target=self._start_all, name="kernel-starter", daemon=True)
        self._starter.start()

    def _start_one(self, i: int) -> Any:
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        km = KernelManager(
            kernel_name=self.kernel_name,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.tmp / "kernels")]),
            transport="ipc",
            ip=str(self.tmp / f"k{i}"),
            connection_file=str(self.tmp / f"k{i}.json"),
        )
        km._pbanalysis_log = self.tmp / f"k{i}.log"
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
            code = "".join(f"__import__({m!r})\n" for m in WARM_IMPORTS)
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
            if reply["content"]["status"] != "ok":
                log.debug("kernel %d warm-up: %s", i, reply["content"])
        finally:
            kc.stop_channels()
        log.debug("kernel %d started and warm (pid %s)", i, getattr(km.provisioner, "pid", "?"))
        return km

    def _start_all(self) -> None:
        for i in range(self.count):
            self._slots.acquire()
            if self._stop.is_set():
                return
            try:
                self._ready.put(self._start_one(i))
            except Exception as exc:  # handed to the run that takes it
                self._ready.put(exc)

    def take(self) -> Any:
        """A started kernel manager that has executed nothing (raises if it failed to start)."""
        km = self._ready.get()
        if isinstance(km, Exception):
            self._slots.release()
            raise km
        return km

    def release(self, km: Any) -> None:
        """Shut a used kernel down, remove its files and free its place (once per kernel; later
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
        if logf and logf.exists() and log.isEnabledFor(logging.DEBUG):
            text = logf.read_text(errors="replace").strip()
            if text:
                log.debug("kernel log:\n%s", text)
        self._slots.release()

    def close(self) -> None:
        """Stop starting kernels and shut down any started but not taken; returns nothing."""
        self._stop.set()
        for _ in range(self.count):
            self._slots.release()
        self._starter.join(timeout=60)
        while not self._ready.empty():
            km = self._ready.get()
            if not isinstance(km, Exception):
                self.release(km)
        shutil.rmtree(self.tmp, ignore_errors=True)
