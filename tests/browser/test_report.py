"""A coordinator generates the country report, watches it progress, and downloads a valid PDF."""

import subprocess

from playwright.sync_api import Page, expect

from indicators.display import score_text
from reports.results import assessment_results
from tests.browser.conftest import run_worker
from tests.browser.test_assessment_flows import sign_in


def test_a_coordinator_generates_watches_and_downloads_the_report(
    page: Page, live_server, assessment, coordinator, respondent_labour, tmp_path
):
    from assessments.services import response_set
    from tests.people import participant_of

    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="RL-01"),
        participant=participant_of(assessment, respondent_labour),
        user=respondent_labour,
        answer="level",
        level_code="3",
        expected_version=0,
    )
    sign_in(page, live_server, "camila")
    page.goto(f"{live_server.url}/en/results/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Generate the country report (PDF)").click()
    expect(page.locator("#report-status")).to_contain_text("Waiting for a worker")

    # The real database worker, sharing the test database.
    worker = run_worker()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60_000)
    worker.join(timeout=60)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True
    )
    assert (tmp_path / "page-1.png").exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    results = assessment_results(assessment)
    assert score_text(results["overall"]["score"]) in text
