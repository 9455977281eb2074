"""Assessment bundles: export then import reproduces everything; a bad bundle imports nothing."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments.bundle import BundleInvalid, bundle_data, bundle_export, bundle_import, bundle_read
from assessments.models import Assessment, Response
from assessments.services import action_create, consensus_set, evidence_add, response_set
from tests.people import participant_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def filled(assessment, respondent_labour, respondent_union, reviewer, coordinator):
    indicators = {i.code: i for i in assessment.framework.indicators.all()}
    for user, level in ((respondent_labour, "3"), (respondent_union, "1")):
        response_set(
            assessment=assessment,
            indicator=indicators["RL-01"],
            participant=participant_of(assessment, user),
            user=user,
            answer="level",
            level_code=level,
            implementation="paper",
            justification=f"by {user}",
            expected_version=0,
        )
    response_set(
        assessment=assessment,
        indicator=indicators["SD-01"],
        participant=participant_of(assessment, respondent_union),
        user=respondent_union,
        answer="na",
        expected_version=0,
    )
    consensus_set(
        assessment=assessment,
        indicator=indicators["RL-01"],
        user=reviewer,
        answer="level",
        level_code="2",
        rationale="Agreed",
        expected_version=0,
    )
    action_create(
        assessment=assessment,
        user=coordinator,
        title="Ratify C97",
        indicators=[indicators["RL-01"]],
        owner=assessment.institutions.first(),
    )
    evidence_add(
        assessment=assessment,
        user=coordinator,
        title="Act 12",
        kind="law",
        indicators=[indicators["RL-01"]],
        file=SimpleUploadedFile("act.pdf", PDF),
    )
    evidence_add(
        assessment=assessment,
        user=coordinator,
        title="Gazette",
        kind="law",
        indicators=[indicators["SD-01"]],
        url="https://gazette.example/1",
    )
    return assessment


def comparable(data: dict) -> dict:
    data = {**data, "exported_at": None}
    data["responses"] = [{**r, "updated_at": None} for r in data["responses"]]
    data["status_changes"] = [{**s, "at": None} for s in data["status_changes"]]
    return data


def test_export_then_import_reproduces_every_response_consensus_and_action(filled, coordinator):
    raw = bundle_export(filled, with_files=True)
    data, files = bundle_read(raw)
    copy = bundle_import(data=data, files=files, user=coordinator)
    assert copy.pk != filled.pk
    assert comparable(bundle_data(copy)) == comparable(bundle_data(filled))
    [with_file] = copy.evidence.exclude(file="")
    assert with_file.file.read() == PDF


def test_a_json_bundle_without_files_keeps_links_and_refuses_missing_files(filled):
    data, files = bundle_read(bundle_export(filled, with_files=False))
    assert files == {}
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files=files)
    assert any("is not in the zip file" in p for p in caught.value.problems)


def test_a_bad_bundle_lists_every_problem_and_imports_nothing(filled):
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = [e for e in data["evidence"] if not e["file"]]
    data["assessment"]["framework"]["version"] = "9.9"
    data["responses"][0]["participant"] = "nobody"
    data["responses"][1]["answer"] = "maybe"
    before = (Assessment.objects.count(), Response.objects.count())
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files={})
    problems = caught.value.problems
    assert len(problems) == 3
    assert any("framework small version 9.9 is not loaded" in p for p in problems)
    assert any("unknown participant nobody" in p for p in problems)
    assert any("unknown answer 'maybe'" in p for p in problems)
    assert (Assessment.objects.count(), Response.objects.count()) == before


def test_a_level_outside_the_scale_is_refused(filled):
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = []
    data["responses"][0]["level"] = "7"
    with pytest.raises(BundleInvalid, match="'7' is not a level"):
        bundle_import(data=data, files={})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format": "other"}', "not a Coherence assessment bundle"),
        (b"PK\x03\x04garbage", "not a valid zip"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(raw, message):
    with pytest.raises(BundleInvalid, match=message):
        bundle_read(raw)


def test_the_commands_export_and_import(filled, tmp_path):
    target = tmp_path / "bundle.zip"
    call_command("export_assessment", str(filled.pk), "--zip", "-o", str(target))
    assert zipfile.is_zipfile(target)
    out = StringIO()
    call_command("import_assessment", str(target), "--as-user", "camila", stdout=out)
    new = Assessment.objects.get(pk=int(out.getvalue()))
    assert new.responses.count() == filled.responses.count()


def test_the_import_command_fails_listing_problems(tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "coherence-assessment-bundle", "version": 1, "assessment": {}}')
    err = StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_assessment", str(bad), stderr=err)
    assert "framework" in err.getvalue()


def test_participants_are_exported_without_passwords(filled):
    text = bundle_export(filled, with_files=False).decode()
    assert "password" not in text
    assert "camila" in text


def test_unknown_people_are_created_without_a_usable_password(filled, django_user_model):
    data, files = bundle_read(bundle_export(filled, with_files=True))
    for person in data["participants"]:
        person["username"] = "new-" + person["username"]
    for response in data["responses"]:
        response["participant"] = "new-" + response["participant"]
    bundle_import(data=data, files=files)
    created = django_user_model.objects.get(username="new-lina")
    assert not created.has_usable_password()


def test_a_zip_file_keeps_the_evidence_file(filled):
    raw = bundle_export(filled, with_files=True)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == ["assessment.json", "evidence/1.pdf"]


def test_the_coordinator_downloads_the_bundle_and_others_cannot(client, filled, coordinator, reviewer):
    from django.urls import reverse

    url = reverse("assessments:bundle_download", args=[filled.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_a_bundle_uploaded_on_the_web_lists_its_problems_or_imports(client, filled, outsider):
    from django.urls import reverse

    client.force_login(outsider)
    url = reverse("assessments:bundle_upload")
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = []
    data["responses"][0]["indicator"] = "XX-99"
    bad = SimpleUploadedFile("b.json", json.dumps(data).encode())
    response = client.post(url, {"file": bad})
    assert "unknown indicator XX-99" in response.text
    data["responses"][0]["indicator"] = "RL-01"
    good = SimpleUploadedFile("b.json", json.dumps(data).encode())
    response = client.post(url, {"file": good})
    new = Assessment.objects.latest("pk")
    assert response["Location"] == new.get_absolute_url()
    assert new.participants.filter(user=outsider, role="coordinator").exists()
