"""Dashboard pages: one assessment, a country's rounds, the benchmark of countries, two side by side."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries as country_names

from assessments import services
from assessments.access import assessment_for
from assessments.forms import TransitionForm
from assessments.models import Assessment
from assessments.rules import allowed
from assessments.visibility import audience_of, public_q, visible_assessments
from indicators.downloads import attachment
from indicators.models import Dimension, Framework
from indicators.text import tr
from indicators.visibility import public_framework_ids
from reports import exports
from reports.comparisons import ComparisonError, benchmark_for, compare_for, same_questions, trend_for
from reports.figures import (
    DimensionInfo,
    benchmark_figure,
    category_comparison_figure,
    chart_bands,
    dashboard_figures,
    dimension_figure,
    trend_figure,
)
from reports.forms import ComparePickForm
from reports.models import Report
from reports.pdf import render_questionnaire
from reports.publication import publication_checklist
from reports.regions import region_label
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
        "previous_visible": assessment.previous_id is not None
        and visible_assessments(request.user).filter(pk=assessment.previous_id).exists(),
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
    context = {
        "data": data,
        "framework": framework,
        "figure": figure,
        "name": country_names.name(country.upper()) or country.upper(),
    }
    return render(request, "reports/trend.html", context)


def _benchmark_framework(slug: str) -> Framework:
    """The framework the benchmark shows: the one asked for, else the one most published assessments use."""
    if slug:
        framework = Framework.objects.filter(slug=slug).order_by("-loaded_at").first()
        if framework is None:
            raise Http404(_("No such framework."))
        return framework
    in_use = (
        Assessment.objects.filter(public_q())
        .values("framework__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "framework__slug")
        .first()
    )
    framework = (
        Framework.objects.filter(**({"slug": in_use["framework__slug"]} if in_use else {}))
        .order_by("-loaded_at")
        .first()
    )
    if framework is None:
        raise Http404(_("No framework is loaded yet."))
    return framework


def benchmark(request: HttpRequest) -> HttpResponse:
    framework = _benchmark_framework(request.GET.get("framework", ""))
    slug = framework.slug
    try:
        data = benchmark_for(
            framework_slug=slug,
            round_label=request.GET.get("round") or None,
            version=request.GET.get("version") or None,
        )
    except LookupError:
        raise Http404(_("No such framework version.")) from None
    # Bands, labels and ranking of the version compared, not of the newest one.
    framework = Framework.objects.prefetch_related("bands").get(slug=slug, version=data["framework_version"])
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
    regions = sorted(
        ((r, region_label(r)) for r in {c["sdg_region"] for c in data["countries"] if c["sdg_region"]}),
        key=lambda pair: pair[1],
    )
    for c in countries:
        c["region_label"] = region_label(c["sdg_region"])
    choices = {framework.slug: tr(framework.title)}
    for public in Framework.objects.filter(pk__in=public_framework_ids()).order_by("loaded_at"):
        choices[public.slug] = tr(public.title)
    context = {
        "framework_choices": sorted(choices.items(), key=lambda pair: pair[1]),
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


COMPARE_SORTS = {
    "difference": lambda i: (i["difference"] is None, -abs(i["difference"] or 0), i["code"]),
    "code": lambda i: i["code"],
    "a": lambda i: (i["value_a"] is None, -(i["value_a"] or 0), i["code"]),
    "b": lambda i: (i["value_b"] is None, -(i["value_b"] or 0), i["code"]),
}


def _category_rows(
    results_a: dict, results_b: dict, dimension: str
) -> list[tuple[str, float | None, float | None]]:
    """The top-level categories of one dimension with both assessments' scores, in the first one's order."""
    a = {c["code"]: c for c in results_a["dimensions"].get(dimension, []) if c["parent"] is None}
    b = {c["code"]: c for c in results_b["dimensions"].get(dimension, []) if c["parent"] is None}
    codes = list(a) + [code for code in b if code not in a]
    return [
        (
            (a.get(code) or b[code])["label"],
            (a.get(code) or {}).get("score"),
            (b.get(code) or {}).get("score"),
        )
        for code in codes
    ]


def compare(request: HttpRequest) -> HttpResponse:
    """Two assessments side by side: a picker at the bare URL, then criteria and stages as charts and the
    indicators as a sortable table."""
    if not (request.GET.get("a") and request.GET.get("b")):
        form = ComparePickForm(initial=request.GET.dict(), user=request.user)
        return render(request, "reports/compare.html", {"form": form})
    form = ComparePickForm(request.GET, user=request.user)
    try:
        ids = int(request.GET["a"]), int(request.GET["b"])
    except ValueError:
        ids = None
    # Each assessment is checked as on its own pages (missing or refused alike), before the form's checks.
    a, b = (assessment_for(request, pk) for pk in ids) if ids else (None, None)
    if not form.is_valid():
        return render(request, "reports/compare.html", {"form": form}, status=400)
    try:
        data = compare_for(a, b)
    except ComparisonError as exc:
        form.add_error(None, str(exc))
        return render(request, "reports/compare.html", {"form": form}, status=400)
    lang = get_language()
    results_a = view_for(request.user, a, lang=lang).results
    results_b = view_for(request.user, b, lang=lang).results
    label_a, label_b = f"{a.round} · {a.get_kind_display()}", f"{b.round} · {b.get_kind_display()}"
    if label_a == label_b or a.country != b.country or a.area != b.area:
        label_a, label_b = str(a), str(b)
    framework = Framework.objects.prefetch_related("dimensions").get(pk=a.framework_id)
    figures = [
        category_comparison_figure(
            DimensionInfo(d.code, tr(d.label), d.role),
            _category_rows(results_a, results_b, d.code),
            label_a=label_a,
            label_b=label_b,
        )
        for d in framework.dimensions.all()
        if d.role in (Dimension.Role.CRITERIA, Dimension.Role.LIFECYCLE)
    ]
    same_version = a.framework_id == b.framework_id
    # Across versions, only the indicators the newer version's continuity maps as the same question.
    same = {code for _old, _new, code in same_questions([a.framework, b.framework])}
    sort = request.GET.get("sort", "difference")
    sort = sort if sort in COMPARE_SORTS else "difference"
    questions = dict(framework.indicators.values_list("code", "question"))
    indicators = [
        {**i, "question": tr(questions.get(i["code"]))}
        for i in data["indicators"]
        if (i["value_a"] is not None or i["value_b"] is not None) and (same_version or i["code"] in same)
    ]
    context = {
        "form": form,
        "data": data,
        "a": a,
        "b": b,
        "label_a": label_a,
        "label_b": label_b,
        "figures": figures,
        "same_version": same_version,
        "indicators": sorted(indicators, key=COMPARE_SORTS[sort]),
        "sort": sort,
    }
    return render(request, "reports/compare.html", context)


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
    return attachment(content, filename=f"{name}.{fmt}", content_type=CONTENT_TYPES[fmt])


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


def questionnaire_pdf(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    framework = get_object_or_404(Framework, slug=slug, version=version)
    if not allowed(request.user, "indicators.browse_framework", framework):
        if not request.user.is_authenticated:
            raise Http404
        raise PermissionDenied
    # A framework version never changes once loaded (its file's hash is in the key): render it once.
    key = f"coherence:questionnaire:{framework.pk}:{framework.source_sha256}:{get_language()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_questionnaire(framework, get_language())
        cache.set(key, pdf, timeout=None)
    return attachment(
        pdf, filename=f"{slugify(f'{slug}-{version}-questionnaire')}.pdf", content_type="application/pdf"
    )


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
