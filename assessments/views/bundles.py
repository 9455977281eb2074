"""Bundles: download an assessment whole; upload one, see what importing it would do, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.access import assessment_for
from assessments.bundle import (
    BundleInvalid,
    bundle_check,
    bundle_export,
    bundle_import,
    bundle_read,
)
from assessments.forms import BundleConfirmForm, BundleUploadForm
from assessments.pending import pending_delete, pending_read, pending_save
from assessments.rules import allowed
from indicators.downloads import attachment


@login_required
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.export_bundle")
    with_files = assessment.evidence.exclude(file="").exists()
    content = bundle_export(assessment, with_files=with_files)
    name = slugify(f"{assessment.country.code}-{assessment.area}-{assessment.round}-{assessment.pk}")
    return attachment(
        content,
        filename=f"{name}.{'zip' if with_files else 'json'}",
        content_type="application/zip" if with_files else "application/json",
    )


@login_required
def bundle_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the bundle is checked in full (a trial import, rolled back) before anything else."""
    if not allowed(request.user, "assessments.import_bundle"):
        raise PermissionDenied
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"]
        try:
            data, files = bundle_read(raw)
            bundle_check(data, files, request.user)
        except BundleInvalid as exc:
            problems = exc.problems
        else:
            return redirect("assessments:bundle_confirm", token=pending_save(request.user, raw))
    return render(request, "assessments/bundle_upload.html", {"form": form, "problems": problems})


@login_required
def bundle_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: what the import will do; confirming writes it, in one transaction."""
    raw = pending_read(request.user, token)
    if raw is None:
        raise Http404(_("This upload is no longer waiting: upload the bundle again."))
    user = request.user
    admin = allowed(user, "assessments.restore_status")
    problems: list[str] = []
    try:
        data, files = bundle_read(raw)
        preview = bundle_check(data, files)
    except BundleInvalid as exc:
        pending_delete(user, token)
        return render(
            request, "assessments/bundle_upload.html", {"form": BundleUploadForm(), "problems": exc.problems}
        )
    bound = request.POST if request.method == "POST" else None
    form = BundleConfirmForm(bound, existing=preview.existing_usernames, admin=admin)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = bundle_import(
                data=data,
                files=files,
                user=user,
                restore_status=form.cleaned_data.get("restore_status", False),
                enrol=frozenset(form.cleaned_data.get("enrol", [])),
            )
        except BundleInvalid as exc:
            problems = exc.problems
        else:
            pending_delete(user, token)
            messages.success(
                request,
                _(
                    "Assessment imported. People new to this server get a link to set their password: "
                    "see Invitations."
                ),
            )
            return redirect(assessment)
    context = {"preview": preview, "form": form, "problems": problems, "admin": admin}
    return render(request, "assessments/bundle_confirm.html", context)
