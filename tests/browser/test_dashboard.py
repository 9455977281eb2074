"""Dashboards in Chromium: charts draw from local plotly.js, no request leaves the server, figures move."""

from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from tests.browser.conftest import show_chart
from tests.browser.test_assessment_flows import sign_in
from tests.people import make_public


def test_the_dashboard_draws_its_charts_without_leaving_the_server(
    page: Page, live_server, assessment, respondent_labour, respondent_union, reviewer, screenshot_dir
):
    from assessments.services import response_set
    from tests.people import participant_of

    for user, level in ((respondent_labour, "4"), (respondent_union, "0")):
        response_set(
            assessment=assessment,
            indicator=assessment.framework.indicators.get(code="RL-01"),
            participant=participant_of(assessment, user),
            user=user,
            answer="level",
            level_code=level,
            expected_version=0,
        )
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    sign_in(page, live_server, "rosa")
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    show_chart(page, "chart-radar")
    show_chart(page, "chart-agreement")
    traces = page.evaluate("document.getElementById('chart-agreement').data.length")
    assert traces == 3  # two institutions and the indicator's value
    assert hosts == {urlparse(live_server.url).netloc}
    page.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "dashboard-phone.png", full_page=True)


def test_a_new_answer_moves_the_criterion_score_on_the_dashboard(
    page: Page, live_server, assessment, respondent_labour, reviewer
):
    sign_in(page, live_server, "lina")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/score/")
    page.locator("#a-RL-01-1").check()
    expect(page.locator("#status-RL-01")).to_contain_text("Saved at")
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    radar = "document.getElementById('chart-radar').data[0].r[0]"
    assert page.evaluate(radar) == 25

    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/score/")
    # The card already says "Saved at" from the first answer: wait for this save's own response.
    with page.expect_response(lambda r: "/score/RL-01/" in r.url and r.request.method == "POST"):
        page.locator("#a-RL-01-3").check()
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    assert page.evaluate(radar) == 75
    expect(page.locator("#overall-score")).to_have_text("75")


def test_every_results_page_draws_locally_at_desktop_and_phone_widths(
    page: Page,
    live_server,
    assessment,
    other_assessment,
    coordinator,
    reviewer,
    respondent_labour,
    screenshot_dir,
):
    from assessments.services import response_set
    from tests.people import participant_of

    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="SD-01"),
        participant=participant_of(assessment, respondent_labour),
        user=respondent_labour,
        answer="level",
        level_code="2",
        expected_version=0,
    )
    make_public(assessment, official=True)
    make_public(other_assessment, official=True)
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    pages = {
        "trend": ("/en/results/countries/XA/?framework=small", "chart-trend", 1),
        "benchmark": ("/en/results/benchmark/?framework=small&country=XA", "chart-benchmark", 1),
        "compare": (
            f"/en/results/compare/?a={assessment.pk}&b={other_assessment.pk}",
            "chart-compare-criterion",
            2,
        ),
    }
    for name, (path, chart, traces) in pages.items():
        for width, suffix in ((1280, ""), (390, "-phone")):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + path)
            show_chart(page, chart)
            assert page.evaluate(f"document.getElementById('{chart}').data.length") == traces
            page.screenshot(path=screenshot_dir / f"{name}{suffix}.png", full_page=True)
    assert hosts == {urlparse(live_server.url).netloc}
