"""Moving an assessment through its workflow (the rules say who may make which move)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, StatusChange
from assessments.rules import TRANSITIONS, may_transition, next_statuses
from assessments.services.base import AssessmentError, Status, assessment_touch


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
