"""Writing many rows at once (bundles, the demo data, benchmark data), with exactly the checks the single
services make: each answer, consensus and evidence item is checked as `response_set`, `consensus_set`
and `evidence_add` check one, and any problem writes nothing and lists every problem with its place.

Importing into an assessment is a coordinator's write: the person must be allowed to change it
(coordinator, before validation). Only a site administrator restores a status other than draft.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments.models import (
    Assessment,
    Consensus,
    Evidence,
    Institution,
    Participant,
    Response,
    StatusChange,
)
from assessments.rules import Role, allowed, answers_for_their_institution, forget_roles
from assessments.services.answers import answer_codes, answer_value, clean_implementation, clean_text
from assessments.services.base import AssessmentError, AssessmentProblems, Status, assessment_touch
from assessments.services.evidence import evidence_build

BATCH = 1000


@dataclass(frozen=True)
class AnswerRow:
    """One answer to import; `where` says where it came from, for messages (e.g. "responses[12]")."""

    indicator: str
    participant: Participant
    answer: str
    level: str | None = None
    implementation: str = ""
    justification: str = ""
    where: str = ""


@dataclass(frozen=True)
class ConsensusRow:
    indicator: str
    answer: str
    level: str | None = None
    rationale: str = ""
    set_by: AbstractBaseUser | None = None
    where: str = ""


@dataclass(frozen=True)
class EvidenceItem:
    title: str
    kind: str
    indicators: list[str]
    source: str = ""
    effective_date: date | None = None
    url: str = ""
    file_name: str = ""
    file_content: bytes | None = None
    where: str = ""


@dataclass(frozen=True)
class StatusStep:
    from_status: str
    to_status: str
    by: AbstractBaseUser | None = None
    at: datetime | None = None
    comment: str = ""


@dataclass
class _Collector:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def raise_if_any(self) -> None:
        if self.problems:
            raise AssessmentProblems(self.problems)


def _require_importer(assessment: Assessment, user: AbstractBaseUser) -> None:
    if not allowed(user, "assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator imports into this assessment, before validation."))


@dataclass(frozen=True)
class PersonRow:
    user: AbstractBaseUser
    role: str
    institution: Institution | None = None
    where: str = ""


@transaction.atomic
def participants_import(
    *, assessment: Assessment, rows: Iterable[PersonRow], user: AbstractBaseUser
) -> list[Participant]:
    """Add many people at once, each checked as `participant_add` checks one."""
    _require_importer(assessment, user)
    taking_part = set(assessment.participants.values_list("user_id", flat=True))
    allowed = set(assessment.institutions.values_list("pk", flat=True))
    check, built = _Collector(), []
    for row in rows:
        if row.role not in Role.values:
            check.add(row.where, _("unknown role %(value)r") % {"value": row.role})
        elif row.role == Role.RESPONDENT and row.institution is None:
            check.add(row.where, _("A respondent answers for an institution: choose one."))
        elif row.institution is not None and row.institution.pk not in allowed:
            check.add(row.where, _("That institution does not take part in this assessment."))
        elif row.user.pk in taking_part:
            check.add(row.where, _("%(name)s already takes part in this assessment.") % {"name": row.user})
        else:
            taking_part.add(row.user.pk)
            built.append(
                Participant(assessment=assessment, user=row.user, role=row.role, institution=row.institution)
            )
    check.raise_if_any()
    created = Participant.objects.bulk_create(built)
    for participant in created:
        forget_roles(participant.user)
    assessment_touch(assessment)
    return created


@transaction.atomic
def responses_import(
    *, assessment: Assessment, rows: Iterable[AnswerRow], user: AbstractBaseUser, source: str = "import"
) -> list[Response]:
    """Write many answers of the assessment's participants; nothing is written if any row is refused."""
    _require_importer(assessment, user)
    codes = answer_codes(assessment.framework)
    existing = set(
        Response.objects.filter(assessment=assessment).values_list("participant_id", "indicator__code")
    )
    check, built, seen = _Collector(), [], set()
    for row in rows:
        try:
            participant = row.participant
            if participant.assessment_id != assessment.pk:
                raise AssessmentError(_("that person does not take part in this assessment"))
            if not answers_for_their_institution(None, participant):
                raise AssessmentError(_("only people who answer for an institution give answers"))
            indicator = codes.indicators.get(row.indicator) if isinstance(row.indicator, str) else None
            if indicator is None:
                raise AssessmentError(_("unknown indicator %(code)r") % {"code": row.indicator})
            key = (participant.pk, indicator.code)
            if key in seen or key in existing:
                raise AssessmentError(
                    _("a second answer by the same person to %(code)s") % {"code": indicator.code}
                )
            seen.add(key)
            value = answer_value(row.answer, row.level, codes.levels)
            built.append(
                Response(
                    assessment=assessment,
                    indicator=indicator,
                    participant=participant,
                    answer=value.answer,
                    level=value.level,
                    implementation=clean_implementation(row.implementation, value.answer),
                    justification=clean_text(row.justification, _("justification")),
                    version=1,
                )
            )
        except AssessmentError as exc:
            check.add(row.where, str(exc))
    check.raise_if_any()
    created = bulk_create_with_history(
        built, Response, batch_size=BATCH, default_user=user, default_change_reason=source
    )
    assessment_touch(assessment)
    return created


