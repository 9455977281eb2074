"""The named people of the test suite, as pytest fixtures.

Later permission tests give them roles on assessments: a coordinator, a respondent from the labour
ministry, one from a trade union, a reviewer, a facilitator, an observer, an outsider who belongs to
another country's assessment, and a staff adviser. Everyone's password is factories.PASSWORD.
"""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def coordinator(db):
    return UserFactory(username="camila", first_name="Camila", last_name="Coordinator")


@pytest.fixture
def respondent_labour(db):
    return UserFactory(username="lina", first_name="Lina", last_name="Labour")


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
