"""Dashboard pages: one assessment, a country's rounds, the benchmark of countries, two side by side."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.access import assessment_for
from assessments.forms import TransitionForm
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.visibility import audience_of
from indicators.models import Framework
from indicators.text import tr
from reports import exports
from reports.comparisons import ComparisonError, benchmark_for, compare_for, trend_for
from reports.figures import (
    DimensionInfo,
    benchmark_figure,
    chart_bands,
    comparison_figure,
    dashboard_figures,
    dimension_figure,
    trend_figure,
)
from reports.models import Report
from reports.pdf import render_questionnaire
from reports.publication import publication_checklist
from reports.results import view_for
from reports.services import report_request, summary_get
from reports.texts import narratives

LIVE_STATUSES = (Assessment.Status.COLLECTING, Assessment.Status.REVIEW)


def _gaps(assessment: Assessment, results: dict, limit: int = 10) -> list[dict]:
    """The first priority gaps with their question and the actions recommended on them."""
    gaps = results["priority_gaps"][:limit]
    codes = [g["code"] for g in gaps]
    questions = dict(assessment.framework.indicators.filter(code__in=codes).values_list("code", "question"))
    actions: dict[str, list] = {}
    for action in (
        assessment.actions.filter(indicators__code__in=codes).prefetch_related("indicators").distinct()
    ):
        for indicator in action.indicators.all():
            actions.setdefault(indicator.code, []).append(action)
    return [
        {**g, "question": tr(questions.get(g["code"])), "actions": actions.get(g["code"], [])} for g in gaps
    ]


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    view = view_for(request.user, assessment, lang=get_language())
    results, public = view.results, view.public
    framework = Framework.objects.prefetch_related("dimensions", "bands").get(pk=assessment.framework_id)
    assessment.framework = framework  # the prefetched one, for everything below
    dims = list(framework.dimensions.all())
    infos = [DimensionInfo(d.code, tr(d.label), d.role, d.primary) for d in dims]
    bands = chart_bands(framework)
    chosen = next((d for d in dims if d.code == (request.GET.get("dimension") or "")), None)
    figures = dashboard_figures(results, infos, bands)
    if chosen:
        figures.insert(0, dimension_figure(results, next(i for i in infos if i.code == chosen.code), bands))
    context = {
        "assessment": assessment,
        "results": results,
        "band_labels": {b.code: tr(b.label) for b in framework.bands.all()},
        "figures": figures,
        "dimensions": dims,
        "chosen": chosen,
        "chosen_categories": results["dimensions"].get(chosen.code, []) if chosen else [],
        "gaps": _gaps(assessment, results),
        "narratives": narratives(view, get_language()),
        "live": assessment.status in LIVE_STATUSES,
        "refresh_seconds": settings.LIVE_REFRESH_SECONDS,
        "public": public,
        "disagreements": [i for i in results["indicators"] if i["disagreement"]],
        "can_report": allowed(request.user, "assessments.export_assessment", assessment),
        "report_languages": settings.LANGUAGES,
    }
    if request.htmx:
        return render(request, "reports/dashboard.html#live", context)
    return render(request, "reports/dashboard.html", context)


def trend(request: HttpRequest, country: str) -> HttpResponse:
    slug = request.GET.get("framework", "")
    framework = Framework.objects.filter(slug=slug).order_by("-loaded_at").first()
    if framework is None:
        raise Http404(_("Choose a framework."))
    data = trend_for(
        user=request.user, country=country.upper(), framework_slug=slug, area=request.GET.get("area", "")
    )
    figure = trend_figure(data["rounds"])
    return render(request, "reports/trend.html", {"data": data, "framework": framework, "figure": figure})


def benchmark(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("framework", "")
    framework = Framework.objects.filter(slug=slug).order_by("-loaded_at").first()
    if framework is None:
        raise Http404(_("Choose a framework."))
    try:
        data = benchmark_for(
            framework_slug=slug,
            round_label=request.GET.get("round") or None,
            version=request.GET.get("version") or None,
        )
    except LookupError:
        raise Http404(_("No such framework version.")) from None
    region = request.GET.get("region", "")
    countries = [c for c in data["countries"] if not region or c["sdg_region"] == region]
    # Sorting by score is a ranking: offered only where the framework allows one.
    sort = request.GET.get("sort", "score" if data["ranking"] else "name")
    if sort == "name" or not data["ranking"]:
        sort = "name"
        countries = sorted(countries, key=lambda c: c["name"])
    elif sort == "region":
        countries = sorted(countries, key=lambda c: (c["sdg_region"], c["name"]))
    highlight = request.GET.get("country", "").upper() or None
    figure = benchmark_figure(
        countries, ranking=data["ranking"], highlight=highlight, bands=chart_bands(framework)
    )
    regions = sorted({c["sdg_region"] for c in data["countries"] if c["sdg_region"]})
    context = {
        "data": data,
        "framework": framework,
        "figure": figure,
        "countries": countries,
        "regions": regions,
        "region": region,
        "highlight": highlight,
        "sort": sort,
        "bands": {b.code: tr(b.label) for b in framework.bands.all()},
    }
    return render(request, "reports/benchmark.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    try:
        a_id, b_id = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError):
        raise Http404(_("Choose two assessments.")) from None
    a, b = assessment_for(request, a_id), assessment_for(request, b_id)
    try:
        data = compare_for(a, b)
    except ComparisonError as exc:
        return render(request, "reports/compare.html", {"error": str(exc), "a": a, "b": b}, status=400)
    figure = comparison_figure(data["indicators"], label_a=str(a), label_b=str(b))
    return render(request, "reports/compare.html", {"data": data, "a": a, "b": b, "figure": figure})


# -- Country report (PDF) -----------------------------------------------------------------------


def _report_language(request: HttpRequest, assessment: Assessment) -> str:
    language = request.POST.get("language") or request.GET.get("language") or get_language()
    return language if language in dict(settings.LANGUAGES) else assessment.language


def _reports_for(request: HttpRequest, assessment: Assessment):
    """The generated PDFs this person may fetch: those made for their audience only."""
    return assessment.reports.filter(audience=audience_of(request.user, assessment))


@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.export_assessment")
    report, _queued = report_request(
        assessment=assessment,
        language=_report_language(request, assessment),
        user=request.user,
        audience=audience_of(request.user, assessment),
    )
    return redirect("results:report", pk=pk, report_id=report.pk)


def report_status(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    assessment = assessment_for(request, pk, "assessments.export_assessment")
    report = get_object_or_404(_reports_for(request, assessment), pk=report_id)
    context = {
        "assessment": assessment,
        "report": report,
        "is_coordinator": allowed(request.user, "assessments.change_assessment", assessment)
        or allowed(request.user, "assessments.export_bundle", assessment),
    }
    if request.htmx:
        return render(request, "reports/report.html#status", context)
    return render(request, "reports/report.html", context)


def report_download(request: HttpRequest, pk: int, report_id: int) -> FileResponse:
    assessment = assessment_for(request, pk, "assessments.export_assessment")
    report = get_object_or_404(_reports_for(request, assessment), pk=report_id, status=Report.Status.DONE)
    name = slugify(
        f"coherence-{assessment.country.code}-{assessment.area}-{assessment.round}-{report.language}"
    )
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )


# -- Data downloads -----------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def data_download(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """Responses (participants only: they name people) or results, as CSV or XLSX."""
    assessment = assessment_for(request, pk)
    lang = get_language()
    if what == "responses":
        if not allowed(request.user, "assessments.view_responses", assessment):
            raise Http404
        frames = {"responses": exports.responses_frame(assessment, lang)}
    elif what == "results":
        frames = exports.results_frames(view_for(request.user, assessment, lang=lang), lang)
    else:
        raise Http404
    if fmt == "csv":
        frame = frames.get(request.GET.get("table", "")) if len(frames) > 1 else next(iter(frames.values()))
        frame = frame if frame is not None else frames["indicators"]
        content = exports.to_csv(frame)
    elif fmt == "xlsx":
        content = exports.to_xlsx(frames)
    else:
        raise Http404
    name = slugify(f"coherence-{assessment.country.code}-{assessment.area}-{assessment.round}-{what}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def summary_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The one-page summary, made on first request and kept until the data changes."""
    assessment = assessment_for(request, pk, "assessments.export_assessment")
    report = summary_get(
        assessment=assessment,
        language=_report_language(request, assessment),
        audience=audience_of(request.user, assessment),
        user=request.user,
    )
    if report.status != Report.Status.DONE:
        raise Http404(_("The summary could not be made; try again in a moment."))
    name = slugify(f"coherence-{assessment.country.code}-{assessment.area}-{assessment.round}-summary")
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )


