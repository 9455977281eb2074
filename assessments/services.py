"""Writes to assessments: create and set up, invite, answer, agree a consensus, move through the workflow.

Every function checks its own invariants (scale, status, ownership, optimistic version) and raises
`AssessmentError` with a message for the user; views turn it into a message and change nothing.
"""

from dataclasses import dataclass

import filetype
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Action,
    Answer,
    Assessment,
    Consensus,
    Evidence,
    Implementation,
    Institution,
    Invitation,
    Participant,
    Response,
    StatusChange,
)
from assessments.rules import TRANSITIONS, forget_roles, may_transition, next_statuses
from indicators.models import Framework, Indicator, Level

Status = Assessment.Status
Role = Participant.Role


class AssessmentError(Exception):
    """A refused change to an assessment; the message is for the person who tried it."""


class StaleEdit(AssessmentError):
    """Someone else saved first: `current` is what they saved."""

    def __init__(self, message: str, current):
        super().__init__(message)
        self.current = current


def assessment_touch(assessment: Assessment) -> None:
    """Record that the assessment's data changed: results and reports cached under the old data version
    are no longer used. Every write service calls it inside its transaction."""
    Assessment.objects.filter(pk=assessment.pk).update(data_version=F("data_version") + 1)


def _clean_save(obj, **kwargs) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise AssessmentError("; ".join(exc.messages)) from exc
    obj.save(**kwargs)


# -- Setting up ---------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    user: AbstractBaseUser,
    country: str,
    framework: Framework,
    round: str,
    kind: str = Assessment.Kind.SELF,
    language: str = "en",
    area: str = "",
    is_demo: bool = False,
    publish_justifications: bool = False,
) -> Assessment:
    """Create an assessment in draft; its creator becomes its coordinator."""
    assessment = Assessment(
        publish_justifications=publish_justifications,
        country=country,
        area=area,
        framework=framework,
        round=round,
        kind=kind,
        language=language,
        created_by=user,
        is_demo=is_demo,
    )
    _clean_save(assessment)
    Participant.objects.create(assessment=assessment, user=user, role=Role.COORDINATOR)
    forget_roles(user)
    return assessment


EDITABLE_FIELDS = ("country", "area", "round", "kind", "language", "publish_justifications")


