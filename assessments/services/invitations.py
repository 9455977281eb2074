"""Invitations: a link that lets a person join an assessment with a role and institution.

A link works with or without e-mail; with an address it is e-mailed (after the transaction commits,
so nobody is told about an invitation that was rolled back) and bound to that address. Links expire
after `settings.INVITATION_DAYS`, can be sent again (with a new expiry) and revoked.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Assessment, Institution, Invitation, Participant
from assessments.rules import allowed, forget_roles
from assessments.services.base import AssessmentError, assessment_touch, require_open
from assessments.services.people import person_complete, person_create
from assessments.services.setup import check_role_institution, participant_add

State = Invitation.State
AcceptUrl = Callable[[Invitation], str]


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


def _send(invitation: Invitation, by: AbstractBaseUser, accept_url: AcceptUrl) -> None:
    """E-mail the link once the transaction commits, in the assessment's language."""
    assessment = invitation.assessment
    with translation.override(assessment.language):
        subject = _("Invitation to the assessment %(assessment)s") % {"assessment": assessment}
        message = _(
            "%(name)s invites you to take part in the assessment %(assessment)s as %(role)s.\n\n"
            "Open this link to join (it is valid until %(until)s): %(url)s\n"
        ) % {
            "name": by.get_full_name() or by.get_username(),
            "assessment": assessment,
            "role": invitation.get_role_display().lower(),
            "until": invitation.expires_at.date().isoformat(),
            "url": accept_url(invitation),
        }
    recipient = invitation.email
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[recipient])
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


def _require_manager(assessment: Assessment, by: AbstractBaseUser) -> None:
    require_open(assessment)
    if not allowed(by, "assessments.change_assessment", assessment):
        raise AssessmentError(_("Only the coordinator invites people to this assessment."))


@transaction.atomic
def invitation_create(
    *,
    assessment: Assessment,
    role: str,
    by: AbstractBaseUser,
    institution: Institution | None = None,
    email: str = "",
    accept_url: AcceptUrl | None = None,
    for_user: AbstractBaseUser | None = None,
) -> Invitation:
    """Make an invitation link; e-mail it when an address is given (the link works either way)."""
    _require_manager(assessment, by)
    check_role_institution(assessment, role, institution)
    invitation = Invitation.objects.create(
        assessment=assessment,
        role=role,
        institution=institution,
        email=email.strip(),
        created_by=by,
        for_user=for_user,
        expires_at=_expiry(),
    )
    if invitation.email and accept_url:
        _send(invitation, by, accept_url)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: AbstractBaseUser, accept_url: AcceptUrl) -> Invitation:
    """Send the link again, valid for another full period."""
    _require_manager(invitation.assessment, by)
    if invitation.state in (State.JOINED, State.REVOKED):
        raise AssessmentError(
            _("This invitation was %(state)s: make a new one.") % {"state": _state(invitation)}
        )
    if not invitation.email:
        raise AssessmentError(_("This invitation has no e-mail address: copy its link and send it yourself."))
    invitation.expires_at = _expiry()
    invitation.save(update_fields=["expires_at"])
    _send(invitation, by, accept_url)
    return invitation


@transaction.atomic
def invitation_renew(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    """Give an expired (or soon expiring) link another full period, without e-mail."""
    _require_manager(invitation.assessment, by)
    if invitation.state in (State.JOINED, State.REVOKED):
        raise AssessmentError(
            _("This invitation was %(state)s: make a new one.") % {"state": _state(invitation)}
        )
    invitation.expires_at = _expiry()
    invitation.save(update_fields=["expires_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    _require_manager(invitation.assessment, by)
    if invitation.state == State.JOINED:
        raise AssessmentError(_("This person has already joined: remove them from the people instead."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _state(invitation: Invitation) -> str:
    return invitation.get_state_display().lower()


def invitation_refusal(invitation: Invitation, user: AbstractBaseUser | None = None) -> str | None:
    """Why this link cannot be used (by this person), or None when it can."""
    state = invitation.state
    if state == State.JOINED:
        return _("This invitation has already been used.")
    if state == State.REVOKED:
        return _("This invitation was withdrawn. Ask the coordinator for a new one.")
    if state == State.EXPIRED:
        return _("This invitation has expired. Ask the coordinator to send it again.")
    if invitation.assessment.status not in (
        Assessment.Status.DRAFT,
        Assessment.Status.COLLECTING,
        Assessment.Status.REVIEW,
    ):
        return _("This assessment no longer takes new people.")
    bound = invitation.for_user_id is None and invitation.email
    if (
        bound
        and user is not None
        and user.is_authenticated
        and not _same_address(user.email, invitation.email)
    ):
        return _(
            "This invitation was sent to %(email)s. Sign in with the account that uses that address, "
            "or ask the coordinator to invite this account."
        ) % {"email": invitation.email}
    return None


def _same_address(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Participant:
    """Join the assessment with the invited role and institution.

    An invitation made for an account created on someone's behalf (a bundle import) brings that
    account's place (and its answers) into the signed-in person's own account, unless it is that account.
    """
    invitation = Invitation.objects.select_for_update().select_related("assessment").get(pk=invitation.pk)
    refusal = invitation_refusal(invitation, user)
    if refusal:
        raise AssessmentError(refusal)
    assessment = invitation.assessment
    if invitation.for_user_id is not None:
        participant = _take_over(invitation, user)
    else:
        participant = participant_add(
            assessment=assessment, user=user, role=invitation.role, institution=invitation.institution
        )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return participant


def _take_over(invitation: Invitation, user: AbstractBaseUser) -> Participant:
    assessment = invitation.assessment
    placeholder = Participant.objects.filter(assessment=assessment, user_id=invitation.for_user_id).first()
    if placeholder is None:
        raise AssessmentError(_("The place this invitation was made for no longer exists."))
    if user.pk == invitation.for_user_id:
        return placeholder
    if Participant.objects.filter(assessment=assessment, user=user).exists():
        raise AssessmentError(
            _("Your account already takes part in this assessment; the place made for you stays as it is.")
        )
    placeholder.user = user
    placeholder.save(update_fields=["user"])
    forget_roles(user)
    assessment_touch(assessment)
    return placeholder


@transaction.atomic
def invitation_accept_with_account(
    *,
    invitation: Invitation,
    password: str,
    username: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> AbstractBaseUser:
    """Someone without an account (or with one made for them, without a password) accepts: the account is
    created or completed, and they join, in one step. Returns the account, for signing in."""
    invitation = Invitation.objects.select_related("for_user").get(pk=invitation.pk)
    refusal = invitation_refusal(invitation)
    if refusal:
        raise AssessmentError(refusal)
    made_for = invitation.for_user
    if made_for is not None and not made_for.has_usable_password():
        user = person_complete(user=made_for, password=password, first_name=first_name, last_name=last_name)
    else:
        user = person_create(
            username=username,
            email=invitation.email or email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    invitation_accept(invitation=invitation, user=user)
    return user
