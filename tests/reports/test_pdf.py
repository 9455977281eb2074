"""The PDF country report: its numbers equal the results JSON, user text stays text, generation is a task."""

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, Response
from assessments.services import consensus_set, response_set
from indicators.display import score_text
from reports import services as reports_services
from reports.models import Report
from reports.pdf import render_report
from reports.results import assessment_results
from reports.services import report_fingerprint, report_generate, report_request
from tests.reports.test_results import worked  # noqa: F401  (the worked example as a fixture)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_report_shows_the_figures_of_the_results_json(worked, tmp_path):  # noqa: F811
    results = assessment_results(worked)
    text = pdf_text(render_report(worked, "en"), tmp_path)
    # Every figure as the one display rule writes it (whole numbers, half up), the same as on the pages.
    assert "Overall score\n" in text or "Overall score" in text
    assert score_text(results["overall"]["score"]) == "75" and "75" in text
    assert score_text(results["coherence"]["index"]) == "33" and "33" in text
    for indicator in results["indicators"]:
        assert f"Value: {score_text(indicator['value'])}" in text
    assert "Draft: the figures may still change" in text  # not validated yet


def test_a_validated_report_has_no_draft_mark_and_reads_in_french(worked, tmp_path):  # noqa: F811
    Assessment.objects.filter(pk=worked.pk).update(status="validated")
    worked.refresh_from_db()
    text = pdf_text(render_report(worked, "fr"), tmp_path)
    assert "Draft" not in text and "Projet" not in text
    assert "Synthèse" in text and "Méthode" in text and "Constats sur la cohérence" in text


def test_html_in_a_justification_is_printed_as_text(worked, tmp_path):  # noqa: F811
    Response.objects.filter(assessment=worked).update(
        justification='<script>alert(1)</script><img src="http://x/y.png">'
    )
    text = pdf_text(render_report(worked, "en"), tmp_path)
    assert "<script>alert(1)</script>" in text


def test_the_fingerprint_changes_with_the_data_the_language_and_the_audience(worked):  # noqa: F811
    before = report_fingerprint(worked, "en")
    assert report_fingerprint(worked, "en") == before
    assert report_fingerprint(worked, "fr") != before
    assert report_fingerprint(worked, "en", audience="public") != before
    assert report_fingerprint(worked, "en", kind="summary") != before
    response = (
        Response.objects.filter(assessment=worked, answer="level").select_related("participant").first()
    )
    response_set(
        assessment=worked,
        indicator=response.indicator,
        participant=response.participant,
        user=response.participant.user,
        answer="level",
        level_code=response.level.code,
        justification="changed",
        expected_version=response.version,
    )
    assert report_fingerprint(worked, "en") != before


