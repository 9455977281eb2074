"""The named people of the test suite, and the assessment they work on, as pytest fixtures.

`assessment` is Demoland's self-assessment on the small framework, collecting answers, with:
Camila the coordinator; Lina, respondent for the Ministry of Labour; Lucas, her colleague there;
Umar, respondent for the trade union; Rosa the reviewer; Farid the facilitator; Omar the observer.
Otto is an outsider: coordinator of Samplestan's assessment, nothing in Demoland's.
Ada is staff (an adviser who may upload frameworks). Everyone's password is factories.PASSWORD.
"""

import pytest

from assessments.models import Assessment, Institution, Participant
from assessments.services import assessment_create, institution_add, participant_add
from indicators.services import framework_load
from tests.factories import UserFactory
from tests.frameworks import dump, small_framework_data

Role = Participant.Role


@pytest.fixture
def coordinator(db):
    return UserFactory(username="camila", first_name="Camila", last_name="Coordinator")


@pytest.fixture
def respondent_labour(db):
    return UserFactory(username="lina", first_name="Lina", last_name="Labour")


@pytest.fixture
def colleague_labour(db):
    return UserFactory(username="lucas", first_name="Lucas", last_name="Labour")


@pytest.fixture
def respondent_union(db):
    return UserFactory(username="umar", first_name="Umar", last_name="Union")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rosa", first_name="Rosa", last_name="Reviewer")


@pytest.fixture
def facilitator(db):
    return UserFactory(username="farid", first_name="Farid", last_name="Facilitator")


@pytest.fixture
def observer(db):
    return UserFactory(username="omar", first_name="Omar", last_name="Observer")


@pytest.fixture
def outsider(db):
    return UserFactory(username="otto", first_name="Otto", last_name="Outsider")


@pytest.fixture
def adviser(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Adviser", is_staff=True)


@pytest.fixture
def small_framework(db):
    return framework_load(text=dump(small_framework_data())).framework


@pytest.fixture
def assessment(
    small_framework,
    coordinator,
    respondent_labour,
    colleague_labour,
    respondent_union,
    reviewer,
    facilitator,
    observer,
) -> Assessment:
    assessment = assessment_create(user=coordinator, country="XA", framework=small_framework, round="2026")
    labour = institution_add(
        assessment=assessment, name="Ministry of Labour", kind=Institution.Kind.GOVERNMENT
    )
    union = institution_add(
        assessment=assessment, name="Trade Union Confederation", kind=Institution.Kind.WORKERS
    )
    participant_add(assessment=assessment, user=respondent_labour, role=Role.RESPONDENT, institution=labour)
    participant_add(assessment=assessment, user=colleague_labour, role=Role.RESPONDENT, institution=labour)
    participant_add(assessment=assessment, user=respondent_union, role=Role.RESPONDENT, institution=union)
    participant_add(assessment=assessment, user=reviewer, role=Role.REVIEWER)
    participant_add(assessment=assessment, user=facilitator, role=Role.FACILITATOR)
    participant_add(assessment=assessment, user=observer, role=Role.OBSERVER)
    assessment.status = Assessment.Status.COLLECTING
    assessment.save(update_fields=["status"])
    return assessment


@pytest.fixture
def other_assessment(small_framework, outsider) -> Assessment:
    """Samplestan's assessment, coordinated by the outsider."""
    return assessment_create(user=outsider, country="XB", framework=small_framework, round="2026")


def participant_of(assessment: Assessment, user) -> Participant:
    return assessment.participants.get(user=user)


def make_public(assessment: Assessment, *, official: bool = False) -> Assessment:
    """Set an assessment up as published and listed (and endorsed as official if asked), for tests of
    what the public sees; the services that do it for real are tested on their own."""
    from django.utils import timezone

    now = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.PUBLISHED, listed_at=now, endorsed_at=now if official else None
    )
    assessment.refresh_from_db()
    return assessment
