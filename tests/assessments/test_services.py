"""Assessment services: answering, consensus, workflow, invitations, actions, next round."""

import pytest
from django.core import mail

from assessments.models import Action, Answer, Assessment, Implementation, Participant, Response, StatusChange
from assessments.services import (
    AssessmentError,
    StaleEdit,
    action_create,
    assessment_next_statuses,
    assessment_transition,
    consensus_set,
    invitation_accept,
    invitation_create,
    next_round_start,
    response_set,
)
from indicators.services import framework_new_version
from tests.factories import UserFactory
from tests.people import participant_of

pytestmark = pytest.mark.django_db
Status = Assessment.Status


def answer(assessment, user, code="RL-01", level="3", version=0, **kwargs):
    return response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code=code),
        participant=participant_of(assessment, user),
        user=user,
        answer=kwargs.pop("answer", Answer.LEVEL),
        level_code=level,
        expected_version=version,
        **kwargs,
    )


def test_the_creator_of_an_assessment_is_its_coordinator(assessment, coordinator):
    assert participant_of(assessment, coordinator).role == Participant.Role.COORDINATOR
    assert assessment.status == Status.COLLECTING


def test_an_answer_is_saved_with_its_version(assessment, respondent_labour):
    response = answer(
        assessment, respondent_labour, justification="  Law 12/2020 caps fees. ", implementation="paper"
    )
    assert (response.level.code, response.version, response.implementation) == ("3", 1, "paper")
    assert response.justification == "Law 12/2020 caps fees."
    response = answer(assessment, respondent_labour, level="4", version=1)
    assert (response.level.value, response.version) == (100, 2)


def test_it_refuses_a_level_outside_the_scale(assessment, respondent_labour):
    with pytest.raises(AssessmentError, match="not a level of this framework"):
        answer(assessment, respondent_labour, level="5")
    assert not Response.objects.exists()


def test_it_refuses_an_unknown_kind_of_answer(assessment, respondent_labour):
    with pytest.raises(AssessmentError):
        answer(assessment, respondent_labour, answer="maybe")


def test_not_applicable_keeps_no_level_and_no_implementation(assessment, respondent_labour):
    response = answer(
        assessment, respondent_labour, answer=Answer.NOT_APPLICABLE, implementation=Implementation.PAPER
    )
    assert (response.answer, response.level, response.implementation) == ("na", None, "")


def test_a_stale_save_is_refused_and_shows_the_other_answer(assessment, respondent_labour):
    answer(assessment, respondent_labour, level="1")
    answer(assessment, respondent_labour, level="2", version=1)  # another tab saved first
    with pytest.raises(StaleEdit) as caught:
        answer(assessment, respondent_labour, level="4", version=1)
    assert caught.value.current.level.code == "2"
    assert Response.objects.get().level.code == "2"


def test_a_first_answer_racing_another_first_answer_is_refused(assessment, respondent_labour):
    answer(assessment, respondent_labour, level="1")
    with pytest.raises(StaleEdit):
        answer(assessment, respondent_labour, level="3", version=0)


def test_respondent_cannot_edit_another_participants_answer(assessment, respondent_labour, respondent_union):
    with pytest.raises(AssessmentError, match="only change your own"):
        response_set(
            assessment=assessment,
            indicator=assessment.framework.indicators.get(code="RL-01"),
            participant=participant_of(assessment, respondent_union),
            user=respondent_labour,
            answer=Answer.LEVEL,
            level_code="0",
            expected_version=0,
        )


def test_observer_cannot_score(assessment, observer):
    with pytest.raises(AssessmentError, match="Only respondents"):
        answer(assessment, observer)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.VALIDATED, Status.PUBLISHED])
def test_answers_are_refused_unless_collecting(assessment, respondent_labour, status):
    assessment.status = status
    assessment.save()
    with pytest.raises(AssessmentError, match="while the assessment is collecting"):
        answer(assessment, respondent_labour)


def test_an_indicator_of_another_framework_is_refused(assessment, respondent_labour):
    other = framework_new_version(framework=assessment.framework, version="2.0")
    with pytest.raises(AssessmentError, match="not part of this assessment"):
        response_set(
            assessment=assessment,
            indicator=other.indicators.get(code="RL-01"),
            participant=participant_of(assessment, respondent_labour),
            user=respondent_labour,
            answer=Answer.LEVEL,
            level_code="1",
            expected_version=0,
        )


def test_every_change_to_a_response_is_kept_with_who_and_what(assessment, respondent_labour):
    answer(assessment, respondent_labour, level="1")
    answer(assessment, respondent_labour, level="3", version=1)
    history = list(Response.objects.get().history.order_by("history_date"))
    assert [h.level.code for h in history] == ["1", "3"]
    assert {h.history_user for h in history} == {respondent_labour}


def test_reviewer_records_a_consensus_and_a_stale_one_is_refused(assessment, reviewer, facilitator):
    indicator = assessment.framework.indicators.get(code="SD-01")
    consensus = consensus_set(
        assessment=assessment,
        indicator=indicator,
        user=reviewer,
        answer="level",
        level_code="2",
        rationale="Agreed after discussion",
        expected_version=0,
    )
    assert (consensus.level.code, consensus.version, consensus.set_by) == ("2", 1, reviewer)
    with pytest.raises(StaleEdit):
        consensus_set(
            assessment=assessment,
            indicator=indicator,
            user=facilitator,
            answer="level",
            level_code="3",
            expected_version=0,
        )
    assert consensus.history.count() == 1


