"""The live figures of a workshop session, for the projector: how many of the people who joined have
answered the current indicator, how their answers spread by institution, the institutions' median and
the disagreement flag exactly as DESIGN.md defines them (`reports.analysis.indicator_results`), computed
on the answers of the people in the room; and the session's summary.
"""

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessments.models import Action, Answer, Consensus, Participant, Response, SessionItem, WorkshopSession
from assessments.visibility import PARTICIPANTS
from indicators.models import Indicator, Level
from indicators.text import tr
from reports import analysis
from reports.results import results_for
from reports.selectors import institution_labels, responses_frame


@dataclass
class InstitutionAnswers:
    label: str
    counts: dict[str, int]  # answer key ("level:<code>", "na", "dk") -> how many of its people gave it
    value: float | None  # its level, I(i,k): the median of its people's levels


@dataclass
class RoomFigures:
    session: WorkshopSession
    item: SessionItem | None
    token: str
    indicator: Indicator | None = None
    joined: int = 0
    answered: int = 0
    keys: list[tuple[str, str]] = field(default_factory=list)  # (answer key, label) in scale order
    institutions: list[InstitutionAnswers] = field(default_factory=list)
    median: float | None = None
    median_level: Level | None = None
    spread: float | None = None
    disagreement: bool | None = None
    consensus: Consensus | None = None


def room_token(session_pk: int) -> str:
    """Changes whenever what the projector shows may change (a move, an answer, a person joining, a
    consensus): one query, compared before anything is computed."""
    state, version = (
        WorkshopSession.objects.filter(pk=session_pk).values_list("state", "assessment__data_version").get()
    )
    return f"{state}.{version}"


def _nearest_level(levels: list[Level], value: float | None) -> Level | None:
    if value is None or not levels:
        return None
    return min(levels, key=lambda lv: abs(float(lv.value) - value))


def room_present(session: WorkshopSession):
    """The people in the room who answer: attendees not removed, each for an institution."""
    return Participant.objects.filter(
        sessions=session,
        removed_at__isnull=True,
        institution__isnull=False,
        role__in=[Participant.Role.RESPONDENT, Participant.Role.COORDINATOR],
    )


def room_figures(session_pk: int) -> RoomFigures:
    """What the projector shows now (a handful of queries, whatever the size of the room)."""
    token = room_token(session_pk)
    session = WorkshopSession.objects.select_related("assessment__framework", "current__indicator").get(
        pk=session_pk
    )
    assessment = session.assessment
    figures = RoomFigures(session=session, item=session.current, token=token)
    present = room_present(session)
    figures.joined = present.count()
    if session.current is None:
        return figures
    indicator = session.current.indicator
    figures.indicator = indicator
    levels = list(assessment.framework.scale.levels.all())
    figures.keys = [(f"level:{lv.code}", f"{lv.code} · {tr(lv.label)}") for lv in levels] + [
        (Answer.NOT_APPLICABLE.value, str(Answer.NOT_APPLICABLE.label)),
        (Answer.DONT_KNOW.value, str(Answer.DONT_KNOW.label)),
    ]
    answers = Response.objects.filter(assessment=assessment, indicator=indicator, participant__in=present)
    rows = list(answers.values_list("participant__institution_id", "answer", "level__code"))
    figures.answered = len(rows)
    labels = institution_labels(
        list(assessment.institutions.order_by("name", "pk").values_list("pk", "name", "kind"))
    )
    result = analysis.indicator_results(
        responses_frame(answers),
        pd.DataFrame({"indicator": [], "answer": [], "value": []}),
        pd.DataFrame({"code": [indicator.code], "position": [0], "weight": [1.0]}),
    ).iloc[0]
    per_institution = result["institution_values"]
    counts: dict[int, dict[str, int]] = {}
    for institution, answer, level_code in rows:
        key = f"level:{level_code}" if answer == Answer.LEVEL else answer
        counts.setdefault(institution, {}).setdefault(key, 0)
        counts[institution][key] += 1

    def label(pk: int) -> str:
        return labels[pk].label if pk in labels else "?"

    figures.institutions = [
        InstitutionAnswers(
            label=label(pk),
            counts=by_key,
            value=float(per_institution[pk]) if pk in per_institution else None,
        )
        for pk, by_key in sorted(counts.items(), key=lambda kv: label(kv[0]))
    ]
    median = result["value"]
    figures.median = None if pd.isna(median) else float(median)
    figures.median_level = _nearest_level(levels, figures.median)
    figures.spread = None if pd.isna(result["spread"]) else float(result["spread"])
    figures.disagreement = result["disagreement"]
    figures.consensus = (
        Consensus.objects.filter(assessment=assessment, indicator=indicator).select_related("level").first()
    )
    return figures


@dataclass
class SummaryRow:
    item: SessionItem
    question: str
    consensus: Consensus | None
    answers: int  # answers given in this session
    disagreement: bool | None  # across the whole assessment, as the results say
    spread: float | None


def session_summary(session: WorkshopSession, results: dict) -> dict:
    """What the session agreed, where disagreement remains, and the actions noted, item by item;
    `results` is the assessment's results JSON (as the reader may see it)."""
    assessment = session.assessment
    items = list(session.items.select_related("indicator").order_by("position"))
    indicator_ids = [i.indicator_id for i in items]
    agreed = {
        c.indicator_id: c
        for c in Consensus.objects.filter(assessment=assessment, indicator__in=indicator_ids).select_related(
            "level", "session"
        )
    }
    answers = dict(
        Response.objects.filter(session=session)
        .values("indicator_id")
        .annotate(n=Count("pk"))
        .values_list("indicator_id", "n")
    )
    by_code = {i["code"]: i for i in results["indicators"]}
    rows = []
    for item in items:
        figures = by_code.get(item.indicator.code, {})
        rows.append(
            SummaryRow(
                item=item,
                question=tr(item.indicator.question),
                consensus=agreed.get(item.indicator_id),
                answers=answers.get(item.indicator_id, 0),
                disagreement=figures.get("disagreement"),
                spread=figures.get("spread"),
            )
        )
    actions = list(
        Action.objects.filter(assessment=assessment, indicators__in=indicator_ids)
        .filter(Q(session=session) | Q(created_at__gte=session.opened_at))
        .distinct()
        .select_related("owner")
        .prefetch_related("indicators")
    )
    return {
        "agreed": [r for r in rows if r.consensus is not None],
        "disputed": [r for r in rows if r.consensus is None and r.disagreement],
        "unsettled": [r for r in rows if r.consensus is None and not r.disagreement],
        "actions": actions,
        "people": room_present(session).count(),
        "answers": sum(answers.values()),
    }


def disagreement_queue(results: dict) -> list[dict]:
    """Indicators where institutions disagree (DESIGN.md's flag) and no consensus is recorded, the widest
    spread first: what a workshop should talk about."""
    return sorted(
        (i for i in results["indicators"] if i["disagreement"] and not i["consensus"]),
        key=lambda i: (-(i["spread"] or 0), i["code"]),
    )


def disagreement_codes(assessment) -> list[str]:
    """The disagreement queue's indicators, for a workshop session (see `assessments.services`)."""
    return [i["code"] for i in disagreement_queue(results_for(assessment, audience=PARTICIPANTS))]


def disagreement_source_label() -> str:
    return _("Where institutions disagree, with no consensus yet (widest spread first)")
