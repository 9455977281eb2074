"""Recommended actions, and the next round that carries the open ones over."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Action, Assessment, Institution, Participant
from assessments.rules import allowed, forget_roles
from assessments.services.answers import require_indicator
from assessments.services.base import AssessmentError, Role, assessment_touch, clean_save
from indicators.models import Framework, Indicator


@transaction.atomic
def action_create(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    title: str,
    indicators: list[Indicator],
    description: str = "",
    owner: Institution | None = None,
    due_date=None,
    status: str = Action.Status.OPEN,
    session=None,
) -> Action:
    """Record a recommended action; `session` is the workshop session it was noted in, if any."""
    if not allowed(user, "assessments.manage_actions", assessment):
        raise AssessmentError(_("You cannot add actions to this assessment."))
    for indicator in indicators:
        require_indicator(assessment, indicator)
    if owner is not None and not assessment.institutions.filter(pk=owner.pk).exists():
        raise AssessmentError(_("The owner must be one of the assessment's institutions."))
    action = Action(
        assessment=assessment,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
        created_by=user,
        session=session if session is not None and session.assessment_id == assessment.pk else None,
    )
    action._history_user = user
    clean_save(action)
    action.indicators.set(indicators)
    assessment_touch(assessment)
    return action


@transaction.atomic
def action_update(*, action: Action, user: AbstractBaseUser, **fields) -> Action:
    if not allowed(user, "assessments.manage_actions", action.assessment):
        raise AssessmentError(_("You cannot change the actions of this assessment."))
    indicators = fields.pop("indicators", None)
    owner = fields.get("owner")
    if owner is not None and not action.assessment.institutions.filter(pk=owner.pk).exists():
        raise AssessmentError(_("The owner must be one of the assessment's institutions."))
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_user = user
    clean_save(action)
    if indicators is not None:
        for indicator in indicators:
            require_indicator(action.assessment, indicator)
        action.indicators.set(indicators)
    assessment_touch(action.assessment)
    return action


@transaction.atomic
def next_round_start(
    *, assessment: Assessment, user: AbstractBaseUser, round: str, framework: Framework | None = None
) -> Assessment:
    """A new assessment for the same country and area: same (or a newer) framework, same institutions and
    people, open actions carried over with their indicators mapped by code."""
    if not allowed(user, "assessments.start_next_round", assessment):
        raise AssessmentError(_("Only the coordinator can start the next round, once this one is validated."))
    framework = framework or assessment.framework
    if framework.slug != assessment.framework.slug:
        raise AssessmentError(_("The next round must use the same framework (any version)."))
    new = Assessment(
        country=assessment.country,
        area=assessment.area,
        framework=framework,
        round=round,
        kind=assessment.kind,
        language=assessment.language,
        previous=assessment,
        created_by=user,
        is_demo=assessment.is_demo,
    )
    clean_save(new)
    new.institutions.set(assessment.institutions.all())
    Participant.objects.bulk_create(
        Participant(assessment=new, user_id=p.user_id, role=p.role, institution_id=p.institution_id)
        for p in assessment.participants.all()
    )
    if not new.participants.filter(user=user).exists():
        Participant.objects.create(assessment=new, user=user, role=Role.COORDINATOR)
    by_code = {i.code: i for i in framework.indicators.all()}
    # On a newer version, an action follows its indicators through the version's continuity map.
    links = (
        (framework.continuity or {}).get("indicators", {}) if framework.pk != assessment.framework_id else {}
    )
    for action in assessment.actions.filter(status__in=Action.OPEN_STATUSES).prefetch_related("indicators"):
        carried = Action.objects.create(
            assessment=new,
            title=action.title,
            description=action.description,
            owner=action.owner,
            due_date=action.due_date,
            status=action.status,
            carried_from=action,
            created_by=user,
        )
        codes = [
            t
            for i in action.indicators.all()
            for t in (links[i.code].get("to", []) if i.code in links else [i.code])
        ]
        carried.indicators.set([by_code[code] for code in dict.fromkeys(codes) if code in by_code])
    forget_roles(user)
    return new
