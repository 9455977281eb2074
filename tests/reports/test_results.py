"""Results from the database: the worked example of DESIGN.md end to end, the command and the API."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, Participant
from assessments.services import (
    assessment_create,
    consensus_set,
    evidence_add,
    institution_add,
    participant_add,
    response_set,
)
from indicators.services import framework_load
from tests.factories import UserFactory
from tests.frameworks import dump
from tests.people import make_public

pytestmark = pytest.mark.django_db


def text(en):
    return {"en": en}


WORKED = {
    "format": 1,
    "slug": "worked-example",
    "version": "1",
    "languages": ["en"],
    "title": text("Worked example"),
    "aggregation": "flat",
    "scale": {
        "code": "levels",
        "label": text("Levels"),
        "levels": [
            {"code": str(i), "value": v, "label": text(f"L{i}")} for i, v in enumerate([0, 25, 50, 75, 100])
        ],
    },
    "bands": [
        {"code": "low", "lower": 0, "upper": 50, "label": text("Low")},
        {"code": "high", "lower": 50, "upper": 100, "label": text("High")},
    ],
    "dimensions": [
        {
            "code": "criterion",
            "role": "criteria",
            "primary": True,
            "required": True,
            "label": text("Criterion"),
            "categories": [{"code": "RL", "label": text("RL")}, {"code": "PC", "label": text("PC")}],
        },
        {
            "code": "stage",
            "role": "lifecycle",
            "required": True,
            "label": text("Stage"),
            "categories": [
                {"code": "PD", "label": text("Pre-departure")},
                {"code": "RR", "label": text("Return")},
                {"code": "CC", "label": text("Cross-cutting"), "cross_cutting": True},
            ],
        },
        {
            "code": "element",
            "role": "coherence_elements",
            "label": text("Element"),
            "categories": [{"code": "E1", "label": text("E1")}],
        },
    ],
    "indicators": [
        {
            "code": "A",
            "categories": {"criterion": "RL", "stage": "PD", "element": "E1"},
            "question": text("A?"),
        },
        {"code": "B", "weight": 2, "categories": {"criterion": "PC", "stage": "RR"}, "question": text("B?")},
        {"code": "C", "categories": {"criterion": "PC", "stage": "CC"}, "question": text("C?")},
    ],
}


@pytest.fixture
def worked():
    framework = framework_load(text=dump(WORKED)).framework
    coordinator = UserFactory(username="coord")
    assessment = assessment_create(user=coordinator, country="XA", framework=framework, round="1")
    labour = institution_add(assessment=assessment, name="Labour", kind="government")
    union = institution_add(assessment=assessment, name="Union", kind="workers")
    people = {}
    for username, institution in (("l1", labour), ("l2", labour), ("u1", union)):
        user = UserFactory(username=username)
        people[username] = (
            user,
            participant_add(
                assessment=assessment, user=user, role=Participant.Role.RESPONDENT, institution=institution
            ),
        )
    reviewer = UserFactory(username="rev")
    participant_add(assessment=assessment, user=reviewer, role=Participant.Role.REVIEWER)
    Assessment.objects.filter(pk=assessment.pk).update(status="collecting")
    assessment.refresh_from_db()
    indicators = {i.code: i for i in framework.indicators.all()}

    def answer(who, code, level=None, kind="level"):
        user, participant = people[who]
        response_set(
            assessment=assessment,
            indicator=indicators[code],
            participant=participant,
            user=user,
            answer=kind,
            level_code=level,
            expected_version=0,
        )

    answer("l1", "A", "3")  # 75
    answer("l2", "A", "1")  # 25
    answer("u1", "A", "0")  # 0
    answer("l1", "B", "4")  # 100
    answer("u1", "B", kind="na")
    answer("u1", "C", "2")  # 50
    consensus_set(
        assessment=assessment,
        indicator=indicators["C"],
        user=reviewer,
        answer="level",
        level_code="3",
        expected_version=0,
    )
    evidence_add(
        assessment=assessment,
        user=coordinator,
        title="Law",
        kind="law",
        indicators=[indicators["B"]],
        url="https://example.org/law",
    )
    return assessment


def results_of(assessment, *args):
    out = StringIO()
    call_command("assessment_results", str(assessment.pk), *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_worked_example_of_the_design_end_to_end(worked):
    results = results_of(worked)
    values = {i["code"]: (i["value"], i["source"]) for i in results["indicators"]}
    assert values == {"A": (25.0, "median"), "B": (100.0, "median"), "C": (75.0, "consensus")}
    a = next(i for i in results["indicators"] if i["code"] == "A")
    assert a["institution_values"] == {"Labour": 50.0, "Union": 0.0}
    assert (a["spread"], a["agreement"], a["disagreement"]) == (50.0, 0.5, True)
    assert results["overall"]["score"] == pytest.approx(75)
    criteria = {c["code"]: c["score"] for c in results["dimensions"]["criterion"]}
    assert criteria == {"RL": pytest.approx(25), "PC": pytest.approx(275 / 3)}
    coherence = results["coherence"]
    assert coherence["horizontal"] == pytest.approx(50)
    assert coherence["lifecycle"] == pytest.approx(25)
    assert coherence["criteria_balance"] == pytest.approx(100 - (275 / 3 - 25))
    assert coherence["elements"] == pytest.approx(25)
    assert coherence["index"] == pytest.approx((50 + 25 + (100 - (275 / 3 - 25)) + 25) / 4)
    assert coherence["parts_used"] == ["horizontal", "lifecycle", "criteria_balance", "elements"]
    assert results["evidence_coverage"] == pytest.approx(0.5)
    assert [g["code"] for g in results["priority_gaps"]] == ["A", "C", "B"]
    assert results["overall"]["band"] == "high"


def test_completeness_counts_na_as_answered(worked):
    results = results_of(worked)
    # 6 answers (one N/A) of 3 respondents x 3 indicators.
    assert results["overall"]["completeness"] == pytest.approx(6 / 9)
    institutions = {i["name"]: i for i in results["institutions"]}
    assert institutions["Labour"]["completeness"] == pytest.approx(3 / 6)
    assert institutions["Union"]["completeness"] == pytest.approx(3 / 3)


def test_the_api_gives_participants_the_same_json_as_the_command(client, worked):
    client.force_login(worked.participants.get(role="reviewer").user)
    response = client.get(reverse("reports:results_json", args=[worked.pk]))
    assert response.status_code == 200
    assert response.json() == results_of(worked)


def test_the_api_answers_404_to_outsiders_and_anonymous_visitors_before_publication(client, worked):
    url = reverse("reports:results_json", args=[worked.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="stranger"))
    assert client.get(url).status_code == 404


def test_the_public_sees_published_results_without_institution_values(client, worked):
    make_public(worked)
    data = client.get(reverse("reports:results_json", args=[worked.pk])).json()
    assert data["assessment"]["visibility"] == "public"
    assert data["overall"]["score"] == pytest.approx(75)
    assert all(i["institution_values"] == {} for i in data["indicators"])
    assert all(set(i) == {"name", "kind"} for i in data["institutions"])  # no figure beside a name


def test_an_assessment_without_answers_has_null_scores_and_zero_completeness(small_framework, coordinator):
    assessment = assessment_create(user=coordinator, country="XA", framework=small_framework, round="1")
    results = results_of(assessment)
    assert results["overall"] == {
        "score": None,
        "band": None,
        "completeness": 0.0,
        "n_indicators": 0,
        "n_total": 2,
        "weight_share": 0.0,
        "insufficient": True,
        "min_completeness": 0.5,
    }
    assert results["coherence"]["index"] is None
    assert results["coherence"]["parts_used"] == []


def test_results_use_a_fixed_number_of_queries(worked, django_assert_max_num_queries):
    from reports.results import assessment_results

    assessment_results(worked)  # the framework's structure is now cached
    with django_assert_max_num_queries(6):
        assessment_results(Assessment.objects.select_related("framework").get(pk=worked.pk))


def test_evidence_files_count_like_links(worked):
    coordinator = worked.participants.get(role="coordinator").user
    evidence_add(
        assessment=worked,
        user=coordinator,
        title="Decree",
        kind="regulation",
        indicators=[worked.framework.indicators.get(code="C")],
        file=SimpleUploadedFile("d.pdf", b"%PDF-1.4\n"),
    )
    assert results_of(worked)["evidence_coverage"] == pytest.approx(1.0)


def test_editing_an_indicator_weight_refreshes_cached_results(worked):
    assert results_of(worked)["overall"]["score"] == pytest.approx(75)
    b = worked.framework.indicators.get(code="B")
    b.weight = 1
    b.save()
    assert results_of(worked)["overall"]["score"] == pytest.approx((25 + 100 + 75) / 3)


def test_the_criterion_by_stage_matrix_holds_the_cell_scores(worked):
    matrix = results_of(worked)["matrix"]
    assert (matrix["rows"], matrix["columns"]) == ("criterion", "stage")
    assert matrix["row_codes"] == ["RL", "PC"] and matrix["column_codes"] == ["PD", "RR", "CC"]
    assert matrix["scores"] == [[25.0, None, None], [None, 100.0, 75.0]]
