"""What a phone downloads and how long it waits for the dashboard: the public pages of the demo's published
round, served as a room laptop serves them (ROOM profile: gunicorn, collected static files with gzip and
brotli), loaded in Chromium with an empty cache and the CPU slowed 4x (Chrome's own throttling, as a
mid-range phone).

For each page: bytes on the wire (compressed), and the time from navigation to the first screen drawn
(every chart in view drawn; charts below it are drawn as the person scrolls, and the time to all of
them, scrolling a screen at a time, is reported too) or to the load event (the home page, with no
chart: the floor the others are measured beside). Prints one JSON summary with targets and pass/fail.

    .venv/bin/python bench/page_weight.py [--runs 3]
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-weight"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TARGET_BYTES = 1.5e6
TARGET_SECONDS = 2.0
CPU_SLOWDOWN = 4
DRAWN = "() => [...document.querySelectorAll('[data-figure]')].every(c => c.hasAttribute('data-drawn'))"


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str]) -> dict[str, int]:
    (WORK / "bench.sqlite3").unlink(missing_ok=True)
    manage("migrate", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("load_framework", "--shipped", env=env)
    manage("load_demo", env=env)
    script = (
        "import json; from assessments.models import Assessment as A; q = A.objects.filter(country='XA', "
        "kind='self', area='', status='published').order_by('round'); print(json.dumps([a.pk for a in q]))"
    )
    earlier, official = json.loads(manage("shell", "-v0", "-c", script, env=env).strip().splitlines()[-1])
    return {"earlier": earlier, "official": official}


def measure(page, cdp, url: str, charts: bool) -> dict:
    """One cold load: bytes received (encoded, as on the wire) and the browser's own clock from navigation
    start to every chart drawn (or to the end of the load event for a page without charts)."""
    received = {}
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.clearBrowserCache")
    page.goto(url, wait_until="load")
    if charts:
        # The first screen drawn: every chart in view drawn (charts below it are drawn as they come near).
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-figure]')]"
            ".filter(c => c.getBoundingClientRect().top < innerHeight)"
            ".every(c => c.hasAttribute('data-drawn'))",
            polling="raf",
            timeout=60_000,
        )
        milliseconds = page.evaluate("() => performance.now()")
        # Then scroll through, a screen at a time: every chart drawn (reported, not a target).
        for _ in range(60):
            if page.evaluate(DRAWN):
                break
            page.evaluate("() => window.scrollBy(0, innerHeight)")
            page.wait_for_timeout(100)
        every = page.evaluate("() => performance.now()")
    else:
        page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        milliseconds = every = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
        )
    page.wait_for_load_state("networkidle")
    return {"bytes": sum(received.values()), "seconds": milliseconds / 1000, "all_drawn": every / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}},
        "ROOM": "true",
        "COHERENCE_DATA_DIR": str(WORK),
        "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    ids = prepare(env)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [gunicorn, "coherence.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    pages = {
        "home (floor: no chart)": (f"{base}/en/", False),
        "dashboard": (f"{base}/en/results/assessments/{ids['official']}/", True),
        "country": (f"{base}/en/countries/XA/", True),
        "compare": (f"{base}/en/results/compare/?a={ids['earlier']}&b={ids['official']}", True),
    }
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        runs: dict[str, list[dict]] = {name: [] for name in pages}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            for _ in range(args.runs):
                for name, (url, charts) in pages.items():
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                    runs[name].append(measure(page, cdp, url, charts))
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    floor = statistics.median(r["seconds"] for r in runs["home (floor: no chart)"])
    summary = {
        "cpu_slowdown": CPU_SLOWDOWN,
        "runs": args.runs,
        "machine": os.uname().nodename,
        "load": os.getloadavg()[0],
    }
    results = {}
    for name, measured in runs.items():
        seconds = statistics.median(r["seconds"] for r in measured)
        size = max(r["bytes"] for r in measured)
        results[name] = {
            "bytes": size,
            "seconds": round(seconds, 3),
            "every_chart_after_scrolling": round(statistics.median(r["all_drawn"] for r in measured), 3),
            "ratio_to_floor": round(seconds / floor, 2),
            "target_bytes": TARGET_BYTES,
            "target_seconds": TARGET_SECONDS,
            "pass": size < TARGET_BYTES and seconds < TARGET_SECONDS,
        }
    summary["pages"] = results
    summary["pass"] = all(r["pass"] for r in results.values())
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
