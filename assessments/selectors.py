"""Reads for assessment pages, each in a bounded number of queries whatever the size of the assessment."""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from assessments.models import (
    Action,
    Answer,
    Assessment,
    Consensus,
    Evidence,
    Implementation,
    Participant,
    Response,
    SessionItem,
)
from assessments.visibility import visible_assessments
from indicators.models import Category, Dimension, Indicator, Level
from indicators.selectors import framework_dimensions, framework_indicators
from indicators.text import tr

ANSWERS_THAT_COUNT = [Answer.LEVEL, Answer.NOT_APPLICABLE]  # don't know counts as unanswered


def assessment_list_for(user) -> QuerySet[Assessment]:
    """Assessments the person takes part in, and public ones, by country then newest round first."""
    return (
        visible_assessments(user)
        .select_related("framework")
        .order_by("country", "area", "-round", "-created_at")
    )


def grouping_dimension(dimensions: list[Dimension], by: str) -> Dimension:
    role = {"criterion": Dimension.Role.CRITERIA, "stage": Dimension.Role.LIFECYCLE}.get(
        by, Dimension.Role.CRITERIA
    )
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


def session_scope(participant_ids: list[int]) -> dict[int, frozenset[str]]:
    """What each guest was asked: the indicators of the sessions they joined (for completeness)."""
    scope: dict[int, set[str]] = {}
    rows = SessionItem.objects.filter(session__attendees__in=participant_ids).values_list(
        "session__attendees", "indicator__code"
    )
    for participant, code in rows:
        scope.setdefault(participant, set()).add(code)
    return {participant: frozenset(codes) for participant, codes in scope.items()}


def participant_progress(*, assessment: Assessment) -> list[Participant]:
    """Participants with `answered` (levels and N/A) and `expected` (the framework's indicators, or for
    a workshop guest those of the sessions they joined), for the coordinator's overview."""
    people = list(
        assessment.participants.select_related("user", "institution")
        .annotate(answered=Count("responses", filter=Q(responses__answer__in=ANSWERS_THAT_COUNT)))
        .order_by("removed_at", "role", "institution__name", "user__last_name")
    )
    everything = assessment.framework.indicators.count()
    scopes = session_scope([p.pk for p in people if p.guest])
    for person in people:
        person.expected = len(scopes.get(person.pk, ())) if person.guest else everything
    return people


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


@dataclass(frozen=True)
class HistoryEntry:
    """One change on an indicator, said in words: who, when, what (and where it came from)."""

    when: object
    who: object
    subject: str  # "answer", "consensus" or "evidence"
    person: str  # whose answer, with their institution (answers only)
    changes: list[str]
    source: str = ""


def _level_text(record) -> str:
    if record.answer == Answer.LEVEL and record.level is not None:
        return f"{record.level.code} · {tr(record.level.label)}"
    return str(Answer(record.answer).label)


def _answer_changes(old, new, text_field: str, text_label: str) -> list[str]:
    """What differs between two versions of an answer or consensus, in words (never "3 -> 3")."""
    if old is None:
        first = [_("Given: %(level)s") % {"level": _level_text(new)}]
        if getattr(new, "implementation", ""):
            first.append(str(Implementation(new.implementation).label))
        if getattr(new, text_field, ""):
            first.append(_("%(what)s: “%(text)s”") % {"what": text_label, "text": getattr(new, text_field)})
        return first
    changes = []
    if (old.answer, old.level_id) != (new.answer, new.level_id):
        changes.append(_("%(old)s → %(new)s") % {"old": _level_text(old), "new": _level_text(new)})
    if hasattr(new, "implementation") and old.implementation != new.implementation:
        before = str(Implementation(old.implementation).label) if old.implementation else _("not said")
        after = str(Implementation(new.implementation).label) if new.implementation else _("not said")
        changes.append(_("applied: %(old)s → %(new)s") % {"old": before, "new": after})
    if getattr(old, text_field) != getattr(new, text_field):
        changes.append(
            _("%(what)s now: “%(text)s”") % {"what": text_label, "text": getattr(new, text_field) or "—"}
        )
    return changes or [_("saved again, unchanged")]


