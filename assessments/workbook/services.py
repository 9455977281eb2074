"""Apply an uploaded workbook: every answer and evidence link through the services the web forms use
(`response_set`, `evidence_add`), in one transaction; any problem, an unresolved conflict or a change
on the server since the preview means nothing is applied."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, Participant
from assessments.rules import allowed
from assessments.services import AssessmentError, AssessmentProblems, evidence_add, response_set
from assessments.workbook.read import Status, WorkbookPreview, workbook_preview

SOURCE = "workbook"  # how the history says where these answers came from
KEEP, TAKE = "keep", "take"  # a conflict: keep the server's answer, or take the workbook's


class WorkbookOutdated(AssessmentError):
    """Something changed on the server between the preview and the confirmation: see the preview again."""

    @staticmethod
    def message() -> str:
        return _("Answers changed on the server since you saw the preview: check it again before confirming.")


class ConflictsOpen(AssessmentError):
    """Conflicts without a choice; `codes` lists their indicators."""

    def __init__(self, codes: list[str]):
        super().__init__(
            _(
                "Choose, for each conflict, whether to keep the server's answer or take the workbook's: "
                "%(codes)s."
            )
            % {"codes": ", ".join(codes)}
        )
        self.codes = codes


@dataclass(frozen=True)
class Applied:
    preview: WorkbookPreview
    answers: int
    links: int


@transaction.atomic
def workbook_apply(
    *,
    assessment: Assessment,
    participant: Participant,
    user: AbstractBaseUser,
    raw: bytes,
    choices: dict[str, str],
    fingerprint: str | None = None,
) -> Applied:
    """Apply a workbook as `participant`'s answers, given by `user` (that person). `choices` maps each
    conflict's indicator code to KEEP or TAKE. `fingerprint` is the preview the person confirmed: if
    applying would now do anything else, nothing is applied (WorkbookOutdated)."""
    if not allowed(user, "assessments.use_workbook", assessment):
        raise AssessmentError(_("Only people who may score now can upload a workbook."))
    preview = workbook_preview(assessment=assessment, participant=participant, raw=raw)
    if preview.problems:
        raise AssessmentProblems([str(problem) for problem in preview.problems])
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise WorkbookOutdated(WorkbookOutdated.message())
    open_codes = [c.code for c in preview.conflicts if choices.get(c.code) not in (KEEP, TAKE)]
    if open_codes:
        raise ConflictsOpen(open_codes)
    writes = [c for c in preview.changes if c.status in (Status.NEW, Status.CHANGED)]
    writes += [c for c in preview.conflicts if choices[c.code] == TAKE]
    for change in writes:
        # A save in between (after the preview was read) is refused as stale: the transaction rolls back.
        response_set(
            assessment=assessment,
            indicator=change.indicator,
            participant=participant,
            user=user,
            answer=change.workbook.answer,
            level_code=change.workbook.level or None,
            implementation=change.workbook.implementation,
            justification=change.workbook.justification,
            expected_version=change.current_version,
            source=SOURCE,
        )
    for link in preview.links:
        evidence_add(
            assessment=assessment,
            user=user,
            title=link.title,
            kind=link.kind,
            indicators=[link.indicator],
            url=link.url,
            source_of_change=SOURCE,
        )
    return Applied(preview, len(writes), len(preview.links))
