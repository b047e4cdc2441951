"""The council explorer as a reader meets it: `make explore` in a real headless Chromium.

Debian's chromium, driven by the playwright package (never a downloaded browser): the page loads
with its controls, a choice redraws and goes into the address, the downloads are the table and the
chart on screen, a bad link still gives the page, and eight readers at once all see their controls.
The server and browser helpers are those of ``make bench`` (scripts/bench_explorer.py)."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_explorer as bx  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bx.chromium() is None, reason=bx.INSTALL_HINT),
]
playwright_api = pytest.importorskip(
    "playwright.async_api", reason="the playwright package is missing: pip install -e '.[test]'"
)

#: Seconds after which a reader who still has no controls counts as a failure: a time-out, not a
#: performance target (speed is measured side by side in `make bench`, scripts/bench_explorer.py,
#: never asserted in a test on a shared, noisy machine).
ONE_READER_S = 180
EIGHT_READERS_S = 180


@pytest.fixture(scope="module")
def server():
    with bx.Server() as s:
        yield s


def run(coro):
    return asyncio.run(coro)


async def _with_page(server, query: str, act):
    async with playwright_api.async_playwright() as p:
        browser = await bx._launch(p)
        try:
            shown = await bx.open_page(browser, server.url + (f"?{query}" if query else ""))
            try:
                return shown, await act(shown["page"])
            finally:
                await bx.close_page(shown)
        finally:
            await browser.close()


def _query(url: str) -> dict:
    return {k: v for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)}


async def _caption(page, council: str, timeout: float = 60) -> str:
    """The table's title once it names ``council`` (a view asked for by the address is drawn
    after the page is sent), or as it is after ``timeout`` seconds."""
    try:
        await page.wait_for_function(
            "c => (document.querySelector('.pb-explorer figcaption') || {}).textContent?.includes(c)",
            arg=f": {council}",
            timeout=timeout * 1000,
        )
    except playwright_api.TimeoutError:
        pass
    return await page.inner_text(".pb-explorer figcaption")


async def _text(page) -> str:
    return await page.inner_text(".pb-explorer")


async def _wait_address(page, key: str, value: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        q = _query(page.url)
        if q.get(key) == value:
            return q
        await asyncio.sleep(0.2)
    raise AssertionError(f"the address never had {key}={value}: {page.url}")


def test_the_page_loads_with_its_controls_on_the_councils_latest_year(server):
    async def act(page):
        q = await _wait_address(page, "years", "2023-24")
        return q, await _text(page), await page.content(), await page.inner_text("body")

    shown, (q, text, content, body) = run(_with_page(server, "", act))
    assert shown["controls"] < ONE_READER_S
    assert q == {"council": "E10000027", "compare": "region", "measure": "ascof_sds_pct", "years": "2023-24"}
    assert "Rank in 2023-24: 98th of 152 councils" in text
    assert "ASCOF self-directed support (%)" in text
    assert "make " not in text and "ascof 1c" not in text.lower()
    assert shown["errors"] == [], shown["errors"]
    assert "There was an error when executing cell" not in content
    # The app page shows the explorer alone: not the report's "How this page was made" box (files
    # and make commands) nor the test's printout of the first view.
    assert "How this page was made" not in body and "make explore" not in body
    assert "notebooks/" not in body


def test_every_ascof_year_can_be_chosen_and_the_break_is_drawn(server):
    async def act(page):
        await _wait_address(page, "measure", "ascof_sds_pct")
        return await _text(page)

    query = "council=Warwickshire&measure=ascof_sds_pct&years=2017-18+to+2023-24"
    _, text = run(_with_page(server, query, act))
    for year in ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]:
        assert f"ASCOF self-directed support, {year} (%)" in text
    assert "2017-18 to 2023-24" in text and "2017-18-2023-24" not in text
    assert "joint 1st with 64 other councils" in text  # Warwickshire in 2023-24


def test_choosing_a_council_and_a_measure_redraws_and_moves_the_address(server):
    async def act(page):
        before = await page.get_attribute(bx.CHART, "src")
        box = page.locator(bx.CONTROLS)
        await box.fill("Leeds")
        await box.press("Enter")
        q = await _wait_address(page, "council", "E08000035")
        after = await page.get_attribute(bx.CHART, "src")
        await page.locator(".pb-explorer select").select_option(label="Proxy take-up (%)")
        q2 = await _wait_address(page, "measure", "proxy_takeup_pct")
        return before, after, q, q2, await _text(page)

    shown, (before, after, q, q2, text) = run(_with_page(server, "", act))
    assert before != after and q["council"] == "E08000035"
    assert q2["years"] == "2008-09 to 2013-14" and "2008-09 to 2013-14" in text
    assert "Leeds" in text and shown["errors"] == []


def test_the_downloads_are_the_table_and_the_chart_on_screen(server):
    async def act(page):
        got = {}
        for ext in ("csv", "png", "svg"):
            link = page.locator(f".pb-download-{ext}")
            await link.wait_for(timeout=60000)
            async with page.expect_download() as info:
                await link.click()
            d = await info.value
            got[ext] = (d.suggested_filename, Path(await d.path()).read_bytes())
        return got, await page.get_attribute(bx.CHART, "src")

    _, (got, src) = run(_with_page(server, "council=Leeds&measure=proxy_takeup_pct&years=all", act))
    name, data = got["csv"]
    assert name == "leeds-proxy_takeup_pct-region-2008-09-to-2013-14.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows[0]["Council"] == "Leeds"
    for col in [c for c in rows[0] if c.endswith("(%)") or c.endswith("points)")]:
        for r in rows:
            assert r[col] == "" or float(r[col]) == float(r[col]), (col, r[col])  # numbers, never "7.7 points"
            assert r[col] != "" or r[col.rsplit(" (", 1)[0] + ": flag"] in ("[x]", "[c]", "[z]")
    png = got["png"][1]
    assert png.startswith(b"\x89PNG") and src.endswith("")
    svg = got["svg"][1].decode("utf-8")
    assert "<svg" in svg and "Source" in svg and "Leeds" in svg


@pytest.mark.parametrize(
    "query,named",
    [
        ("council=E10000022", "E10000022"),
        ("council=Leeds&measure=ascof_sdss", "ascof_sdss"),
        ("council=Leeds&measure=proxy_takeup_pct&years=1999-00", "1999-00"),
    ],
)
def test_a_bad_link_gives_the_page_with_its_controls_and_says_what_was_not_found(server, query, named):
    async def act(page):
        await page.wait_for_selector(".pb-message", timeout=60000)
        return await page.inner_text(".pb-message"), await page.content()

    shown, (message, content) = run(_with_page(server, query, act))
    assert named in message and "not found" in message and "closest matches" in message or "Expected" in message
    assert "There was an error when executing cell" not in content and "Traceback" not in content
    assert shown["errors"] == []


def test_eight_readers_at_once_all_see_their_controls_and_their_kernels_end(server):
    assert server.wait_pool(8), "the pool of preheated kernels did not fill again"  # after the tests above

    pool = {k.pid for k in server.preheated()}  # the eight take these (the pool refills a minute later)
    handed = len(server.lines)

    async def eight():
        async with playwright_api.async_playwright() as p:
            browser = await bx._launch(p)
            pages = await asyncio.gather(*[bx.open_page(browser, f"{server.url}?council={c}") for c in bx.COUNCILS])
            serving = pool & {k.pid for k in server.kernels()}
            # each reader's own view: its council in the box and in the table's title
            views = [
                (await x["page"].input_value(bx.CONTROLS), await _caption(x["page"], council))
                for x, council in zip(pages, bx.COUNCILS)
            ]
            for x in pages:
                await bx.close_page(x)
            await browser.close()
            return pages, serving, views

    pages, serving, views = run(eight())
    slowest = max(x["controls"] for x in pages)
    assert slowest < EIGHT_READERS_S, [round(x["controls"], 1) for x in pages]
    assert all(x["errors"] == [] for x in pages)
    for council, (box, caption) in zip(bx.COUNCILS, views):
        assert box.startswith(council) and f": {council}" in caption, (council, box, caption)
    assert len(serving) == 8 and sum("Using pre-heated kernel" in x for x in server.lines[handed:]) == 8
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and serving & {k.pid for k in server.kernels()}:
        time.sleep(1)
    assert not serving & {k.pid for k in server.kernels()}, "kernels of closed pages are still running"
