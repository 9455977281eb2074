"""Evidence (files served through a permission check, links) and recommended actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments import services
from assessments.access import assessment_for
from assessments.forms import (
    ActionForm,
    ConfirmForm,
    EvidenceForm,
)
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.services import AssessmentError

Status = Assessment.Status


def _indicator_initial(request: HttpRequest, assessment: Assessment) -> dict:
    code = request.GET.get("indicator")
    indicator = assessment.framework.indicators.filter(code=code).first() if code else None
    return {"indicators": [indicator]} if indicator else {}


def _back_to(assessment: Assessment, indicators) -> str:
    indicators = list(indicators)
    if len(indicators) == 1:
        return reverse("assessments:indicator_detail", args=[assessment.pk, indicators[0].code])
    return assessment.get_absolute_url()


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.upload_evidence")
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        assessment=assessment,
        initial=_indicator_initial(request, assessment),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(assessment=assessment, user=request.user, **data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Evidence added."))
            return redirect(_back_to(assessment, data["indicators"]))
    return render(request, "assessments/evidence_form.html", {"assessment": assessment, "form": form})


def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve an evidence file to people allowed to see the assessment, never from the web root."""
    assessment = assessment_for(request, pk)
    evidence = get_object_or_404(assessment.evidence.exclude(file=""), pk=evidence_pk)
    extension = services.EVIDENCE_TYPES.get(evidence.content_type, "bin")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(evidence.title)[:80] or 'evidence'}.{extension}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.upload_evidence")
    evidence = get_object_or_404(assessment.evidence, pk=evidence_pk)
    if not allowed(request.user, "assessments.delete_evidence", evidence):
        raise PermissionDenied(_("Only the person who added it or the coordinator can remove this evidence."))
    indicators = list(evidence.indicators.all())
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_delete(evidence=evidence, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Evidence removed."))
        return redirect(_back_to(assessment, indicators))
    return render(
        request,
        "assessments/evidence_delete.html",
        {"assessment": assessment, "evidence": evidence, "form": form},
    )


@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.manage_actions")
    form = ActionForm(
        request.POST or None, assessment=assessment, initial=_indicator_initial(request, assessment)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(assessment=assessment, user=request.user, **data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Action added."))
            return redirect(_back_to(assessment, data["indicators"]))
    return render(request, "assessments/action_form.html", {"assessment": assessment, "form": form})


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.manage_actions")
    action = get_object_or_404(assessment.actions, pk=action_pk)
    form = ActionForm(request.POST or None, assessment=assessment, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Action updated."))
            return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#actions")
    return render(
        request, "assessments/action_form.html", {"assessment": assessment, "form": form, "action": action}
    )
