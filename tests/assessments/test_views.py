"""Assessment pages do what their people need: create, set up, invite, score, agree, move on."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment, Invitation, Participant, Response
from assessments.services import assessment_list_publicly, assessment_transition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = Assessment.Status
HTMX = {"HX-Request": "true"}


def save(client, assessment, code="RL-01", **data):
    data = {"answer": "level:2", "version": 0, "justification": "", **data}
    return client.post(reverse("assessments:response_save", args=[assessment.pk, code]), data, headers=HTMX)


def test_a_person_creates_an_assessment_and_coordinates_it(client, outsider, small_framework):
    client.force_login(outsider)
    response = client.post(
        reverse("assessments:assessment_create"),
        {
            "country": "XC",
            "area": "Port City",
            "framework": small_framework.pk,
            "round": "2026",
            "kind": "workshop",
            "language": "fr",
        },
    )
    assessment = Assessment.objects.get(country="XC")
    assert response["Location"] == assessment.get_absolute_url()
    assert assessment.participants.get().role == Participant.Role.COORDINATOR
    assert (assessment.area, assessment.language, assessment.status) == ("Port City", "fr", Status.DRAFT)


def test_a_bad_assessment_form_says_what_is_wrong_and_creates_nothing(client, outsider, small_framework):
    client.force_login(outsider)
    response = client.post(
        reverse("assessments:assessment_create"), {"country": "ZZ", "framework": small_framework.pk}
    )
    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert "round" in response.context["form"].errors
    assert not Assessment.objects.filter(created_by=outsider).exists()


def test_the_coordinator_adds_an_institution_and_invites_a_respondent(client, assessment, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("assessments:institution_add", args=[assessment.pk]),
        {"name": " Statistics  Office ", "kind": "government"},
    )
    stats = assessment.institutions.get(name="Statistics Office")
    client.post(
        reverse("assessments:invitation_create", args=[assessment.pk]),
        {"role": "respondent", "institution": stats.pk},
    )
    invitation = Invitation.objects.get()
    page = client.get(assessment.get_absolute_url()).text
    assert str(invitation.token) in page

    newcomer = UserFactory(username="sofia")
    client.force_login(newcomer)
    url = reverse("assessments:invitation_accept", args=[invitation.token])
    assert "Join the assessment" in client.get(url).text
    client.post(url)
    assert assessment.participants.get(user=newcomer).institution == stats


def test_an_invitation_for_a_respondent_without_institution_is_refused_with_a_message(
    client, assessment, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("assessments:invitation_create", args=[assessment.pk]), {"role": "respondent"}, follow=True
    )
    assert "answers for an institution" in response.text
    assert not Invitation.objects.exists()


def test_the_scoring_page_groups_by_criterion_or_by_stage(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    page = client.get(reverse("assessments:score", args=[assessment.pk])).context["page"]
    assert [g.category.code for g in page.groups] == ["RL", "SD"]
    # The small framework has no life-cycle dimension: grouping by stage falls back to the primary one.
    page = client.get(reverse("assessments:score", args=[assessment.pk]) + "?by=stage").context["page"]
    assert [g.category.code for g in page.groups] == ["RL", "SD"]


def test_people_without_an_institution_have_no_scoring_page(client, assessment, observer):
    client.force_login(observer)
    assert client.get(reverse("assessments:score", args=[assessment.pk])).status_code == 403


def test_saving_an_answer_returns_its_status_the_new_version_and_progress(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    response = save(client, assessment, justification="Decree 4/2021", implementation="partly")
    assert response.status_code == 200
    assert "Saved at" in response.text
    assert 'id="version-RL-01" value="1" hx-swap-oob="true"' in response.text
    assert 'id="progress-overall" class="mb-3" hx-swap-oob="true"' in response.text
    saved = Response.objects.get()
    assert (saved.level.code, saved.implementation, saved.justification) == ("2", "partly", "Decree 4/2021")


def test_leaving_and_coming_back_shows_the_saved_answers(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    save(client, assessment, justification="Decree 4/2021")
    page = client.get(reverse("assessments:score", args=[assessment.pk])).text
    assert 'id="a-RL-01-2" value="level:2" checked' in page
    assert "Decree 4/2021</textarea>" in page
    assert "1 of 2 answered" in page


def test_a_stale_save_is_refused_with_the_other_answer_shown(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    save(client, assessment, answer="level:1")
    save(client, assessment, answer="level:3", version=1, justification="Newer")  # another tab
    response = save(client, assessment, answer="level:4", version=1)
    assert response.status_code == 409
    assert "Someone else saved this answer" in response.text
    assert "Newer" in response.text
    assert Response.objects.get().level.code == "3"


def test_a_level_outside_the_scale_is_refused_whatever_the_client_sends(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    response = save(client, assessment, answer="level:9")
    assert response.status_code == 422
    assert not Response.objects.exists()


def test_without_javascript_a_save_returns_to_the_card(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    url = reverse("assessments:response_save", args=[assessment.pk, "SD-01"])
    response = client.post(url, {"answer": "na", "version": 0})
    assert response.status_code == 302
    assert response["Location"].endswith("#card-SD-01")


def test_the_scoring_page_uses_a_bounded_number_of_queries(
    client, assessment, respondent_labour, django_assert_max_num_queries
):
    client.force_login(respondent_labour)
    save(client, assessment)
    with django_assert_max_num_queries(16):
        client.get(reverse("assessments:score", args=[assessment.pk]))


def test_the_detail_page_uses_a_bounded_number_of_queries(
    client, assessment, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(18):
        client.get(assessment.get_absolute_url())


def test_participants_see_who_answered_what_and_the_history(client, assessment, respondent_labour, reviewer):
    client.force_login(respondent_labour)
    save(client, assessment, answer="level:1", justification="Only a draft bill")
    save(client, assessment, answer="level:2", version=1, justification="Bill adopted")
    client.force_login(reviewer)
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"])).text
    assert "Lina Labour" in page and "Bill adopted" in page
    assert "1 →" in page  # the history shows the old and the new level


def test_the_public_sees_a_published_indicator_without_names_or_answers(
    client, assessment, respondent_labour, coordinator, reviewer
):
    client.force_login(respondent_labour)
    save(client, assessment, justification="Only a draft bill")
    publish(assessment, coordinator, reviewer)
    client.logout()
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"])).text
    assert "Lina" not in page and "draft bill" not in page


def test_a_reviewer_records_a_consensus_from_the_indicator_page(client, assessment, reviewer):
    client.force_login(reviewer)
    url = reverse("assessments:consensus_save", args=[assessment.pk, "SD-01"])
    client.post(url, {"answer": "level:3", "rationale": "Agreed in the workshop", "version": 0})
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "SD-01"])).text
    assert "Agreed in the workshop" in page
    assert assessment.consensus.get().level.code == "3"


def test_sending_back_needs_a_comment_and_shows_it(client, assessment, coordinator, reviewer):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    client.force_login(reviewer)
    url = reverse("assessments:transition", args=[assessment.pk])
    response = client.post(url, {"to": "collecting", "comment": ""})
    assert response.status_code == 200 and "comment is required" in response.text
    client.post(url, {"to": "collecting", "comment": "RL-01 lacks evidence"})
    assessment.refresh_from_db()
    assert assessment.status == Status.COLLECTING
    assert "RL-01 lacks evidence" in client.get(assessment.get_absolute_url()).text


def test_publishing_asks_for_confirmation_first(client, assessment, coordinator, reviewer):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    client.force_login(coordinator)
    response = client.get(
        reverse("assessments:transition", args=[assessment.pk]) + "?to=published", follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("results:checklist", args=[assessment.pk]))
    assert "Publishing makes the consensus and the aggregate figures public" in response.text
    assessment.refresh_from_db()
    assert assessment.status == Status.VALIDATED


def test_deleting_asks_for_confirmation_then_deletes(client, assessment, coordinator, respondent_labour):
    client.force_login(respondent_labour)
    save(client, assessment)
    client.force_login(coordinator)
    url = reverse("assessments:assessment_delete", args=[assessment.pk])
    assert "1 answer" in client.get(url).text
    client.post(url, {})  # no confirmation ticked
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    client.post(url, {"confirm": "on"})
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


def test_the_next_round_starts_from_a_validated_assessment(client, assessment, coordinator, reviewer):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    client.force_login(coordinator)
    response = client.post(
        reverse("assessments:next_round", args=[assessment.pk]),
        {"round": "2028", "framework": assessment.framework.pk},
    )
    new = Assessment.objects.get(round="2028")
    assert response["Location"] == new.get_absolute_url()
    assert new.previous == assessment


def publish(assessment, coordinator, reviewer):
    """Walk to publication (few answers here: a reason is given) and have a site administrator list it."""
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    assessment_transition(
        assessment=assessment,
        to=Status.PUBLISHED,
        user=coordinator,
        override_reason="A pilot with two institutions.",
    )
    assessment_list_publicly(assessment=assessment, user=UserFactory(username="root", is_superuser=True))


def test_published_justifications_show_without_names_when_the_coordinator_chose_so(
    client, assessment, respondent_labour, coordinator, reviewer
):
    client.force_login(respondent_labour)
    save(client, assessment, justification="Decree 4/2021 is applied")
    Assessment.objects.filter(pk=assessment.pk).update(publish_justifications=True)
    assessment.refresh_from_db()
    publish(assessment, coordinator, reviewer)
    client.logout()
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"])).text
    assert "Decree 4/2021 is applied" in page
    assert "Lina" not in page


def test_removing_a_person_asks_first_and_takes_their_answers(
    client, assessment, coordinator, respondent_labour
):
    client.force_login(respondent_labour)
    save(client, assessment)
    participant = assessment.participants.get(user=respondent_labour)
    client.force_login(coordinator)
    url = reverse("assessments:participant_remove", args=[assessment.pk, participant.pk])
    assert "Their 1 answer is deleted with them" in client.get(url).text
    client.post(url, {"confirm": "on"})
    assert not assessment.participants.filter(pk=participant.pk).exists()
    assert not Response.objects.exists()


def test_the_last_coordinator_cannot_be_removed(client, assessment, coordinator):
    client.force_login(coordinator)
    participant = assessment.participants.get(user=coordinator)
    response = client.post(
        reverse("assessments:participant_remove", args=[assessment.pk, participant.pk]),
        {"confirm": "on"},
        follow=True,
    )
    assert "needs a coordinator" in response.text
    assert assessment.participants.filter(pk=participant.pk).exists()


def test_an_institution_people_answer_for_cannot_be_removed(client, assessment, coordinator):
    client.force_login(coordinator)
    labour = assessment.institutions.get(name="Ministry of Labour")
    response = client.post(
        reverse("assessments:institution_remove", args=[assessment.pk, labour.pk]), follow=True
    )
    assert "remove them first" in response.text
    assert assessment.institutions.filter(pk=labour.pk).exists()


def test_nobody_removes_people_once_validated(client, assessment, coordinator, reviewer, respondent_labour):
    assessment_transition(assessment=assessment, to=Status.REVIEW, user=coordinator)
    assessment_transition(assessment=assessment, to=Status.VALIDATED, user=reviewer)
    client.force_login(coordinator)
    participant = assessment.participants.get(user=respondent_labour)
    url = reverse("assessments:participant_remove", args=[assessment.pk, participant.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert assessment.participants.filter(pk=participant.pk).exists()


def test_the_list_page_uses_a_bounded_number_of_queries(
    client, assessment, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(6):
        client.get(reverse("assessments:assessment_list"))


def test_only_people_who_answer_load_a_scoring_card(client, assessment, outsider, observer, respondent_union):
    url = reverse("assessments:score_card", args=[assessment.pk, "RL-01"])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(observer)  # a participant who gives no answer has no card to reload
    assert client.get(url).status_code == 403
    client.force_login(respondent_union)
    assert client.get(url).status_code == 200


def test_the_scoring_page_shows_one_group_at_a_time_when_asked(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    url = reverse("assessments:score", args=[assessment.pk])
    page = client.get(url + "?group=SD")
    assert [g.category.code for g in page.context["shown_groups"]] == ["SD"]
    assert page.context["previous_group"].category.code == "RL" and page.context["next_group"] is None
    # the button is named after the group it leads to, and the overall progress is on the page
    assert re.search(r'rel="prev"[^>]*>.*Previous.*Rule of law</a>', page.text, re.S)
    assert 'id="progress-overall"' in page.text
    assert 'id="card-RL-01"' not in page.text and 'id="card-SD-01"' in page.text
    assert len(client.get(url + "?group=nope").context["shown_groups"]) == 2


def test_the_scoring_page_is_sent_compressed_to_a_browser_that_accepts_it(
    client, assessment, respondent_labour
):
    import gzip

    client.force_login(respondent_labour)
    url = reverse("assessments:score", args=[assessment.pk])
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    html = gzip.decompress(packed.content).decode()
    assert 'id="card-RL-01"' in html and len(packed.content) < len(plain.content)
