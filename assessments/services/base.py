"""What every write service shares: its error types, the data version bump, clean saves, status checks."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from assessments.models import Assessment, Participant

Status = Assessment.Status
Role = Participant.Role


class AssessmentError(Exception):
    """A refused change to an assessment; the message is for the person who tried it."""


class StaleEdit(AssessmentError):
    """Someone else saved first: `current` is what they saved."""

    def __init__(self, message: str, current):
        super().__init__(message)
        self.current = current


class AssessmentProblems(AssessmentError):
    """A refused import of many rows: `problems` lists every one, each saying where it is."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def assessment_touch(assessment: Assessment) -> None:
    """Record that the assessment's data changed: results and reports cached under the old data version
    are no longer used. Every write service calls it inside its transaction."""
    Assessment.objects.filter(pk=assessment.pk).update(data_version=F("data_version") + 1)


def clean_save(obj, **kwargs) -> None:
    """Validate like a form would (choices, lengths, links) and save, or raise AssessmentError."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise AssessmentError("; ".join(exc.messages)) from exc
    obj.save(**kwargs)


def require_open(assessment: Assessment) -> None:
    if assessment.status in (Status.VALIDATED, Status.PUBLISHED):
        raise AssessmentError(
            _("This assessment is %(status)s: it can no longer be changed.")
            % {"status": assessment.get_status_display().lower()}
        )
