"""Workshop pages that show figures: the projector (live, redrawn in place every 1.5 s, and never blank),
the session's summary, and the queue of indicators where institutions disagree with no consensus."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from assessments.access import assessment_for
from assessments.join import join_url, qr_svg
from assessments.models import WorkshopSession
from assessments.rules import allowed
from reports.figures import room_figure
from reports.results import view_for
from reports.room import disagreement_queue, room_figures, room_token, session_summary


def _session(request: HttpRequest, pk: int, session_pk: int) -> WorkshopSession:
    assessment = assessment_for(request, pk, "assessments.view_responses")
    session = get_object_or_404(WorkshopSession, pk=session_pk, assessment=assessment)
    session.assessment = assessment
    if not allowed(request.user, "assessments.view_session", session):
        raise PermissionDenied
    return session


def session_projector(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The room's screen. htmx asks for the live block with the token it shows: an unchanged room
    answers 204 (nothing is swapped, nothing computed); a changed one gets the whole block back,
    wrapper included, and the chart is redrawn in place."""
    session = _session(request, pk, session_pk)
    if request.htmx and request.GET.get("token") == room_token(session.pk):
        return HttpResponse(status=204)
    figures = room_figures(session.pk)
    context = {
        "assessment": session.assessment,
        "session": figures.session,
        "room": figures,
        "figure": room_figure(figures.keys, [(i.label, i.counts) for i in figures.institutions])
        if figures.indicator
        else None,
        "can_run": allowed(request.user, "assessments.run_session", session),
    }
    if request.htmx:
        return render(request, "reports/workshop/projector.html#live", context)
    url = join_url(request, session)
    context.update(join_url=url, qr=qr_svg(url, scale=10) if url else "")
    return render(request, "reports/workshop/projector.html", context)


def session_summary_page(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _session(request, pk, session_pk)
    view = view_for(request.user, session.assessment, lang=get_language())
    return render(
        request,
        "reports/workshop/summary.html",
        {
            "assessment": session.assessment,
            "session": session,
            "summary": session_summary(session, view.results),
            "can_run": allowed(request.user, "assessments.run_session", session),
        },
    )


def disagreements(request: HttpRequest, pk: int) -> HttpResponse:
    """Indicators where institutions disagree and no consensus is recorded, the widest spread first,
    each with the institutions' positions and where to record the consensus."""
    assessment = assessment_for(request, pk, "assessments.view_responses")
    view = view_for(request.user, assessment, lang=get_language())
    questions = dict(assessment.framework.indicators.values_list("code", "question"))
    queue = disagreement_queue(view.results)
    return render(
        request,
        "reports/workshop/disagreements.html",
        {
            "assessment": assessment,
            "queue": [{**i, "question": questions.get(i["code"])} for i in queue],
            "can_set_consensus": allowed(request.user, "assessments.set_consensus", assessment),
            "can_run": allowed(request.user, "assessments.run_sessions", assessment),
        },
    )
