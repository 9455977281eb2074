"""JSON API for results: participants see everything; the public sees published assessments' aggregates."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from assessments.access import assessment_for
from reports.results import assessment_results


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "allow_nan": False})


@require_GET
def results_json(request: HttpRequest, pk: int) -> JsonResponse:
    assessment = assessment_for(request, pk)
    public = not request.user.has_perm("assessments.view_responses", assessment)
    lang = request.GET.get("lang") or None
    return _json(assessment_results(assessment, lang=lang, public=public))
