"""The kernels of the report's runs: a fresh kernel for every run, forked from one warm template.

:class:`Kernels` starts the template process (:mod:`pbanalysis.pipeline.kernel`) on its first
kernel, and from then on each kernel is forked from it: the kernels share the libraries the
template imported, and one starts in about 0.4 s. Each kernel talks to its jupyter_client
``KernelManager`` over IPC sockets in a private temporary folder (so no "TCP without encryption"
warning), and writes its own log there (shown with ``--verbose``).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.provisioning import LocalProvisioner

from pbanalysis.core import paths

log = logging.getLogger(__name__)

#: The kernel a report run executes on: the standard one without its debugger, forked by the
#: template from the arguments after the command's first three. Its spec is written into the
#: kernels' own folder; the notebooks still name ``python3``.
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
    """jupyter_client's local provisioner, but the kernel is forked by the template."""

    kernels: Kernels

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        self.cwd = str(kwargs.get("cwd") or self.kernels.cwd)
        logf = Path(self.parent.connection_file).with_suffix(".log")
        self.pid = self.pgid = self.kernels._fork(cmd[len(TEMPLATE) :], self.cwd, dict(kwargs["env"]), logf)
        self.process = _Child(self.pid)
        return self.connection_info


class Kernels:
    """Fresh kernels started in ``cwd`` (:meth:`start`) and shut down (:meth:`stop`); :meth:`close`
    ends the template. Safe to use from several threads."""

    def __init__(self, cwd: Path | None = None):
        self.cwd = Path(cwd or paths.NOTEBOOKS_DIR)
        self.tmp = Path(tempfile.mkdtemp(prefix="pbanalysis-kernels-"))
        (self.tmp / "kernels" / REPORT_KERNEL_NAME).mkdir(parents=True)
        (self.tmp / "kernels" / REPORT_KERNEL_NAME / "kernel.json").write_text(json.dumps(REPORT_KERNEL))
        self._count = itertools.count()
        self._template: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _fork(self, argv: list[str], cwd: str, env: dict, log_file: Path) -> int:
        """The pid of a kernel the template forked with these arguments (the template is started
        on the first call)."""
        with self._lock:
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

    def start(self) -> KernelManager:
        """A started kernel that has executed nothing (raises if it did not start)."""
        i = next(self._count)
        km = KernelManager(
            kernel_id=str(uuid.uuid4()),
            kernel_name=REPORT_KERNEL_NAME,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.tmp / "kernels")]),
            transport="ipc",
            ip=str(self.tmp / f"k{i}"),
            connection_file=str(self.tmp / f"k{i}.json"),
        )
        km.provisioner = _Forked(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        km.provisioner.kernels = self
        km.start_kernel(cwd=str(self.cwd), env={**os.environ, **KERNEL_ENV}, extra_arguments=list(KERNEL_ARGS))
        kc = km.client()
        try:
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
        finally:
            kc.stop_channels()
        log.debug("kernel %d started (pid %s)", i, km.provisioner.pid)
        return km

    def stop(self, km: KernelManager) -> None:
        """Shut a kernel down and remove its files (a second call does nothing); returns nothing."""
        if not km.has_kernel:
            return
        try:
            km.shutdown_kernel(now=True)
            km.cleanup_resources()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("kernel shutdown: %s", exc)
        logf = Path(km.connection_file).with_suffix(".log")
        if logf.exists() and log.isEnabledFor(logging.DEBUG) and (text := logf.read_text(errors="replace")):
            log.debug("kernel log:\n%s", text.strip())

    def close(self) -> None:
        """End the template (which ends any kernel left running) and remove the folder; returns nothing."""
        if self._template is not None:
            self._template.stdin.close()
            self._template.wait()
            self._template.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
