"""One indicator within an assessment: answers, consensus, evidence, actions and history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.access import assessment_for
from assessments.forms import (
    ConsensusForm,
    join_answer,
    split_answer,
)
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.services import AssessmentError
from assessments.visibility import AssessmentView, audience_of

Status = Assessment.Status


def indicator_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request, pk)
    indicator = get_object_or_404(
        assessment.framework.indicators.prefetch_related("categories__dimension", "references"), code=code
    )
    consensus = selectors.indicator_consensus(assessment=assessment, indicator=indicator)
    levels = list(assessment.framework.scale.levels.all())
    context = {
        "assessment": assessment,
        "indicator": indicator,
        "levels": levels,
        "consensus": consensus,
        "evidence": selectors.assessment_evidence(assessment=assessment, indicator=indicator),
        "actions": selectors.assessment_actions(assessment=assessment, indicator=indicator),
        "can_upload": allowed(request.user, "assessments.upload_evidence", assessment),
        "can_manage_actions": allowed(request.user, "assessments.manage_actions", assessment),
    }
    view = AssessmentView(assessment, audience_of(request.user, assessment))
    context["shows_people"] = view.shows_people
    if not view.public:
        context["answers"] = selectors.indicator_answers(assessment=assessment, indicator=indicator)
        context["history"] = selectors.indicator_history(assessment=assessment, indicator=indicator)
    else:
        context["public_justifications"] = view.justifications(code).get(code, [])
    if not view.public and not allowed(request.user, "assessments.set_consensus", assessment):
        context["consensus_refusal"] = services.consensus_refusal(request.user, assessment)
    if allowed(request.user, "assessments.set_consensus", assessment):
        initial = {"version": consensus.version if consensus else 0}
        if consensus:
            initial.update(
                answer=join_answer(consensus.answer, consensus.level), rationale=consensus.rationale
            )
        context["consensus_form"] = ConsensusForm(initial=initial, levels=levels)
    return render(request, "assessments/indicator_detail.html", context)


@login_required
@require_POST
def consensus_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.set_consensus")
    indicator = get_object_or_404(assessment.framework.indicators, code=code)
    form = ConsensusForm(request.POST, levels=list(assessment.framework.scale.levels.all()))
    if form.is_valid():
        answer, level_code = split_answer(form.cleaned_data["answer"])
        try:
            services.consensus_set(
                assessment=assessment,
                indicator=indicator,
                user=request.user,
                answer=answer,
                level_code=level_code,
                rationale=form.cleaned_data["rationale"],
                expected_version=form.cleaned_data["version"],
            )
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Consensus recorded for %(code)s.") % {"code": indicator.code})
    else:
        messages.error(request, _("Choose the agreed answer."))
    return redirect("assessments:indicator_detail", pk=pk, code=code)