@transaction.atomic
def consensus_import(
    *, assessment: Assessment, rows: Iterable[ConsensusRow], user: AbstractBaseUser, source: str = "import"
) -> list[Consensus]:
    """Write the agreed answers of many indicators; nothing is written if any row is refused."""
    _require_importer(assessment, user)
    codes = answer_codes(assessment.framework)
    existing = set(Consensus.objects.filter(assessment=assessment).values_list("indicator__code", flat=True))
    check, built, seen = _Collector(), [], set()
    for row in rows:
        try:
            indicator = codes.indicators.get(row.indicator) if isinstance(row.indicator, str) else None
            if indicator is None:
                raise AssessmentError(_("unknown indicator %(code)r") % {"code": row.indicator})
            if indicator.code in seen or indicator.code in existing:
                raise AssessmentError(_("a second consensus on %(code)s") % {"code": indicator.code})
            seen.add(indicator.code)
            value = answer_value(row.answer, row.level, codes.levels)
            built.append(
                Consensus(
                    assessment=assessment,
                    indicator=indicator,
                    answer=value.answer,
                    level=value.level,
                    rationale=clean_text(row.rationale, _("rationale")),
                    set_by=row.set_by,
                    version=1,
                )
            )
        except AssessmentError as exc:
            check.add(row.where, str(exc))
    check.raise_if_any()
    created = bulk_create_with_history(
        built, Consensus, batch_size=BATCH, default_user=user, default_change_reason=source
    )
    assessment_touch(assessment)
    return created


@transaction.atomic
def evidence_import(
    *, assessment: Assessment, items: Iterable[EvidenceItem], user: AbstractBaseUser, written: list
) -> list[Evidence]:
    """Add many evidence items (files checked by their content, links by their scheme). Stored files are
    appended to `written`, so that the caller can remove them if its transaction is rolled back."""
    _require_importer(assessment, user)
    codes = answer_codes(assessment.framework)
    check, built = _Collector(), []
    for item in items:
        try:
            indicators = []
            for code in item.indicators:
                if not isinstance(code, str) or code not in codes.indicators:
                    raise AssessmentError(_("unknown indicator %(code)r") % {"code": code})
                indicators.append(codes.indicators[code])
            upload = None
            if item.file_content is not None:
                if len(item.file_content) > settings.EVIDENCE_MAX_BYTES:
                    raise AssessmentError(
                        _("the file is larger than %(size)s")
                        % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
                    )
                upload = ContentFile(item.file_content, name=item.file_name or "evidence")
            evidence = evidence_build(
                assessment=assessment,
                user=user,
                title=item.title,
                kind=item.kind,
                indicators=indicators,
                source=item.source,
                effective_date=item.effective_date,
                file=upload,
                url=item.url,
            )
            built.append((evidence, indicators))
        except AssessmentError as exc:
            check.add(item.where, str(exc))
    check.raise_if_any()
    saved = []
    for evidence, indicators in built:
        if evidence.file:
            written.append(evidence.file)
        evidence.save()
        evidence.indicators.set(indicators)
        saved.append(evidence)
    assessment_touch(assessment)
    return saved


@transaction.atomic
def assessment_status_restore(
    *, assessment: Assessment, status: str, steps: Iterable[StatusStep], user: AbstractBaseUser
) -> Assessment:
    """Give an imported assessment the status it had where it came from, with that history. Only a site
    administrator may: it skips the workflow's checks (publication, validation) that made it so."""
    if not allowed(user, "assessments.restore_status"):
        raise AssessmentError(_("Only a site administrator restores the status of an imported assessment."))
    check, steps = _Collector(), list(steps)
    if status not in Status.values:
        check.add("assessment.status", _("unknown status %(value)r") % {"value": status})
    rows = []
    for n, step in enumerate(steps):
        if step.from_status not in Status.values or step.to_status not in Status.values:
            check.add(f"status_changes[{n}]", _("unknown status"))
            continue
        rows.append(
            StatusChange(
                assessment=assessment,
                from_status=step.from_status,
                to_status=step.to_status,
                by=step.by,
                comment=clean_text(step.comment, _("comment")),
            )
        )
    check.raise_if_any()
    for row, step in zip(StatusChange.objects.bulk_create(rows), steps, strict=False):
        if step.at is not None:
            StatusChange.objects.filter(pk=row.pk).update(at=step.at)
    StatusChange.objects.create(
        assessment=assessment,
        from_status=Status.DRAFT,
        to_status=status,
        by=user,
        comment=_("Status restored from an imported bundle by a site administrator."),
    )
    assessment.status = status
    assessment._history_user = user
    assessment._change_reason = "restored from bundle"
    assessment.save(update_fields=["status", "updated_at"])
    assessment_touch(assessment)
    return assessment


__all__ = [
    "AnswerRow",
    "ConsensusRow",
    "EvidenceItem",
    "PersonRow",
    "StatusStep",
    "assessment_status_restore",
    "consensus_import",
    "evidence_import",
    "participants_import",
    "responses_import",
]