@login_required
def questionnaire_pdf(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    if not allowed(request.user, "indicators.browse_framework"):
        raise PermissionDenied
    framework = get_object_or_404(Framework, slug=slug, version=version)
    # A framework version never changes once loaded (its file's hash is in the key): render it once.
    key = f"coherence:questionnaire:{framework.pk}:{framework.source_sha256}:{get_language()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_questionnaire(framework, get_language())
        cache.set(key, pdf, timeout=None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(f"{slug}-{version}-questionnaire")}.pdf"'
    )
    return response


# -- Before moving on: the checklist --------------------------------------------------------------


def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """Before review, validation or publication: what the figures say about the assessment's readiness,
    and the move itself (publishing below the minimum completeness asks for a reason)."""
    assessment = assessment_for(request, pk, "assessments.transition_assessment")
    to = request.POST.get("to") or request.GET.get("to")
    if to not in services.assessment_next_statuses(assessment=assessment, user=request.user):
        messages.error(request, _("You cannot move this assessment to that status now."))
        return redirect(assessment)
    form = TransitionForm(request.POST or None, initial={"to": to})
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_transition(
                assessment=assessment,
                to=to,
                user=request.user,
                comment=form.cleaned_data["comment"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The assessment is now: %(status)s.") % {"status": Assessment.Status(to).label}
            )
            return redirect(assessment)
    context = {
        "assessment": assessment,
        "to": Assessment.Status(to),
        "form": form,
        "checks": publication_checklist(assessment),
    }
    return render(request, "reports/checklist.html", context)
