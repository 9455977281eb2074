"""Invitations: a link that lets a person join an assessment with a role and institution."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Institution, Invitation, Participant
from assessments.services.base import AssessmentError, require_open
from assessments.services.setup import check_role_institution, participant_add


@transaction.atomic
def invitation_create(
    *,
    assessment: Assessment,
    role: str,
    by: AbstractBaseUser,
    institution: Institution | None = None,
    email: str = "",
    accept_url=None,
) -> Invitation:
    """Make an invitation link; e-mail it when an address is given (the link works either way)."""
    require_open(assessment)
    check_role_institution(assessment, role, institution)
    invitation = Invitation.objects.create(
        assessment=assessment, role=role, institution=institution, email=email, created_by=by
    )
    if email and accept_url:
        send_mail(
            subject=_("Invitation to the assessment %(assessment)s") % {"assessment": assessment},
            message=_(
                "%(name)s invites you to take part in the assessment %(assessment)s as %(role)s.\n\n"
                "Open this link to join: %(url)s\n"
            )
            % {
                "name": by.get_full_name() or by.get_username(),
                "assessment": assessment,
                "role": invitation.get_role_display().lower(),
                "url": accept_url(invitation),
            },
            from_email=None,
            recipient_list=[email],
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Participant:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AssessmentError(_("This invitation has already been used."))
    participant = participant_add(
        assessment=invitation.assessment, user=user, role=invitation.role, institution=invitation.institution
    )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return participant
