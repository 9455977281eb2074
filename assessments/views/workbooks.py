"""The offline workbook: download one's questionnaire as XLSX, upload it filled in, see what changes and
every problem, choose in each conflict, confirm. Only people who may score now use it.

An upload that can be applied waits server-side (assessments.pending: under the person's id and the
assessment, for a day) while they look at the preview; confirming makes the preview again from that
stored file and applies it only if it is still the one they saw."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.access import assessment_for, participant_for
from assessments.forms import WorkbookConfirmForm, WorkbookDownloadForm, WorkbookUploadForm
from assessments.pending import pending_delete, pending_read, pending_save
from assessments.services import AssessmentError, AssessmentProblems
from assessments.workbook import (
    WorkbookOutdated,
    workbook_apply,
    workbook_build,
    workbook_filename,
    workbook_preview,
)
from indicators.downloads import attachment

PENDING_KIND = "workbooks"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, assessment, participant, *, download=None, upload=None, problems=(), status=200):
    context = {
        "assessment": assessment,
        "participant": participant,
        "download_form": download or WorkbookDownloadForm(institution=participant.institution),
        "upload_form": upload or WorkbookUploadForm(),
        "problems": problems,
    }
    return render(request, "assessments/workbook.html", context, status=status)


@login_required
def workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook page; posting a filled workbook checks it in full before anything else."""
    assessment = assessment_for(request, pk, "assessments.use_workbook")
    participant = participant_for(request, assessment)
    upload = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        raw = upload.cleaned_data["file"]
        preview = workbook_preview(assessment=assessment, participant=participant, raw=raw)
        if preview.problems:
            return _page(request, assessment, participant, upload=upload, problems=preview.problems)
        token = pending_save(request.user, raw, kind=PENDING_KIND, scope=str(assessment.pk))
        return redirect("assessments:workbook_preview", pk=assessment.pk, token=token)
    return _page(request, assessment, participant, upload=upload)


@login_required
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.use_workbook")
    participant = participant_for(request, assessment)
    form = WorkbookDownloadForm(request.GET or None, institution=participant.institution)
    if request.GET and not form.is_valid():
        return _page(request, assessment, participant, download=form, status=400)
    kind = form.cleaned_data["kind"] if request.GET else "participant"
    by = form.cleaned_data["by"] if request.GET else "criterion"
    content = workbook_build(
        assessment=assessment, participant=participant, kind=kind, by=by, lang=get_language() or "en"
    )
    return attachment(content, filename=workbook_filename(assessment, participant, kind), content_type=XLSX)


@login_required
def workbook_preview_page(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What applying the upload would do; confirming applies it, in one transaction."""
    assessment = assessment_for(request, pk, "assessments.use_workbook")
    participant = participant_for(request, assessment)
    raw = pending_read(request.user, token, kind=PENDING_KIND, scope=str(assessment.pk))
    if raw is None:
        raise Http404(_("This upload is no longer waiting: upload the workbook again."))
    if request.method == "POST" and "cancel" in request.POST:
        pending_delete(request.user, token, kind=PENDING_KIND, scope=str(assessment.pk))
        messages.info(request, _("Upload cancelled: nothing was saved."))
        return redirect("assessments:workbook", pk=assessment.pk)
    preview = workbook_preview(assessment=assessment, participant=participant, raw=raw)
    bound = request.POST if request.method == "POST" else None
    error = ""
    if bound is not None and bound.get("fingerprint") != preview.fingerprint:
        # Answers changed on the server since this person saw the preview: show the new one first.
        bound, error = None, str(WorkbookOutdated.message())
    form = WorkbookConfirmForm(
        bound, conflicts=preview.conflicts, initial={"fingerprint": preview.fingerprint}
    )
    if bound is not None and form.is_valid():
        try:
            applied = workbook_apply(
                assessment=assessment,
                participant=participant,
                user=request.user,
                raw=raw,
                choices=form.choices(),
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except AssessmentProblems as exc:
            error = "; ".join(exc.problems)
        except AssessmentError as exc:
            error = str(exc)
        else:
            pending_delete(request.user, token, kind=PENDING_KIND, scope=str(assessment.pk))
            messages.success(
                request,
                _("Saved from the workbook: %(answers)s answer(s), %(links)s evidence link(s).")
                % {"answers": applied.answers, "links": applied.links},
            )
            return redirect(reverse("assessments:score", args=[assessment.pk]))
    downloaded_at = _moment(preview.meta.get("downloaded_at", ""))
    context = {
        "assessment": assessment,
        "participant": participant,
        "preview": preview,
        "form": form,
        "error": error,
        "downloaded_at": downloaded_at,
    }
    return render(request, "assessments/workbook_preview.html", context, status=409 if error else 200)


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
