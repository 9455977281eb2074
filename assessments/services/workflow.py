"""Moving an assessment through its workflow (the rules say who may make which move), and what the public
may see of a published one: a site administrator lists it, and endorses a self-assessment as official.

Other apps may add checks to a move without this app knowing them: `reports` checks, before publication,
that the assessment is complete enough, and asks for a reason otherwise (a transition guard).
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, StatusChange
from assessments.rules import TRANSITIONS, allowed, may_transition, next_statuses
from assessments.services.answers import clean_text
from assessments.services.base import AssessmentError, Status, assessment_touch

# guard(assessment, to, override_reason) raises AssessmentError to refuse a move.
TransitionGuard = Callable[[Assessment, str, str], None]
_GUARDS: dict[str, TransitionGuard] = {}
# hook(assessment, change) runs after a move, in its transaction (e.g. storing a publication's figures).
TransitionHook = Callable[[Assessment, StatusChange], None]
_HOOKS: dict[str, TransitionHook] = {}


def transition_guard_register(name: str, guard: TransitionGuard) -> None:
    """Add a check made before every move (registered once per name, so reloading changes nothing)."""
    _GUARDS[name] = guard


def transition_hook_register(name: str, hook: TransitionHook) -> None:
    """Add something to do after every move (registered once per name)."""
    _HOOKS[name] = hook


def assessment_next_statuses(*, assessment: Assessment, user: AbstractBaseUser) -> list[str]:
    """The statuses this person may move the assessment to now (`assessments.rules.TRANSITIONS`)."""
    return next_statuses(user, assessment)


@transaction.atomic
def assessment_transition(
    *, assessment: Assessment, to: str, user: AbstractBaseUser, comment: str = "", override_reason: str = ""
) -> StatusChange:
    """Move the assessment. Going back needs a comment; a registered guard may refuse a move or ask for
    an `override_reason` (kept with the move and shown with the results)."""
    locked = Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    source = locked.status
    if (source, to) not in TRANSITIONS:
        raise AssessmentError(
            _("An assessment cannot go from %(from)s to %(to)s.")
            % {"from": Status(source).label, "to": Status(to).label if to in Status.values else to}
        )
    if not may_transition(user, locked, source, to):
        raise AssessmentError(_("Your role on this assessment does not allow that move."))
    comment = clean_text(comment, _("comment"))
    override_reason = clean_text(override_reason, _("reason"))
    going_back = list(Status.values).index(to) < list(Status.values).index(source)
    if going_back and not comment:
        raise AssessmentError(_("Say why you send the assessment back: the comment is required."))
    for guard in _GUARDS.values():
        guard(locked, to, override_reason)
    locked.status = to
    locked._history_user = user
    locked.save(update_fields=["status", "updated_at"])
    assessment_touch(locked)
    assessment.status = to
    change = StatusChange.objects.create(
        assessment=assessment,
        from_status=source,
        to_status=to,
        by=user,
        comment=comment,
        override_reason=override_reason,
    )
    for hook in _HOOKS.values():
        hook(locked, change)
    return change


def _require_moderator(assessment: Assessment, user: AbstractBaseUser) -> None:
    if not allowed(user, "assessments.moderate_publication", assessment):
        raise AssessmentError(_("Only a site administrator lists or endorses a published assessment."))


def _save(assessment: Assessment, user: AbstractBaseUser, reason: str, fields: list[str]) -> Assessment:
    assessment._history_user = user
    assessment._change_reason = reason
    assessment.save(update_fields=[*fields, "updated_at"])
    assessment_touch(assessment)
    return assessment


@transaction.atomic
def assessment_list_publicly(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Make a published assessment public (abuse control: nobody's publication is public unchecked)."""
    _require_moderator(assessment, user)
    assessment.listed_at, assessment.listed_by = timezone.now(), user
    return _save(assessment, user, "listed publicly", ["listed_at", "listed_by"])


@transaction.atomic
def assessment_endorse(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Endorse a published self-assessment as the country's official figure (it is then listed too)."""
    _require_moderator(assessment, user)
    if assessment.kind != Assessment.Kind.SELF:
        raise AssessmentError(
            _(
                "Only a self-assessment can be the official figure; an independent or workshop assessment is "
                "shown beside it."
            )
        )
    now = timezone.now()
    assessment.endorsed_at, assessment.endorsed_by = now, user
    if assessment.listed_at is None:
        assessment.listed_at, assessment.listed_by = now, user
    return _save(
        assessment, user, "endorsed as official", ["endorsed_at", "endorsed_by", "listed_at", "listed_by"]
    )


@transaction.atomic
def assessment_unlist(*, assessment: Assessment, user: AbstractBaseUser, reason: str) -> Assessment:
    """Take a published assessment off the public site (and its endorsement), saying why."""
    _require_moderator(assessment, user)
    reason = clean_text(reason, _("reason"))
    if not reason:
        raise AssessmentError(
            _("Say why it is taken off the public site: the reason is kept in its history.")
        )
    assessment.listed_at = assessment.listed_by = assessment.endorsed_at = assessment.endorsed_by = None
    return _save(
        assessment,
        user,
        f"unlisted: {reason}"[:100],
        ["listed_at", "listed_by", "endorsed_at", "endorsed_by"],
    )
