"""Publication: the checklist shown before an assessment moves to review, validation or publication; the
rule that publishing below the framework's minimum completeness needs a reason; and the figures stored
when an assessment is published, which the benchmark reads.

The rule and the storing run inside the workflow service (`assessments.services.workflow`) as a guard
and a hook that this app registers when it starts, so that `assessments` needs to know nothing of them.
"""

from django.utils.translation import gettext as _

from assessments.models import Assessment, StatusChange
from assessments.services import AssessmentError
from indicators.display import percent_text
from reports.models import PublishedFigures
from reports.results import assessment_results

Status = Assessment.Status
CHECKED_MOVES = (Status.REVIEW, Status.VALIDATED, Status.PUBLISHED)


def publication_checklist(assessment: Assessment, results: dict | None = None) -> dict:
    """What a coordinator should look at before moving on: completeness by institution, disagreements
    without a consensus, evidence coverage, institutions that never answered, and whether publication
    would need a reason."""
    results = results or assessment_results(assessment)
    overall = results["overall"]
    return {
        "completeness": overall["completeness"],
        "min_completeness": overall["min_completeness"],
        "below_minimum": overall["insufficient"],
        "institutions": [i for i in results["institutions"] if i["answered"]],
        "silent": [i for i in results["institutions"] if not i["answered"]],
        "disagreements": [
            i for i in results["indicators"] if i["disagreement"] and i["source"] != "consensus"
        ],
        "evidence_coverage": results["evidence_coverage"],
        "unvalued": [i for i in results["indicators"] if i["value"] is None and i["consensus"] != "na"],
    }


def publication_guard(assessment: Assessment, to: str, override_reason: str) -> None:
    """Publishing below the framework's minimum completeness needs a reason, kept with the move and shown
    on the public pages and the report."""
    if to != Status.PUBLISHED:
        return
    overall = assessment_results(assessment)["overall"]
    if overall["insufficient"] and not override_reason:
        raise AssessmentError(
            _(
                "Completeness is %(done)s, below this framework's minimum of %(minimum)s. To publish anyway, "
                "give the reason: it is recorded and shown with the results."
            )
            % {
                "done": percent_text(overall["completeness"]),
                "minimum": percent_text(overall["min_completeness"]),
            }
        )


def _figures_from(results: dict) -> dict:
    overall = results["overall"]
    return {
        "overall": overall["score"],
        "band": overall["band"] or "",
        "completeness": overall["completeness"],
        "insufficient": overall["insufficient"],
        "categories": {
            dimension: {c["code"]: c["score"] for c in categories}
            for dimension, categories in results["dimensions"].items()
        },
    }


def published_figures_store(assessment: Assessment) -> PublishedFigures:
    """Compute and keep the headline figures of a published assessment."""
    data_version = Assessment.objects.values_list("data_version", flat=True).get(pk=assessment.pk)
    figures, _created = PublishedFigures.objects.update_or_create(
        assessment=assessment,
        defaults={
            "data_version": data_version,
            "framework_sha": assessment.framework.source_sha256,
            **_figures_from(assessment_results(assessment)),
        },
    )
    return figures


def store_on_publication(assessment: Assessment, change: StatusChange) -> None:
    if change.to_status == Status.PUBLISHED:
        published_figures_store(assessment)


def published_figures(assessments: list[Assessment]) -> dict[int, PublishedFigures]:
    """The stored figures of published assessments (one query), computing any that are missing or were
    stored for other data (assessments published before figures were stored, or restored from a bundle)."""
    stored = {f.assessment_id: f for f in PublishedFigures.objects.filter(assessment__in=assessments)}
    for assessment in assessments:
        figures = stored.get(assessment.pk)
        if figures is None or (figures.data_version, figures.framework_sha) != (
            assessment.data_version,
            assessment.framework.source_sha256,
        ):
            stored[assessment.pk] = published_figures_store(assessment)
    return stored
