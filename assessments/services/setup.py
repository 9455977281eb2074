"""Setting up an assessment: create, describe, delete it; its institutions and people."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Institution, Participant
from assessments.rules import allowed, forget_roles
from assessments.services.base import AssessmentError, Role, assessment_touch, clean_save, require_open
from indicators.models import Framework


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
    previous: Assessment | None = None,
    author_organisation: str = "",
) -> Assessment:
    """Create an assessment in draft; its creator becomes its coordinator. `previous` is the earlier round
    of the same country on the same framework, when there is one."""
    if previous is not None and (previous.country != country or previous.framework.slug != framework.slug):
        raise AssessmentError(_("The previous round must be of the same country and framework."))
    assessment = Assessment(
        previous=previous,
        author_organisation=author_organisation.strip(),
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
    clean_save(assessment)
    Participant.objects.create(assessment=assessment, user=user, role=Role.COORDINATOR)
    forget_roles(user)
    return assessment


EDITABLE_FIELDS = (
    "country",
    "area",
    "round",
    "kind",
    "author_organisation",
    "language",
    "publish_justifications",
)


@transaction.atomic
def assessment_update(*, assessment: Assessment, user: AbstractBaseUser, **fields) -> Assessment:
    """Change the assessment's description (never its framework: its answers belong to it)."""
    if not allowed(user, "assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can change this assessment, before validation."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise AssessmentError(
            _("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment._history_user = user
    clean_save(assessment, update_fields=[*fields, "updated_at"])
    assessment_touch(assessment)
    return assessment


@transaction.atomic
def assessment_delete(*, assessment: Assessment, user: AbstractBaseUser) -> None:
    """Delete an assessment that is not validated yet, with its answers, evidence files and reports."""
    if not allowed(user, "assessments.delete_assessment", assessment):
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


@transaction.atomic
def institution_add(*, assessment: Assessment, name: str, kind: str) -> Institution:
    """Add an institution to the assessment, reusing one of the same name and kind in that country."""
    require_open(assessment)
    name = " ".join(name.split())
    if not name:
        raise AssessmentError(_("Give the institution a name."))
    institution = Institution.objects.filter(name__iexact=name, kind=kind, country=assessment.country).first()
    if institution is None:
        institution = Institution(name=name, kind=kind, country=assessment.country)
        clean_save(institution)
    assessment.institutions.add(institution)
    assessment_touch(assessment)
    return institution


def check_role_institution(assessment: Assessment, role: str, institution: Institution | None) -> None:
    if role == Role.RESPONDENT and institution is None:
        raise AssessmentError(_("A respondent answers for an institution: choose one."))
    if institution is not None and not assessment.institutions.filter(pk=institution.pk).exists():
        raise AssessmentError(_("That institution does not take part in this assessment."))


@transaction.atomic
def participant_add(
    *, assessment: Assessment, user: AbstractBaseUser, role: str, institution: Institution | None = None
) -> Participant:
    require_open(assessment)
    check_role_institution(assessment, role, institution)
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


def participant_keeps_answers(participant: Participant) -> bool:
    """Whether removing this person must keep their answers: a workshop guest's, or answers given in a
    session (the room heard them), are never deleted with a person."""
    return participant.guest or participant.responses.filter(session__isnull=False).exists()


@transaction.atomic
def participant_remove(*, participant: Participant, user: AbstractBaseUser) -> int:
    """Remove a person from the assessment. Their answers go with them, unless they were given in a
    workshop session: then the person loses every right and is left out of completeness, and their
    answers stay, with their history. Returns how many answers were deleted."""
    assessment = participant.assessment
    require_open(assessment)
    if not allowed(user, "assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can remove people."))
    if (
        participant.role == Role.COORDINATOR
        and not assessment.participants.filter(role=Role.COORDINATOR, removed_at__isnull=True)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise AssessmentError(
            _("An assessment needs a coordinator: appoint another one before removing this one.")
        )
    if participant_keeps_answers(participant):
        participant.removed_at = timezone.now()
        participant.removed_by = user
        participant.save(update_fields=["removed_at", "removed_by"])
        deleted = 0
    else:
        deleted = participant.responses.count()
        participant.delete()
    forget_roles(participant.user)
    assessment_touch(assessment)
    return deleted


@transaction.atomic
def institution_remove(*, assessment: Assessment, institution: Institution, user: AbstractBaseUser) -> None:
    require_open(assessment)
    if not allowed(user, "assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator can remove institutions."))
    if assessment.participants.filter(institution=institution).exists():
        raise AssessmentError(
            _("People answer for %(name)s: remove them first, or keep the institution.")
            % {"name": institution.name}
        )
    assessment.institutions.remove(institution)
    assessment_touch(assessment)
