"""Fetch an assessment for a request, or refuse: 404 to people who may not know it exists (anonymous
visitors included, so that an unpublished assessment looks exactly like a missing one; the 404 page
offers to sign in), 403 to participants whose role does not allow the action, sign-in for anonymous
visitors who ask for more than a published assessment shows."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, Participant
from assessments.rules import allowed


class SignInRequired(Exception):
    """Raised for anonymous visitors; `coherence.middleware` turns it into a redirect to the sign-in page."""


def assessment_for(request: HttpRequest, pk: int, perm: str = "assessments.view_assessment") -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("framework"), pk=pk)
    user = request.user
    if not allowed(user, "assessments.view_assessment", assessment):
        raise Http404
    if perm != "assessments.view_assessment" and not allowed(user, perm, assessment):
        if not user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied
    return assessment


def participant_for(request: HttpRequest, assessment: Assessment) -> Participant | None:
    if not request.user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("institution")
        .filter(assessment=assessment, user=request.user)
        .first()
    )
