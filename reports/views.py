"""Dashboard pages: one assessment, a country's rounds, the benchmark of countries, two side by side."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import assessment_for
from assessments.models import Assessment
from assessments.visibility import audience_of
from indicators.models import Framework
from indicators.text import tr
from reports import charts, exports
from reports.charts import NO_VALUE
from reports.comparisons import ComparisonError, benchmark_for, compare_for, trend_for
from reports.models import Report
from reports.pdf import render_questionnaire
from reports.results import view_for
from reports.services import report_request, summary_get

LIVE_STATUSES = (Assessment.Status.COLLECTING, Assessment.Status.REVIEW)


@dataclass
class Figure:
    """A chart with what makes it readable without the picture: a caption and its numbers as a table."""

    id: str
    title: str
    caption: str
    html: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def _score(value) -> str:
    return NO_VALUE if value is None else f"{value:.1f}"


def _dimension_figures(results: dict, dimension: str, labels: dict) -> list[Figure]:
    categories = results["dimensions"].get(dimension, [])
    table = [
        [c["label"], _score(c["score"]), c["band"] or NO_VALUE, f"{c['completeness']:.0%}"]
        for c in categories
    ]
    headers = [labels.get(dimension, dimension), _("Score"), _("Band"), _("Completeness")]
    return categories, table, headers


def _dashboard_figures(results: dict, framework: Framework) -> list[Figure]:
    dims = {d.code: d for d in framework.dimensions.all()}
    labels = {code: tr(d.label) for code, d in dims.items()}
    by_role = {d.role: d.code for d in dims.values() if d.role}
    figures = []
    criteria = by_role.get("criteria") or next((d.code for d in dims.values() if d.primary), None)
    if criteria:
        categories, table, headers = _dimension_figures(results, criteria, labels)
        figures.append(
            Figure(
                "radar",
                labels[criteria],
                _("Score of each %(dimension)s, 0 to 100.") % {"dimension": labels[criteria].lower()},
                charts.to_html(charts.radar(categories), "chart-radar"),
                headers,
                table,
            )
        )
    matrix = results.get("matrix")
    if matrix:
        row_labels = [tr(framework_label(dims, matrix["rows"], c)) for c in matrix["row_codes"]]
        column_labels = [tr(framework_label(dims, matrix["columns"], c)) for c in matrix["column_codes"]]
        # Codes on the axes keep the grid readable on a phone; the table under it spells them out.
        axis_rows = [f"{c} · {label[:18]}" for c, label in zip(matrix["row_codes"], row_labels, strict=True)]
        figures.append(
            Figure(
                "heatmap",
                _("%(rows)s by %(columns)s")
                % {"rows": labels[matrix["rows"]], "columns": labels[matrix["columns"]].lower()},
                _("Weighted mean score of the indicators in each cell; empty cells have no scored one."),
                charts.to_html(
                    charts.heatmap(
                        row_labels=axis_rows, column_labels=matrix["column_codes"], scores=matrix["scores"]
                    ),
                    "chart-heatmap",
                ),
                [
                    "",
                    *(
                        f"{c} · {label}"
                        for c, label in zip(matrix["column_codes"], column_labels, strict=True)
                    ),
                ],
                [
                    [label, *(_score(v) for v in row)]
                    for label, row in zip(row_labels, matrix["scores"], strict=True)
                ],
            )
        )
    stages = by_role.get("lifecycle")
    if stages:
        categories, table, headers = _dimension_figures(results, stages, labels)
        figures.append(
            Figure(
                "stages",
                labels[stages],
                _("Score of each stage of the migration life cycle, 0 to 100."),
                charts.to_html(charts.bars(categories, color=charts.PALETTE[2]), "chart-stages"),
                headers,
                table,
            )
        )
    with_institutions = [i for i in results["indicators"] if len(i["institution_values"]) >= 2]
    if with_institutions:
        figures.append(
            Figure(
                "agreement",
                _("Agreement between institutions"),
                _(
                    "Each institution's level on the indicators answered by two or more institutions, "
                    "disagreements (a spread of 50 or more) first; the open circle is the indicator's value."
                ),
                charts.to_html(charts.agreement(results["indicators"]), "chart-agreement"),
                [_("Indicator"), _("Value"), _("Spread"), _("Disagreement"), _("Institutions")],
                [
                    [
                        i["code"],
                        _score(i["value"]),
                        _score(i["spread"]),
                        _("yes") if i["disagreement"] else _("no"),
                        "; ".join(f"{k}: {v:.0f}" for k, v in i["institution_values"].items()),
                    ]
                    for i in sorted(with_institutions, key=lambda i: (not i["disagreement"], i["code"]))
                ],
            )
        )
    return figures


def framework_label(dims: dict, dimension: str, code: str) -> dict:
    for category in dims[dimension].categories.all():
        if category.code == code:
            return category.label
    return {"en": code}


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
    framework = Framework.objects.prefetch_related("dimensions__categories").get(pk=assessment.framework_id)
    filter_dimension = request.GET.get("dimension") or ""
    dims = list(framework.dimensions.all())
    chosen = next((d for d in dims if d.code == filter_dimension), None)
    figures = _dashboard_figures(results, framework)
    if chosen:
        categories = results["dimensions"].get(chosen.code, [])
        figures.insert(
            0,
            Figure(
                "chosen",
                tr(chosen.label),
                _("Score of each category of the chosen dimension, 0 to 100."),
                charts.to_html(charts.bars(categories, color=charts.PALETTE[3]), "chart-chosen"),
                [tr(chosen.label), _("Score")],
                [[c["label"], _score(c["score"])] for c in categories if c.get("parent") is None],
            ),
        )
    context = {
        "assessment": assessment,
        "results": results,
        "band_labels": {b.code: tr(b.label) for b in framework.bands.all()},
        "figures": figures,
        "dimensions": dims,
        "chosen": chosen,
        "chosen_categories": results["dimensions"].get(chosen.code, []) if chosen else [],
        "gaps": _gaps(assessment, results),
        "live": assessment.status in LIVE_STATUSES,
        "public": public,
        "disagreements": [i for i in results["indicators"] if i["disagreement"]],
        "can_report": request.user.has_perm("assessments.export_assessment", assessment),
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
    figure = Figure(
        "trend",
        _("Overall score by round"),
        _("A dotted line marks a new framework version: scores on either side are not strictly comparable."),
        charts.to_html(charts.trend(data["rounds"]), "chart-trend"),
        [_("Round"), _("Framework version"), _("Overall score"), _("Change")],
        [
            [r["round"], r["framework_version"], _score(r["overall"]), _score(r["change"])]
            for r in data["rounds"]
        ],
    )
    return render(request, "reports/trend.html", {"data": data, "framework": framework, "figure": figure})


def benchmark(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("framework", "")
    framework = Framework.objects.filter(slug=slug).order_by("-loaded_at").first()
    if framework is None:
        raise Http404(_("Choose a framework."))
    data = benchmark_for(framework_slug=slug, round_label=request.GET.get("round") or None)
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
    figure = Figure(
        "benchmark",
        _("Countries"),
        _("Overall score of each country's latest published round.")
        if data["ranking"]
        else _("Overall score of each country, in alphabetical order: this framework shows no ranking."),
        charts.to_html(
            charts.benchmark(countries, highlight=highlight, ranking=data["ranking"]), "chart-benchmark"
        ),
        [_("Country"), _("Round"), _("Score"), _("Band")],
        [[c["name"], c["round"], _score(c["score"]), c["band"] or NO_VALUE] for c in countries],
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
    figure = Figure(
        "comparison",
        _("Indicator by indicator"),
        _("The value of each indicator in both assessments."),
        charts.to_html(
            charts.comparison(data["indicators"], label_a=str(a), label_b=str(b)), "chart-comparison"
        ),
        [_("Indicator"), str(a), str(b), _("Difference")],
        [
            [i["code"], _score(i["value_a"]), _score(i["value_b"]), _score(i["difference"])]
            for i in data["indicators"]
        ],
    )
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
        "is_coordinator": request.user.has_perm("assessments.change_assessment", assessment)
        or request.user.has_perm("assessments.export_bundle", assessment),
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
        if not request.user.has_perm("assessments.view_responses", assessment):
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
    if not request.user.has_perm("indicators.browse_framework"):
        raise PermissionDenied
    framework = get_object_or_404(Framework, slug=slug, version=version)
    response = HttpResponse(render_questionnaire(framework, get_language()), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(f"{slug}-{version}-questionnaire")}.pdf"'
    )
    return response
