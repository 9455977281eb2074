"""The facilitator's side of a workshop: open a session on a list of indicators, show the room its join
code, move through the list, close items, record the consensus, remove a guest, close the session.
(The projector's live figures and the session's summary are pages of `reports`.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.access import assessment_for
from assessments.forms import (
    ConfirmForm,
    ConsensusForm,
    SessionActionForm,
    SessionItemsForm,
    SessionOpenForm,
    codes_split,
    join_answer,
    split_answer,
)
from assessments.join import join_url, qr_svg
from assessments.models import Consensus, WorkshopSession
from assessments.rules import allowed
from assessments.services import AssessmentError


def session_for(request: HttpRequest, pk: int, session_pk: int, perm: str) -> WorkshopSession:
    """The session of an assessment the person may see, or 404 / 403 (see `assessment_for`)."""
    assessment = assessment_for(request, pk, "assessments.view_responses")
    session = get_object_or_404(
        WorkshopSession.objects.select_related("current__indicator"), pk=session_pk, assessment=assessment
    )
    session.assessment = assessment
    if not allowed(request.user, perm, session):
        raise PermissionDenied
    return session


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.view_responses")
    can_run = allowed(request.user, "assessments.run_sessions", assessment)
    choices = services.session_choices(assessment) if can_run else []
    form = SessionOpenForm(request.POST or None, choices=choices)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                codes = services.session_codes(
                    assessment, form.cleaned_data["source"], codes_split(form.cleaned_data["codes"])
                )
                session = services.session_open(
                    assessment=assessment, user=request.user, title=form.cleaned_data["title"], codes=codes
                )
            except AssessmentError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Session opened. Its join code is %(code)s.") % {"code": session.code}
                )
                return redirect(session)
    sessions = assessment.sessions.annotate(
        n_items=Count("items", distinct=True),
        n_people=Count("attendees", filter=Q(attendees__removed_at__isnull=True), distinct=True),
    )
    return render(
        request,
        "assessments/workshop/session_list.html",
        {
            "assessment": assessment,
            "sessions": sessions,
            "form": form if can_run else None,
            "can_run": can_run,
            "refusal": "" if can_run else services.session_run_refusal(request.user, assessment),
        },
    )


@login_required
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    assessment = session.assessment
    items = list(session.items.select_related("indicator").order_by("position"))
    agreed = {
        c.indicator_id: c
        for c in Consensus.objects.filter(
            assessment=assessment, indicator__in=[i.indicator_id for i in items]
        ).select_related("level")
    }
    answered = dict(
        session.responses.values("indicator_id").annotate(n=Count("pk")).values_list("indicator_id", "n")
    )
    current = session.current
    levels = list(assessment.framework.scale.levels.all())
    consensus_form = None
    if current is not None and allowed(request.user, "assessments.set_consensus", assessment):
        existing = agreed.get(current.indicator_id)
        initial = {"version": existing.version if existing else 0}
        if existing:
            initial.update(answer=join_answer(existing.answer, existing.level), rationale=existing.rationale)
        consensus_form = ConsensusForm(initial=initial, levels=levels)
    url = join_url(request, session)
    attendees = session.attendees.select_related("user", "institution").order_by(
        "institution__name", "user__first_name"
    )
    return render(
        request,
        "assessments/workshop/session_detail.html",
        {
            "assessment": assessment,
            "session": session,
            "items": [
                {
                    "item": i,
                    "consensus": agreed.get(i.indicator_id),
                    "answers": answered.get(i.indicator_id, 0),
                }
                for i in items
            ],
            "current": current,
            "previous_item": services.session_neighbour(session, -1),
            "next_item": services.session_neighbour(session, +1),
            "consensus_form": consensus_form,
            "consensus_refusal": ""
            if consensus_form or current is None
            else services.consensus_refusal(request.user, assessment),
            "action_form": SessionActionForm(institutions=assessment.institutions.order_by("name"))
            if allowed(request.user, "assessments.manage_actions", assessment)
            else None,
            "items_form": SessionItemsForm(initial={"codes": "\n".join(i.indicator.code for i in items)}),
            "join_url": url,
            "qr": qr_svg(url) if url else "",
            "attendees": attendees,
        },
    )


def _back(session: WorkshopSession, anchor: str = "") -> HttpResponse:
    return redirect(session.get_absolute_url() + anchor)


@login_required
@require_POST
def session_move(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    step = {"next": +1, "previous": -1}.get(request.POST.get("step", ""))
    if step is not None:
        item = services.session_neighbour(session, step)
        if item is None:
            messages.info(request, _("There is no indicator that way."))
            return _back(session)
    else:
        item = get_object_or_404(session.items, pk=request.POST.get("item") or 0)
    try:
        services.session_move(session=session, user=request.user, item=item)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return _back(session)


@login_required
@require_POST
def session_item_close(request: HttpRequest, pk: int, session_pk: int, item_pk: int) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    item = get_object_or_404(session.items, pk=item_pk)
    try:
        services.session_item_close(
            session=session, user=request.user, item=item, closed=request.POST.get("closed") != "0"
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return _back(session)


@login_required
@require_POST
def session_items(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    form = SessionItemsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("List the indicators to work through."))
        return _back(session, "#items")
    try:
        services.session_items_set(
            session=session, user=request.user, codes=codes_split(form.cleaned_data["codes"])
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The session's list is changed."))
    return _back(session, "#items")


@login_required
@require_POST
def session_consensus(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """Record the consensus on the current indicator, and go on to the next one if asked."""
    session = session_for(request, pk, session_pk, "assessments.run_session")
    assessment = session.assessment
    current = session.current
    if current is None:
        messages.error(request, _("The session has no current indicator."))
        return _back(session)
    form = ConsensusForm(request.POST, levels=list(assessment.framework.scale.levels.all()))
    if not form.is_valid():
        messages.error(request, _("Choose the agreed answer."))
        return _back(session, "#consensus")
    answer, level_code = split_answer(form.cleaned_data["answer"])
    try:
        services.consensus_set(
            assessment=assessment,
            indicator=current.indicator,
            user=request.user,
            answer=answer,
            level_code=level_code,
            rationale=form.cleaned_data["rationale"],
            expected_version=form.cleaned_data["version"],
            session=session,
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
        return _back(session, "#consensus")
    messages.success(request, _("Consensus recorded for %(code)s.") % {"code": current.indicator.code})
    following = services.session_neighbour(session, +1) if request.POST.get("then") == "next" else None
    if following is not None:
        services.session_item_close(session=session, user=request.user, item=current, closed=True)
        services.session_move(session=session, user=request.user, item=following)
    return _back(session)


@login_required
@require_POST
def session_close(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    try:
        if request.POST.get("reopen"):
            services.session_reopen(session=session, user=request.user)
            messages.success(request, _("Session open again."))
        else:
            services.session_close(session=session, user=request.user)
            messages.success(request, _("Session closed: phones show that it has ended."))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return _back(session)


@login_required
def session_attendee_remove(
    request: HttpRequest, pk: int, session_pk: int, participant_pk: int
) -> HttpResponse:
    session = session_for(request, pk, session_pk, "assessments.run_session")
    participant = get_object_or_404(
        session.attendees.select_related("user", "institution"), pk=participant_pk
    )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_attendee_remove(session=session, user=request.user, participant=participant)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is out of the session; their answers stay.")
                % {"name": participant.user.get_full_name() or participant.user},
            )
        return _back(session, "#people")
    return render(
        request,
        "assessments/workshop/attendee_remove.html",
        {"assessment": session.assessment, "session": session, "participant": participant, "form": form},
    )


@login_required
@require_POST
def session_action(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """Note a recommended action on the current indicator."""
    session = session_for(request, pk, session_pk, "assessments.run_session")
    assessment = session.assessment
    form = SessionActionForm(request.POST, institutions=assessment.institutions.all())
    if session.current is None or not form.is_valid():
        messages.error(request, _("Give the action a title."))
        return _back(session, "#current")
    try:
        services.action_create(
            assessment=assessment,
            user=request.user,
            title=form.cleaned_data["title"],
            owner=form.cleaned_data["owner"],
            indicators=[session.current.indicator],
            session=session,
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Action noted on %(code)s.") % {"code": session.current.indicator.code})
    return _back(session, "#current")
