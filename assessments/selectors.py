"""Reads for assessment pages, each in a bounded number of queries whatever the size of the assessment."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from assessments.models import Action, Answer, Assessment, Consensus, Evidence, Participant, Response
from assessments.visibility import visible_assessments
from indicators.models import Category, Dimension, Indicator, Level
from indicators.selectors import framework_dimensions, framework_indicators

ANSWERS_THAT_COUNT = [Answer.LEVEL, Answer.NOT_APPLICABLE]  # don't know counts as unanswered


def assessment_list_for(user) -> QuerySet[Assessment]:
    """Assessments the person takes part in, and public ones, by country then newest round first."""
    return (
        visible_assessments(user)
        .select_related("framework")
        .order_by("country", "area", "-round", "-created_at")
    )


def grouping_dimension(dimensions: list[Dimension], by: str) -> Dimension:
    role = {"criterion": "criteria", "stage": "lifecycle"}.get(by, "criteria")
    return (
        next((d for d in dimensions if d.role == role), None)
        or next((d for d in dimensions if d.primary), None)
        or dimensions[0]
    )


@dataclass
class ScoreItem:
    indicator: Indicator
    response: Response | None
    evidence_count: int = 0

    @property
    def answered(self) -> bool:
        return self.response is not None and self.response.answer in (Answer.LEVEL, Answer.NOT_APPLICABLE)


@dataclass
class ScoreGroup:
    category: Category
    items: list[ScoreItem] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(item.answered for item in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / len(self.items)) if self.items else 0


@dataclass
class ScorePage:
    dimension: Dimension
    dimensions: list[Dimension]
    levels: list[Level]
    groups: list[ScoreGroup]

    @property
    def total(self) -> int:
        return len({item.indicator.pk for group in self.groups for item in group.items})

    @property
    def answered(self) -> int:
        return len({item.indicator.pk for group in self.groups for item in group.items if item.answered})

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def score_page(*, assessment: Assessment, participant: Participant | None, by: str) -> ScorePage:
    framework = assessment.framework
    dimensions = framework_dimensions(framework=framework)
    dimension = grouping_dimension(dimensions, by)
    indicators = framework_indicators(framework=framework)
    responses = {}
    if participant is not None:
        responses = {
            r.indicator_id: r
            for r in Response.objects.filter(assessment=assessment, participant=participant).select_related(
                "level"
            )
        }
    evidence = evidence_counts(assessment=assessment)
    categories = list(dimension.categories.all())
    parents = {c.parent_id for c in categories}
    groups = {c.pk: ScoreGroup(c) for c in categories if c.pk not in parents}
    for indicator in indicators:
        item = ScoreItem(indicator, responses.get(indicator.pk), evidence.get(indicator.pk, 0))
        for category in indicator.categories.all():
            if category.pk in groups:
                groups[category.pk].items.append(item)
    levels = list(Level.objects.filter(scale__framework=framework).order_by("position"))
    return ScorePage(dimension, dimensions, levels, [g for g in groups.values() if g.items])


def evidence_counts(*, assessment: Assessment) -> dict[int, int]:
    links = Evidence.indicators.through.objects.filter(evidence__assessment=assessment)
    return Counter(links.values_list("indicator_id", flat=True))


def participant_progress(*, assessment: Assessment) -> list[Participant]:
    """Participants with `answered` (levels and N/A) annotated, for the coordinator's overview."""
    return list(
        assessment.participants.select_related("user", "institution")
        .annotate(answered=Count("responses", filter=Q(responses__answer__in=ANSWERS_THAT_COUNT)))
        .order_by("role", "institution__name", "user__last_name")
    )


def indicator_answers(*, assessment: Assessment, indicator: Indicator) -> list[Response]:
    return list(
        Response.objects.filter(assessment=assessment, indicator=indicator)
        .select_related("level", "participant__user", "participant__institution")
        .order_by("participant__institution__name", "participant__user__last_name")
    )


def indicator_consensus(*, assessment: Assessment, indicator: Indicator) -> Consensus | None:
    return (
        Consensus.objects.filter(assessment=assessment, indicator=indicator)
        .select_related("level", "set_by")
        .first()
    )


def indicator_history(*, assessment: Assessment, indicator: Indicator) -> list[dict]:
    """Every change to answers and the consensus on this indicator, newest first: who, when, old, new."""
    entries = []
    for model in (Response, Consensus):
        records = (
            model.history.filter(assessment_id=assessment.pk, indicator_id=indicator.pk)
            .select_related("history_user", "level", *(["participant__user"] if model is Response else []))
            .order_by("id", "history_date", "history_id")
        )
        previous_by_object: dict[int, object] = {}
        for record in records:
            old = previous_by_object.get(record.id)
            entries.append(
                {
                    "what": "consensus" if model is Consensus else "response",
                    "record": record,
                    "old": old,
                    "when": record.history_date,
                    "who": record.history_user,
                    "type": record.history_type,
                }
            )
            previous_by_object[record.id] = record
    return sorted(entries, key=lambda e: e["when"], reverse=True)


def assessment_actions(*, assessment: Assessment, indicator: Indicator | None = None) -> list[Action]:
    actions = assessment.actions.select_related("owner").prefetch_related("indicators")
    if indicator is not None:
        actions = actions.filter(indicators=indicator)
    return list(actions)


def assessment_evidence(*, assessment: Assessment, indicator: Indicator | None = None) -> list[Evidence]:
    evidence = assessment.evidence.select_related("added_by").prefetch_related("indicators")
    if indicator is not None:
        evidence = evidence.filter(indicators=indicator)
    return list(evidence)
