"""Time the PDF country report of the large benchmark assessment (warm) and report peak memory."""

import io
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import setup

setup()

from django.core.management import call_command  # noqa: E402

from assessments.models import Assessment  # noqa: E402
from reports.management.commands.seed_bench import BENCH_SLUG  # noqa: E402
from reports.pdf import render_report  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_bench", stdout=io.StringIO())
    large = Assessment.objects.select_related("framework").get(framework__slug=BENCH_SLUG, round="large")
    render_report(large, "en")  # warm-up: starts the chart browser
    times, size = [], 0
    for _ in range(3):
        start = time.perf_counter()
        size = len(render_report(large, "en"))
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "report": {
                    "indicators": large.framework.indicators.count(),
                    "participants": large.participants.count(),
                    "seconds_warm": round(statistics.median(times), 2),
                    "pdf_bytes": size,
                    "peak_memory_mb_python_process": round(peak_mb),
                    "targets": {"seconds_warm": 5},
                }
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
