"""The benchmark data generator makes published, answered assessments with varied answers."""

import pytest
from django.core.management import call_command

from assessments.models import Assessment, Response
from reports.comparisons import benchmark_for
from reports.management.commands.seed_bench import BENCH_SLUG
from reports.results import assessment_results

pytestmark = pytest.mark.django_db


def test_seed_bench_makes_a_small_world_the_analysis_can_read():
    call_command("seed_bench", countries=3, rounds=2, participants=8)
    call_command("seed_bench", countries=3, rounds=2, participants=8)  # a second run adds nothing
    assert Assessment.objects.filter(framework__slug=BENCH_SLUG).count() == 3 * 2 + 1
    large = Assessment.objects.get(round="large")
    assert large.participants.filter(role="respondent").count() == 60
    assert Response.objects.filter(assessment=large).count() == 60 * 120
    results = assessment_results(large)
    assert 0 < results["overall"]["score"] < 100
    assert results["coherence"]["horizontal"] is not None
    assert len(benchmark_for(framework_slug=BENCH_SLUG)["countries"]) == 4  # 3 countries + XA
