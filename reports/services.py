"""Writes for reports: ask for a country report or summary (reusing one made from the same data), make it.

A report is made for one audience: the public's copy is built from what the public may see
(`assessments.visibility`), the participants' copy from everything. Both are kept until the data
changes (the assessment's data version is part of the fingerprint), so nothing is rendered twice.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Assessment
from reports.models import Report
from reports.pdf import render_report, render_summary

log = logging.getLogger(__name__)
# Bump when the report's template or content changes, so that old PDFs are made again.
REPORT_VERSION = 2


def report_fingerprint(
    assessment: Assessment, language: str, *, kind: str = Report.Kind.REPORT, audience: str = "participants"
) -> str:
    """A hash of what the report depends on: the assessment's data version (bumped by every write),
    its framework, and the kind, audience and language of the report."""
    version = Assessment.objects.values_list("data_version", flat=True).get(pk=assessment.pk)
    parts = [
        REPORT_VERSION,
        assessment.pk,
        version,
        assessment.framework.source_sha256,
        kind,
        audience,
        language,
    ]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def report_request(
    *,
    assessment: Assessment,
    language: str,
    user=None,
    kind: str = Report.Kind.REPORT,
    audience: str = Report.Audience.PARTICIPANTS,
    enqueue: bool = True,
) -> tuple[Report, bool]:
    """The report for the data as it is now: an existing one (ready, or being made), or a new one queued
    (`enqueue=False` leaves it for the caller to make). Returns (report, new). A failed report is
    made again."""
    from reports.tasks import generate_report

    fingerprint = report_fingerprint(assessment, language, kind=kind, audience=audience)
    key = {
        "assessment": assessment,
        "kind": kind,
        "audience": audience,
        "language": language,
        "fingerprint": fingerprint,
    }
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(**key).first()
        if report is not None and report.status != Report.Status.FAILED:
            return report, False
        if report is None:
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        **key, requested_by=user if user is not None and user.is_authenticated else None
                    )
            except IntegrityError:  # someone asked for the same report a moment ago
                return Report.objects.get(**key), False
        else:
            Report.objects.filter(pk=report.pk).update(
                status=Report.Status.QUEUED, progress=0, step="", error=""
            )
        if enqueue:
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
        if report.kind == Report.Kind.SUMMARY:
            pdf = render_summary(report.assessment, report.language, audience=report.audience)
        else:
            pdf = render_report(
                report.assessment, report.language, progress=progress, audience=report.audience
            )
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


def summary_get(*, assessment: Assessment, language: str, audience: str, user=None) -> Report:
    """The one-page summary of the data as it is now, made here and now if it is not kept yet
    (it draws no chart, so it takes a moment)."""
    report, _new = report_request(
        assessment=assessment,
        language=language,
        user=user,
        kind=Report.Kind.SUMMARY,
        audience=audience,
        enqueue=False,
    )
    if report.status != Report.Status.DONE:
        report_generate(report.pk)
        report.refresh_from_db()
    return report