def indicator_history(*, assessment: Assessment, indicator: Indicator) -> list[HistoryEntry]:
    """Every change on this indicator, newest first: answers, the consensus and its evidence, each saying
    what changed (level, how far applied, justification or rationale, evidence added or removed)."""
    entries: list[HistoryEntry] = []
    for model, text_field, text_label in (
        (Response, "justification", _("justification")),
        (Consensus, "rationale", _("rationale")),
    ):
        related = ["history_user", "level"]
        if model is Response:
            related += ["participant__user", "participant__institution"]
        records = (
            model.history.filter(assessment_id=assessment.pk, indicator_id=indicator.pk)
            .select_related(*related)
            .order_by("id", "history_date", "history_id")
        )
        previous: dict[int, object] = {}
        for record in records:
            old = previous.get(record.id)
            changes = (
                [_("removed")]
                if record.history_type == "-"
                else _answer_changes(old, record, text_field, text_label)
            )
            person = ""
            if model is Response and record.participant_id:
                participant = record.participant
                person = f"{participant.user.get_full_name() or participant.user.get_username()}"
                if participant.institution_id:
                    person += f" ({participant.institution.name})"
            entries.append(
                HistoryEntry(
                    record.history_date,
                    record.history_user,
                    "consensus" if model is Consensus else "answer",
                    person,
                    changes,
                    record.history_change_reason or "",
                )
            )
            previous[record.id] = record
    entries += _evidence_history(assessment, indicator)
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _evidence_history(assessment: Assessment, indicator: Indicator) -> list[HistoryEntry]:
    """Evidence added to or removed from this indicator."""
    snapshots = apps.get_model("assessments", "HistoricalEvidence_indicators")  # links kept per version
    linked = set(snapshots.objects.filter(indicator=indicator).values_list("evidence_id", flat=True))
    entries = []
    records = Evidence.history.filter(assessment_id=assessment.pk, id__in=linked).select_related(
        "history_user"
    )
    seen: set[int] = set()
    for record in records.order_by("history_date", "history_id"):
        if record.history_type == "-":
            change = _("evidence removed: %(title)s") % {"title": record.title}
        elif record.id not in seen:
            change = _("evidence added: %(title)s (%(kind)s)") % {
                "title": record.title,
                "kind": Evidence.Kind(record.kind).label,
            }
        else:
            continue
        seen.add(record.id)
        entries.append(
            HistoryEntry(
                record.history_date,
                record.history_user,
                "evidence",
                "",
                [change],
                record.history_change_reason or "",
            )
        )
    return entries


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


@dataclass(frozen=True)
class Hint:
    """What the previous round said on the same question: offered while scoring, never saved as an answer."""

    round: str
    version: str
    label: str  # the level's label, or "Not applicable"
    agreed: bool  # the consensus of that round (else this person's own answer then)


def previous_round_hints(*, assessment: Assessment, participant: Participant) -> dict[str, Hint]:
    """For each indicator that asks the same question as in the previous round (the same version, or a
    newer version whose continuity maps it as `same`): the level agreed then, else this person's answer."""
    previous = assessment.previous
    if previous is None:
        return {}
    if previous.framework_id == assessment.framework_id:
        codes = None
    else:
        continuity = assessment.framework.continuity or {}
        if continuity.get("from") != previous.framework.version:
            return {}
        codes = {
            code
            for code, link in continuity.get("indicators", {}).items()
            if link.get("relation") == "same" and link.get("to") == [code]
        }

    def label(row) -> str:
        return str(Answer(row.answer).label) if row.answer != Answer.LEVEL else tr(row.level.label)

    hints: dict[str, Hint] = {}
    mine = previous.responses.filter(participant__user_id=participant.user_id).select_related(
        "indicator", "level"
    )
    for row in mine:
        if row.answer != Answer.DONT_KNOW:
            hints[row.indicator.code] = Hint(previous.round, previous.framework.version, label(row), False)
    for row in previous.consensus.select_related("indicator", "level"):
        hints[row.indicator.code] = Hint(previous.round, previous.framework.version, label(row), True)
    return {code: hint for code, hint in hints.items() if codes is None or code in codes}
