"""A workshop in Chromium, followed to the end: the facilitator opens a session, three phones join by code
with no account, answer, the projector shows the room, the facilitator records a consensus and moves on,
the phones follow, a phone that lost its connection catches up, and the dashboard shows the consensus.
Also: a live dashboard that refreshes twice keeps its figures; a person with no account accepts an
invitation."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CSP_WATCH, show_chart
from tests.browser.test_assessment_flows import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phones(browser: Browser):
    """Separate browsers at phone size (no shared cookies), each failing the test on a CSP violation."""
    made, violations = [], []

    def open_phone():
        context = browser.new_context(**PHONE)
        context.add_init_script(CSP_WATCH)
        phone = context.new_page()
        phone.on("console", lambda m: violations.append(m.text) if "CSP violation" in m.text else None)
        made.append(context)
        return phone

    yield open_phone
    for context in made:
        context.close()
    assert not violations, violations


def join(phone: Page, live_server, code: str, name: str, institution: str) -> None:
    phone.goto(f"{live_server.url}/en/workshop/")
    phone.get_by_label("The code shown in the room").fill(f"{code[:3].lower()} {code[3:]}")
    phone.get_by_role("button", name="Join").click()
    phone.get_by_label("I speak for").select_option(label=institution)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Start answering").click()


def choose(phone: Page, label: str) -> None:
    phone.locator("#phone-card .phone-levels label", has_text=label).first.click()


def test_a_workshop_from_the_join_code_to_the_consensus_on_the_dashboard(
    page: Page, phones, live_server, assessment, facilitator, screenshot_dir
):
    from assessments.models import Consensus, Response

    sign_in(page, live_server, "farid")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Workshop sessions").click()
    page.get_by_label("Title").fill("Validation")
    page.get_by_label("Work through").select_option(label="Indicators I pick")
    page.get_by_label("Indicators, in order").fill("RL-01, SD-01")
    page.get_by_role("button", name="Open the session").click()
    expect(page.get_by_text("Session opened.")).to_be_visible()
    code = page.locator(".join-code").inner_text().strip()
    session_url = page.url
    expect(page.locator(".session-qr svg")).to_be_visible()

    projector = page.context.new_page()
    projector.goto(session_url.replace("/assessments/", "/results/assessments/", 1))
    expect(projector.locator(".join-code")).to_have_text(code)
    expect(projector.locator(".room-count")).to_contain_text("0 of 0")

    room = []
    for name, institution, level in (
        ("Ana", "Ministry of Labour", "1 ·"),
        ("Ben", "Ministry of Labour", "1 ·"),
        ("Cai", "Trade Union Confederation", "4 ·"),
    ):
        phone = phones()
        join(phone, live_server, code, name, institution)
        expect(phone.locator(".phone-question")).to_contain_text("Is C97 ratified?")
        choose(phone, level)
        expect(phone.locator("#phone-status")).to_contain_text("Saved", timeout=10_000)
        room.append(phone)
    room[0].screenshot(path=screenshot_dir / "workshop-phone.png")

    # The projector follows by itself: three answers, two institutions far apart.
    expect(projector.locator(".room-count")).to_contain_text("3 of 3", timeout=5000)
    expect(projector.locator(".room-disagreement")).to_contain_text("Institutions disagree")
    show_chart(projector, "chart-room")
    assert projector.evaluate("document.getElementById('chart-room').data.length") == 2
    # A changed answer moves it, in place, and the chart is still drawn after more refreshes.
    choose(room[2], "2 ·")
    expect(room[2].locator("#phone-status")).to_contain_text("2 ·")
    expect(projector.locator(".room-disagreement")).to_contain_text("agree within one level", timeout=5000)
    projector.wait_for_timeout(3500)  # two more polls
    show_chart(projector, "chart-room")
    expect(projector.locator(".room-count")).to_contain_text("3 of 3")
    projector.screenshot(path=screenshot_dir / "workshop-projector.png")

    # The facilitator records the consensus and moves on; every phone follows.
    page.reload()
    page.locator("#consensus label", has_text="2 ·").click()
    page.get_by_label("Rationale").fill("The law is ratified but not applied.")
    page.get_by_role("button", name="Record and go to the next").click()
    expect(page.locator(".current-code")).to_have_text("SD-01")
    for phone in room:
        expect(phone.locator(".phone-question")).to_contain_text("Are unions consulted?", timeout=5000)
    consensus = Consensus.objects.get(indicator__code="RL-01")
    assert (consensus.level.code, consensus.session.code) == ("2", code)

    # A phone that loses the connection says so, and sends its answer when it is back.
    offline = room[0]
    offline.context.set_offline(True)
    choose(offline, "3 ·")
    expect(offline.locator("#phone-status")).to_contain_text("Not saved yet")
    offline.context.set_offline(False)
    expect(offline.locator("#phone-status")).to_contain_text("Saved", timeout=10_000)
    answer = Response.objects.get(indicator__code="SD-01", participant__user__first_name="Ana")
    assert answer.level.code == "3"

    # Back: the facilitator can return to the first indicator, and phones follow back.
    page.get_by_role("button", name=re.compile("Previous")).click()
    expect(room[1].locator(".phone-question")).to_contain_text("Is C97 ratified?", timeout=5000)

    # The session ends: phones say so. The dashboard shows the consensus.
    page.get_by_role("button", name="Close the session").click()
    for phone in room:
        expect(phone.locator(".phone-ended")).to_be_visible(timeout=5000)
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    show_chart(page, "chart-radar")
    assert page.evaluate("document.getElementById('chart-radar').data[0].r[0]") == 50  # RL: consensus level 2
    page.goto(
        f"{live_server.url}/en/results/assessments/{assessment.pk}/workshop/{consensus.session_id}/summary/"
    )
    expect(page.locator(".agreed-row")).to_contain_text("RL-01")


def test_the_live_dashboard_keeps_its_figures_through_two_refreshes(
    page: Page, live_server, assessment, respondent_labour, reviewer, settings
):
    from assessments.services import response_set
    from tests.people import participant_of

    settings.LIVE_REFRESH_SECONDS = 1
    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="RL-01"),
        participant=participant_of(assessment, respondent_labour),
        user=respondent_labour,
        answer="level",
        level_code="3",
        expected_version=0,
    )
    sign_in(page, live_server, "rosa")
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    expect(page.locator("#overall-score")).to_have_text("75")
    refreshes = []

    def count(response):
        if response.request.headers.get("hx-request") and f"/assessments/{assessment.pk}/" in response.url:
            refreshes.append(response.status)

    page.on("response", count)
    for _ in range(50):
        if len(refreshes) >= 2:
            break
        page.wait_for_timeout(200)
    assert len(refreshes) >= 2
    page.wait_for_timeout(300)
    expect(page.locator("#overall-score")).to_have_text("75")
    show_chart(page, "chart-radar")
    assert page.evaluate("document.getElementById('chart-radar').data[0].r[0]") == 75
    # An answer given meanwhile appears without reloading the page.
    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="RL-01"),
        participant=participant_of(assessment, respondent_labour),
        user=respondent_labour,
        answer="level",
        level_code="1",
        expected_version=1,
    )
    expect(page.locator("#overall-score")).to_have_text("25", timeout=5000)
    assert page.evaluate("document.getElementById('chart-radar').data[0].r[0]") == 25


def test_a_person_without_an_account_accepts_an_invitation_and_scores(
    page: Page, live_server, assessment, coordinator
):
    from assessments.services import invitation_create

    union = assessment.institutions.get(name="Trade Union Confederation")
    invitation = invitation_create(
        assessment=assessment, role="respondent", by=coordinator, institution=union, email="nadia@example.org"
    )
    page.goto(f"{live_server.url}/en/assessments/join/{invitation.token}/")
    expect(page.get_by_text("New here? Create your account")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value("nadia@example.org")
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("User name").fill("nadia")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.get_by_text("Your role: Respondent · Trade Union Confederation")).to_be_visible()
    page.get_by_role("link", name="Score").click()
    page.locator("#a-RL-01-2").check()
    expect(page.locator("#status-RL-01")).to_contain_text("Saved at")
