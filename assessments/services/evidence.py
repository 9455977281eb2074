"""Evidence: files (checked by their content) and links, added to and removed from an assessment."""

import filetype
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.models import Assessment, Evidence
from assessments.rules import allowed
from assessments.services.answers import require_indicator
from assessments.services.base import AssessmentError, assessment_touch, require_open
from indicators.models import Indicator

# Accepted file types, recognised from the content (never from the name the browser sends).
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def evidence_file_type(upload) -> str:
    """The MIME type of an uploaded file from its first bytes, or AssessmentError if it is not accepted."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise AssessmentError(
            _(
                "This file type is not accepted. Upload a PDF, Word or ODT document, "
                "Excel or ODS sheet, or PNG or JPEG image."
            )
        )
    return kind.mime


def evidence_build(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    title: str,
    kind: str,
    indicators: list[Indicator],
    source: str = "",
    effective_date=None,
    file=None,
    url: str = "",
) -> Evidence:
    """An evidence item checked in full (a file by its content and size, a link by its scheme, the
    kind, the lengths) but not saved yet; `evidence_add` and imports save it."""
    if bool(file) == bool(url):
        raise AssessmentError(_("Give either a file or a link, not both."))
    if not indicators:
        raise AssessmentError(_("Choose at least one indicator this evidence supports."))
    for indicator in indicators:
        require_indicator(assessment, indicator)
    if not all(isinstance(v, str) for v in (title, kind, source, url)):
        raise AssessmentError(_("The title, kind, source and link must be text."))
    evidence = Evidence(
        assessment=assessment,
        title=title.strip(),
        kind=kind,
        source=source.strip(),
        effective_date=effective_date,
        url=url.strip(),
        added_by=user,
    )
    if file:
        if file.size > settings.EVIDENCE_MAX_BYTES:
            raise AssessmentError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
            )
        evidence.content_type = evidence_file_type(file)
        evidence.size = file.size
        evidence.file = file
    try:
        evidence.full_clean()
    except ValidationError as exc:
        raise AssessmentError("; ".join(exc.messages)) from exc
    return evidence


@transaction.atomic
def evidence_add(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    title: str,
    kind: str,
    indicators: list[Indicator],
    source: str = "",
    effective_date=None,
    file=None,
    url: str = "",
    source_of_change: str = "",
) -> Evidence:
    """Add a file or a link as evidence for some indicators. A refused file leaves nothing behind.
    `source_of_change` says where it came from when not the evidence form ("workbook"), for the history
    (`source` is the evidence's own source: who issued it)."""
    if not allowed(user, "assessments.upload_evidence", assessment):
        raise AssessmentError(_("You cannot add evidence to this assessment now."))
    evidence = evidence_build(
        assessment=assessment,
        user=user,
        title=title,
        kind=kind,
        indicators=indicators,
        source=source,
        effective_date=effective_date,
        file=file,
        url=url,
    )
    evidence._history_user = user
    if source_of_change:
        evidence._change_reason = source_of_change
    try:
        evidence.save()
        evidence.indicators.set(indicators)
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    assessment_touch(assessment)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user: AbstractBaseUser) -> None:
    assessment = evidence.assessment
    require_open(assessment)
    if not allowed(user, "assessments.delete_evidence", evidence):
        raise AssessmentError(_("Only the person who added it or the coordinator can remove this evidence."))
    stored = evidence.file.name if evidence.file else None
    storage = evidence.file.storage if evidence.file else None
    evidence._history_user = user
    evidence.delete()
    assessment_touch(assessment)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
