"""Workshop sessions: the facilitator opens a session, the room joins by code without accounts, phones
answer the current indicator, the facilitator moves on and records the consensus; the rules hold."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import (
    JOIN_CODE_ALPHABET,
    Assessment,
    Consensus,
    Participant,
    Response,
    WorkshopSession,
)
from assessments.room import is_loopback_host, room_base_url
from assessments.services import AssessmentError
from reports import analysis
from reports.selectors import assessment_frames
from tests.people import participant_of

pytestmark = pytest.mark.django_db


def open_session(assessment, by, codes=("RL-01", "SD-01"), title="Morning") -> WorkshopSession:
    return services.session_open(assessment=assessment, user=by, title=title, codes=list(codes))


def join_as_guest(session: WorkshopSession, name: str, institution) -> Client:
    """A phone: a fresh browser that joins by the session's code, with no account."""
    phone = Client()
    url = reverse("room:join_session", args=[session.code])
    answer = phone.post(url, {"institution": institution.pk, "name": name})
    assert answer.status_code == 302 and answer.url == reverse("room:phone", args=[session.pk])
    return phone


def phone_answers(phone: Client, session: WorkshopSession, level: str, comment: str = ""):
    session.refresh_from_db()
    return phone.post(
        reverse("room:phone_answer", args=[session.pk]),
        {
            "item": session.current_id,
            "answer": f"level:{level}" if level.isdigit() else level,
            "comment": comment,
        },
        HTTP_HX_REQUEST="true",
    )


def institution(assessment, name):
    return assessment.institutions.get(name=name)


# -- Opening and running a session ---------------------------------------------------------------------


def test_the_facilitator_opens_a_session_with_a_readable_code_on_the_first_indicator(assessment, facilitator):
    session = open_session(assessment, facilitator)
    assert len(session.code) == 6 and set(session.code) <= set(JOIN_CODE_ALPHABET)
    assert not set(session.code) & set("0O1IL2Z5S8BUV")
    assert [i.indicator.code for i in session.items.order_by("position")] == ["RL-01", "SD-01"]
    assert session.current.indicator.code == "RL-01"


def test_a_session_on_a_criterion_takes_its_indicators_in_framework_order(client, assessment, facilitator):
    client.force_login(facilitator)
    choices = dict(services.session_choices(assessment))
    criterion = next(key for key, label in choices.items() if "SD" in label and key.startswith("category:"))
    page = client.post(reverse("assessments:session_list", args=[assessment.pk]), {"source": criterion})
    session = assessment.sessions.get()
    assert page.status_code == 302 and page.url == session.get_absolute_url()
    assert [i.indicator.code for i in session.items.all()] == ["SD-01"]


@pytest.mark.parametrize("who", ["respondent_labour", "reviewer", "observer"])
def test_only_the_facilitator_or_coordinator_runs_sessions(client, assessment, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(AssessmentError, match="facilitator or the coordinator"):
        open_session(assessment, user)
    client.force_login(user)
    page = client.get(reverse("assessments:session_list", args=[assessment.pk]))
    assert page.status_code == 200 and b"Open the session" not in page.content
    assert "facilitator or the coordinator" in page.content.decode()
    refused = client.post(
        reverse("assessments:session_list", args=[assessment.pk]), {"source": "pick", "codes": "RL-01"}
    )
    assert refused.status_code == 403 and not assessment.sessions.exists()


def test_sessions_run_only_while_answers_are_collected_or_in_review(assessment, facilitator):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.DRAFT)
    assessment.refresh_from_db()
    with pytest.raises(AssessmentError, match="while answers are collected or in review"):
        open_session(assessment, facilitator)


def test_an_unknown_indicator_is_refused_and_nothing_is_opened(assessment, facilitator):
    with pytest.raises(AssessmentError, match="XX-99"):
        open_session(assessment, facilitator, codes=["RL-01", "XX-99"])
    assert not WorkshopSession.objects.exists()


