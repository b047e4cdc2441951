"""The council explorer served as a web app, measured in a real headless Chromium.

Starts ``make explore`` on a free port (Voila with the preheated kernels of jupyter/voila.json),
waits until its pool of kernels is full, then with Debian's chromium (driven by the ``playwright``
package; no browser is downloaded):

1. one reader opens the page: seconds until the controls are on screen (and until the chart is);
2. eight readers open it at once, each with another council in the address: the slowest one's
   seconds until its controls are on screen, and how many were given a preheated kernel;
3. memory per session: the proportional set size (PSS) of each kernel serving a reader;
4. the readers close their pages: how many of their kernels are still running 15 s later.

The figures depend on what else the machine runs: the load average is printed beside them. Where
the time of the eight goes (measured on 2 cores): most of it is the eight browsers themselves
(Voila's page loads about 5 MB of scripts in about 90 files), then the server, then the kernels.

``python scripts/bench_explorer.py`` prints the figures and a summary; ``make bench`` calls
:func:`main` and prints its summary lines. The tests (tests/test_explorer_browser.py) use the
same server and browser helpers. Nothing here fails on a time: it is a measurement.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: Chromium without a sandbox (containers run as root), a GPU or any call home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "Debian's chromium is not installed: sudo apt-get install chromium (the browser tests drive it "
    "with the playwright package; never `playwright install`)"
)
#: The controls are on screen: the council box of the explorer.
CONTROLS = ".pb-explorer input.widget-input"
#: The chart is on screen.
CHART = ".pb-explorer img"
COUNCILS = ["Leeds", "Kent", "Essex", "Bristol", "York", "Dorset", "Cornwall", "Manchester"]


def chromium() -> str | None:
    """The path of Debian's chromium, or None."""
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``make explore`` on a free port, stopped (with its kernels) by Ctrl-C to its process group."""

    def __init__(self, pool_timeout: float = 600):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.pool_timeout = pool_timeout
        self._filled = threading.Event()
        #: How many times the pool has been filled (first at start, then after each refill).
        self.fills = 0

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            ["make", "--no-print-directory", "explore", f"PORT={self.port}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._filled.wait(self.pool_timeout) or not self.wait_pool(timeout=self.pool_timeout):
            self.__exit__()
            raise RuntimeError("the explorer's kernel pool did not fill:\n" + "\n".join(self.lines[-30:]))
        return self

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if "Kernel pool of explore.ipynb is filled" in line:
                self.fills += 1
                self._filled.set()

    def preheated(self) -> list:
        """The kernels waiting for a reader: a preheated kernel has run the notebook up to the
        reader's address and waits for it on a websocket to the server (Voila's query channel)."""
        out = []
        for k in self.kernels():
            try:
                if any(c.raddr and c.raddr.port == self.port for c in k.net_connections(kind="tcp")):
                    out.append(k)
            except Exception:  # ended meanwhile
                pass
        return out

    def wait_pool(self, n: int = 8, timeout: float = 600) -> bool:
        """Wait until ``n`` kernels are preheated (:meth:`preheated`); whether they were in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.preheated()) >= n:
                return True
            time.sleep(1)
        return False

    def kernels(self) -> list:
        """The kernel processes the server runs (psutil.Process)."""
        import psutil

        try:
            tree = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        out = []
        for p in tree:
            try:
                if "ipykernel_launcher" in " ".join(p.cmdline()):
                    out.append(p)
            except psutil.Error:
                pass
        return out

    def __exit__(self, *exc) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


async def open_page(browser, url: str, timeout: float = 120) -> dict:
    """Open ``url`` in a new browser context: seconds to the controls and to the chart, console
    errors, and the context (close it to leave the page)."""
    ctx = await browser.new_context(accept_downloads=True)
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    t0 = time.monotonic()
    await page.goto(url, wait_until="commit", timeout=timeout * 1000)
    await page.wait_for_selector(CONTROLS, state="visible", timeout=timeout * 1000)
    controls = time.monotonic() - t0
    await page.wait_for_selector(CHART, state="visible", timeout=timeout * 1000)
    return {"controls": controls, "chart": time.monotonic() - t0, "errors": errors, "page": page, "context": ctx}


