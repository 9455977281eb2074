"""The flows people walk through an assessment, in Chromium: set up, score, conflict, evidence, workflow."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, Evidence, Response
from assessments.services import assessment_transition
from tests.factories import PASSWORD, UserFactory

Status = Assessment.Status


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(r".+")).first).to_be_visible()


def test_a_coordinator_creates_an_assessment_adds_institutions_and_invites(
    page: Page, live_server, coordinator, small_framework, screenshot_dir
):
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/en/assessments/new/")
    page.get_by_label("Country").select_option("XA")
    page.get_by_label("Area").fill("Port City")
    page.get_by_label("Framework").select_option(label="Small framework (1.0)")
    page.get_by_label("Round").fill("2026")
    page.get_by_label("Kind").select_option("workshop")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Assessment created.")).to_be_visible()

    for name, kind in (("Ministry of Labour", "government"), ("Trade Union Confederation", "workers")):
        page.locator("#inst-name").fill(name)
        page.locator("#inst-kind").select_option(kind)
        page.get_by_role("button", name="Add institution").click()
        expect(page.get_by_text(f"{name} added.")).to_be_visible()

    page.locator("#inv-role").select_option("respondent")
    page.locator("#inv-institution").select_option(label="Trade Union Confederation")
    page.get_by_role("button", name="Invite", exact=True).click()
    link = page.locator(".invitation-links input").input_value()
    assert "/assessments/join/" in link
    page.screenshot(path=screenshot_dir / "assessment-setup.png", full_page=True)

    UserFactory(username="newbie", first_name="Nadia")
    page.get_by_role("button", name="Camila").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "newbie")
    page.goto(link)
    page.get_by_role("button", name="Join the assessment").click()
    expect(page.get_by_text("Your role: Respondent · Trade Union Confederation")).to_be_visible()


def test_a_respondent_scores_with_the_keyboard_and_answers_save_as_they_go(
    page: Page, live_server, assessment, respondent_labour, screenshot_dir
):
    sign_in(page, live_server, "lina")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/score/")
    card = page.locator("#card-RL-01")
    # Keyboard only: focus the first level, move with the arrow keys, tab to the justification and type.
    card.locator("#a-RL-01-0").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(card.locator("#a-RL-01-2")).to_be_checked()
    expect(card.locator("#status-RL-01")).to_contain_text("Saved at")
    card.locator("#j-RL-01").focus()
    page.keyboard.type("Decree 4/2021 applies to all agencies.")
    # Leaving the box saves it: wait for the save that carries the whole text before going on.
    with page.expect_response(
        lambda r: r.request.method == "POST" and "agencies." in (r.request.post_data or "")
    ):
        page.keyboard.press("Tab")
    expect(page.locator("#progress-overall")).to_contain_text("1 of 2 answered")
    page.screenshot(path=screenshot_dir / "score.png", full_page=True)

    page.reload()  # leaving and coming back resumes where they were
    expect(page.locator("#a-RL-01-2")).to_be_checked()
    expect(page.locator("#j-RL-01")).to_have_value("Decree 4/2021 applies to all agencies.")
    saved = Response.objects.get(participant__user=respondent_labour)
    assert (saved.level.code, saved.justification) == ("2", "Decree 4/2021 applies to all agencies.")

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "score-phone.png", full_page=False)


def test_a_second_save_from_a_stale_page_is_refused_and_shows_the_other_answer(
    page: Page, live_server, assessment, respondent_labour
):
    sign_in(page, live_server, "lina")
    url = f"{live_server.url}/en/assessments/{assessment.pk}/score/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    other.locator("#a-RL-01-4").check()
    expect(other.locator("#status-RL-01")).to_contain_text("Saved at")

    page.locator("#a-RL-01-1").check()  # this page still holds version 0
    expect(page.locator("#status-RL-01")).to_contain_text("Someone else saved this answer")
    expect(page.locator("#status-RL-01")).to_contain_text("4 · L4")
    assert Response.objects.get().level.code == "4"
    page.get_by_role("button", name="Load the saved answer").click()
    expect(page.locator("#a-RL-01-4")).to_be_checked()


def test_evidence_is_uploaded_and_downloaded(
    page: Page, live_server, assessment, respondent_labour, tmp_path
):
    pdf = tmp_path / "decree.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in(page, live_server, "lina")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/indicators/RL-01/")
    page.get_by_role("link", name="Add evidence").click()
    page.get_by_label("Title").fill("Decree 4/2021")
    page.get_by_label("Kind").select_option("regulation")
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Decree 4/2021", exact=True).click()
    assert download.value.suggested_filename == "decree-42021.pdf"
    assert Evidence.objects.get().content_type == "application/pdf"


def test_the_workflow_to_publication_and_the_public_view(
    page: Page, live_server, assessment, coordinator, reviewer, respondent_labour
):
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Close answers and review").click()
    page.get_by_role("button", name=re.compile("Move to")).click()
    expect(page.get_by_text("The assessment is now: In review.")).to_be_visible()

    page.get_by_role("button", name="Camila").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "rosa")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/indicators/SD-01/")
    page.get_by_label("3 · L3").check()
    page.get_by_label("Rationale").fill("Agreed at the validation meeting")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("Consensus recorded for SD-01.")).to_be_visible()
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Validate").click()
    expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
    page.get_by_role("button", name=re.compile("Move to")).click()

    # The coordinator publishes: the checklist says completeness is below the minimum and asks why.
    page.get_by_role("button", name="Rosa").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Publish").click()
    expect(page.locator(".checklist")).to_contain_text("below this framework's minimum")
    page.get_by_role("button", name=re.compile("Move to")).click()
    expect(page.locator(".transition-form .alert-danger")).to_contain_text("give the reason")
    page.get_by_label("Why publish below the minimum completeness").fill(
        "A pilot round with two institutions."
    )
    page.get_by_role("button", name=re.compile("Move to")).click()
    expect(page.get_by_text("The assessment is now: Published.")).to_be_visible()

    # Not public until a site administrator lists it.
    page.context.clear_cookies()
    indicator = f"{live_server.url}/en/assessments/{assessment.pk}/indicators/SD-01/"
    assert page.goto(indicator).status == 404
    UserFactory(username="root", first_name="Root", is_staff=True, is_superuser=True)
    sign_in(page, live_server, "root")
    page.goto(f"{live_server.url}/en/assessments/publications/")
    page.locator(".moderation-waiting").get_by_role("button", name="Endorse as official").click()
    expect(page.get_by_text("is now the official figure of its country")).to_be_visible()

    page.context.clear_cookies()
    page.goto(indicator)
    expect(page.get_by_text("Agreed at the validation meeting")).to_be_visible()
    expect(page.get_by_text("Lina")).to_have_count(0)
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    expect(page.locator("body")).to_contain_text("A pilot round with two institutions.")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_framework_reads_in_french_and_spanish(page: Page, live_server, coordinator, lang):
    from django.core.management import call_command

    call_command("load_framework", "--shipped")
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/{lang}/frameworks/ilo-labour-migration-governance/1.0/")
    question = {"fr": "recrutement", "es": "contratación"}[lang]
    expect(page.locator("#indicator-list")).to_contain_text(question)
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_actions_history_and_the_next_round(
    page: Page, live_server, assessment, coordinator, reviewer, respondent_labour
):
    from assessments.services import response_set
    from tests.people import participant_of

    indicator = assessment.framework.indicators.get(code="RL-01")
    for level, version in (("1", 0), ("3", 1)):
        response_set(
            assessment=assessment,
            indicator=indicator,
            participant=participant_of(assessment, respondent_labour),
            user=respondent_labour,
            answer="level",
            level_code=level,
            expected_version=version,
        )
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/indicators/RL-01/")
    expect(page.locator(".history")).to_contain_text("1 → 3")  # who changed what, old and new

    page.get_by_role("link", name="Recommend an action").click()
    page.get_by_label("Recommended action").fill("Ratify Convention No. 97")
    page.get_by_label("Owner").select_option(label="Ministry of Labour")
    page.get_by_label("Due date").fill("2027-06-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Action added.")).to_be_visible()

    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Start the next round").click()
    page.get_by_label("Round").fill("2028")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Round 2028 started")).to_be_visible()
    expect(page.locator("#actions")).to_contain_text("Ratify Convention No. 97")
    expect(page.locator("#actions")).to_contain_text("carried over from the previous round")
