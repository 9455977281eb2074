"""The room's side of a workshop: join by code (no account needed) and answer the current indicator on a
phone. The phone asks every 2 seconds whether its view is still current (an empty 204 when it is) and
sends each answer as it is chosen; the reply is the phone's new state only."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import JoinCodeForm, PhoneAnswerForm, SessionJoinForm, split_answer
from assessments.models import Participant, Response, SessionItem, WorkshopSession
from assessments.rules import allowed, session_seat
from assessments.services import AssessmentError
from indicators.models import Level

GUEST_BACKEND = "django.contrib.auth.backends.ModelBackend"


def join_short(request: HttpRequest, code: str) -> HttpResponse:
    """The short link in the QR code (no language prefix): on to the join page, in the phone's language."""
    with translation.override(get_language_from_request(request)):
        return redirect(reverse("room:join_session", args=[services.join_code_clean(code)]))


def join(request: HttpRequest) -> HttpResponse:
    """Type the code shown in the room."""
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("room:join_session", code=services.join_code_clean(form.cleaned_data["code"]))
    return render(request, "assessments/room/join.html", {"form": form})


def join_session(request: HttpRequest, code: str) -> HttpResponse:
    session = services.session_by_code(code)
    refusal = services.join_refusal(session)
    if refusal:
        form = JoinCodeForm(initial={"code": code})
        return render(request, "assessments/room/join.html", {"form": form, "refusal": refusal}, status=404)
    user = request.user
    if session_seat(user, session) is not None:
        return redirect("room:phone", session_pk=session.pk)
    assessment = session.assessment
    existing = (
        Participant.objects.filter(assessment=assessment, user=user).select_related("institution").first()
        if user.is_authenticated
        else None
    )
    refusal = services.seat_refusal(existing) if existing is not None else ""
    if refusal:
        return render(
            request, "assessments/room/join.html", {"form": JoinCodeForm(), "refusal": refusal}, status=403
        )
    form = None
    if existing is None:
        preset = request.GET.get("institution")
        form = SessionJoinForm(
            request.POST or None,
            institutions=assessment.institutions.order_by("name"),
            ask_name=not user.is_authenticated,
            initial={"institution": preset} if preset else None,
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            participant = services.session_join(
                session=session,
                user=user if user.is_authenticated else None,
                institution=form.cleaned_data["institution"] if form else None,
                name=form.cleaned_data.get("name", "") if form else "",
            )
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            if not user.is_authenticated:
                login(request, participant.user, backend=GUEST_BACKEND)
            return redirect("room:phone", session_pk=session.pk)
    return render(
        request,
        "assessments/room/join_session.html",
        {"session": session, "assessment": assessment, "form": form, "existing": existing},
    )


def _phone_context(session: WorkshopSession, user, notice: str = "") -> dict:
    """What the phone shows: the current indicator with the person's answer, or why there is none."""
    seat = session_seat(user, session)
    item = session.current
    context = {"session": session, "seat": seat, "item": item, "notice": notice}
    if seat is None or session.closed_at is not None or item is None:
        return context
    assessment = session.assessment
    response = (
        Response.objects.filter(assessment=assessment, indicator=item.indicator_id, participant=seat)
        .select_related("level")
        .first()
    )
    context.update(
        response=response,
        indicator=item.indicator,
        levels=list(assessment.framework.scale.levels.all()),
        position=session.items.filter(position__lt=item.position).count() + 1,
        total=session.items.count(),
    )
    return context


def _session(session_pk: int) -> WorkshopSession:
    return get_object_or_404(
        WorkshopSession.objects.select_related("assessment__framework", "current__indicator"), pk=session_pk
    )


def phone(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = _session(session_pk)
    if session_seat(request.user, session) is None and session.closed_at is None:
        return redirect("room:join_session", code=session.code)
    return render(request, "assessments/room/phone.html", _phone_context(session, request.user))


def phone_state(request: HttpRequest, session_pk: int) -> HttpResponse:
    """204 while the phone shows what is current (same item, same open or closed state), else its new
    view. Asked every 2 seconds by every phone in the room: one query when nothing changed."""
    session = _session(session_pk)
    seat = session_seat(request.user, session)
    current = session.current
    shown = (request.GET.get("item", ""), request.GET.get("open", ""))
    now = (
        str(current.pk) if current and seat and session.closed_at is None else "",
        "1" if current and current.closed_at is None else "0",
    )
    if seat is not None and session.closed_at is None and shown == now:
        return HttpResponse(status=204)
    return render(request, "assessments/room/phone.html#card", _phone_context(session, request.user))


@require_POST
def phone_answer(request: HttpRequest, session_pk: int) -> HttpResponse:
    """Save the phone's answer; reply with its save status, or with the whole card when the room has
    moved on (so the phone shows what is current, and why its answer was not taken)."""
    session = _session(session_pk)
    levels = list(Level.objects.filter(scale__framework_id=session.assessment.framework_id))
    form = PhoneAnswerForm(request.POST, levels=levels)
    if not form.is_valid():
        return render(
            request,
            "assessments/room/phone.html#status",
            {"error": _("Choose an answer.")},
            status=422,
        )
    wanted = form.cleaned_data["item"]
    # The current item came with the session (the usual case: no query); any other is looked up, and
    # refused by the service as not current.
    item = (
        session.current
        if session.current_id == wanted
        else SessionItem.objects.filter(pk=wanted, session=session).select_related("indicator").first()
    )
    answer, level_code = split_answer(form.cleaned_data["answer"])
    try:
        response = services.session_answer_set(
            session=session,
            user=request.user,
            item=item,
            answer=answer,
            level_code=level_code,
            comment=form.cleaned_data["comment"],
            levels={level.code: level for level in levels},
        )
    except AssessmentError as exc:
        if not request.htmx:
            messages.error(request, str(exc))
            return redirect("room:phone", session_pk=session.pk)
        # Someone with no seat, or an assessment that takes no answers: refused. The room moved on, or
        # closed the item or the session: a conflict, answered with what is current now.
        taking = session_seat(request.user, session) is not None and allowed(
            request.user, "assessments.answer_in_session", session
        )
        status = 409 if taking or session.closed_at is not None else 403
        reply = render(
            request,
            "assessments/room/phone.html#card",
            _phone_context(session, request.user, str(exc)),
            status=status,
        )
        reply["HX-Retarget"] = "#phone-card"
        reply["HX-Reswap"] = "outerHTML"
        return reply
    if not request.htmx:
        messages.success(request, _("Saved."))
        return redirect("room:phone", session_pk=session.pk)
    return render(request, "assessments/room/phone.html#status", {"response": response})
