"""Answers and the consensus: one check of an answer for every way it comes in."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Answer, Assessment, Consensus, Implementation, Participant, Response
from assessments.rules import allowed
from assessments.services.base import AssessmentError, StaleEdit, Status, assessment_touch, clean_save
from indicators.models import Framework, Indicator, Level


@dataclass(frozen=True)
class AnswerValue:
    """A validated answer: a level of the scale, or not applicable, or don't know."""

    answer: str
    level: Level | None


@dataclass(frozen=True)
class AnswerCodes:
    """What a framework accepts as answers, read once for many rows: its indicators and scale levels."""

    indicators: dict[str, Indicator]
    levels: dict[str, Level]


def answer_codes(framework: Framework) -> AnswerCodes:
    return AnswerCodes(
        indicators={i.code: i for i in framework.indicators.all()},
        levels={lv.code: lv for lv in Level.objects.filter(scale__framework=framework)},
    )


def answer_value(answer, level_code, levels: dict[str, Level]) -> AnswerValue:
    """An answer on the scale (a level, not applicable or don't know), or AssessmentError."""
    if answer in (Answer.NOT_APPLICABLE, Answer.DONT_KNOW):
        if level_code not in (None, ""):
            raise AssessmentError(_("Only a level answer carries a level."))
        return AnswerValue(answer, None)
    if answer != Answer.LEVEL:
        raise AssessmentError(_("Unknown answer %(answer)r.") % {"answer": answer})
    level = levels.get(level_code) if isinstance(level_code, str) else None
    if level is None:
        raise AssessmentError(
            _("%(level)r is not a level of this framework's scale.") % {"level": level_code}
        )
    return AnswerValue(Answer.LEVEL, level)


def answer_parse(*, framework: Framework, answer: str, level_code: str | None) -> AnswerValue:
    """Turn what a client sent into an answer on the framework's scale, refusing anything else."""
    if answer != Answer.LEVEL:
        level_code = None  # a form may send the level still selected beside "not applicable"
    levels = {}
    if answer == Answer.LEVEL and isinstance(level_code, str):
        levels = {lv.code: lv for lv in Level.objects.filter(scale__framework=framework, code=level_code)}
    return answer_value(answer, level_code, levels)


