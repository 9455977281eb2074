"""The offline workbook in Chromium: download it from the scoring page, fill it (as Excel would), upload,
see the problems with their cells, upload it fixed, decide a conflict, confirm, and see the answers."""

import io

import openpyxl
from playwright.sync_api import Page, expect

from assessments.models import Response
from tests.assessments.workbook_helpers import fill, to_bytes
from tests.browser.test_assessment_flows import sign_in


def test_a_respondent_uploads_a_workbook_sees_its_problems_then_confirms_it(
    page: Page, live_server, assessment, respondent_labour, screenshot_dir, tmp_path
):
    sign_in(page, live_server, "lina")
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/score/")
    page.get_by_role("link", name="Answer offline in a workbook (Excel, LibreOffice)").click()
    page.get_by_label("life-cycle stage").check()  # this framework has no stages: one sheet per criterion
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the workbook").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))

    fill(book, "RL-01", level="3 · L33", justification="Decree 4/2021")
    fill(book, "SD-01", level="2 · L2", link="ftp://files.example/minutes", kind="Practice only")
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(to_bytes(book))
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(str(wrong))
    page.get_by_role("button", name="Check the workbook").click()
    problems = page.locator(".workbook-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("E3")
    expect(problems.nth(1)).to_contain_text("H3")
    page.screenshot(path=screenshot_dir / "workbook-problems.png", full_page=True)
    assert not Response.objects.exists()

    # Meanwhile an answer is saved on the web: the workbook's RL-01 now conflicts with it.
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/score/")
    page.locator("#a-RL-01-1").check()
    expect(page.locator("#status-RL-01")).to_contain_text("Saved at")

    fill(book, "RL-01", level="3 · L3")
    fill(book, "SD-01", link="https://files.example/minutes")
    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(to_bytes(book))
    page.goto(f"{live_server.url}/en/assessments/{assessment.pk}/workbook/")
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_role("heading", name="What the workbook changes")).to_be_visible()
    expect(page.locator(".workbook-summary")).to_contain_text("1 conflict to decide")
    expect(page.locator("#change-SD-01")).to_contain_text("2 · L2")
    page.screenshot(path=screenshot_dir / "workbook-preview.png", full_page=True)

    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_text("Choose which answer to keep.")).to_be_visible()
    page.locator("#conflict-RL-01").get_by_label("Take the workbook's answer", exact=False).check()
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_text("Saved from the workbook: 2 answer(s), 1 evidence link(s).")).to_be_visible()
    expect(page.locator("#a-RL-01-3")).to_be_checked()
    expect(page.locator("#a-SD-01-2")).to_be_checked()
    levels = dict(Response.objects.values_list("indicator__code", "level__code"))
    assert levels == {"RL-01": "3", "SD-01": "2"}
