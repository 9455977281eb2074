"""Moderation, for site administrators: which published assessments the public sees (listing), and which
self-assessment is a country's official figure in the benchmark (endorsement)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import services
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.services import AssessmentError


class UnlistForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is taken off the public site"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _require_moderator(request: HttpRequest) -> None:
    if not allowed(request.user, "assessments.moderate"):
        raise PermissionDenied


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """Published assessments: those waiting to be listed first, then the public ones."""
    _require_moderator(request)
    published = Assessment.objects.filter(status=Assessment.Status.PUBLISHED).select_related("framework")
    waiting = published.filter(listed_at=None).order_by("updated_at")
    public = published.exclude(listed_at=None).order_by("country", "area", "-round")
    page = Paginator(public, 50).get_page(request.GET.get("page"))
    return render(request, "assessments/moderation.html", {"waiting": waiting, "page": page})


def _published(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("framework"), pk=pk, status=Assessment.Status.PUBLISHED
    )


@login_required
@require_POST
def moderation_list(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    assessment = _published(pk)
    try:
        services.assessment_list_publicly(assessment=assessment, user=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(assessment)s is public now.") % {"assessment": assessment})
    return redirect("assessments:moderation")


@login_required
@require_POST
def moderation_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    assessment = _published(pk)
    try:
        services.assessment_endorse(assessment=assessment, user=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(assessment)s is now the official figure of its country.") % {"assessment": assessment},
        )
    return redirect("assessments:moderation")


@login_required
def moderation_unlist(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a published assessment off the public site, after confirming and saying why."""
    _require_moderator(request)
    assessment = _published(pk)
    form = UnlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_unlist(
                assessment=assessment, user=request.user, reason=form.cleaned_data["reason"]
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(assessment)s is no longer public.") % {"assessment": assessment})
            return redirect("assessments:moderation")
    return render(request, "assessments/moderation_unlist.html", {"assessment": assessment, "form": form})
