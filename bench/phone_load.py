"""How the site loads on a cheap phone: Chromium at 360 px, CPU slowed 6×, a slow 3G link.

    .venv/bin/python bench/phone_load.py [--runs 5]

1. Builds a throwaway SQLite database in a temp dir with the Alembic migrations and the demo data
   (`flask db upgrade`, `flask seed-demo`, as bin/run-demo does).
2. Serves wsgi:app under gunicorn (tests/support/server.py: 4 workers × 4 threads, loopback).
3. Drives Debian's Chromium (/usr/bin/chromium, never a download) through Playwright, anonymous,
   at a 360×740 phone viewport, with CDP `Emulation.setCPUThrottlingRate` 6 and
   `Network.emulateNetworkConditions` 400 kbit/s down and up, 400 ms latency.
4. For the home page and one activity page: a cold load (fresh browser context, empty cache) and then
   a warm load (the same URL again in that context, as when a person comes back to it). Each figure is
   the median of --runs runs: time to the load event, bytes on the wire (CDP encodedDataLength of every
   response, headers included) and the number of requests that went to the network (a 304 counts,
   a cache hit does not).

The numbers depend on the machine (the CPU throttling multiplies its speed); compare runs made on the
same machine, e.g. before and after a change.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.server import start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
CPU_SLOWDOWN = 6
KBIT = 400
SLOW_3G = {"offline": False, "latency": 400,
           "downloadThroughput": KBIT * 1000 / 8, "uploadThroughput": KBIT * 1000 / 8}


@dataclass
class Load:
    load_ms: float
    bytes: int
    requests: int


def seeded_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'phone.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "phone-bench", "SHEQU_INSTANCE_DIR": str(directory),
           "FLASK_APP": "wsgi"}
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    return url


def measure(page, url: str) -> Load:
    """One navigation under the throttles already set on the page's CDP session."""
    sizes: dict[str, int] = {}
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    session.on("Network.loadingFinished",
               lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])))
    page.goto(url, wait_until="load")
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    session.detach()
    # A cache hit finishes with 0 bytes on the wire: only what went to the network counts as a request.
    return Load(load_ms, sum(sizes.values()), sum(1 for size in sizes.values() if size > 0))


def cold_and_warm(browser, base_url: str, path: str) -> tuple[Load, Load]:
    context = browser.new_context(**PHONE, base_url=base_url)
    try:
        page = context.new_page()
        cold = measure(page, base_url + path)
        page.goto("about:blank")
        warm = measure(page, base_url + path)
        return cold, warm
    finally:
        context.close()


def median(loads: list[Load]) -> Load:
    return Load(statistics.median(x.load_ms for x in loads), int(statistics.median(x.bytes for x in loads)),
                int(statistics.median(x.requests for x in loads)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="phone-bench-") as temp:
        directory = Path(temp)
        url = seeded_database(directory)
        server = start_server(url, extra_env={"SHEQU_INSTANCE_DIR": str(directory)})
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                home = browser.new_page()
                home.goto(server.base_url + "/")
                activity = re.search(r'href="(/activities/\d+)"', home.content()).group(1)
                home.close()
                print(f"Chromium 360 px, CPU ÷{CPU_SLOWDOWN}, {KBIT} kbit/s down/up, {SLOW_3G['latency']} ms; "
                      f"median of {args.runs} runs")
                print(f"{'page':<26}{'load':<7}{'ms':>8}{'bytes':>10}{'requests':>10}")
                for label, path in (("home /", "/"), (f"activity {activity}", activity)):
                    runs = [cold_and_warm(browser, server.base_url, path) for _ in range(args.runs)]
                    for kind, loads in (("cold", [c for c, _ in runs]), ("warm", [w for _, w in runs])):
                        figure = median(loads)
                        print(f"{label:<26}{kind:<7}{figure.load_ms:>8.0f}{figure.bytes:>10}{figure.requests:>10}")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
