"""Moving to framework 1.1: the next round of a 1.0 assessment opens on 1.1 with its open actions
following their indicators through the continuity map, last round's answers to unchanged questions
offered as reminders (never saved), and the public trend, comparison and benchmark across versions."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment
from assessments.selectors import previous_round_hints
from assessments.services import action_create, next_round_start
from indicators.services import framework_load
from reports.comparisons import benchmark_for, trend_for
from tests.hands import Hand

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"


@pytest.fixture
def versions(db):
    return [
        framework_load(text=(SHIPPED / f"ilo-labour-migration-governance-{v}.yaml").read_text()).framework
        for v in ("1.0", "1.1")
    ]


@pytest.fixture
def validated_on_10(versions, coordinator):
    hand = Hand(versions[0], coordinator, round_="2024")
    labour = hand.institution("Ministry of Labour")
    hand.person("lina10", labour)
    hand.open()
    hand.answer("lina10", "PD-01", "3")  # the same question in 1.1
    hand.answer("lina10", "PD-02", "1")  # revised in 1.1: no reminder
    hand.consensus("PD-07", "2")  # the same question, settled by consensus
    action_create(
        assessment=hand.a,
        user=coordinator,
        title="Ratify and apply",
        indicators=list(versions[0].indicators.filter(code__in=["CC-01", "ES-12"])),
    )
    Assessment.objects.filter(pk=hand.a.pk).update(status="validated")
    hand.a.refresh_from_db()
    return hand


def test_the_next_round_opens_on_11_and_open_actions_follow_the_continuity_map(
    validated_on_10, versions, coordinator
):
    new = next_round_start(
        assessment=validated_on_10.a, user=coordinator, round="2026", framework=versions[1]
    )
    assert new.framework == versions[1] and new.previous == validated_on_10.a
    action = new.actions.get()
    assert sorted(action.indicators.values_list("code", flat=True)) == [
        "CC-01",
        "CC-21",
        "CC-22",
        "CC-23",
        "RR-02",
    ]


def test_unchanged_questions_show_last_rounds_answer_as_a_reminder_never_saved(
    client, validated_on_10, versions, coordinator
):
    new = next_round_start(
        assessment=validated_on_10.a, user=coordinator, round="2026", framework=versions[1]
    )
    participant = new.participants.get(user__username="lina10")
    hints = previous_round_hints(assessment=new, participant=participant)
    assert set(hints) == {"PD-01", "PD-07"}  # PD-02 was revised: its answer would mislead
    assert hints["PD-07"].agreed and not hints["PD-01"].agreed
    Assessment.objects.filter(pk=new.pk).update(status="collecting")
    client.force_login(participant.user)
    page = client.get(reverse("assessments:score", args=[new.pk])).text
    assert "In round 2024 (framework version 1.0) you answered" in page
    assert "In round 2024 (framework version 1.0) the agreed answer was" in page
    assert not new.responses.exists()


@pytest.fixture
def demo(db):
    call_command("load_framework", "--shipped", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_the_demo_trend_crosses_versions_comparing_criteria_and_only_unchanged_indicators(client, demo):
    from django.contrib.auth.models import AnonymousUser

    data = trend_for(user=AnonymousUser(), country="XB", framework_slug="ilo-labour-migration-governance")
    assert [(r["round"], r["framework_version"]) for r in data["rounds"]] == [
        ("2024", "1.0"),
        ("2025", "1.1"),
    ]
    assert data["rounds"][1]["version_changed"] and data["rounds"][1]["change"] is None
    page = client.get(reverse("country", args=["XB"]))
    assert 'id="figure-trend"' in page.text
    rounds = list(Assessment.objects.filter(country="XB", status="published").order_by("round"))
    compare = client.get(reverse("results:compare") + f"?a={rounds[0].pk}&b={rounds[1].pk}")
    assert compare.status_code == 200 and "different versions of the framework" in compare.text
    shown = {row["code"] for row in compare.context["indicators"]}
    assert "PD-01" in shown and "PD-02" not in shown  # same question vs revised one


def test_the_benchmark_never_mixes_versions(demo):
    default = benchmark_for(framework_slug="ilo-labour-migration-governance")
    assert default["framework_version"] == "1.0"  # the version most official figures use
    assert {c["name"] for c in default["countries"]} == {"Demoland", "Samplestan", "Exemplia"}
    newer = benchmark_for(framework_slug="ilo-labour-migration-governance", version="1.1")
    assert [c["name"] for c in newer["countries"]] == ["Samplestan"]
    assert newer["countries"][0]["round"] == "2025"
