"""Trend across rounds, and two assessments side by side, through the JSON API."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Participant
from assessments.services import assessment_create, response_set
from indicators.services import framework_new_version
from tests.people import make_public, participant_of

pytestmark = pytest.mark.django_db


def answer(assessment, user, code, level):
    Assessment.objects.filter(pk=assessment.pk).update(status="collecting")
    assessment.status = "collecting"
    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code=code),
        participant=participant_of(assessment, user),
        user=user,
        answer="level",
        level_code=level,
        expected_version=0,
    )


@pytest.fixture
def two_rounds(assessment, respondent_labour, coordinator, reviewer):
    answer(assessment, respondent_labour, "RL-01", "1")
    Assessment.objects.filter(pk=assessment.pk).update(round="2024")
    make_public(assessment, official=True)
    newer = framework_new_version(framework=assessment.framework, version="2.0")
    later = assessment_create(user=coordinator, country="XA", framework=newer, round="2026")
    labour = assessment.institutions.get(name="Ministry of Labour")
    later.institutions.add(labour)
    Participant.objects.create(
        assessment=later, user=respondent_labour, role="respondent", institution=labour
    )
    answer(later, respondent_labour, "RL-01", "3")
    return assessment, later


def test_the_trend_marks_where_the_framework_version_changed(client, two_rounds, coordinator):
    client.force_login(coordinator)
    data = client.get(reverse("reports:trend_json", args=["xa"]) + "?framework=small").json()
    assert [r["round"] for r in data["rounds"]] == ["2024", "2026"]
    assert [r["version_changed"] for r in data["rounds"]] == [False, True]
    assert [r["overall"] for r in data["rounds"]] == [25.0, 75.0]
    assert data["rounds"][1]["change"] is None  # not comparable across versions


def test_the_public_trend_shows_published_rounds_only(client, two_rounds):
    data = client.get(reverse("reports:trend_json", args=["XA"]) + "?framework=small").json()
    assert [r["round"] for r in data["rounds"]] == ["2024"]


def test_two_assessments_side_by_side(client, two_rounds, coordinator):
    first, second = two_rounds
    client.force_login(coordinator)
    data = client.get(reverse("reports:compare_json") + f"?a={first.pk}&b={second.pk}").json()
    rl = next(i for i in data["indicators"] if i["code"] == "RL-01")
    assert (rl["value_a"], rl["value_b"], rl["difference"]) == (25.0, 75.0, 50.0)
    assert data["mean_absolute_difference"] == 50.0


def test_comparing_needs_access_to_both(client, two_rounds, outsider):
    first, second = two_rounds
    client.force_login(outsider)
    assert client.get(reverse("reports:compare_json") + f"?a={first.pk}&b={second.pk}").status_code == 404
    assert client.get(reverse("reports:compare_json") + "?a=x").status_code == 400


def test_assessments_of_different_frameworks_are_not_compared(client, assessment, coordinator):
    from indicators.services import framework_load
    from tests.frameworks import dump
    from tests.reports.test_results import WORKED

    other = assessment_create(
        user=coordinator, country="XA", framework=framework_load(text=dump(WORKED)).framework, round="x"
    )
    client.force_login(coordinator)
    response = client.get(reverse("reports:compare_json") + f"?a={assessment.pk}&b={other.pk}")
    assert response.status_code == 400
    assert "same framework" in response.json()["error"]
