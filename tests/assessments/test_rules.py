"""The rules themselves, for every role and every status: who may do what (the HTTP sweep in
tests/test_access.py checks the wiring on two statuses; this checks the rules on all five)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from assessments.models import Assessment, Evidence, Participant
from assessments.rules import allowed, forget_roles
from assessments.services import session_attendee_remove, session_join, session_open
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Assessment.Status
ALL = set(S.values)
OPEN = {S.DRAFT, S.COLLECTING, S.REVIEW}
PARTICIPANTS = {"observer", "other_respondent", "respondent", "reviewer", "facilitator", "coordinator"}
ROLES = ["anonymous", "guest", "outsider", "site_admin", *sorted(PARTICIPANTS)]


def everyone_at(*statuses):
    return {status: set(ROLES) for status in statuses}


def only(roles, statuses):
    return {status: set(roles) for status in statuses}


def merge(*tables):
    out = {status: set() for status in S.values}
    for table in tables:
        for status, roles in table.items():
            out[status] |= roles
    return out


# permission -> status -> roles allowed (on the assessment)
EXPECTED = {
    "assessments.view_assessment": merge(only(PARTICIPANTS, ALL), everyone_at(S.PUBLISHED)),
    "assessments.view_responses": only(PARTICIPANTS, ALL),
    "assessments.change_assessment": only({"coordinator"}, OPEN),
    "assessments.delete_assessment": only({"coordinator"}, OPEN),
    "assessments.open_scoring": only({"respondent", "other_respondent"}, ALL),
    "assessments.score_assessment": only({"respondent", "other_respondent"}, {S.COLLECTING}),
    "assessments.use_workbook": only({"respondent", "other_respondent"}, {S.COLLECTING}),
    "assessments.upload_evidence": only(
        {"respondent", "other_respondent", "coordinator", "facilitator"}, {S.COLLECTING, S.REVIEW}
    ),
    "assessments.set_consensus": only({"reviewer", "facilitator", "coordinator"}, {S.COLLECTING, S.REVIEW}),
    "assessments.transition_assessment": merge(
        only({"coordinator"}, {S.DRAFT, S.COLLECTING, S.REVIEW, S.VALIDATED}), only({"reviewer"}, {S.REVIEW})
    ),
    "assessments.manage_actions": only({"coordinator", "reviewer", "facilitator"}, ALL - {S.PUBLISHED}),
    "assessments.export_assessment": merge(only({"coordinator", "reviewer"}, ALL), everyone_at(S.PUBLISHED)),
    "assessments.start_next_round": only({"coordinator"}, {S.VALIDATED, S.PUBLISHED}),
    "assessments.export_bundle": only({"coordinator"}, ALL),
    "assessments.run_sessions": only({"facilitator", "coordinator"}, {S.COLLECTING, S.REVIEW}),
}


@pytest.fixture
def session(assessment):
    facilitator = assessment.participants.get(role="facilitator").user
    return session_open(assessment=assessment, user=facilitator, title="Room", codes=["RL-01"])


@pytest.fixture
def people(assessment, outsider, session):
    users = {p.user.username: p.user for p in assessment.participants.select_related("user")}
    labour = assessment.institutions.get(name="Ministry of Labour")
    guest = session_join(session=session, user=None, institution=labour, name="Gina").user
    return {
        "anonymous": AnonymousUser(),
        "guest": guest,
        "outsider": outsider,
        "site_admin": UserFactory(username="root", is_staff=True, is_superuser=True),
        "observer": users["omar"],
        "other_respondent": users["umar"],
        "respondent": users["lina"],
        "reviewer": users["rosa"],
        "facilitator": users["farid"],
        "coordinator": users["camila"],
    }


@pytest.mark.parametrize("status", S.values)
def test_each_rule_allows_exactly_the_roles_the_table_says(assessment, people, status):
    assessment.status = status
    assessment.listed_at = timezone.now() if status == S.PUBLISHED else None  # published and listed: public
    wrong = []
    for perm, table in EXPECTED.items():
        for role, user in people.items():
            if user.is_authenticated:
                forget_roles(user)
            got = allowed(user, perm, assessment)
            if got != (role in table.get(status, set())):
                wrong.append(f"{status} {role} {perm}: {got}")
    assert not wrong, "\n".join(wrong)


def test_a_site_administrator_is_not_a_participant_of_every_assessment(assessment, people):
    admin = people["site_admin"]
    assert admin.has_perm("assessments.change_assessment", assessment)  # Django's superuser shortcut ...
    assert not allowed(admin, "assessments.change_assessment", assessment)  # ... which the rules never take
    assert not allowed(admin, "assessments.view_responses", assessment)
    assert allowed(admin, "assessments.restore_status") and allowed(
        admin, "assessments.enrol_existing_accounts"
    )
    assert not allowed(people["coordinator"], "assessments.restore_status")


@pytest.mark.parametrize("status", S.values)
def test_evidence_is_removed_by_who_added_it_or_the_coordinator(assessment, people, status):
    evidence = Evidence(assessment=assessment, added_by=people["respondent"], title="x", kind="law")
    assessment.status = status
    may = {role for role, user in people.items() if allowed(user, "assessments.delete_evidence", evidence)}
    expected = set()
    if status in {S.COLLECTING, S.REVIEW}:
        expected = {"respondent", "coordinator"}
    elif status == S.DRAFT:
        expected = {"coordinator"}  # nobody adds evidence in a draft; the coordinator may still tidy up
    assert may == expected


@pytest.mark.parametrize("status", S.values)
def test_a_person_answers_only_as_themselves_for_their_institution_while_collecting(
    assessment, people, status
):
    assessment.status = status
    lina = Participant.objects.get(assessment=assessment, user=people["respondent"])
    lina.assessment = assessment
    may = {role for role, user in people.items() if allowed(user, "assessments.answer_as", lina)}
    assert may == ({"respondent"} if status == S.COLLECTING else set())
    observer = Participant.objects.get(assessment=assessment, user=people["observer"])
    observer.assessment = assessment
    assert not allowed(people["observer"], "assessments.answer_as", observer)


def test_a_published_assessment_is_public_only_once_listed(assessment, people):
    assessment.status = S.PUBLISHED
    assessment.listed_at = None
    assert not allowed(people["anonymous"], "assessments.view_assessment", assessment)
    assert not allowed(people["outsider"], "assessments.view_assessment", assessment)
    assert not allowed(people["anonymous"], "assessments.export_assessment", assessment)
    assert allowed(people["observer"], "assessments.view_assessment", assessment)
    assert allowed(people["site_admin"], "assessments.view_assessment", assessment)  # to review it
    assert allowed(people["site_admin"], "assessments.moderate_publication", assessment)
    assessment.listed_at = timezone.now()
    assert allowed(people["anonymous"], "assessments.view_assessment", assessment)


@pytest.mark.parametrize("status", S.values)
def test_in_a_session_only_its_seats_answer_and_only_while_it_is_open(assessment, people, session, status):
    assessment.status = status
    session.assessment = assessment
    labour = assessment.institutions.get(name="Ministry of Labour")
    session_join(session=session, user=people["respondent"], institution=labour)  # a respondent joins too

    def who(perm):
        found = set()
        for role, user in people.items():
            if user.is_authenticated:
                forget_roles(user)
            if allowed(user, perm, session):
                found.add(role)
        return found

    answering = {"guest", "respondent"} if status in {S.COLLECTING, S.REVIEW} else set()
    assert who("assessments.answer_in_session") == answering
    assert who("assessments.follow_session") == {"guest", "respondent"}
    assert who("assessments.view_session") == PARTICIPANTS  # the projector: never guests, never the public
    assert who("assessments.run_session") == (
        {"facilitator", "coordinator"} if status in {S.COLLECTING, S.REVIEW} else set()
    )
    session.closed_at = timezone.now()
    assert who("assessments.answer_in_session") == set()


def test_a_removed_guest_holds_no_right(assessment, people, session):
    guest = people["guest"]
    seat = assessment.participants.get(user=guest)
    session_attendee_remove(session=session, user=people["facilitator"], participant=seat)
    forget_roles(guest)
    assert not allowed(guest, "assessments.answer_in_session", session)
    assert not allowed(guest, "assessments.follow_session", session)
    assert not allowed(guest, "assessments.view_assessment", assessment)
    assert not allowed(guest, "assessments.create_assessment")
