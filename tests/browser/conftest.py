"""Playwright harness: Debian's Chromium (never a downloaded browser) against pytest-django's live_server."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests leave screenshots for a reviewer to look at."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile || "page";
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${where}`);
});
"""


@pytest.fixture(autouse=True)
def no_content_security_policy_violation(request):
    """Every browser test runs with the site's Content Security Policy on and fails on any violation."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    seen: list[str] = []
    page.context.add_init_script(CSP_WATCH)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    yield
    assert not seen, "Content Security Policy violations:\n" + "\n".join(seen)


def show_chart(page, chart_id: str):
    """Scroll a chart into view (charts below the first screen are drawn as they come near it) and wait
    until it is drawn; returns its locator."""
    from playwright.sync_api import expect

    canvas = page.locator(f"#{chart_id}")
    canvas.scroll_into_view_if_needed()
    expect(page.locator(f"#{chart_id} .main-svg").first).to_be_visible()
    return canvas


def run_worker():
    """The real database task worker, in a thread (no signal handlers there) so that it shares the test
    database; it stops with the test process."""
    import threading

    from django_tasks_db.management.commands.db_worker import Worker

    worker = threading.Thread(
        target=Worker(
            queue_names=["default"],
            interval=0.1,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-test",
            excluded_queue_names=[],
        ).run
    )
    worker.start()
    return worker
