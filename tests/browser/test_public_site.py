"""The public site in Chromium: an anonymous visitor walks from the home page to a downloaded report at
desktop and phone widths; main pages never scroll sideways on a phone; axe-core finds no serious or
critical accessibility violation on the main pages."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.demo import DEMO_PASSWORD
from assessments.models import Assessment
from tests.browser.conftest import run_worker, show_chart

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture
def demo(transactional_db):
    call_command("load_framework", "--shipped", verbosity=0)
    call_command("load_demo", verbosity=0)
    return {
        "official": Assessment.objects.get(country="XA", kind="self", area="", round="2024"),
        "earlier": Assessment.objects.get(country="XA", kind="self", area="", round="2022"),
        "collecting": Assessment.objects.get(country="XA", kind="self", area="", round="2026"),
    }


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def sign_in(page: Page, live_server, username: str) -> None:
    """Sign in as one of the demo's people (their password is the demo's)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".navbar .dropdown-toggle")).to_be_attached()


def outside_labels(page: Page, chart: str) -> list[str]:
    """Axis labels of a chart that stick out of its frame (a phone would show them cut)."""
    return page.evaluate(
        """(id) => {
          const frame = document.getElementById(id).getBoundingClientRect();
          return [...document.querySelectorAll(`#${id} .angularaxistick text, #${id} .ytick text`)]
            .filter(t => { const r = t.getBoundingClientRect();
                           return r.left < frame.left - 1 || r.right > frame.right + 1; })
            .map(t => t.textContent);
        }""",
        chart,
    )


def check(page: Page, where: str) -> None:
    """What every public page owes a visitor: nothing sideways, no sign-in prompt inside the content."""
    assert overflow(page) <= 0, f"{where}: {overflow(page)} px wider than the screen"
    assert "Sign in" not in page.locator("main").inner_text(), where


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_anonymous_visitor_walks_from_home_to_a_downloaded_report(
    page: Page, live_server, demo, viewport, tmp_path, screenshot_dir
):
    page.set_viewport_size(viewport)
    suffix = "-phone" if viewport is PHONE else ""
    page.goto(f"{live_server.url}/en/")
    expect(page.get_by_role("heading", name="Published countries")).to_be_visible()
    check(page, "home")
    page.screenshot(path=screenshot_dir / f"public-home{suffix}.png", full_page=True)

    page.locator("main").get_by_role("link", name="Demoland").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoland")
    expect(page.locator("main")).to_contain_text("Official figure, round 2024")
    expect(page.locator("main")).to_contain_text("Demoland Trade Union Confederation")
    expect(page.locator("main")).to_contain_text("Belmira")
    show_chart(page, "chart-trend")
    check(page, "country")
    page.screenshot(path=screenshot_dir / f"public-country{suffix}.png", full_page=True)

    page.get_by_role("link", name="See the results").first.click()
    show_chart(page, "chart-radar")
    check(page, "dashboard")

    page.get_by_role("link", name="Compare with the previous round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two assessments")
    show_chart(page, "chart-compare-criterion")
    assert page.locator(".compare-table tbody tr").count() > 50
    check(page, "compare")
    page.screenshot(path=screenshot_dir / f"public-compare{suffix}.png", full_page=True)

    page.get_by_role("link", name="How the comparison is made").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How Coherence computes its figures")
    assert page.evaluate("location.hash") == "#definition-16"
    check(page, "methodology")

    page.goto(f"{live_server.url}/en/countries/XA/")
    page.get_by_role("button", name="Full report (PDF)").click()
    worker = run_worker()
    download_link = page.get_by_role("link", name="Download the PDF")
    expect(download_link).to_be_visible(timeout=90_000)
    check(page, "report")
    with page.expect_download() as download:
        download_link.click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    worker.join(timeout=0)


def test_main_pages_do_not_scroll_sideways_on_a_phone(page: Page, live_server, demo, screenshot_dir):
    """Signed in as the coordinator, who sees the most: people table, actions, every figure."""
    official, current = demo["official"], demo["collecting"]
    pages = {
        "home": "/en/",
        "countries": "/en/countries/",
        "country": "/en/countries/XA/",
        "dashboard": f"/en/results/assessments/{current.pk}/",
        "benchmark": "/en/results/benchmark/",
        "compare": f"/en/results/compare/?a={demo['earlier'].pk}&b={official.pk}",
        "assessment": f"/en/assessments/{current.pk}/",
        "indicator": f"/en/assessments/{current.pk}/indicators/PD-01/",
        "framework": "/en/frameworks/ilo-labour-migration-governance/1.0/",
        "methodology": "/en/methodology/",
    }
    sign_in(page, live_server, "coordinator")
    page.set_viewport_size(PHONE)
    wide = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if overflow(page) > 0:
            wide[name] = overflow(page)
            page.screenshot(path=screenshot_dir / f"overflow-{name}.png", full_page=True)
        if name == "dashboard":
            show_chart(page, "chart-radar"), show_chart(page, "chart-heatmap")
            clipped = outside_labels(page, "chart-radar") + outside_labels(page, "chart-heatmap")
            assert overflow(page) <= 0, "the dashboard's charts push it sideways"
    sign_in(page, live_server, "labour")
    page.goto(f"{live_server.url}/en/assessments/{current.pk}/score/")
    page.wait_for_load_state("networkidle")
    if overflow(page) > 0:
        wide["scoring"] = overflow(page)
    assert not wide, f"pages wider than a 390 px phone: {wide}"
    assert not clipped, f"chart labels cut at the chart's edge: {clipped}"


def axe_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id}: ${v.help} -> ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"
    )
    return result


def test_main_pages_have_no_serious_accessibility_violation(browser, live_server, demo):
    """axe-core needs `new Function`, which the site's policy forbids: this context alone bypasses it."""
    official, current = demo["official"], demo["collecting"]
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP)
    page = context.new_page()
    public = {
        "home": "/en/",
        "country": "/en/countries/XA/",
        "dashboard": f"/en/results/assessments/{official.pk}/",
        "benchmark": "/en/results/benchmark/",
        "compare": f"/en/results/compare/?a={demo['earlier'].pk}&b={official.pk}",
        "methodology": "/fr/methodology/",
    }
    found = {}
    for name, path in public.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
    page.goto(f"{live_server.url}/en/results/assessments/{official.pk}/")
    page.get_by_role("button", name="Generate the country report (PDF)").click()
    expect(page.locator("#report-status")).to_be_visible()
    found["report"] = axe_violations(page)
    sign_in(page, live_server, "labour")
    page.goto(f"{live_server.url}/en/assessments/{current.pk}/score/")
    page.wait_for_load_state("networkidle")
    found["scoring"] = axe_violations(page)
    context.close()
    serious = {name: v for name, v in found.items() if v}
    assert not serious, "\n".join(f"{name}: {v}" for name, vs in serious.items() for v in vs)
