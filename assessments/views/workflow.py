"""Moving an assessment through its workflow, and starting its next round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import services
from assessments.access import assessment_for
from assessments.forms import (
    NextRoundForm,
    TransitionForm,
)
from assessments.models import Assessment
from assessments.services import AssessmentError

Status = Assessment.Status


@login_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then move the assessment to another status."""
    assessment = assessment_for(request, pk, "assessments.transition_assessment")
    allowed = services.assessment_next_statuses(assessment=assessment, user=request.user)
    form = TransitionForm(request.POST or request.GET or None)
    to = form.data.get("to")
    if to not in allowed:
        messages.error(request, _("You cannot move this assessment to that status now."))
        return redirect(assessment)
    if request.method == "GET" and to in CHECKED_MOVES and not _going_back(assessment, to):
        # Moving on to review, validation or publication: first the checklist, which shows figures.
        return redirect(reverse("results:checklist", args=[assessment.pk]) + f"?to={to}")
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_transition(
                assessment=assessment,
                to=to,
                user=request.user,
                comment=form.cleaned_data["comment"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except AssessmentError as exc:
            form.add_error("comment", str(exc))
        else:
            messages.success(request, _("The assessment is now: %(status)s.") % {"status": Status(to).label})
            return redirect(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "to": Status(to),
        "going_back": _going_back(assessment, to),
    }
    return render(request, "assessments/transition.html", context)


CHECKED_MOVES = (Status.REVIEW, Status.VALIDATED, Status.PUBLISHED)


def _going_back(assessment: Assessment, to: str) -> bool:
    return list(Status.values).index(to) < list(Status.values).index(assessment.status)


@login_required
def next_round(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.start_next_round")
    form = NextRoundForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.next_round_start(assessment=assessment, user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Round %(round)s started, with open actions carried over.") % {"round": new.round}
            )
            return redirect(new)
    return render(request, "assessments/next_round.html", {"assessment": assessment, "form": form})