def test_the_list_can_be_reordered_and_changed_without_deleting_answers(assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    phone_answers(phone, session, "2")
    services.session_items_set(session=session, user=facilitator, codes=["SD-01"])
    assert [i.indicator.code for i in session.items.all()] == ["SD-01"]
    session.refresh_from_db()
    assert session.current.indicator.code == "SD-01"
    assert Response.objects.filter(indicator__code="RL-01", session=session).count() == 1
    services.session_items_set(session=session, user=facilitator, codes=["RL-01", "SD-01"])
    services.session_items_set(session=session, user=facilitator, codes=["SD-01", "RL-01"])
    assert [i.indicator.code for i in session.items.order_by("position")] == ["SD-01", "RL-01"]


# -- Joining ------------------------------------------------------------------------------------------


def test_a_guest_joins_by_code_with_a_name_and_an_institution_and_sees_the_current_indicator(
    assessment, facilitator
):
    session = open_session(assessment, facilitator)
    code = session.code.lower()  # people type codes any way they like
    phone = Client()
    typed = phone.get(reverse("room:join"), {"code": f" {code[:3]}-{code[3:]} "})
    assert typed.status_code == 302 and typed.url == reverse("room:join_session", args=[session.code])
    form = phone.get(typed.url)
    assert b"Trade Union Confederation" in form.content and b"Your name" in form.content
    phone = join_as_guest(session, "Ana Gómez", institution(assessment, "Trade Union Confederation"))
    guest = Participant.objects.get(guest=True)
    assert guest.user.first_name == "Ana Gómez" and not guest.user.has_usable_password()
    assert guest.role == Participant.Role.RESPONDENT and guest.institution.name == "Trade Union Confederation"
    page = phone.get(reverse("room:phone", args=[session.pk]))
    assert page.status_code == 200
    assert "RL-01" in page.content.decode() and "Indicator 1 of 2" in page.content.decode()


def test_joining_needs_a_name_and_one_of_the_assessments_institutions(
    assessment, facilitator, other_assessment
):
    session = open_session(assessment, facilitator)
    stranger = services.institution_add(assessment=other_assessment, name="Elsewhere", kind="other")
    url = reverse("room:join_session", args=[session.code])
    for data in (
        {"institution": institution(assessment, "Ministry of Labour").pk},
        {"institution": stranger.pk, "name": "X"},
    ):
        page = Client().post(url, data)
        assert page.status_code == 200
    assert not Participant.objects.filter(guest=True).exists()


def test_an_unknown_or_closed_code_says_so(assessment, facilitator):
    session = open_session(assessment, facilitator)
    services.session_close(session=session, user=facilitator)
    page = Client().get(reverse("room:join_session", args=[session.code]))
    assert page.status_code == 404 and "No open session has this code" in page.content.decode()


def test_a_signed_in_respondent_joins_with_their_own_place(
    client, assessment, facilitator, respondent_labour
):
    session = open_session(assessment, facilitator)
    client.force_login(respondent_labour)
    page = client.post(reverse("room:join_session", args=[session.code]))
    assert page.status_code == 302
    assert session.attendees.get() == participant_of(assessment, respondent_labour)
    assert not Participant.objects.filter(guest=True).exists()


def test_an_observer_cannot_score_in_the_room(client, assessment, facilitator, observer):
    session = open_session(assessment, facilitator)
    client.force_login(observer)
    page = client.post(reverse("room:join_session", args=[session.code]), follow=True)
    assert "does not answer for an institution" in page.content.decode()
    assert not session.attendees.exists()


def test_the_short_link_of_the_qr_code_leads_to_the_join_page_in_the_phones_language(assessment, facilitator):
    session = open_session(assessment, facilitator)
    page = Client().get(f"/j/{session.code}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 302 and page.url == f"/fr/workshop/{session.code}/"


# -- Answering ----------------------------------------------------------------------------------------


def test_a_phone_answer_is_stored_once_however_often_it_is_sent(assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    for _ in range(3):
        reply = phone_answers(phone, session, "3", "we have a law")
        assert reply.status_code == 200 and "Saved" in reply.content.decode()
    response = Response.objects.get()
    assert (response.level.code, response.justification, response.session) == ("3", "we have a law", session)
    assert response.history.count() == 1
    assert response.history.first().history_change_reason == "workshop"
    phone_answers(phone, session, "1", "we have a law")
    response.refresh_from_db()
    assert response.level.code == "1" and response.history.count() == 2


def test_a_phone_that_answers_an_indicator_the_room_left_is_told_and_shown_the_current_one(
    assessment, facilitator
):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    stale_item = session.current_id
    services.session_move(session=session, user=facilitator, item=session.items.get(indicator__code="SD-01"))
    reply = phone.post(
        reverse("room:phone_answer", args=[session.pk]),
        {"item": stale_item, "answer": "level:2"},
        HTTP_HX_REQUEST="true",
    )
    assert reply["HX-Retarget"] == "#phone-card"
    assert "moved on" in reply.content.decode() and "SD-01" in reply.content.decode()
    assert not Response.objects.exists()


def test_a_closed_indicator_or_session_takes_no_answer(assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    services.session_item_close(session=session, user=facilitator, item=session.current, closed=True)
    assert "closed this indicator" in phone_answers(phone, session, "2").content.decode()
    services.session_item_close(session=session, user=facilitator, item=session.current, closed=False)
    assert phone_answers(phone, session, "2").status_code == 200
    services.session_close(session=session, user=facilitator)
    assert "session is closed" in phone_answers(phone, session, "4").content.decode()
    assert Response.objects.get().level.code == "2"
    ended = phone.get(reverse("room:phone", args=[session.pk]))
    assert "This session has ended" in ended.content.decode()


def test_the_phone_asks_cheaply_and_follows_when_the_room_moves(
    assessment, facilitator, django_assert_max_num_queries
):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    state = reverse("room:phone_state", args=[session.pk])
    shown = {"item": session.current_id, "open": "1"}
    with django_assert_max_num_queries(6):
        assert phone.get(state, shown, HTTP_HX_REQUEST="true").status_code == 204
    services.session_move(session=session, user=facilitator, item=session.items.get(indicator__code="SD-01"))
    moved = phone.get(state, shown, HTTP_HX_REQUEST="true")
    assert moved.status_code == 200 and "SD-01" in moved.content.decode()
    assert 'id="phone-card"' in moved.content.decode()


def test_a_guest_sees_only_the_room_never_the_assessment(assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    assert phone.get(reverse("assessments:assessment_detail", args=[assessment.pk])).status_code == 404
    assert phone.get(reverse("assessments:score", args=[assessment.pk])).status_code == 404
    assert phone.get(reverse("results:dashboard", args=[assessment.pk])).status_code == 404
    listing = phone.get(reverse("assessments:assessment_list"))
    assert assessment.get_absolute_url() not in listing.content.decode()
    guest = Participant.objects.get(guest=True)
    with pytest.raises(AssessmentError):
        services.response_set(
            assessment=assessment,
            indicator=assessment.framework.indicators.get(code="SD-01"),
            participant=guest,
            user=guest.user,
            answer="level",
            level_code="1",
            expected_version=0,
        )


def test_a_guest_of_one_session_cannot_answer_in_another(assessment, facilitator):
    first = open_session(assessment, facilitator)
    second = open_session(assessment, facilitator, title="Afternoon")
    phone = join_as_guest(first, "Ana", institution(assessment, "Ministry of Labour"))
    reply = phone_answers(phone, second, "2")
    assert "not taking part" in reply.content.decode() and not Response.objects.exists()


def test_in_review_only_answers_given_in_a_session_are_taken(
    client, assessment, facilitator, respondent_labour
):
    session = open_session(assessment, facilitator)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.REVIEW)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    assert phone_answers(phone, session, "2").status_code == 200
    client.force_login(respondent_labour)
    refused = client.post(
        reverse("assessments:response_save", args=[assessment.pk, "RL-01"]),
        {"answer": "level:4", "version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 403
    assert Response.objects.get().level.code == "2"


# -- Removing people ------------------------------------------------------------------------------


def test_removing_a_guest_keeps_their_answers_and_ends_their_rights(client, assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    phone_answers(phone, session, "3")
    guest = Participant.objects.get(guest=True)
    client.force_login(facilitator)
    url = reverse("assessments:session_attendee_remove", args=[assessment.pk, session.pk, guest.pk])
    assert "answers they gave stay" in client.get(url).content.decode()
    client.post(url, {"confirm": "on"})
    guest.refresh_from_db()
    assert guest.removed_at is not None
    assert Response.objects.get().level.code == "3"  # their answer stays, and counts
    assert (
        "You were removed"
        in phone.get(reverse("room:phone", args=[session.pk]), follow=True).content.decode()
    )
    reply = phone_answers(phone, session, "0")
    assert "not taking part" in reply.content.decode()
    assert Response.objects.get().level.code == "3"
    rejoin = phone.post(
        reverse("room:join_session", args=[session.code]),
        {"institution": institution(assessment, "Ministry of Labour").pk},
        follow=True,
    )
    assert "You were removed" in rejoin.content.decode()


def test_the_coordinator_removing_a_person_who_answered_in_a_session_keeps_the_answers(
    assessment, facilitator, coordinator
):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    phone_answers(phone, session, "3")
    guest = Participant.objects.get(guest=True)
    assert services.participant_remove(participant=guest, user=coordinator) == 0
    assert Participant.objects.filter(pk=guest.pk, removed_at__isnull=False).exists()
    assert Response.objects.filter(participant=guest).count() == 1


# -- Consensus and what the figures count -----------------------------------------------------------


def test_recording_the_consensus_and_moving_on_in_one_step(client, assessment, facilitator):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    client.force_login(facilitator)
    page = client.post(
        reverse("assessments:session_consensus", args=[assessment.pk, session.pk]),
        {"answer": "level:2", "rationale": "Agreed after discussion", "version": 0, "then": "next"},
    )
    assert page.status_code == 302
    consensus = Consensus.objects.get()
    assert (consensus.indicator.code, consensus.level.code, consensus.session) == ("RL-01", "2", session)
    session.refresh_from_db()
    assert session.current.indicator.code == "SD-01"
    assert session.items.get(indicator__code="RL-01").closed_at is not None
    followed = phone.get(reverse("room:phone_state", args=[session.pk]), {"item": "0", "open": "1"})
    assert "SD-01" in followed.content.decode()


def test_whoever_cannot_record_the_consensus_is_told_why(client, assessment, observer):
    client.force_login(observer)
    page = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"]))
    assert "Only the facilitator, the coordinator or a reviewer" in page.content.decode()


def completeness_of(assessment):
    frames = assessment_frames(assessment)
    fw = frames.framework
    return analysis.completeness(
        frames.responses, frames.participants, fw.indicators, fw.memberships, fw.categories
    )


def test_a_guest_is_expected_to_answer_only_the_indicators_of_their_sessions(
    assessment, facilitator, respondent_union
):
    session = open_session(assessment, facilitator, codes=["RL-01"])
    phone = join_as_guest(session, "Ana", institution(assessment, "Trade Union Confederation"))
    phone_answers(phone, session, "2")
    guest = Participant.objects.get(guest=True)
    people = completeness_of(assessment).by_participant.set_index("participant")
    assert (people.at[guest.pk, "answered"], people.at[guest.pk, "expected"]) == (1, 1)
    assert people.at[participant_of(assessment, respondent_union).pk, "expected"] == 2  # the framework


def test_removed_people_leave_completeness(assessment, facilitator, coordinator):
    session = open_session(assessment, facilitator, codes=["RL-01"])
    join_as_guest(session, "Ana", institution(assessment, "Trade Union Confederation"))
    before = completeness_of(assessment).expected
    services.participant_remove(participant=Participant.objects.get(guest=True), user=coordinator)
    assert completeness_of(assessment).expected == before - 1


# -- The room's address ------------------------------------------------------------------------------


def test_the_join_link_carries_the_lan_address_never_localhost():
    assert (
        is_loopback_host("localhost:8000")
        and is_loopback_host("127.0.0.1")
        and is_loopback_host("[::1]:8000")
    )
    assert not is_loopback_host("192.168.1.20:8000")
    lan = room_base_url(scheme="http", host="localhost:8000", addresses=["192.168.1.20"])
    assert lan == "http://192.168.1.20:8000"
    assert room_base_url(scheme="http", host="10.0.0.5:8000", addresses=[]) == "http://10.0.0.5:8000"
    assert room_base_url(scheme="http", host="127.0.0.1:8000", addresses=[]) == ""
    assert (
        room_base_url(scheme="https", host="x", configured="https://room.example/") == "https://room.example"
    )


def test_the_facilitator_page_shows_the_code_the_link_and_the_qr_code(
    client, assessment, facilitator, settings
):
    settings.WORKSHOP_URL = "http://192.168.1.20:8000"
    session = open_session(assessment, facilitator)
    client.force_login(facilitator)
    page = client.get(session.get_absolute_url()).content.decode()
    assert session.code in page and f"http://192.168.1.20:8000/j/{session.code}/" in page
    assert "<svg" in page and "localhost" not in page.split("join-url")[1][:80]