async def close_page(shown: dict) -> None:
    """Close the page as a reader closes a tab (its unload handlers run: Voila's ends the kernel)."""
    await shown["page"].close(run_before_unload=True)
    await asyncio.sleep(0.5)
    await shown["context"].close()


async def _launch(p):
    return await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)


def pss_mib(processes) -> list[float]:
    """Each process's proportional set size in MiB."""
    out = []
    for p in processes:
        try:
            out.append(p.memory_full_info().pss / 2**20)
        except Exception:  # ended meanwhile
            pass
    return out


async def measure(server: Server) -> dict:
    """The figures of the module's docstring, against a running ``server``."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await _launch(p)
        idle = pss_mib(server.kernels())
        first = await open_page(browser, server.url)
        await close_page(first)
        await asyncio.to_thread(server.wait_pool)  # the pool is full again (refilled a minute later)
        # The eight take the eight preheated kernels (the pool refills only a minute later).
        pool = server.preheated()
        handed = len(server.lines)
        t0 = time.monotonic()
        pages = await asyncio.gather(*[open_page(browser, f"{server.url}?council={c}") for c in COUNCILS])
        burst = time.monotonic() - t0
        preheated_used = sum("Using pre-heated kernel" in line for line in server.lines[handed:])
        serving = pss_mib(pool)
        for x in pages:
            await close_page(x)
        await browser.close()
    await asyncio.sleep(15)
    left = len({p.pid for p in pool} & {p.pid for p in server.kernels()})
    return {
        "first_controls": first["controls"],
        "first_chart": first["chart"],
        "eight_slowest": max(x["controls"] for x in pages),
        "eight_fastest": min(x["controls"] for x in pages),
        "eight_charts": max(x["chart"] for x in pages),
        "burst": burst,
        "idle_kernel_mib": sum(idle) / len(idle) if idle else float("nan"),
        "session_mib": sum(serving) / len(serving) if serving else float("nan"),
        "sessions": len(serving),
        "kernels_left": left,
        "preheated_used": preheated_used,
        "errors": [e for x in [first, *pages] for e in x["errors"]],
    }


def main() -> list[str]:
    """Measure and print; returns the summary lines (for make bench)."""
    if chromium() is None:
        line = f"explorer in a browser: not measured ({INSTALL_HINT})"
        print(line)
        return [line]
    load = os.getloadavg()[0]
    with Server() as server:
        r = asyncio.run(measure(server))
    print("Council explorer in headless Chromium (make explore, preheated kernels)")
    print(
        f"  load average when measured: {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
        f"on {os.cpu_count()} cores (other work on the machine slows every figure below)"
    )
    print(f"  first reader: controls after {r['first_controls']:.1f} s, chart after {r['first_chart']:.1f} s")
    print(
        f"  eight readers at once: controls after {r['eight_fastest']:.1f} to {r['eight_slowest']:.1f} s, "
        f"every chart after {r['eight_charts']:.1f} s"
    )
    print(
        f"  memory: {r['session_mib']:.0f} MiB PSS per session ({r['sessions']} kernels serving readers), "
        f"{r['idle_kernel_mib']:.0f} MiB per preheated kernel waiting"
    )
    print(f"  readers of the eight given a preheated kernel: {r['preheated_used']} of {len(COUNCILS)}")
    print(f"  their kernels still running 15 s after the eight pages closed: {r['kernels_left']}")
    print(f"  browser console errors: {len(r['errors'])}")
    summary = [
        f"explorer first reader to controls seconds: {r['first_controls']:.1f}",
        f"explorer eight at once slowest seconds: {r['eight_slowest']:.1f}",
        f"explorer memory per session MiB: {r['session_mib']:.0f}",
    ]
    for line in summary:
        print(line)
    return summary


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
