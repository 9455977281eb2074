"""The workshop's figures: the projector counts, spreads and flags the room's answers as DESIGN.md defines
them, answers a poll with nothing when nothing changed and never with an empty block; the session's
summary and the disagreement queue say what was agreed and what is still disputed."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from reports.room import room_figures
from tests.assessments.test_workshop import institution, join_as_guest, open_session, phone_answers

pytestmark = pytest.mark.django_db


def answer(assessment, user, code, level):
    from tests.people import participant_of

    services.response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code=code),
        participant=participant_of(assessment, user),
        user=user,
        answer="level",
        level_code=level,
        expected_version=0,
    )


def test_the_projector_counts_the_room_and_flags_disagreement_as_design_defines_it(assessment, facilitator):
    session = open_session(assessment, facilitator)
    labour, union = (
        institution(assessment, "Ministry of Labour"),
        institution(assessment, "Trade Union Confederation"),
    )
    ana, ben, cai = (
        join_as_guest(session, name, inst)
        for name, inst in (("Ana", labour), ("Ben", labour), ("Cai", union))
    )
    figures = room_figures(session.pk)
    assert (figures.joined, figures.answered, figures.disagreement, figures.median) == (3, 0, None, None)

    phone_answers(ana, session, "1")
    phone_answers(ben, session, "3")
    figures = room_figures(session.pk)
    assert figures.answered == 2
    assert figures.disagreement is None  # one institution: no disagreement figure (DESIGN item 6)
    [ministry] = figures.institutions
    assert ministry.counts == {"level:1": 1, "level:3": 1} and ministry.value == 50.0  # median of 25 and 75

    phone_answers(cai, session, "4")
    figures = room_figures(session.pk)
    # Institutions' levels 50 and 100: the median is 75, the spread 50 (two levels): disagreement.
    assert (figures.median, figures.spread, figures.disagreement) == (75.0, 50.0, True)
    assert figures.median_level.code == "3"
    assert [i.label for i in figures.institutions] == ["Ministry of Labour", "Trade Union Confederation"]

    phone_answers(cai, session, "2")
    assert room_figures(session.pk).disagreement is False


def test_people_outside_the_room_and_removed_guests_are_not_counted(
    assessment, facilitator, respondent_union
):
    session = open_session(assessment, facilitator)
    answer(assessment, respondent_union, "RL-01", "0")  # answered on the scoring page, not in the room
    ana = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    phone_answers(ana, session, "2")
    join_as_guest(session, "Ben", institution(assessment, "Ministry of Labour"))
    figures = room_figures(session.pk)
    assert (figures.joined, figures.answered, figures.disagreement) == (2, 1, None)
    ben = session.attendees.get(user__first_name="Ben")
    services.session_attendee_remove(session=session, user=facilitator, participant=ben)
    assert room_figures(session.pk).joined == 1


def test_a_poll_with_nothing_new_gets_nothing_and_a_change_gets_the_whole_block(
    client, assessment, facilitator
):
    session = open_session(assessment, facilitator)
    client.force_login(facilitator)
    url = reverse("results:session_projector", args=[assessment.pk, session.pk])
    page = client.get(url).content.decode()
    assert session.code in page and 'id="room-live"' in page and "<svg" in page
    token = room_figures(session.pk).token
    assert client.get(url, {"token": token}, HTTP_HX_REQUEST="true").status_code == 204
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    phone_answers(phone, session, "2")
    fresh = client.get(url, {"token": token}, HTTP_HX_REQUEST="true")
    body = fresh.content.decode()
    assert fresh.status_code == 200
    assert body.lstrip().startswith('<div id="room-live"')  # the wrapper htmx swaps: never blank
    assert "hx-get" in body and "<strong>1</strong> of 1" in body and 'data-figure="figure-data-room"' in body


def test_the_projector_is_for_participants_only(client, assessment, facilitator, outsider):
    session = open_session(assessment, facilitator)
    phone = join_as_guest(session, "Ana", institution(assessment, "Ministry of Labour"))
    url = reverse("results:session_projector", args=[assessment.pk, session.pk])
    assert phone.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_disagreement_queue_sorts_by_spread_and_empties_as_consensus_is_recorded(
    client, assessment, facilitator, respondent_labour, respondent_union
):
    answer(assessment, respondent_labour, "RL-01", "0")
    answer(assessment, respondent_union, "RL-01", "4")
    answer(assessment, respondent_labour, "SD-01", "1")
    answer(assessment, respondent_union, "SD-01", "3")
    client.force_login(facilitator)
    url = reverse("results:disagreements", args=[assessment.pk])
    queue = client.get(url).context["queue"]
    assert [(i["code"], i["spread"]) for i in queue] == [("RL-01", 100.0), ("SD-01", 50.0)]
    assert queue[0]["institution_values"] == {"Ministry of Labour": 0.0, "Trade Union Confederation": 100.0}
    # The same list opens a session, in the same order.
    codes = services.session_codes(assessment, "source:disagreement", [])
    assert codes == ["RL-01", "SD-01"]
    services.consensus_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="RL-01"),
        user=facilitator,
        answer="level",
        level_code="2",
        expected_version=0,
    )
    assert [i["code"] for i in client.get(url).context["queue"]] == ["SD-01"]


def test_the_summary_says_what_was_agreed_what_is_disputed_and_the_actions_noted(
    client, assessment, facilitator, respondent_labour, respondent_union
):
    answer(assessment, respondent_labour, "SD-01", "0")
    answer(assessment, respondent_union, "SD-01", "4")
    session = open_session(assessment, facilitator)
    client.force_login(facilitator)
    client.post(
        reverse("assessments:session_consensus", args=[assessment.pk, session.pk]),
        {"answer": "level:2", "rationale": "Law exists, weakly applied", "version": 0},
    )
    client.post(
        reverse("assessments:session_action", args=[assessment.pk, session.pk]),
        {
            "title": "Publish the implementing decree",
            "owner": institution(assessment, "Ministry of Labour").pk,
        },
    )
    noted = assessment.actions.get()
    assert (noted.session, [i.code for i in noted.indicators.all()]) == (session, ["RL-01"])
    services.session_close(session=session, user=facilitator)
    page = client.get(reverse("results:session_summary", args=[assessment.pk, session.pk]))
    summary = page.context["summary"]
    assert [r.item.indicator.code for r in summary["agreed"]] == ["RL-01"]
    assert [r.item.indicator.code for r in summary["disputed"]] == ["SD-01"]
    assert [a.title for a in summary["actions"]] == ["Publish the implementing decree"]
    body = page.content.decode()
    assert "Law exists, weakly applied" in body and "Publish the implementing decree" in body


def test_a_validation_workshop_in_review_reaches_the_dashboard(client, assessment, facilitator, coordinator):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.REVIEW)
    assessment.refresh_from_db()
    session = open_session(assessment, facilitator, codes=["RL-01"])
    client.force_login(facilitator)
    client.post(
        reverse("assessments:session_consensus", args=[assessment.pk, session.pk]),
        {"answer": "level:3", "version": 0},
    )
    client.force_login(coordinator)
    dashboard = client.get(reverse("results:dashboard", args=[assessment.pk]))
    rl = next(i for i in dashboard.context["results"]["indicators"] if i["code"] == "RL-01")
    assert (rl["value"], rl["source"]) == (75.0, "consensus")