@transaction.atomic
def assessment_update(*, assessment: Assessment, user: AbstractBaseUser, **fields) -> Assessment:
    """Change the assessment's description (never its framework: its answers belong to it)."""
    if not user.has_perm("assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can change this assessment, before validation."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise AssessmentError(
            _("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment._history_user = user
    _clean_save(assessment, update_fields=[*fields, "updated_at"])
    assessment_touch(assessment)
    return assessment


@transaction.atomic
def assessment_delete(*, assessment: Assessment, user: AbstractBaseUser) -> None:
    """Delete an assessment that is not validated yet, with its answers, evidence files and reports."""
    if not user.has_perm("assessments.delete_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can delete this assessment, before validation."))
    files = [e.file for e in assessment.evidence.exclude(file="")]
    files += [r.file for r in assessment.reports.exclude(file="")]
    try:
        assessment.delete()
    except ProtectedError:
        raise AssessmentError(
            _("This assessment is referred to by other data and cannot be deleted.")
        ) from None
    for stored in files:
        name, storage = stored.name, stored.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


def _require_open(assessment: Assessment) -> None:
    if assessment.status in (Status.VALIDATED, Status.PUBLISHED):
        raise AssessmentError(
            _("This assessment is %(status)s: it can no longer be changed.")
            % {"status": assessment.get_status_display().lower()}
        )


@transaction.atomic
def institution_add(*, assessment: Assessment, name: str, kind: str) -> Institution:
    """Add an institution to the assessment, reusing one of the same name and kind in that country."""
    _require_open(assessment)
    name = " ".join(name.split())
    if not name:
        raise AssessmentError(_("Give the institution a name."))
    institution = Institution.objects.filter(name__iexact=name, kind=kind, country=assessment.country).first()
    if institution is None:
        institution = Institution(name=name, kind=kind, country=assessment.country)
        _clean_save(institution)
    assessment.institutions.add(institution)
    assessment_touch(assessment)
    return institution


def _check_role_institution(assessment: Assessment, role: str, institution: Institution | None) -> None:
    if role == Role.RESPONDENT and institution is None:
        raise AssessmentError(_("A respondent answers for an institution: choose one."))
    if institution is not None and not assessment.institutions.filter(pk=institution.pk).exists():
        raise AssessmentError(_("That institution does not take part in this assessment."))


@transaction.atomic
def participant_add(
    *, assessment: Assessment, user: AbstractBaseUser, role: str, institution: Institution | None = None
) -> Participant:
    _require_open(assessment)
    _check_role_institution(assessment, role, institution)
    participant, created = Participant.objects.get_or_create(
        assessment=assessment, user=user, defaults={"role": role, "institution": institution}
    )
    if not created:
        raise AssessmentError(
            _("%(name)s already takes part in this assessment as %(role)s.")
            % {"name": user.get_full_name() or user.get_username(), "role": participant.get_role_display()}
        )
    forget_roles(user)
    assessment_touch(assessment)
    return participant


@transaction.atomic
def invitation_create(
    *,
    assessment: Assessment,
    role: str,
    by: AbstractBaseUser,
    institution: Institution | None = None,
    email: str = "",
    accept_url=None,
) -> Invitation:
    """Make an invitation link; e-mail it when an address is given (the link works either way)."""
    _require_open(assessment)
    _check_role_institution(assessment, role, institution)
    invitation = Invitation.objects.create(
        assessment=assessment, role=role, institution=institution, email=email, created_by=by
    )
    if email and accept_url:
        send_mail(
            subject=_("Invitation to the assessment %(assessment)s") % {"assessment": assessment},
            message=_(
                "%(name)s invites you to take part in the assessment %(assessment)s as %(role)s.\n\n"
                "Open this link to join: %(url)s\n"
            )
            % {
                "name": by.get_full_name() or by.get_username(),
                "assessment": assessment,
                "role": invitation.get_role_display().lower(),
                "url": accept_url(invitation),
            },
            from_email=None,
            recipient_list=[email],
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Participant:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AssessmentError(_("This invitation has already been used."))
    participant = participant_add(
        assessment=invitation.assessment, user=user, role=invitation.role, institution=invitation.institution
    )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return participant


# -- Answering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerValue:
    """A validated answer: a level of the scale, or not applicable, or don't know."""

    answer: str
    level: Level | None


def answer_parse(*, framework: Framework, answer: str, level_code: str | None) -> AnswerValue:
    """Turn what a client sent into an answer on the framework's scale, refusing anything else."""
    if answer in (Answer.NOT_APPLICABLE, Answer.DONT_KNOW):
        return AnswerValue(answer, None)
    if answer != Answer.LEVEL:
        raise AssessmentError(_("Unknown answer %(answer)r.") % {"answer": answer})
    level = Level.objects.filter(scale__framework=framework, code=level_code).first()
    if level is None:
        raise AssessmentError(
            _("%(level)r is not a level of this framework's scale.") % {"level": level_code}
        )
    return AnswerValue(Answer.LEVEL, level)


def _require_indicator(assessment: Assessment, indicator: Indicator) -> None:
    if indicator.framework_id != assessment.framework_id:
        raise AssessmentError(_("That indicator is not part of this assessment's framework."))


@transaction.atomic
def response_set(
    *,
    assessment: Assessment,
    indicator: Indicator,
    participant: Participant,
    user: AbstractBaseUser,
    answer: str,
    level_code: str | None = None,
    implementation: str = "",
    justification: str = "",
    expected_version: int,
) -> Response:
    """Save a participant's answer. `expected_version` is the version the person started from (0 for none):
    if someone saved in between, the save is refused with StaleEdit carrying their answer."""
    if participant.assessment_id != assessment.pk or participant.user_id != user.pk:
        raise AssessmentError(_("You can only change your own answers."))
    if assessment.status != Status.COLLECTING:
        raise AssessmentError(_("Answers can only be changed while the assessment is collecting them."))
    participant.assessment = assessment
    if not user.has_perm("assessments.answer_as", participant):
        raise AssessmentError(_("Only respondents who answer for an institution can score."))
    _require_indicator(assessment, indicator)
    value = answer_parse(framework=assessment.framework, answer=answer, level_code=level_code)
    if implementation and implementation not in Implementation.values:
        raise AssessmentError(_("Unknown implementation state %(value)r.") % {"value": implementation})
    if value.answer != Answer.LEVEL:
        implementation = ""

    response = (
        Response.objects.select_for_update()
        .filter(assessment=assessment, indicator=indicator, participant=participant)
        .first()
    )
    current_version = response.version if response else 0
    justification = justification.strip()
    if response is not None and (
        response.answer,
        response.level,
        response.implementation,
        response.justification,
    ) == (
        value.answer,
        value.level,
        implementation,
        justification,
    ):
        return response  # nothing changed (a repeated save, or the same answer as the other person's)
    if expected_version != current_version:
        raise StaleEdit(
            _("Someone else saved this answer after you opened it. Theirs is shown; yours was not saved."),
            current=response,
        )
    if response is None:
        response = Response(assessment=assessment, indicator=indicator, participant=participant, version=0)
    response.answer = value.answer
    response.level = value.level
    response.implementation = implementation
    response.justification = justification
    response.version = current_version + 1
    response._history_user = user
    _clean_save(response)
    assessment_touch(assessment)
    return response


def consensus_refusal(user: AbstractBaseUser, assessment: Assessment) -> str:
    """Why this person cannot record a consensus now, in words they can act on."""
    if assessment.status not in (Status.COLLECTING, Status.REVIEW):
        return _("A consensus is recorded while answers are collected or in review, not once %(status)s.") % {
            "status": assessment.get_status_display().lower()
        }
    return _("Only the facilitator, the coordinator or a reviewer of this assessment records a consensus.")


@transaction.atomic
def consensus_set(
    *,
    assessment: Assessment,
    indicator: Indicator,
    user: AbstractBaseUser,
    answer: str,
    level_code: str | None = None,
    rationale: str = "",
    expected_version: int,
) -> Consensus:
    if not user.has_perm("assessments.set_consensus", assessment):
        raise AssessmentError(consensus_refusal(user, assessment))
    _require_indicator(assessment, indicator)
    value = answer_parse(framework=assessment.framework, answer=answer, level_code=level_code)
    consensus = (
        Consensus.objects.select_for_update().filter(assessment=assessment, indicator=indicator).first()
    )
    current_version = consensus.version if consensus else 0
    if expected_version != current_version:
        raise StaleEdit(_("Someone else recorded a consensus here first; it is shown."), current=consensus)
    if consensus is None:
        consensus = Consensus(assessment=assessment, indicator=indicator, version=0)
    consensus.answer = value.answer
    consensus.level = value.level
    consensus.rationale = rationale.strip()
    consensus.set_by = user
    consensus.version = current_version + 1
    consensus._history_user = user
    _clean_save(consensus)
    assessment_touch(assessment)
    return consensus


@transaction.atomic
def consensus_clear(*, assessment: Assessment, indicator: Indicator, user: AbstractBaseUser) -> None:
    if not user.has_perm("assessments.set_consensus", assessment):
        raise AssessmentError(consensus_refusal(user, assessment))
    for consensus in Consensus.objects.filter(assessment=assessment, indicator=indicator):
        consensus._history_user = user
        consensus.delete()
    assessment_touch(assessment)


# -- Workflow -----------------------------------------------------------------------------------


def assessment_next_statuses(*, assessment: Assessment, user: AbstractBaseUser) -> list[str]:
    """The statuses this person may move the assessment to now (`assessments.rules.TRANSITIONS`)."""
    return next_statuses(user, assessment)


@transaction.atomic
def assessment_transition(
    *, assessment: Assessment, to: str, user: AbstractBaseUser, comment: str = ""
) -> StatusChange:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    source = locked.status
    if (source, to) not in TRANSITIONS:
        raise AssessmentError(
            _("An assessment cannot go from %(from)s to %(to)s.")
            % {"from": Status(source).label, "to": Status(to).label if to in Status.values else to}
        )
    if not may_transition(user, locked, source, to):
        raise AssessmentError(_("Your role on this assessment does not allow that move."))
    comment = comment.strip()
    going_back = list(Status.values).index(to) < list(Status.values).index(source)
    if going_back and not comment:
        raise AssessmentError(_("Say why you send the assessment back: the comment is required."))
    locked.status = to
    locked._history_user = user
    locked.save(update_fields=["status", "updated_at"])
    assessment_touch(locked)
    assessment.status = to
    return StatusChange.objects.create(
        assessment=assessment, from_status=source, to_status=to, by=user, comment=comment
    )


# -- Actions and rounds -------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    title: str,
    indicators: list[Indicator],
    description: str = "",
    owner: Institution | None = None,
    due_date=None,
    status: str = Action.Status.OPEN,
) -> Action:
    if not user.has_perm("assessments.manage_actions", assessment):
        raise AssessmentError(_("You cannot add actions to this assessment."))
    for indicator in indicators:
        _require_indicator(assessment, indicator)
    if owner is not None and not assessment.institutions.filter(pk=owner.pk).exists():
        raise AssessmentError(_("The owner must be one of the assessment's institutions."))
    action = Action(
        assessment=assessment,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
        created_by=user,
    )
    action._history_user = user
    _clean_save(action)
    action.indicators.set(indicators)
    assessment_touch(assessment)
    return action


@transaction.atomic
def next_round_start(
    *, assessment: Assessment, user: AbstractBaseUser, round: str, framework: Framework | None = None
) -> Assessment:
    """A new assessment for the same country and area: same (or a newer) framework, same institutions and
    people, open actions carried over with their indicators mapped by code."""
    if not user.has_perm("assessments.start_next_round", assessment):
        raise AssessmentError(_("Only the coordinator can start the next round, once this one is validated."))
    framework = framework or assessment.framework
    if framework.slug != assessment.framework.slug:
        raise AssessmentError(_("The next round must use the same framework (any version)."))
    new = Assessment(
        country=assessment.country,
        area=assessment.area,
        framework=framework,
        round=round,
        kind=assessment.kind,
        language=assessment.language,
        previous=assessment,
        created_by=user,
        is_demo=assessment.is_demo,
    )
    _clean_save(new)
    new.institutions.set(assessment.institutions.all())
    Participant.objects.bulk_create(
        Participant(assessment=new, user_id=p.user_id, role=p.role, institution_id=p.institution_id)
        for p in assessment.participants.all()
    )
    if not new.participants.filter(user=user).exists():
        Participant.objects.create(assessment=new, user=user, role=Role.COORDINATOR)
    by_code = {i.code: i for i in framework.indicators.all()}
    for action in assessment.actions.filter(status__in=Action.OPEN_STATUSES).prefetch_related("indicators"):
        carried = Action.objects.create(
            assessment=new,
            title=action.title,
            description=action.description,
            owner=action.owner,
            due_date=action.due_date,
            status=action.status,
            carried_from=action,
            created_by=user,
        )
        carried.indicators.set([by_code[i.code] for i in action.indicators.all() if i.code in by_code])
    forget_roles(user)
    return new


# -- Evidence -----------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
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
) -> Evidence:
    """Add a file or a link as evidence for some indicators. A refused file leaves nothing behind."""
    if not user.has_perm("assessments.upload_evidence", assessment):
        raise AssessmentError(_("You cannot add evidence to this assessment now."))
    if bool(file) == bool(url):
        raise AssessmentError(_("Give either a file or a link, not both."))
    if not indicators:
        raise AssessmentError(_("Choose at least one indicator this evidence supports."))
    for indicator in indicators:
        _require_indicator(assessment, indicator)
    evidence = Evidence(
        assessment=assessment,
        title=title.strip(),
        kind=kind,
        source=source.strip(),
        effective_date=effective_date,
        url=url,
        added_by=user,
    )
    if file:
        if file.size > MAX_EVIDENCE_BYTES:
            raise AssessmentError(_("The file is larger than 20 MB."))
        evidence.content_type = evidence_file_type(file)
        evidence.size = file.size
        evidence.file = file
    try:
        _clean_save(evidence)
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
    _require_open(assessment)
    if not user.has_perm("assessments.delete_evidence", evidence):
        raise AssessmentError(_("Only the person who added it or the coordinator can remove this evidence."))
    stored = evidence.file.name if evidence.file else None
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    assessment_touch(assessment)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def action_update(*, action: Action, user: AbstractBaseUser, **fields) -> Action:
    if not user.has_perm("assessments.manage_actions", action.assessment):
        raise AssessmentError(_("You cannot change the actions of this assessment."))
    indicators = fields.pop("indicators", None)
    owner = fields.get("owner")
    if owner is not None and not action.assessment.institutions.filter(pk=owner.pk).exists():
        raise AssessmentError(_("The owner must be one of the assessment's institutions."))
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_user = user
    _clean_save(action)
    if indicators is not None:
        for indicator in indicators:
            _require_indicator(action.assessment, indicator)
        action.indicators.set(indicators)
    assessment_touch(action.assessment)
    return action


@transaction.atomic
def participant_remove(*, participant: Participant, user: AbstractBaseUser) -> int:
    """Remove a person from the assessment with their answers; returns how many answers went with them."""
    assessment = participant.assessment
    _require_open(assessment)
    if not user.has_perm("assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can remove people."))
    if (
        participant.role == Role.COORDINATOR
        and not assessment.participants.filter(role=Role.COORDINATOR).exclude(pk=participant.pk).exists()
    ):
        raise AssessmentError(
            _("An assessment needs a coordinator: appoint another one before removing this one.")
        )
    answers = participant.responses.count()
    participant.delete()
    forget_roles(participant.user)
    assessment_touch(assessment)
    return answers


@transaction.atomic
def institution_remove(*, assessment: Assessment, institution: Institution, user: AbstractBaseUser) -> None:
    _require_open(assessment)
    if not user.has_perm("assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can remove institutions."))
    if assessment.participants.filter(institution=institution).exists():
        raise AssessmentError(
            _("People answer for %(name)s: remove them first, or keep the institution.")
            % {"name": institution.name}
        )
    assessment.institutions.remove(institution)
    assessment_touch(assessment)
