"""Assessment pages: the list, creating one, its page, editing and deleting it, institutions, people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.access import assessment_for, participant_for
from assessments.forms import (
    AssessmentForm,
    ConfirmForm,
    InstitutionForm,
    InvitationForm,
)
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.services import AssessmentError

Status = Assessment.Status


def assessment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.assessment_list_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "assessments/assessment_list.html", {"page": page})


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, "assessments.create_assessment"):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Assessment created. Add the institutions that take part, then invite people.")
            )
            return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form})


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    participant = participant_for(request, assessment)
    user = request.user
    context = {
        "assessment": assessment,
        "participant": participant,
        "next_statuses": services.assessment_next_statuses(assessment=assessment, user=user),
        "status_changes": assessment.status_changes.select_related("by") if participant else [],
        "institutions": assessment.institutions.all(),
        "actions": selectors.assessment_actions(assessment=assessment),
        "can_manage_actions": allowed(user, "assessments.manage_actions", assessment),
        "can_run_sessions": allowed(user, "assessments.run_sessions", assessment),
        "can_use_workbook": allowed(user, "assessments.use_workbook", assessment),
    }
    if allowed(user, "assessments.view_responses", assessment):
        context["participants"] = selectors.participant_progress(assessment=assessment)
        context["expected"] = assessment.framework.indicators.count()
    if allowed(user, "assessments.change_assessment", assessment):
        context["institution_form"] = InstitutionForm()
        context["invitation_form"] = InvitationForm(assessment=assessment)
        context["invitations"] = assessment.invitations.select_related(
            "accepted_by", "institution", "for_user"
        )
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(assessment=assessment, user=request.user, **form.changed_values())
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Assessment updated."))
            return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form, "assessment": assessment})


@login_required
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.delete_assessment")
    form = ConfirmForm(request.POST or None)
    n_responses = assessment.responses.count()
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_delete(assessment=assessment, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
            return redirect(assessment)
        messages.success(request, _("Assessment deleted."))
        return redirect("assessments:assessment_list")
    return render(
        request,
        "assessments/assessment_delete.html",
        {"assessment": assessment, "form": form, "n_responses": n_responses},
    )


@login_required
@require_POST
def institution_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = InstitutionForm(request.POST)
    if form.is_valid():
        try:
            institution = services.institution_add(assessment=assessment, **form.cleaned_data)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s added.") % {"name": institution.name})
    else:
        messages.error(request, _("Give the institution a name and a kind."))
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#institutions")


@login_required
@require_POST
def institution_remove(request: HttpRequest, pk: int, institution_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    institution = get_object_or_404(assessment.institutions, pk=institution_pk)
    try:
        services.institution_remove(assessment=assessment, institution=institution, user=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s removed from this assessment.") % {"name": institution.name})
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#institutions")


@login_required
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    participant = get_object_or_404(
        assessment.participants.select_related("user", "institution"), pk=participant_pk
    )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.participant_remove(participant=participant, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            if n:
                messages.success(request, _("Removed, with %(n)s answer(s).") % {"n": n})
            else:
                messages.success(request, _("Removed. The answers they gave stay."))
        return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#people")
    context = {
        "assessment": assessment,
        "participant": participant,
        "form": form,
        "n": participant.responses.count(),
        "keeps_answers": services.participant_keeps_answers(participant),
    }
    return render(request, "assessments/participant_remove.html", context)
