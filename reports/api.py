"""JSON API for results: participants see everything; the public sees published assessments' aggregates."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.access import assessment_for
from assessments.visibility import audience_of
from indicators.models import Framework
from reports.comparisons import ComparisonError, benchmark_for, compare_for, trend_for
from reports.results import results_for


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "allow_nan": False})


@require_GET
def results_json(request: HttpRequest, pk: int) -> JsonResponse:
    assessment = assessment_for(request, pk)
    lang = request.GET.get("lang") or None
    return _json(results_for(assessment, audience=audience_of(request.user, assessment), lang=lang))


@require_GET
def benchmark_json(request: HttpRequest) -> JsonResponse:
    """Published assessments only: open to everyone."""
    slug = request.GET.get("framework", "")
    try:
        data = benchmark_for(framework_slug=slug, round_label=request.GET.get("round") or None)
    except LookupError:
        return _json({"error": _("No framework %(slug)s.") % {"slug": slug}}, status=404)
    return _json(data)


@require_GET
def trend_json(request: HttpRequest, country: str) -> JsonResponse:
    slug = request.GET.get("framework", "")
    if not Framework.objects.filter(slug=slug).exists():
        return _json({"error": _("No framework %(slug)s.") % {"slug": slug}}, status=404)
    data = trend_for(
        user=request.user, country=country.upper(), framework_slug=slug, area=request.GET.get("area", "")
    )
    return _json(data)


@require_GET
def compare_json(request: HttpRequest) -> JsonResponse:
    try:
        a_id, b_id = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError):
        return _json({"error": _("Give two assessment ids: ?a=ID&b=ID")}, status=400)
    a, b = assessment_for(request, a_id), assessment_for(request, b_id)
    try:
        return _json(compare_for(a, b))
    except ComparisonError as exc:
        return _json({"error": str(exc)}, status=400)
