"""Assessments written by hand through the services, for tests that work figures out by hand."""

from assessments.models import Assessment, Participant
from assessments.services import (
    assessment_create,
    assessment_transition,
    consensus_set,
    institution_add,
    participant_add,
    response_set,
)
from reports.results import assessment_results
from tests.factories import UserFactory

Role = Participant.Role


class Hand:
    """An assessment written by hand through the services, collecting answers."""

    def __init__(self, framework, coordinator, country="XA", round_="2026", kind="self"):
        self.a = assessment_create(
            user=coordinator, country=country, framework=framework, round=round_, kind=kind
        )
        self.framework = framework
        self.coordinator = coordinator
        self.people = {}

    def institution(self, name, kind="government"):
        return institution_add(assessment=self.a, name=name, kind=kind)

    def person(self, username, institution=None, role=Role.RESPONDENT):
        user = UserFactory(username=username)
        self.people[username] = (
            user,
            participant_add(assessment=self.a, user=user, role=role, institution=institution),
        )
        return user

    def open(self):
        assessment_transition(assessment=self.a, to="collecting", user=self.coordinator)
        return self

    def answer(self, username, code, level=None, kind="level", implementation="", justification=""):
        user, participant = self.people[username]
        current = self.a.responses.filter(participant=participant, indicator__code=code).first()
        return response_set(
            assessment=self.a,
            indicator=self.framework.indicators.get(code=code),
            participant=participant,
            user=user,
            answer=kind,
            level_code=level,
            implementation=implementation,
            justification=justification,
            expected_version=current.version if current else 0,
        )

    def consensus(self, code, level=None, kind="level"):
        return consensus_set(
            assessment=self.a,
            indicator=self.framework.indicators.get(code=code),
            user=self.coordinator,
            answer=kind,
            level_code=level,
            expected_version=0,
        )

    def results(self):
        return assessment_results(Assessment.objects.get(pk=self.a.pk))
