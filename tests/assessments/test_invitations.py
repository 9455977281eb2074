"""Invitations from sending to joining: expiry, e-mail binding, re-sending, withdrawing, and people who
join without an account (creating one) or with one made for them by an import (completing it)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Participant
from assessments.services import (
    AssessmentError,
    invitation_accept,
    invitation_create,
    invitation_renew,
    invitation_resend,
    invitation_revoke,
    participant_add,
    person_placeholder_create,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Participant.Role


def accept_url(invitation):
    return f"http://testserver{reverse('assessments:invitation_accept', args=[invitation.token])}"


@pytest.fixture
def labour(assessment):
    return assessment.institutions.get(name="Ministry of Labour")


@pytest.fixture
def invitation(assessment, coordinator, labour):
    return invitation_create(
        assessment=assessment,
        role=Role.RESPONDENT,
        by=coordinator,
        institution=labour,
        email="nina@example.org",
    )


def test_a_new_invitation_is_valid_for_the_configured_days(invitation, settings):
    remaining = invitation.expires_at - timezone.now()
    assert (
        timedelta(days=settings.INVITATION_DAYS - 1) < remaining <= timedelta(days=settings.INVITATION_DAYS)
    )
    assert invitation.state == "open"


def test_an_expired_invitation_is_refused_until_renewed(invitation, coordinator):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    nina = UserFactory(username="nina", email="nina@example.org")
    with pytest.raises(AssessmentError, match="expired"):
        invitation_accept(invitation=invitation, user=nina)
    invitation_renew(invitation=invitation, by=coordinator)
    assert invitation_accept(invitation=invitation, user=nina).role == Role.RESPONDENT


def test_a_withdrawn_invitation_is_refused(invitation, coordinator):
    invitation_revoke(invitation=invitation, by=coordinator)
    with pytest.raises(AssessmentError, match="withdrawn"):
        invitation_accept(invitation=invitation, user=UserFactory(username="nina", email="nina@example.org"))


def test_an_invitation_with_an_address_is_bound_to_it(invitation):
    with pytest.raises(AssessmentError, match=r"nina@example\.org"):
        invitation_accept(invitation=invitation, user=UserFactory(username="mallory", email="m@example.org"))
    participant = invitation_accept(
        invitation=invitation, user=UserFactory(username="nina", email="NINA@example.org")
    )
    assert participant.institution.name == "Ministry of Labour"


def test_only_the_coordinator_manages_invitations(invitation, respondent_labour):
    for change in (invitation_renew, invitation_revoke):
        with pytest.raises(AssessmentError, match="coordinator"):
            change(invitation=invitation, by=respondent_labour)


def test_sending_again_mails_the_link_with_a_new_expiry(
    invitation, coordinator, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    invitation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, by=coordinator, accept_url=accept_url)
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=10)
    assert mail.outbox[-1].to == ["nina@example.org"] and str(invitation.token) in mail.outbox[-1].body


def test_a_person_without_an_account_creates_one_and_joins(client, invitation):
    url = reverse("assessments:invitation_accept", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and "Create my account and join" in page.text
    assert 'value="nina@example.org"' in page.text  # prefilled from the invitation, fixed
    response = client.post(
        url,
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Nurse",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    nina = get_user_model().objects.get(username="nina")
    assert nina.email == "nina@example.org" and nina.check_password("a long enough passphrase")
    participant = Participant.objects.get(user=nina)
    assert (participant.role, participant.institution.name) == ("respondent", "Ministry of Labour")
    assert client.get(reverse("assessments:score", args=[invitation.assessment_id])).status_code == 200
    assert client.get(url).status_code == 410  # used


def test_a_weak_password_or_taken_user_name_is_refused_and_changes_nothing(client, invitation):
    url = reverse("assessments:invitation_accept", args=[invitation.token])
    UserFactory(username="nina")
    response = client.post(
        url, {"username": "nina", "first_name": "N", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200 and "taken" in response.text
    response = client.post(
        url, {"username": "nina2", "first_name": "N", "password1": "123", "password2": "123"}
    )
    assert "too short" in response.text
    assert not Participant.objects.filter(user__username__in=["nina", "nina2"]).exists()


def test_a_signed_in_person_joins_with_one_click(client, invitation):
    nina = UserFactory(username="nina", email="nina@example.org")
    client.force_login(nina)
    url = reverse("assessments:invitation_accept", args=[invitation.token])
    assert "Join the assessment" in client.get(url).text
    client.post(url)
    assert Participant.objects.filter(user=nina, role="respondent").exists()


def test_an_account_made_by_an_import_is_completed_through_its_invitation(
    client, assessment, coordinator, labour
):
    lucia = person_placeholder_create(username="lucia", email="lucia@example.org", first_name="Lucia")
    place = participant_add(assessment=assessment, user=lucia, role=Role.RESPONDENT, institution=labour)
    invitation = invitation_create(
        assessment=assessment, role=Role.RESPONDENT, by=coordinator, institution=labour, for_user=lucia
    )
    assert not lucia.has_usable_password()
    url = reverse("assessments:invitation_accept", args=[invitation.token])
    assert "Choose your password" in client.get(url).text
    client.post(
        url,
        {
            "username": "ignored",
            "first_name": "Lucía",
            "last_name": "Labour",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
    )
    lucia.refresh_from_db()
    assert lucia.check_password("another long passphrase") and lucia.first_name == "Lucía"
    assert lucia.username == "lucia"
    assert Participant.objects.get(pk=place.pk).user == lucia
    assert client.login(username="lucia", password="another long passphrase")


def test_a_person_with_an_account_takes_over_the_place_made_for_them(client, assessment, coordinator, labour):
    lucia_import = person_placeholder_create(username="lucia")
    place = participant_add(
        assessment=assessment, user=lucia_import, role=Role.RESPONDENT, institution=labour
    )
    invitation = invitation_create(
        assessment=assessment, role=Role.RESPONDENT, by=coordinator, institution=labour, for_user=lucia_import
    )
    lucia = UserFactory(username="lucia-real")
    client.force_login(lucia)
    client.post(reverse("assessments:invitation_accept", args=[invitation.token]))
    assert Participant.objects.get(pk=place.pk).user == lucia


def test_the_coordinator_sees_who_joined_and_can_copy_open_links(client, invitation, coordinator):
    nina = UserFactory(username="nina", email="nina@example.org", first_name="Nina", last_name="Nurse")
    other = invitation_create(
        assessment=invitation.assessment, role=Role.OBSERVER, by=coordinator, email="obs@example.org"
    )
    invitation_accept(invitation=invitation, user=nina)
    client.force_login(coordinator)
    page = client.get(reverse("assessments:assessment_detail", args=[invitation.assessment_id])).text
    assert "Nina Nurse joined on" in page
    assert f'data-copy="#link-{other.pk}"' in page and str(other.token) in page
    assert str(invitation.token) not in page  # a used link is not offered again


def test_respondents_cannot_withdraw_invitations(client, invitation, respondent_labour):
    client.force_login(respondent_labour)
    url = reverse("assessments:invitation_revoke", args=[invitation.assessment_id, invitation.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_withdrawing_asks_for_confirmation(client, invitation, coordinator):
    client.force_login(coordinator)
    url = reverse("assessments:invitation_revoke", args=[invitation.assessment_id, invitation.pk])
    assert "will stop working" in client.get(url).text
    client.post(url, {"confirm": "on"})
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
