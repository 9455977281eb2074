"""Assessment bundles: export then import reproduces everything; an import gets no more than the importer's
rights; a bad, hostile or malformed bundle imports nothing and says why."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.bundle import BundleInvalid, bundle_data, bundle_export, bundle_import, bundle_read
from assessments.models import Assessment, Invitation, Response
from assessments.services import action_create, consensus_set, evidence_add, response_set
from tests.factories import UserFactory
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


def comparable(data: dict, usernames: dict | None = None) -> dict:
    """Bundle data without what an import may change: times, and user names when mapped to new accounts."""
    rename = (lambda name: usernames.get(name, name)) if usernames else (lambda name: name)
    data = {**data, "exported_at": None}
    data["participants"] = sorted(
        ({**p, "username": rename(p["username"])} for p in data["participants"]), key=lambda p: p["username"]
    )
    data["responses"] = sorted(
        ({**r, "updated_at": None, "participant": rename(r["participant"])} for r in data["responses"]),
        key=lambda r: (r["indicator"], r["participant"]),
    )
    data["consensus"] = [{**c, "set_by": rename(c["set_by"])} for c in data["consensus"]]
    data["status_changes"] = [{**s, "at": None} for s in data["status_changes"]]
    return data


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_site_administrator_reproduces_an_assessment_whole(filled, admin):
    data, files = bundle_read(bundle_export(filled, with_files=True))
    usernames = {p["username"] for p in data["participants"]}
    copy = bundle_import(data=data, files=files, user=admin, restore_status=True, enrol=frozenset(usernames))
    assert copy.pk != filled.pk and copy.status == filled.status
    exported = comparable(bundle_data(copy))
    original = comparable(bundle_data(filled))
    # The importing administrator coordinates the copy too, and the restore is part of its history.
    exported["participants"] = [p for p in exported["participants"] if p["username"] != "root"]
    assert exported["status_changes"][:-1] == original["status_changes"]
    assert {k: v for k, v in exported.items() if k != "status_changes"} == {
        k: v for k, v in original.items() if k != "status_changes"
    }
    [with_file] = copy.evidence.exclude(file="")
    assert with_file.file.read() == PDF


def test_an_import_is_a_draft_of_the_importer_with_new_accounts_for_the_people(filled, coordinator, outsider):
    data, files = bundle_read(bundle_export(filled, with_files=True))
    copy = bundle_import(data=data, files=files, user=outsider)
    assert copy.status == "draft"
    assert copy.participants.filter(user=outsider, role="coordinator").exists()
    people = {p.user.username: p for p in copy.participants.select_related("user")}
    originals = {p["username"] for p in data["participants"]}
    # Nobody's existing account is enrolled: each person gets a new one, without a password.
    assert not {p.user for p in people.values()} & {p.user for p in filled.participants.all()}
    new_accounts = [p.user for p in people.values() if p.user != outsider]
    assert len(new_accounts) == len(originals)
    assert not any(user.has_usable_password() for user in new_accounts)
    # ... and an invitation to complete it.
    invited = set(Invitation.objects.filter(assessment=copy).values_list("for_user__username", flat=True))
    assert invited == {user.username for user in new_accounts}
    mapping = {
        p["username"]: u.username for p in data["participants"] for u in new_accounts if u.email == p["email"]
    }
    exported = comparable(bundle_data(copy), None)
    original = comparable(bundle_data(filled), mapping)
    for key in ("responses", "consensus", "actions", "institutions"):
        assert exported[key] == original[key]
    assert exported["status_changes"] == []


def test_only_a_site_administrator_restores_a_status_or_enrols_accounts(filled, coordinator):
    data, files = bundle_read(bundle_export(filled, with_files=True))
    before = Assessment.objects.count()
    with pytest.raises(BundleInvalid, match="site administrator"):
        bundle_import(data=data, files=files, user=coordinator, restore_status=True)
    with pytest.raises(BundleInvalid, match="site administrator"):
        bundle_import(data=data, files=files, user=coordinator, enrol=frozenset({"lina"}))
    assert Assessment.objects.count() == before


def test_a_json_bundle_without_files_keeps_links_and_refuses_missing_files(filled, coordinator):
    data, files = bundle_read(bundle_export(filled, with_files=False))
    assert files == {}
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files=files, user=coordinator)
    assert any("is not in the zip file" in p for p in caught.value.problems)


def test_a_bad_bundle_lists_every_problem_and_imports_nothing(filled, coordinator):
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = [e for e in data["evidence"] if not e["file"]]
    data["assessment"]["framework"]["version"] = "9.9"
    data["responses"][0]["participant"] = "nobody"
    data["responses"][1]["answer"] = "maybe"
    data["actions"][0]["due_date"] = "2027-13-45"
    before = (Assessment.objects.count(), Response.objects.count())
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files={}, user=coordinator)
    problems = caught.value.problems
    assert any("framework small version 9.9 is not loaded" in p for p in problems)
    assert any("unknown participant nobody" in p for p in problems)
    assert any("actions[0].due_date" in p and "not a date" in p for p in problems)
    assert (Assessment.objects.count(), Response.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["responses"][0].update(level="7"), "'7' is not a level"),
        (lambda d: d["evidence"].append({**d["evidence"][-1], "url": "javascript:alert(1)"}), "http"),
        (lambda d: d["evidence"].append({**d["evidence"][-1], "url": "ftp://files.example/x"}), "http"),
        (lambda d: d["assessment"].update(country="QQ"), "assessment: "),
        (lambda d: d["assessment"].update(language="xx"), "assessment: "),
        (lambda d: d["responses"][0].update(justification="x" * 30_000), "longer than"),
        (lambda d: d["institutions"][0].update(kind="church"), "unknown kind"),
        (lambda d: d["participants"][1].update(email="not an address"), "participants[1]"),
    ],
)
def test_every_value_is_checked_as_the_forms_check_it(filled, coordinator, change, message):
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = [e for e in data["evidence"] if not e["file"]]
    change(data)
    before = Assessment.objects.count()
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files={}, user=coordinator)
    assert any(message in p for p in caught.value.problems), caught.value.problems
    assert Assessment.objects.count() == before


def test_an_evidence_file_is_checked_by_its_content_not_its_name(filled, coordinator, settings):
    data, files = bundle_read(bundle_export(filled, with_files=True))
    path = next(e["file"] for e in data["evidence"] if e["file"])
    files[path] = b"MZ\x90\x00 an executable, named .pdf"
    with pytest.raises(BundleInvalid, match="file type is not accepted"):
        bundle_import(data=data, files=files, user=coordinator)
    assert (
        not list((settings.MEDIA_ROOT / "evidence").glob("**/*.pdf"))
        if (settings.MEDIA_ROOT / "evidence").exists()
        else True
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(responses="abc"),
        lambda d: d["assessment"].update(round=2026),
        lambda d: d["participants"][0].update(username=7),
        lambda d: d.update(institutions=[["not", "an", "object"]]),
        lambda d: d["assessment"].pop("framework"),
        lambda d: d["responses"][0].update(version="one"),
        lambda d: d["evidence"][0].update(indicators="RL-01"),
        lambda d: d.update(assessment=None),
    ],
)
def test_a_wrongly_typed_bundle_lists_its_problems_and_never_fails(filled, coordinator, change):
    data = json.loads(bundle_export(filled, with_files=False))
    change(data)
    with pytest.raises(BundleInvalid) as caught:
        bundle_import(data=data, files={}, user=coordinator)
    assert caught.value.problems


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(
        [
            "assessment",
            "institutions",
            "participants",
            "responses",
            "consensus",
            "actions",
            "evidence",
            "status_changes",
        ]
    ),
    value=JSON,
    position=st.integers(0, 3),
    key=st.text(max_size=12),
)
def test_any_value_anywhere_gives_problems_or_an_import_never_a_crash(
    filled, coordinator, path, value, position, key
):
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = [e for e in data["evidence"] if not e["file"]]
    target = data[path]
    if isinstance(target, list) and target:
        item = target[position % len(target)]
        if isinstance(item, dict) and key:
            item[key if position % 2 else next(iter(item))] = value
        else:
            target[position % len(target)] = value
    elif isinstance(target, dict):
        target[key or "country"] = value
    try:
        bundle_import(data=data, files={}, user=coordinator)
    except BundleInvalid as exc:
        assert exc.problems


def test_a_zip_bomb_is_refused_before_it_expands(coordinator, db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("assessment.json", b"{}")
        with archive.open("evidence/1.pdf", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(b"\0" * (16 * 1024 * 1024))  # 1 GB of zeros, about 1 MB compressed
    raw = buffer.getvalue()
    assert len(raw) < 2 * 1024 * 1024
    with pytest.raises(BundleInvalid, match=r"compressed|expand"):
        bundle_read(raw)


def test_too_many_members_are_refused(settings):
    settings.ARCHIVE_MAX_MEMBERS = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(11):
            archive.writestr(f"evidence/{n}.pdf", PDF)
    with pytest.raises(BundleInvalid, match="at most 10"):
        bundle_read(buffer.getvalue())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format": "other"}', "not a Coherence assessment bundle"),
        (b"PK\x03\x04garbage", "not a valid zip"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(raw, message):
    with pytest.raises(BundleInvalid, match=message):
        bundle_read(raw)


def test_the_commands_export_and_import(filled, tmp_path, coordinator):
    target = tmp_path / "bundle.zip"
    call_command("export_assessment", str(filled.pk), "--zip", "-o", str(target))
    assert zipfile.is_zipfile(target)
    out = StringIO()
    call_command("import_assessment", str(target), "--as-user", "camila", stdout=out)
    new = Assessment.objects.get(pk=int(out.getvalue()))
    assert new.responses.count() == filled.responses.count() and new.status == "draft"
    with pytest.raises(CommandError, match="not imported"):
        call_command(
            "import_assessment", str(target), "--as-user", "camila", "--restore-status", stderr=StringIO()
        )


def test_the_import_command_fails_listing_problems(tmp_path, coordinator):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "coherence-assessment-bundle", "version": 1, "assessment": {}}')
    err = StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_assessment", str(bad), "--as-user", "camila", stderr=err)
    assert "framework" in err.getvalue()


def test_participants_are_exported_without_passwords(filled):
    text = bundle_export(filled, with_files=False).decode()
    assert "password" not in text
    assert "camila" in text


def test_a_zip_file_keeps_the_evidence_file(filled):
    raw = bundle_export(filled, with_files=True)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == ["assessment.json", "evidence/1.pdf"]


def test_the_coordinator_downloads_the_bundle_and_others_cannot(client, filled, coordinator, reviewer):
    url = reverse("assessments:bundle_download", args=[filled.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    assert zipfile.is_zipfile(io.BytesIO(response.getvalue()))


def test_a_bundle_uploaded_on_the_web_is_checked_shown_then_imported(client, filled, outsider, coordinator):
    client.force_login(outsider)
    url = reverse("assessments:bundle_upload")
    data = json.loads(bundle_export(filled, with_files=False))
    data["evidence"] = [e for e in data["evidence"] if not e["file"]]
    data["responses"][0]["indicator"] = "XX-99"
    response = client.post(url, {"file": SimpleUploadedFile("b.json", json.dumps(data).encode())})
    assert "unknown indicator XX-99" in response.text
    data["responses"][0]["indicator"] = "RL-01"
    data["evidence"][0]["url"] = "javascript:alert(document.cookie)"
    response = client.post(url, {"file": SimpleUploadedFile("b.json", json.dumps(data).encode())})
    assert "http://" in response.text and not Assessment.objects.filter(created_by=outsider).exists()
    data["evidence"][0]["url"] = "https://gazette.example/1"
    response = client.post(url, {"file": SimpleUploadedFile("b.json", json.dumps(data).encode())})
    confirm = response["Location"]
    page = client.get(confirm)
    assert "It starts as a draft" in page.text and "restore" not in page.text.lower()
    client.force_login(coordinator)
    assert client.get(confirm).status_code == 404  # someone else's upload is never found
    client.force_login(outsider)
    response = client.post(confirm)
    assert response.status_code == 302, response.context and response.context.get("problems")
    new = Assessment.objects.latest("pk")
    assert response["Location"] == new.get_absolute_url()
    assert new.participants.filter(user=outsider, role="coordinator").exists()
    assert client.get(confirm).status_code == 404  # used
