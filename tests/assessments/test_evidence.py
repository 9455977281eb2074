"""Evidence: files checked by content, stored outside the web root, served only to those allowed."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Evidence
from tests.people import make_public

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, assessment, content, name="law.pdf", **extra):
    data = {
        "title": "Decree 2020-41",
        "kind": "regulation",
        "indicators": [assessment.framework.indicators.get(code="RL-01").pk],
        "file": SimpleUploadedFile(name, content),
        **extra,
    }
    return client.post(reverse("assessments:evidence_add", args=[assessment.pk]), data)


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (
            docx_bytes(),
            Evidence and "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_a_respondent_uploads_accepted_file_types(client, assessment, respondent_labour, content, mime):
    client.force_login(respondent_labour)
    response = upload(client, assessment, content)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size) == (mime, len(content))
    assert evidence.file.path.startswith(str(evidence.file.storage.location))
    assert "law" not in evidence.file.name  # stored under a random name, not the one sent


def test_a_file_is_judged_by_its_content_not_its_name(client, assessment, respondent_labour, settings):
    client.force_login(respondent_labour)
    response = upload(client, assessment, b"#!/bin/sh\nrm -rf /\n", name="law.pdf")
    assert response.status_code == 200
    assert "This file type is not accepted" in response.text
    assert not Evidence.objects.exists()
    assert (
        not list((settings.MEDIA_ROOT / "evidence").glob("**/*"))
        if (settings.MEDIA_ROOT / "evidence").exists()
        else True
    )


def test_a_file_over_the_limit_is_refused(client, assessment, respondent_labour, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(respondent_labour)
    response = upload(client, assessment, PDF)
    assert "larger than 10\xa0bytes" in response.text
    assert not Evidence.objects.exists()


def test_a_file_and_a_link_together_are_refused(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    response = upload(client, assessment, PDF, url="https://gazette.example/law.pdf")
    assert "either a file or a link" in response.text
    assert not Evidence.objects.exists()


def test_a_link_is_accepted_as_evidence(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    data = {
        "title": "Gazette",
        "kind": "law",
        "url": "https://gazette.example/law.pdf",
        "indicators": [assessment.framework.indicators.get(code="SD-01").pk],
    }
    response = client.post(reverse("assessments:evidence_add", args=[assessment.pk]), data)
    assert response["Location"] == reverse("assessments:indicator_detail", args=[assessment.pk, "SD-01"])
    assert Evidence.objects.get().url == "https://gazette.example/law.pdf"


def test_an_observer_cannot_upload(client, assessment, observer):
    client.force_login(observer)
    assert upload(client, assessment, PDF).status_code == 403
    assert not Evidence.objects.exists()


@pytest.fixture
def stored(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    upload(client, assessment, PDF)
    client.logout()
    return Evidence.objects.get()


def file_url(evidence):
    return reverse("assessments:evidence_file", args=[evidence.assessment_id, evidence.pk])


def test_participants_download_the_file_as_an_attachment(client, stored, observer):
    client.force_login(observer)
    response = client.get(file_url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="decree-2020-41.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_outsiders_and_anonymous_visitors_find_no_unpublished_file(client, stored, outsider):
    response = client.get(file_url(stored))
    assert response.status_code == 404 and "/accounts/login/" in response.text  # the 404 offers sign-in
    client.force_login(outsider)
    assert client.get(file_url(stored)).status_code == 404


def test_files_of_a_published_assessment_are_public(client, stored):
    make_public(stored.assessment)
    assert client.get(file_url(stored)).status_code == 200


def test_evidence_is_removed_after_confirmation_with_its_file(
    client, stored, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("assessments:evidence_delete", args=[stored.assessment_id, stored.pk])
    path = stored.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "on"})
    assert not Evidence.objects.exists()
    assert not Path(path).exists()


def test_an_action_is_recommended_from_an_indicator(client, assessment, reviewer):
    client.force_login(reviewer)
    indicator = assessment.framework.indicators.get(code="RL-01")
    url = reverse("assessments:action_add", args=[assessment.pk]) + "?indicator=RL-01"
    assert client.get(url).context["form"].initial["indicators"] == [indicator]
    owner = assessment.institutions.first()
    response = client.post(
        url,
        {
            "title": "Ratify C97",
            "status": "open",
            "owner": owner.pk,
            "indicators": [indicator.pk],
            "due_date": "2027-06-30",
        },
    )
    assert response["Location"] == reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"])
    action = assessment.actions.get()
    assert (action.title, action.owner, str(action.due_date)) == ("Ratify C97", owner, "2027-06-30")


def test_a_respondent_cannot_recommend_actions(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    assert client.get(reverse("assessments:action_add", args=[assessment.pk])).status_code == 403


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://x.example/a",
    ],
)
def test_only_web_links_are_accepted_as_evidence(client, assessment, respondent_labour, link):
    client.force_login(respondent_labour)
    data = {
        "title": "Gazette",
        "kind": "law",
        "indicators": [assessment.framework.indicators.get(code="RL-01").pk],
        "url": link,
    }
    response = client.post(reverse("assessments:evidence_add", args=[assessment.pk]), data)
    assert response.status_code == 200  # the form again, with the message
    assert not Evidence.objects.exists()


def test_a_stored_link_that_is_not_a_web_address_never_becomes_a_link(client, assessment, respondent_labour):
    evidence = services.evidence_add(
        assessment=assessment,
        user=respondent_labour,
        title="Gazette",
        kind="law",
        indicators=[assessment.framework.indicators.get(code="RL-01")],
        url="https://gazette.example/1",
    )
    Evidence.objects.filter(pk=evidence.pk).update(url="javascript:alert(1)")  # as if written long ago
    client.force_login(respondent_labour)
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"])).text
    assert "javascript:" not in page and "Gazette" in page
