"""Writes for reports: ask for a country report (reusing one made from the same data), and make it."""

import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.bundle import bundle_data
from assessments.models import Assessment
from reports.models import Report
from reports.pdf import render_report

log = logging.getLogger(__name__)
# Bump when the report's template or content changes, so that old PDFs are made again.
REPORT_VERSION = 1


def report_fingerprint(assessment: Assessment, language: str) -> str:
    """A hash of everything the report shows: any change to answers, consensus, evidence, actions or status
    gives a new one."""
    data = bundle_data(assessment)
    data.pop("exported_at")
    for response in data["responses"]:
        response.pop("updated_at")
    data["framework_sha"] = assessment.framework.source_sha256
    data["report"] = {"version": REPORT_VERSION, "language": language}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_request(*, assessment: Assessment, language: str, user=None) -> tuple[Report, bool]:
    """The report for the data as it is now: an existing one (ready, or being made), or a new one queued.
    Returns (report, queued_now). A failed report is queued again."""
    from reports.tasks import generate_report

    fingerprint = report_fingerprint(assessment, language)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(assessment=assessment, language=language, fingerprint=fingerprint)
            .first()
        )
        if report is not None and report.status != Report.Status.FAILED:
            return report, False
        if report is None:
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        assessment=assessment,
                        language=language,
                        fingerprint=fingerprint,
                        requested_by=user if user is not None and user.is_authenticated else None,
                    )
            except IntegrityError:  # someone asked for the same report a moment ago
                return Report.objects.get(
                    assessment=assessment, language=language, fingerprint=fingerprint
                ), False
        else:
            Report.objects.filter(pk=report.pk).update(
                status=Report.Status.QUEUED, progress=0, step="", error=""
            )
        transaction.on_commit(lambda: generate_report.enqueue(report.pk))
    report.refresh_from_db()
    return report, True


def report_generate(report_id: int) -> None:
    """Render the PDF and keep it; a failure is recorded on the report, never half a file."""
    report = Report.objects.select_related("assessment__framework").get(pk=report_id)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=5, step="start")

    def progress(percent: int, step: str) -> None:
        Report.objects.filter(pk=report.pk).update(progress=percent, step=step)

    try:
        pdf = render_report(report.assessment, report.language, progress=progress)
    except Exception as exc:
        log.exception("Report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        return
    report.file.save("report.pdf", ContentFile(pdf), save=False)
    report.status = Report.Status.DONE
    report.progress = 100
    report.step = "done"
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "step", "finished_at"])
