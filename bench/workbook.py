"""Time the offline workbook of a 120-indicator framework: building it, and uploading (reading, checking,
previewing) one filled by each of 30 participants, beside the bare openpyxl read of the same file.

Uses the benchmark database (var/bench.sqlite3 or BENCH_DATABASE_URL) with its own framework
(bench-workbook-120: the shape of seed_bench's, with guidance and level descriptors) and assessment,
made on the first run. Prints a JSON summary.

    .venv/bin/python bench/workbook.py
"""

import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import setup

setup()

import openpyxl  # noqa: E402
import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from assessments import services  # noqa: E402
from assessments.models import Answer, Assessment, Participant  # noqa: E402
from assessments.services import AnswerRow, PersonRow  # noqa: E402
from assessments.workbook import layout, workbook_apply, workbook_build, workbook_preview  # noqa: E402
from indicators.models import Framework  # noqa: E402
from indicators.services import framework_load  # noqa: E402
from reports.management.commands.seed_bench import INSTITUTIONS, bench_framework_text  # noqa: E402

SLUG = "bench-workbook-120"
PEOPLE = 30
TARGETS = {"build_seconds": 1, "upload_seconds": 3}


def framework() -> Framework:
    found = Framework.objects.filter(slug=SLUG).first()
    if found is not None:
        return found
    data = yaml.safe_load(bench_framework_text(120))
    data["slug"] = SLUG
    data["title"] = {"en": "Workbook benchmark framework (synthetic)"}
    for n, indicator in enumerate(data["indicators"], 1):
        indicator["question"] = {"en": f"Synthetic question {n}: is the policy in place, and is it applied?"}
        indicator["guidance"] = {"en": "Look at the law, its regulations and how agencies apply them. " * 3}
        indicator["evidence"] = {"en": "A law, a regulation, administrative data."}
        indicator["levels"] = {
            str(i): {"en": f"Level {i} for indicator {n}: what it looks like."} for i in range(5)
        }
    return framework_load(text=yaml.safe_dump(data, sort_keys=False)).framework


def assessment(framework: Framework) -> Assessment:
    found = Assessment.objects.filter(framework=framework, round="workbook").first()
    if found is not None:
        return found
    coordinator = services.person_placeholder_create(username="bench-wb-coordinator")
    made = services.assessment_create(
        user=coordinator, country="XA", framework=framework, round="workbook", is_demo=True
    )
    institutions = [
        services.institution_add(assessment=made, name=name, kind=kind) for name, kind, _bias in INSTITUTIONS
    ]
    people = services.participants_import(
        assessment=made,
        user=coordinator,
        rows=[
            PersonRow(
                services.person_placeholder_create(username=f"bench-wb-{i}"),
                Participant.Role.RESPONDENT,
                institutions[i % len(institutions)],
            )
            for i in range(PEOPLE)
        ],
    )
    # Half the answers are already saved on the server (prefilled in the workbook).
    rng = random.Random(11)
    indicators = list(framework.indicators.all())
    rows = [
        AnswerRow(i.code, person, Answer.LEVEL, level=str(rng.randrange(5)), justification="Saved before.")
        for person in people
        for i in indicators[::2]
    ]
    services.responses_import(assessment=made, rows=rows, user=coordinator, source="benchmark data")
    services.assessment_transition(assessment=made, to=Assessment.Status.COLLECTING, user=coordinator)
    return made


def filled(raw: bytes, rng: random.Random) -> bytes:
    """The workbook as a person leaves it: every row answered, some justified, a few with a link."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    entries = [book[layout.LISTS_SHEET].cell(row=n, column=1).value for n in range(1, 8)]
    for sheet in book.worksheets:
        if sheet.title.startswith("_") or sheet is book.worksheets[0]:
            continue
        for row in range(layout.FIRST_ROW, sheet.max_row + 1):
            if not sheet.cell(row=row, column=layout.CODE).value:
                continue
            sheet.cell(row=row, column=layout.LEVEL).value = rng.choice(entries)
            sheet.cell(row=row, column=layout.APPLIED).value = "Partly implemented"
            sheet.cell(row=row, column=layout.JUSTIFICATION).value = "Decree 4/2021 and its circular. " * 4
            if rng.random() < 0.1:
                sheet.cell(row=row, column=layout.LINK).value = f"https://gazette.example/{row}"
                sheet.cell(row=row, column=layout.KIND).value = "Law"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bare_read(raw: bytes) -> None:
    """What openpyxl alone costs: open the same file and read every answer sheet's values."""
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    book.close()


def main() -> None:
    call_command("migrate", verbosity=0)
    target = assessment(framework())
    people = list(
        target.participants.filter(role=Participant.Role.RESPONDENT)
        .select_related("user", "institution")
        .order_by("pk")
    )
    first = people[0]
    workbook_build(assessment=target, participant=first)  # warm-up
    builds = [seconds(lambda: workbook_build(assessment=target, participant=first)) for _ in range(5)]

    rng = random.Random(5)
    uploads, bare, problems, size = [], [], 0, 0
    for person in people:
        raw = filled(workbook_build(assessment=target, participant=person), rng)
        size = max(size, len(raw))
        start = time.perf_counter()
        preview = workbook_preview(assessment=target, participant=person, raw=raw)
        uploads.append(time.perf_counter() - start)
        problems += len(preview.problems)
        bare.append(seconds(lambda raw=raw: bare_read(raw)))

    last = people[-1]  # `raw` is the last person's filled workbook
    with transaction.atomic():  # one confirmation, rolled back so that the next run starts the same
        applied = seconds(
            lambda: workbook_apply(assessment=target, participant=last, user=last.user, raw=raw, choices={})
        )
        transaction.set_rollback(True)

    print(
        json.dumps(
            {
                "workbook": {
                    "indicators": target.framework.indicators.count(),
                    "participants": len(people),
                    "build_seconds_median": round(statistics.median(builds), 3),
                    "upload_seconds_median": round(statistics.median(uploads), 3),
                    "upload_seconds_max": round(max(uploads), 3),
                    "bare_openpyxl_read_seconds_median": round(statistics.median(bare), 3),
                    "upload_over_bare_read": round(statistics.median(uploads) / statistics.median(bare), 1),
                    "apply_seconds_one_workbook": round(applied, 3),
                    "workbook_bytes": size,
                    "problems": problems,
                    "targets": TARGETS,
                }
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
