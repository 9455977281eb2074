"""The scoring page: one person's answers, saved as they go (htmx), one card at a time if asked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.access import assessment_for, participant_for
from assessments.forms import (
    ResponseForm,
    split_answer,
)
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.services import AssessmentError, StaleEdit
from indicators.instruments import indicator_statuses

Status = Assessment.Status


@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.open_scoring")
    participant = participant_for(request, assessment)
    by = request.GET.get("by", "criterion")
    page = selectors.score_page(assessment=assessment, participant=participant, by=by)
    can_score = allowed(request.user, "assessments.score_assessment", assessment)
    # One group at a time keeps the page short on a phone; without ?group every group is shown.
    codes = [g.category.code for g in page.groups]
    group = request.GET.get("group")
    position = codes.index(group) if group in codes else None
    return render(
        request,
        "assessments/score.html",
        {
            "assessment": assessment,
            "participant": participant,
            "page": page,
            "shown_groups": page.groups if position is None else [page.groups[position]],
            "selected_group": group if position is not None else "",
            "previous_group": page.groups[position - 1] if position else None,
            "next_group": page.groups[position + 1]
            if position is not None and position + 1 < len(codes)
            else None,
            "by": by,
            "can_score": can_score,
            "instrument_statuses": indicator_statuses(assessment.framework, assessment.country.code),
            "hints": selectors.previous_round_hints(assessment=assessment, participant=participant),
        },
    )


@login_required
@require_POST
def response_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save one answer from the scoring page (htmx); answer with the card's save status."""
    assessment = assessment_for(request, pk, "assessments.score_assessment")
    participant = participant_for(request, assessment)
    indicator = get_object_or_404(assessment.framework.indicators, code=code)
    levels = list(assessment.framework.scale.levels.all())
    form = ResponseForm(request.POST, levels=levels)
    context = {"assessment": assessment, "indicator": indicator, "participant": participant}
    status = 200
    if not form.is_valid():
        context["error"] = (
            _("Choose an answer before saving.") if "answer" in form.errors else _("Not saved.")
        )
        status = 422
    else:
        answer, level_code = split_answer(form.cleaned_data["answer"])
        try:
            context["response"] = services.response_set(
                assessment=assessment,
                indicator=indicator,
                participant=participant,
                user=request.user,
                answer=answer,
                level_code=level_code,
                implementation=form.cleaned_data["implementation"],
                justification=form.cleaned_data["justification"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as exc:
            context.update(error=str(exc), stale=exc.current)
            status = 409
        except AssessmentError as exc:
            context["error"] = str(exc)
            status = 422
    if not request.htmx:
        # Without JavaScript the form posts normally: say what happened and go back to the card.
        if status == 200:
            messages.success(request, _("Answer to %(code)s saved.") % {"code": code})
        else:
            messages.error(request, context["error"])
        return redirect(reverse("assessments:score", args=[pk]) + f"#card-{code}")
    if status == 200:
        by = request.POST.get("by", "criterion")
        context["page"] = selectors.score_page(assessment=assessment, participant=participant, by=by)
    return render(request, "assessments/score.html#save-status", context, status=status)


@login_required
def score_card(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One indicator's card as saved now (to reload it after a conflict)."""
    assessment = assessment_for(request, pk, "assessments.open_scoring")
    participant = participant_for(request, assessment)
    indicator = get_object_or_404(assessment.framework.indicators, code=code)
    page = selectors.score_page(
        assessment=assessment, participant=participant, by=request.GET.get("by", "criterion")
    )
    item = next(i for g in page.groups for i in g.items if i.indicator.pk == indicator.pk)
    return render(
        request,
        "assessments/score.html#card",
        {
            "assessment": assessment,
            "item": item,
            "page": page,
            "can_score": allowed(request.user, "assessments.score_assessment", assessment),
            "instrument_statuses": indicator_statuses(assessment.framework, assessment.country.code),
            "hints": selectors.previous_round_hints(assessment=assessment, participant=participant),
        },
    )
