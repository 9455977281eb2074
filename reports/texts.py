"""The narratives of an assessment (reports.narrative) with what they need from the database: each category's
indicators and their questions, and the previous round's scores when that round is public."""

from assessments.models import Assessment
from assessments.visibility import AssessmentView
from indicators.models import Dimension, Indicator
from indicators.text import tr
from reports.narrative import CategoryText, dimension_texts
from reports.publication import published_figures


def _previous_public(assessment: Assessment) -> Assessment | None:
    previous = assessment.previous
    return previous if previous is not None and previous.is_public else None


def narratives(view: AssessmentView, lang: str) -> dict[str, list[CategoryText]]:
    """Dimension code -> the sentences of each of its top-level categories, for criteria and stages."""
    assessment, results = view.assessment, view.results
    framework = assessment.framework
    roles = {d.role: d.code for d in framework.dimensions.all() if d.role}
    wanted = [roles[r] for r in (Dimension.Role.CRITERIA, Dimension.Role.LIFECYCLE) if r in roles]
    if not wanted:
        return {}
    questions = dict(framework.indicators.values_list("code", "question"))
    indicators = {
        i["code"]: {**i, "question": tr(questions.get(i["code"]), lang)} for i in results["indicators"]
    }
    links = Indicator.categories.through.objects.filter(
        indicator__framework=framework, category__dimension__code__in=wanted
    ).values_list("category__dimension__code", "category__code", "indicator__code", "category__parent__code")
    members: dict[str, dict[str, list[str]]] = {}
    for dimension, category, indicator, parent in links:
        members.setdefault(dimension, {}).setdefault(parent or category, []).append(indicator)
    band_labels = {b.code: tr(b.label, lang) for b in framework.bands.all()}
    previous = _previous_public(assessment)
    previous_figures = published_figures([previous]).get(previous.pk) if previous else None
    texts = {}
    for dimension in wanted:
        texts[dimension] = dimension_texts(
            results["dimensions"].get(dimension, []),
            indicators,
            members.get(dimension, {}),
            band_labels=band_labels,
            previous_scores=previous_figures.categories.get(dimension, {}) if previous_figures else None,
            previous_round=previous.round if previous else "",
            previous_version=previous.framework.version if previous else "",
            same_version=bool(previous) and previous.framework_id == assessment.framework_id,
        )
    return texts
