"""Invitation pages: the coordinator makes, sends again, renews and revokes links; a person accepts one,
creating or completing their account on the way if they have none."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.access import assessment_for
from assessments.forms import AccountForm, ConfirmForm, InvitationForm
from assessments.models import Invitation
from assessments.services import AssessmentError

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def inv_url(invitation: Invitation) -> str:
    return reverse("assessments:invitation_accept", args=[invitation.token])


def _absolute(request: HttpRequest):
    return lambda invitation: request.build_absolute_uri(inv_url(invitation))


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#invitations")


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = InvitationForm(request.POST, assessment=assessment)
    if form.is_valid():
        try:
            services.invitation_create(
                assessment=assessment, by=request.user, accept_url=_absolute(request), **form.cleaned_data
            )
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Invitation ready: copy its link below and send it."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _back(pk)


def _managed(request: HttpRequest, pk: int, invitation_pk: int) -> Invitation:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    return get_object_or_404(assessment.invitations.select_related("assessment"), pk=invitation_pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _managed(request, pk, invitation_pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user, accept_url=_absolute(request))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent again to %(email)s.") % {"email": invitation.email})
    return _back(pk)


@login_required
@require_POST
def invitation_renew(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _managed(request, pk, invitation_pk)
    try:
        services.invitation_renew(invitation=invitation, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The link is valid again."))
    return _back(pk)


@login_required
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _managed(request, pk, invitation_pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_revoke(invitation=invitation, by=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Invitation withdrawn: its link no longer works."))
        return _back(pk)
    context = {"assessment": invitation.assessment, "invitation": invitation, "form": form}
    return render(request, "assessments/invitation_revoke.html", context)


def invitation_accept(request: HttpRequest, token) -> HttpResponse:
    """Join with an invitation link: signed in, with one click; without an account, by creating one here
    (or completing the one made for you), with nothing else to do."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("assessment", "institution", "for_user"), token=token
    )
    refusal = services.invitation_refusal(invitation, request.user)
    context = {"invitation": invitation, "refusal": refusal}
    if refusal:
        return render(request, "assessments/invitation_accept.html", context, status=410)
    made_for = invitation.for_user
    completing = made_for is not None and not made_for.has_usable_password()
    # A workshop guest (signed in by a join code, with no password) makes a real account here instead.
    if request.user.is_authenticated and request.user.has_usable_password():
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except AssessmentError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Welcome: you now take part in this assessment."))
            return redirect(invitation.assessment)
        return render(request, "assessments/invitation_accept.html", context)
    initial = {"email": invitation.email}
    if completing:
        initial.update(
            username=made_for.username, first_name=made_for.first_name, last_name=made_for.last_name
        )
    form = AccountForm(
        request.POST or None,
        initial=initial,
        fixed_email="" if made_for else invitation.email,
        completing=completing,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept_with_account(
                invitation=invitation,
                password=data["password1"],
                username=data.get("username") or "",
                email=data.get("email") or "",
                first_name=data["first_name"],
                last_name=data.get("last_name") or "",
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(
                request, _("Welcome: your account is ready and you take part in this assessment.")
            )
            return redirect(invitation.assessment)
    context.update(form=form, completing=completing)
    return render(request, "assessments/invitation_accept.html", context)
