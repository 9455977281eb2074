"""Assessment pages: list, create, set up, invite, score, agree consensus, move through the workflow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.access import assessment_for, participant_for
from assessments.bundle import BundleInvalid, bundle_export, bundle_import, bundle_read
from assessments.forms import (
    ActionForm,
    AssessmentForm,
    BundleUploadForm,
    ConfirmForm,
    ConsensusForm,
    EvidenceForm,
    InstitutionForm,
    InvitationForm,
    NextRoundForm,
    ResponseForm,
    TransitionForm,
    join_answer,
    split_answer,
)
from assessments.models import Assessment, Invitation
from assessments.services import AssessmentError, StaleEdit
from assessments.visibility import AssessmentView, audience_of

Status = Assessment.Status


def assessment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.assessment_list_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "assessments/assessment_list.html", {"page": page})


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessments.create_assessment"):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Assessment created. Add the institutions that take part, then invite people.")
            )
            return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form})


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    participant = participant_for(request, assessment)
    user = request.user
    context = {
        "assessment": assessment,
        "participant": participant,
        "next_statuses": services.assessment_next_statuses(assessment=assessment, user=user),
        "status_changes": assessment.status_changes.select_related("by") if participant else [],
        "institutions": assessment.institutions.all(),
        "actions": selectors.assessment_actions(assessment=assessment),
        "can_manage_actions": user.has_perm("assessments.manage_actions", assessment),
    }
    if user.has_perm("assessments.view_responses", assessment):
        context["participants"] = selectors.participant_progress(assessment=assessment)
        context["expected"] = assessment.framework.indicators.count()
    if user.has_perm("assessments.change_assessment", assessment):
        context["institution_form"] = InstitutionForm()
        context["invitation_form"] = InvitationForm(assessment=assessment)
        context["invitations"] = assessment.invitations.filter(accepted_at__isnull=True).select_related(
            "institution"
        )
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(assessment=assessment, user=request.user, **form.changed_values())
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Assessment updated."))
            return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form, "assessment": assessment})


@login_required
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.delete_assessment")
    form = ConfirmForm(request.POST or None)
    n_responses = assessment.responses.count()
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_delete(assessment=assessment, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
            return redirect(assessment)
        messages.success(request, _("Assessment deleted."))
        return redirect("assessments:assessment_list")
    return render(
        request,
        "assessments/assessment_delete.html",
        {"assessment": assessment, "form": form, "n_responses": n_responses},
    )


@login_required
@require_POST
def institution_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = InstitutionForm(request.POST)
    if form.is_valid():
        try:
            institution = services.institution_add(assessment=assessment, **form.cleaned_data)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s added.") % {"name": institution.name})
    else:
        messages.error(request, _("Give the institution a name and a kind."))
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#institutions")


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    form = InvitationForm(request.POST, assessment=assessment)
    if form.is_valid():
        try:
            services.invitation_create(
                assessment=assessment,
                by=request.user,
                accept_url=lambda inv: request.build_absolute_uri(inv_url(inv)),
                **form.cleaned_data,
            )
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Invitation ready: copy its link below and send it."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#invitations")


def inv_url(invitation: Invitation) -> str:
    return reverse("assessments:invitation_accept", args=[invitation.token])


@login_required
def invitation_accept(request: HttpRequest, token) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("assessment", "institution"), token=token
    )
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Welcome: you now take part in this assessment."))
        return redirect(invitation.assessment)
    return render(request, "assessments/invitation_accept.html", {"invitation": invitation})


@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.open_scoring")
    participant = participant_for(request, assessment)
    by = request.GET.get("by", "criterion")
    page = selectors.score_page(assessment=assessment, participant=participant, by=by)
    can_score = request.user.has_perm("assessments.score_assessment", assessment)
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
            "previous_group": codes[position - 1] if position else None,
            "next_group": codes[position + 1] if position is not None and position + 1 < len(codes) else None,
            "by": by,
            "can_score": can_score,
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
            "can_score": request.user.has_perm("assessments.score_assessment", assessment),
        },
    )


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
        "can_upload": request.user.has_perm("assessments.upload_evidence", assessment),
        "can_manage_actions": request.user.has_perm("assessments.manage_actions", assessment),
    }
    view = AssessmentView(assessment, audience_of(request.user, assessment))
    context["shows_people"] = view.shows_people
    if not view.public:
        context["answers"] = selectors.indicator_answers(assessment=assessment, indicator=indicator)
        context["history"] = selectors.indicator_history(assessment=assessment, indicator=indicator)
    else:
        context["public_justifications"] = view.justifications(code).get(code, [])
    if not view.public and not request.user.has_perm("assessments.set_consensus", assessment):
        context["consensus_refusal"] = services.consensus_refusal(request.user, assessment)
    if request.user.has_perm("assessments.set_consensus", assessment):
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


@login_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then move the assessment to another status."""
    assessment = assessment_for(request, pk, "assessments.transition_assessment")
    allowed = services.assessment_next_statuses(assessment=assessment, user=request.user)
    form = TransitionForm(request.POST or request.GET or None)
    to = form.data.get("to")
    if to not in allowed:
        messages.error(request, _("You cannot move this assessment to that status now."))
        return redirect(assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_transition(
                assessment=assessment, to=to, user=request.user, comment=form.cleaned_data["comment"]
            )
        except AssessmentError as exc:
            form.add_error("comment", str(exc))
        else:
            messages.success(request, _("The assessment is now: %(status)s.") % {"status": Status(to).label})
            return redirect(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "to": Status(to),
        "going_back": _going_back(assessment, to),
    }
    return render(request, "assessments/transition.html", context)


def _going_back(assessment: Assessment, to: str) -> bool:
    return list(Status.values).index(to) < list(Status.values).index(assessment.status)


@login_required
def next_round(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.start_next_round")
    form = NextRoundForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.next_round_start(assessment=assessment, user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Round %(round)s started, with open actions carried over.") % {"round": new.round}
            )
            return redirect(new)
    return render(request, "assessments/next_round.html", {"assessment": assessment, "form": form})


# -- Evidence and actions -----------------------------------------------------------------------


def _indicator_initial(request: HttpRequest, assessment: Assessment) -> dict:
    code = request.GET.get("indicator")
    indicator = assessment.framework.indicators.filter(code=code).first() if code else None
    return {"indicators": [indicator]} if indicator else {}


def _back_to(assessment: Assessment, indicators) -> str:
    indicators = list(indicators)
    if len(indicators) == 1:
        return reverse("assessments:indicator_detail", args=[assessment.pk, indicators[0].code])
    return assessment.get_absolute_url()


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.upload_evidence")
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        assessment=assessment,
        initial=_indicator_initial(request, assessment),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(assessment=assessment, user=request.user, **data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Evidence added."))
            return redirect(_back_to(assessment, data["indicators"]))
    return render(request, "assessments/evidence_form.html", {"assessment": assessment, "form": form})


def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve an evidence file to people allowed to see the assessment, never from the web root."""
    assessment = assessment_for(request, pk)
    evidence = get_object_or_404(assessment.evidence.exclude(file=""), pk=evidence_pk)
    extension = services.EVIDENCE_TYPES.get(evidence.content_type, "bin")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(evidence.title)[:80] or 'evidence'}.{extension}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.upload_evidence")
    evidence = get_object_or_404(assessment.evidence, pk=evidence_pk)
    indicators = list(evidence.indicators.all())
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_delete(evidence=evidence, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Evidence removed."))
        return redirect(_back_to(assessment, indicators))
    return render(
        request,
        "assessments/evidence_delete.html",
        {"assessment": assessment, "evidence": evidence, "form": form},
    )


@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.manage_actions")
    form = ActionForm(
        request.POST or None, assessment=assessment, initial=_indicator_initial(request, assessment)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(assessment=assessment, user=request.user, **data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Action added."))
            return redirect(_back_to(assessment, data["indicators"]))
    return render(request, "assessments/action_form.html", {"assessment": assessment, "form": form})


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.manage_actions")
    action = get_object_or_404(assessment.actions, pk=action_pk)
    form = ActionForm(request.POST or None, assessment=assessment, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, user=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Action updated."))
            return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#actions")
    return render(
        request, "assessments/action_form.html", {"assessment": assessment, "form": form, "action": action}
    )


# -- Bundles ------------------------------------------------------------------------------------


@login_required
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.export_bundle")
    with_files = assessment.evidence.exclude(file="").exists()
    content = bundle_export(assessment, with_files=with_files)
    name = slugify(f"{assessment.country.code}-{assessment.area}-{assessment.round}-{assessment.pk}")
    response = HttpResponse(content, content_type="application/zip" if with_files else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.{"zip" if with_files else "json"}"'
    return response


@login_required
def bundle_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessments.import_bundle"):
        raise PermissionDenied
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data, files = bundle_read(form.cleaned_data["file"])
            assessment = bundle_import(data=data, files=files, user=request.user)
        except BundleInvalid as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Assessment imported."))
            return redirect(assessment)
    return render(request, "assessments/bundle_upload.html", {"form": form, "problems": problems})


# -- Removing people and institutions -----------------------------------------------------------


@login_required
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    participant = get_object_or_404(
        assessment.participants.select_related("user", "institution"), pk=participant_pk
    )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.participant_remove(participant=participant, user=request.user)
        except AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Removed, with %(n)s answer(s).") % {"n": n})
        return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#people")
    context = {
        "assessment": assessment,
        "participant": participant,
        "form": form,
        "n": participant.responses.count(),
    }
    return render(request, "assessments/participant_remove.html", context)


@login_required
@require_POST
def institution_remove(request: HttpRequest, pk: int, institution_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.change_assessment")
    institution = get_object_or_404(assessment.institutions, pk=institution_pk)
    try:
        services.institution_remove(assessment=assessment, institution=institution, user=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s removed from this assessment.") % {"name": institution.name})
    return redirect(reverse("assessments:assessment_detail", args=[pk]) + "#institutions")
