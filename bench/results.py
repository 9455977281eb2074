"""Time the results of one large assessment and the benchmark across countries; print a JSON summary."""

import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.models import Assessment, Response  # noqa: E402
from reports.comparisons import benchmark_for  # noqa: E402
from reports.management.commands.seed_bench import BENCH_SLUG  # noqa: E402
from reports.results import assessment_results  # noqa: E402
from reports.selectors import responses_frame  # noqa: E402


def timed(function, repeat: int) -> tuple[float, object]:
    """Median milliseconds of `repeat` warm runs (after one warm-up run)."""
    result = function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_bench", stdout=io.StringIO())
    large = Assessment.objects.select_related("framework").get(framework__slug=BENCH_SLUG, round="large")

    def results():
        return assessment_results(Assessment.objects.select_related("framework").get(pk=large.pk))

    def bare_fetch():
        return responses_frame(Response.objects.filter(assessment=large))

    results_ms, data = timed(results, 15)
    fetch_ms, frame = timed(bare_fetch, 15)
    connection.queries_log.clear()  # seeding may have filled the log; the count below must start empty
    with CaptureQueriesContext(connection) as queries:
        results()
    benchmark_ms, bench = timed(lambda: benchmark_for(framework_slug=BENCH_SLUG), 5)
    client = Client(HTTP_HOST="localhost")
    client.force_login(large.participants.first().user)
    dashboard_url = reverse("results:dashboard", args=[large.pk])
    dashboard_ms, page = timed(lambda: client.get(dashboard_url), 10)
    assert page.status_code == 200, page.status_code
    summary = {
        "assessment": {
            "indicators": len(data["indicators"]),
            "participants": large.participants.count(),
            "responses": len(frame),
            "results_ms": round(results_ms, 1),
            "queries": len(queries),
            "bare_fetch_ms": round(fetch_ms, 1),
            "ratio_to_bare_fetch": round(results_ms / fetch_ms, 2),
            "targets": {"results_ms": 150, "queries": 8, "ratio_to_bare_fetch": 2},
        },
        "dashboard": {
            "server_ms": round(dashboard_ms, 1),
            "targets": {"server_ms": 300},
        },
        "benchmark": {
            "countries": len(bench["countries"]),
            "benchmark_ms": round(benchmark_ms, 1),
            "targets": {"benchmark_ms": 500},
        },
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