def test_asking_twice_for_the_same_data_reuses_the_report(worked, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, queued = report_request(assessment=worked, language="en")
        again, queued_again = report_request(assessment=worked, language="en")
    assert queued and not queued_again and first.pk == again.pk
    assert len(callbacks) == 1


def test_generation_keeps_a_valid_pdf_or_records_the_failure(worked, monkeypatch):  # noqa: F811
    report = Report.objects.create(assessment=worked, language="en", fingerprint="x" * 64)
    report_generate(report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    assert report.file.read(5) == b"%PDF-"

    failing = Report.objects.create(assessment=worked, language="fr", fingerprint="y" * 64)
    monkeypatch.setattr(
        "reports.services.render_report", lambda *a, **k: (_ for _ in ()).throw(ValueError("boom"))
    )
    report_generate(failing.pk)
    failing.refresh_from_db()
    assert failing.status == "failed" and "boom" in failing.error and not failing.file


def test_the_report_pages_and_download(client, worked, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(worked.participants.get(role="coordinator").user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("results:report_create", args=[worked.pk]), {"language": "en"})
    report = Report.objects.get()
    assert response["Location"] == reverse("results:report", args=[worked.pk, report.pk])
    page = client.get(response["Location"])
    assert 'hx-trigger="every 1s"' in page.text and 'aria-live="polite"' in page.text
    download = reverse("results:report_download", args=[worked.pk, report.pk])
    assert client.get(download).status_code == 404  # nothing half-written is served
    report_generate(report.pk)
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_respondents_and_outsiders_cannot_generate_reports(client, worked, outsider):  # noqa: F811
    url = reverse("results:report_create", args=[worked.pk])
    client.force_login(worked.participants.filter(role="respondent").first().user)
    assert client.post(url).status_code == 403
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert not Report.objects.exists()


def test_render_report_command(worked, tmp_path):  # noqa: F811
    target = tmp_path / "out.pdf"
    call_command("render_report", str(worked.pk), "--lang", "es", "-o", str(target), stdout=StringIO())
    assert target.read_bytes()[:5] == b"%PDF-"


def test_the_one_page_summary_has_one_page_and_the_overall_score(client, worked, tmp_path):  # noqa: F811
    client.force_login(worked.participants.get(role="coordinator").user)
    response = client.get(reverse("results:summary_pdf", args=[worked.pk]))
    content = b"".join(response.streaming_content)
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    assert "75" in pdf_text(content, tmp_path)


def test_the_summary_is_made_once_until_the_data_changes(client, worked, monkeypatch):  # noqa: F811
    made = []
    real = reports_services.render_summary
    monkeypatch.setattr(reports_services, "render_summary", lambda *a, **k: made.append(1) or real(*a, **k))
    client.force_login(worked.participants.get(role="coordinator").user)
    url = reverse("results:summary_pdf", args=[worked.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert len(made) == 1
    reviewer = worked.participants.get(role="reviewer").user
    indicator = worked.framework.indicators.get(code="A")
    consensus_set(
        assessment=worked,
        indicator=indicator,
        user=reviewer,
        answer="level",
        level_code="2",
        expected_version=0,
    )
    assert client.get(url).status_code == 200
    assert len(made) == 2


def test_the_blank_questionnaire_pdf_lists_every_question(client, worked, tmp_path):  # noqa: F811
    client.force_login(worked.participants.get(role="coordinator").user)
    response = client.get(reverse("results:questionnaire_pdf", args=["worked-example", "1"]))
    text = pdf_text(response.getvalue(), tmp_path)
    assert all(question in text for question in ("A?", "B?", "C?"))
    client.logout()
    # the framework is not used by a public assessment: it looks missing to the public
    assert client.get(reverse("results:questionnaire_pdf", args=["worked-example", "1"])).status_code == 404


def test_outsiders_cannot_see_or_download_a_report(client, worked, outsider):  # noqa: F811
    report = Report.objects.create(assessment=worked, language="en", fingerprint="z" * 64, status="done")
    client.force_login(outsider)
    assert client.get(reverse("results:report", args=[worked.pk, report.pk])).status_code == 404
    assert client.get(reverse("results:report_download", args=[worked.pk, report.pk])).status_code == 404


def test_the_one_page_summary_draws_the_radar_and_names_each_criterions_band(worked):  # noqa: F811
    from django.template.loader import render_to_string

    from indicators.text import tr
    from reports.pdf import report_context
    from reports.results import assessment_view

    context = report_context(assessment_view(worked, audience="participants"), "en", with_charts="radar")
    html = render_to_string("reports/pdf/summary.html", context)
    assert "<svg" in context["figures"]["radar"] and context["figures"]["radar"] in html
    bands = {b.code: tr(b.label, "en") for b in worked.framework.bands.all()}
    assert context["criteria"]
    for row in context["criteria"]:
        assert row["band"], row  # the worked example scores every criterion
        score, band = score_text(row["score"]), bands[row["band"]]
        cells = f'<td>{row["label"]}</td><td class="num">{score}</td><td>{band}</td>'
        assert cells in html