def clean_text(text, what: str) -> str:
    """Free text a person gives (a justification, a rationale), trimmed and within the length limit."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise AssessmentError(_("The %(what)s must be text.") % {"what": what})
    text = text.strip()
    if len(text) > settings.ANSWER_TEXT_MAX_CHARS:
        raise AssessmentError(
            _("The %(what)s is longer than %(max)s characters.")
            % {"what": what, "max": f"{settings.ANSWER_TEXT_MAX_CHARS:,}"}
        )
    return text


def clean_implementation(implementation, answer: str) -> str:
    """How far a level answer is applied (on paper, partly, in practice) or '' (for other answers too)."""
    if implementation in (None, ""):
        return ""
    if implementation not in Implementation.values:
        raise AssessmentError(_("Unknown implementation state %(value)r.") % {"value": implementation})
    return implementation if answer == Answer.LEVEL else ""


def require_indicator(assessment: Assessment, indicator: Indicator) -> None:
    if indicator.framework_id != assessment.framework_id:
        raise AssessmentError(_("That indicator is not part of this assessment's framework."))


@transaction.atomic
def response_set(
    *,
    assessment: Assessment,
    indicator: Indicator,
    participant: Participant,
    user: AbstractBaseUser,
    answer: str,
    level_code: str | None = None,
    implementation: str = "",
    justification: str = "",
    expected_version: int,
    source: str = "",
) -> Response:
    """Save a participant's answer. `expected_version` is the version the person started from (0 for none):
    if someone saved in between, the save is refused with StaleEdit carrying their answer. `source` says
    where the answer came from when it was not the scoring page ("workbook", "workshop"), for the history."""
    if participant.assessment_id != assessment.pk or participant.user_id != user.pk:
        raise AssessmentError(_("You can only change your own answers."))
    if assessment.status != Status.COLLECTING:
        raise AssessmentError(_("Answers can only be changed while the assessment is collecting them."))
    participant.assessment = assessment
    if not allowed(user, "assessments.answer_as", participant):
        raise AssessmentError(_("Only respondents who answer for an institution can score."))
    require_indicator(assessment, indicator)
    value = answer_parse(framework=assessment.framework, answer=answer, level_code=level_code)
    return response_store(
        assessment=assessment,
        indicator=indicator,
        participant=participant,
        user=user,
        value=value,
        implementation=implementation,
        justification=justification,
        expected_version=expected_version,
        source=source,
    )


def response_store(
    *,
    assessment: Assessment,
    indicator: Indicator,
    participant: Participant,
    user: AbstractBaseUser,
    value: AnswerValue,
    implementation: str | None,
    justification: str,
    expected_version: int | None,
    source: str = "",
    session=None,
) -> Response:
    """Write a checked answer (the caller has checked who may give it, and where). The same answer again
    changes nothing and adds no history. `expected_version` None means the person's own last answer wins
    (a workshop phone: one person, one device, answers sent in order); `implementation` None keeps the
    one stored (a phone does not ask it)."""
    response = (
        Response.objects.select_for_update()
        .filter(assessment=assessment, indicator=indicator, participant=participant)
        .first()
    )
    if implementation is None:
        implementation = response.implementation if response is not None else ""
    implementation = clean_implementation(implementation, value.answer)
    justification = clean_text(justification, _("justification"))
    current_version = response.version if response else 0
    if response is not None and (
        response.answer,
        response.level_id,
        response.implementation,
        response.justification,
    ) == (
        value.answer,
        value.level.pk if value.level else None,
        implementation,
        justification,
    ):
        return response  # nothing changed (a repeated save, or the same answer as the other person's)
    if expected_version is not None and expected_version != current_version:
        raise StaleEdit(
            _("Someone else saved this answer after you opened it. Theirs is shown; yours was not saved."),
            current=response,
        )
    if response is None:
        response = Response(assessment=assessment, indicator=indicator, participant=participant, version=0)
    response.answer = value.answer
    response.level = value.level
    response.implementation = implementation
    response.justification = justification
    response.version = current_version + 1
    response.session = session
    response._history_user = user
    if source:
        response._change_reason = source
    # Every value was checked above (the scale, the implementation states, the text's length) and the
    # keys come from the database: no model validation round trips, the constraints still hold.
    response.save()
    assessment_touch(assessment)
    return response


def consensus_refusal(user: AbstractBaseUser, assessment: Assessment) -> str:
    """Why this person cannot record a consensus now, in words they can act on."""
    if assessment.status not in (Status.COLLECTING, Status.REVIEW):
        return _("A consensus is recorded while answers are collected or in review, not once %(status)s.") % {
            "status": assessment.get_status_display().lower()
        }
    return _("Only the facilitator, the coordinator or a reviewer of this assessment records a consensus.")


@transaction.atomic
def consensus_set(
    *,
    assessment: Assessment,
    indicator: Indicator,
    user: AbstractBaseUser,
    answer: str,
    level_code: str | None = None,
    rationale: str = "",
    expected_version: int,
    session=None,
) -> Consensus:
    """Record the agreed answer; `session` is the workshop session it was agreed in, if any."""
    if not allowed(user, "assessments.set_consensus", assessment):
        raise AssessmentError(consensus_refusal(user, assessment))
    require_indicator(assessment, indicator)
    value = answer_parse(framework=assessment.framework, answer=answer, level_code=level_code)
    consensus = (
        Consensus.objects.select_for_update().filter(assessment=assessment, indicator=indicator).first()
    )
    current_version = consensus.version if consensus else 0
    if expected_version != current_version:
        raise StaleEdit(_("Someone else recorded a consensus here first; it is shown."), current=consensus)
    if consensus is None:
        consensus = Consensus(assessment=assessment, indicator=indicator, version=0)
    consensus.answer = value.answer
    consensus.level = value.level
    consensus.rationale = clean_text(rationale, _("rationale"))
    consensus.set_by = user
    consensus.session = session if session is not None and session.assessment_id == assessment.pk else None
    consensus.version = current_version + 1
    consensus._history_user = user
    clean_save(consensus)
    assessment_touch(assessment)
    return consensus


@transaction.atomic
def consensus_clear(*, assessment: Assessment, indicator: Indicator, user: AbstractBaseUser) -> None:
    if not allowed(user, "assessments.set_consensus", assessment):
        raise AssessmentError(consensus_refusal(user, assessment))
    for consensus in Consensus.objects.filter(assessment=assessment, indicator=indicator):
        consensus._history_user = user
        consensus.delete()
    assessment_touch(assessment)
