"""Who may do what, for every role and status: the refusals as much as the permissions.

Expected answers: 200/302 allowed, 403 a participant whose role or the status forbids it, 404 someone
who may not know the assessment exists, 302-to-sign-in for anonymous visitors.
"""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
Status = Assessment.Status

PEOPLE = {
    "coordinator": "camila",
    "respondent": "lina",
    "reviewer": "rosa",
    "facilitator": "farid",
    "observer": "omar",
    "outsider": "otto",
    "anonymous": None,
}
PARTICIPANTS = {"coordinator", "respondent", "reviewer", "facilitator", "observer"}


def sign_in(client, who):
    if PEOPLE[who]:
        assert client.login(username=PEOPLE[who], password=PASSWORD)


def refusal(who, status, *, login_required=True):
    """How a person who may not do the action is refused. Anonymous visitors are sent to sign in by
    views that always need an account; elsewhere an unpublished assessment is simply not found."""
    if who == "anonymous":
        return "login" if login_required or status == Status.PUBLISHED else 404
    if who in PARTICIPANTS or status == Status.PUBLISHED:
        return 403
    return 404


def check(response, expected):
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.fixture
def world(assessment, other_assessment):
    return assessment


def at_status(assessment, status):
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    assessment.status = status
    return assessment


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_view(client, world, who, status):
    assessment = at_status(world, status)
    sign_in(client, who)
    response = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    allowed = who in PARTICIPANTS or status == Status.PUBLISHED
    check(response, 200 if allowed else refusal(who, status, login_required=False))


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_score(client, world, who, status):
    assessment = at_status(world, status)
    sign_in(client, who)
    url = reverse("assessments:response_save", args=[assessment.pk, "RL-01"])
    response = client.post(url, {"answer": "level:2", "version": 0}, headers={"HX-Request": "true"})
    allowed = who == "respondent" and status == Status.COLLECTING
    check(response, 200 if allowed else refusal(who, status))
    assert assessment.responses.exists() == allowed


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_consensus(client, world, who, status):
    assessment = at_status(world, status)
    sign_in(client, who)
    url = reverse("assessments:consensus_save", args=[assessment.pk, "RL-01"])
    response = client.post(url, {"answer": "level:2", "version": 0})
    allowed = who in {"reviewer", "facilitator", "coordinator"} and status in (
        Status.COLLECTING,
        Status.REVIEW,
    )
    check(response, 302 if allowed else refusal(who, status))
    assert assessment.consensus.exists() == allowed


TRANSITION_FROM = {
    Status.DRAFT: (Status.COLLECTING, {"coordinator"}),
    Status.COLLECTING: (Status.REVIEW, {"coordinator"}),
    Status.REVIEW: (Status.VALIDATED, {"coordinator", "reviewer"}),
    Status.VALIDATED: (Status.PUBLISHED, {"coordinator"}),
}


@pytest.mark.parametrize("status", list(TRANSITION_FROM))
@pytest.mark.parametrize("who", PEOPLE)
def test_transition(client, world, who, status):
    assessment = at_status(world, status)
    to, movers = TRANSITION_FROM[status]
    sign_in(client, who)
    response = client.post(reverse("assessments:transition", args=[assessment.pk]), {"to": to})
    assessment.refresh_from_db()
    if who in movers:
        assert response.status_code == 302
        assert assessment.status == to
    else:
        # Only whoever may make a move now opens the page; a move the role does not allow is refused.
        expected = 302 if who == "reviewer" and status == Status.REVIEW else refusal(who, status)
        check(response, expected)
        assert assessment.status == status


@pytest.mark.parametrize("who", PEOPLE)
def test_nobody_changes_a_published_assessment(client, world, who):
    assessment = at_status(world, Status.PUBLISHED)
    sign_in(client, who)
    response = client.post(
        reverse("assessments:institution_add", args=[assessment.pk]), {"name": "New", "kind": "government"}
    )
    check(response, refusal(who, Status.PUBLISHED))
    assert assessment.institutions.count() == 2


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_edit_and_delete_are_for_the_coordinator_before_validation(client, world, who, status):
    assessment = at_status(world, status)
    sign_in(client, who)
    allowed = who == "coordinator" and status in (Status.DRAFT, Status.COLLECTING, Status.REVIEW)
    for name in ("assessment_edit", "assessment_delete"):
        response = client.get(reverse(f"assessments:{name}", args=[assessment.pk]))
        check(response, 200 if allowed else refusal(who, status))


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_upload(client, world, who, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = at_status(world, status)
    sign_in(client, who)
    data = {
        "title": "Act",
        "kind": "law",
        "indicators": [assessment.framework.indicators.first().pk],
        "file": SimpleUploadedFile("act.pdf", b"%PDF-1.4\n%%EOF\n"),
    }
    response = client.post(reverse("assessments:evidence_add", args=[assessment.pk]), data)
    allowed = who in {"coordinator", "respondent", "facilitator"} and status in (
        Status.COLLECTING,
        Status.REVIEW,
    )
    check(response, 302 if allowed else refusal(who, status))
    assert assessment.evidence.exists() == allowed


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_export(client, world, who, status):
    """The bundle holds names and answers: coordinators only, at any status, never the public."""
    assessment = at_status(world, status)
    sign_in(client, who)
    response = client.get(reverse("assessments:bundle_download", args=[assessment.pk]))
    check(response, 200 if who == "coordinator" else refusal(who, status))


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_results(client, world, who, status):
    """Results: participants see everything, the public sees published aggregates only."""
    assessment = at_status(world, status)
    sign_in(client, who)
    response = client.get(reverse("reports:results_json", args=[assessment.pk]))
    allowed = who in PARTICIPANTS or status == Status.PUBLISHED
    check(response, 200 if allowed else refusal(who, status, login_required=False))
    if allowed:
        visibility = "participants" if who in PARTICIPANTS else "public"
        assert response.json()["assessment"]["visibility"] == visibility