def test_respondent_cannot_record_a_consensus(assessment, respondent_labour):
    with pytest.raises(AssessmentError):
        consensus_set(
            assessment=assessment,
            indicator=assessment.framework.indicators.first(),
            user=respondent_labour,
            answer="level",
            level_code="2",
            expected_version=0,
        )


def test_the_coordinator_walks_the_assessment_to_published(assessment, coordinator, reviewer):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    # Nobody answered: below the framework's minimum completeness, publishing needs a reason.
    with pytest.raises(AssessmentError, match="below this framework's minimum of 50%"):
        assessment_transition(assessment=assessment, to=Status.PUBLISHED, user=coordinator)
    change = assessment_transition(
        assessment=assessment,
        to=Status.PUBLISHED,
        user=coordinator,
        override_reason="Published for the record.",
    )
    assert change.override_reason == "Published for the record."
    assessment.refresh_from_db()
    assert assessment.publication_override == change
    assert assessment.status == Status.PUBLISHED
    changes = list(
        StatusChange.objects.filter(assessment=assessment).values_list("to_status", "by__username")
    )
    assert changes == [("review", "camila"), ("validated", "rosa"), ("published", "camila")]
    assert assessment_next_statuses(assessment=assessment, user=coordinator) == []


def test_a_reviewer_sends_back_only_with_a_comment(assessment, coordinator, reviewer):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    with pytest.raises(AssessmentError, match="comment is required"):
        assessment_transition(assessment=assessment, to=Status.COLLECTING, user=reviewer)
    change = assessment_transition(
        assessment=assessment, to=Status.COLLECTING, user=reviewer, comment="Justify RL-01"
    )
    assert change.comment == "Justify RL-01"


@pytest.mark.parametrize("user_fixture", ["respondent_labour", "observer", "facilitator", "outsider"])
def test_others_cannot_move_the_assessment(request, assessment, user_fixture):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(AssessmentError, match="role"):
        assessment_transition(assessment=assessment, to=Status.REVIEW, user=user)


def test_a_move_the_workflow_does_not_have_is_refused(assessment, coordinator):
    with pytest.raises(AssessmentError, match="cannot go from"):
        assessment_transition(assessment=assessment, to=Status.PUBLISHED, user=coordinator)


def test_an_invitation_link_lets_a_person_join_once(assessment, coordinator):
    institution = assessment.institutions.get(name="Ministry of Labour")
    invitation = invitation_create(
        assessment=assessment, role=Participant.Role.RESPONDENT, institution=institution, by=coordinator
    )
    newcomer = UserFactory(username="nadia")
    participant = invitation_accept(invitation=invitation, user=newcomer)
    assert (participant.role, participant.institution) == ("respondent", institution)
    with pytest.raises(AssessmentError, match="already been used"):
        invitation_accept(invitation=invitation, user=UserFactory(username="nico"))


def test_an_invitation_with_an_address_is_emailed_once_it_is_saved(
    assessment, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            assessment=assessment,
            role=Participant.Role.OBSERVER,
            by=coordinator,
            email="guest@example.org",
            accept_url=lambda inv: f"http://testserver/join/{inv.token}/",
        )
        assert mail.outbox == []  # not before the transaction commits
    assert mail.outbox[0].to == ["guest@example.org"]
    assert "/join/" in mail.outbox[0].body


def test_a_respondent_must_be_invited_for_an_institution(assessment, coordinator):
    with pytest.raises(AssessmentError, match="institution"):
        invitation_create(assessment=assessment, role=Participant.Role.RESPONDENT, by=coordinator)


def test_the_next_round_copies_people_and_carries_open_actions(assessment, coordinator, reviewer):
    indicators = list(assessment.framework.indicators.all())
    action_create(assessment=assessment, user=coordinator, title="Ban fees", indicators=indicators[:1])
    action_create(
        assessment=assessment,
        user=coordinator,
        title="Done already",
        indicators=indicators[:1],
        status=Action.Status.DONE,
    )
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    newer = framework_new_version(framework=assessment.framework, version="1.1")

    following = next_round_start(assessment=assessment, user=coordinator, round="2028", framework=newer)

    assert (following.previous, following.framework, following.status) == (assessment, newer, Status.DRAFT)
    assert set(following.institutions.all()) == set(assessment.institutions.all())
    assert following.participants.count() == assessment.participants.count()
    [carried] = following.actions.all()
    assert carried.title == "Ban fees" and carried.carried_from.assessment == assessment
    assert [i.framework for i in carried.indicators.all()] == [newer]


def test_the_next_round_waits_for_validation(assessment, coordinator):
    with pytest.raises(AssessmentError):
        next_round_start(assessment=assessment, user=coordinator, round="2028")


def test_an_action_owner_must_take_part(assessment, coordinator, other_assessment):
    from assessments.services import institution_add

    stranger = institution_add(assessment=other_assessment, name="Elsewhere", kind="government")
    with pytest.raises(AssessmentError, match="owner"):
        action_create(assessment=assessment, user=coordinator, title="X", indicators=[], owner=stranger)
