"""Workshop sessions: the facilitator opens a session on a list of indicators, the room joins by a short
code (a guest needs no e-mail and no password), answers the current indicator on phones, and the
facilitator moves through the list, closes items and records the consensus.

Every change the room must follow bumps the session's `state` (phones and the projector compare it with
what they show); every change to the data bumps the assessment's data version, as all writes do.
Other apps may offer lists of indicators to work through (`reports` offers "where institutions
disagree") without this app knowing how they are computed: `session_source_register`.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Answer,
    Assessment,
    Institution,
    Participant,
    Response,
    SessionItem,
    WorkshopSession,
)
from assessments.rules import allowed, forget_roles, session_seat
from assessments.services.answers import answer_parse, answer_value, clean_text, response_store
from assessments.services.base import AssessmentError, Role, Status, assessment_touch
from assessments.services.people import NAME_MAX, person_placeholder_create
from indicators.models import Category, Dimension, Indicator, Level
from indicators.text import tr

SESSION_STATUSES = (Status.COLLECTING, Status.REVIEW)
TITLE_MAX = 200


# -- Lists of indicators to work through ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionSource:
    """A list of indicators a session can work through, computed when the session is opened."""

    label: Callable[[], str]
    codes: Callable[[Assessment], list[str]]


_SOURCES: dict[str, SessionSource] = {}


def session_source_register(name: str, source: SessionSource) -> None:
    """Offer a list of indicators to open a session on (registered once per name)."""
    _SOURCES[name] = source


def session_sources() -> dict[str, SessionSource]:
    return dict(_SOURCES)


def session_choices(assessment: Assessment) -> list[tuple[str, str]]:
    """What a session can work through: each criterion and stage of the framework, then the lists other
    apps offer (as `category:<id>` and `source:<name>`)."""
    choices = []
    dimensions = assessment.framework.dimensions.filter(
        role__in=[Dimension.Role.CRITERIA, Dimension.Role.LIFECYCLE]
    ).order_by("position")
    for dimension in dimensions:
        for category in dimension.categories.filter(parent__isnull=True).order_by("position"):
            label = f"{tr(dimension.label)}: {category.code} · {tr(category.label)}"
            choices.append((f"category:{category.pk}", label))
    for name, source in _SOURCES.items():
        choices.append((f"source:{name}", source.label()))
    return choices


def session_codes(assessment: Assessment, choice: str, picked: list[str]) -> list[str]:
    """The indicators of a choice from `session_choices`, in framework order; `picked` for any other."""
    kind, _sep, key = choice.partition(":")
    if kind == "category":
        category = Category.objects.filter(dimension__framework=assessment.framework, pk=key or 0).first()
        if category is None:
            raise AssessmentError(_("That criterion or stage is not part of this framework."))
        beneath, level = {category.pk}, [category.pk]
        while level:
            level = list(Category.objects.filter(parent__in=level).values_list("pk", flat=True))
            beneath.update(level)
        return list(
            assessment.framework.indicators.filter(categories__in=beneath)
            .order_by("position", "code")
            .values_list("code", flat=True)
            .distinct()
        )
    if kind == "source":
        source = _SOURCES.get(key)
        if source is None:
            raise AssessmentError(_("Unknown list of indicators."))
        codes = source.codes(assessment)
        if not codes:
            raise AssessmentError(_("That list is empty now: there is nothing to work through."))
        return codes
    return picked


def session_run_refusal(user: AbstractBaseUser, assessment: Assessment) -> str:
    """Why this person cannot run sessions on this assessment ('' when they can)."""
    try:
        _refuse_unless_running(assessment, user)
    except AssessmentError as exc:
        return str(exc)
    return ""


# -- Helpers ---------------------------------------------------------------------------------------


def join_code_new() -> str:
    """Six characters that cannot be misread (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_clean(code: str) -> str:
    """What a person typed, as a code: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def session_by_code(code: str) -> WorkshopSession | None:
    """The open session with this code, or None."""
    code = join_code_clean(code)
    if len(code) != JOIN_CODE_LENGTH:
        return None
    return (
        WorkshopSession.objects.select_related("assessment", "assessment__framework")
        .filter(code=code, closed_at__isnull=True)
        .first()
    )


def _refuse_unless_running(session_or_assessment, user: AbstractBaseUser) -> None:
    assessment = getattr(session_or_assessment, "assessment", session_or_assessment)
    if not allowed(user, "assessments.run_sessions", assessment):
        if assessment.status not in SESSION_STATUSES:
            raise AssessmentError(
                _(
                    "Workshop sessions run while answers are collected or in review; this assessment is "
                    "“%(status)s”."
                )
                % {"status": assessment.get_status_display()}
            )
        raise AssessmentError(_("Only the facilitator or the coordinator of this assessment runs sessions."))


def _require_open_session(session: WorkshopSession) -> None:
    if session.closed_at is not None:
        raise AssessmentError(_("This session is closed."))


def _bump(session: WorkshopSession) -> None:
    """Tell the room something changed (phones and the projector follow `state`)."""
    WorkshopSession.objects.filter(pk=session.pk).update(state=F("state") + 1)
    session.refresh_from_db(fields=["state", "current", "closed_at"])


def _indicators(assessment: Assessment, codes: list[str]) -> list[Indicator]:
    wanted = list(dict.fromkeys(str(code).strip() for code in codes if str(code).strip()))
    if not wanted:
        raise AssessmentError(_("Choose at least one indicator for the session."))
    found = {i.code: i for i in Indicator.objects.filter(framework=assessment.framework, code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise AssessmentError(
            _("Not indicators of this framework: %(codes)s.") % {"codes": ", ".join(unknown[:10])}
        )
    return [found[code] for code in wanted]


# -- The facilitator ---------------------------------------------------------------------------------


@transaction.atomic
def session_open(
    *, assessment: Assessment, user: AbstractBaseUser, title: str, codes: list[str]
) -> WorkshopSession:
    """Open a session on these indicators, in this order, with a fresh join code; the first is current."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _refuse_unless_running(assessment, user)
    title = (title or "").strip()[:TITLE_MAX] or _("Workshop session")
    indicators = _indicators(assessment, codes)
    for _attempt in range(20):
        try:
            with transaction.atomic():
                session = WorkshopSession.objects.create(
                    assessment=assessment, title=title, code=join_code_new(), opened_by=user, state=1
                )
            break
        except IntegrityError:  # that code is taken by another open session: draw again
            continue
    else:  # pragma: no cover - 23^6 codes
        raise AssessmentError(_("No free join code; close an old session and try again."))
    items = SessionItem.objects.bulk_create(
        [
            SessionItem(session=session, indicator=indicator, position=n)
            for n, indicator in enumerate(indicators)
        ]
    )
    session.current = items[0]
    session.save(update_fields=["current"])
    assessment_touch(assessment)
    return session


@transaction.atomic
def session_items_set(*, session: WorkshopSession, user: AbstractBaseUser, codes: list[str]) -> None:
    """Change the session's list: add, drop and reorder indicators. Dropping one deletes no answer."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    _require_open_session(session)
    indicators = _indicators(session.assessment, codes)
    existing = {item.indicator_id: item for item in session.items.all()}
    keep = {indicator.pk for indicator in indicators}
    SessionItem.objects.filter(session=session).exclude(indicator_id__in=keep).delete()
    # Positions are rewritten above the current ones first, so that no two items ever share one.
    offset = (session.items.aggregate(top=Max("position"))["top"] or 0) + 1
    for n, indicator in enumerate(indicators):
        item = existing.get(indicator.pk)
        if item is None:
            SessionItem.objects.create(session=session, indicator=indicator, position=offset + n)
        else:
            SessionItem.objects.filter(pk=item.pk).update(position=offset + n)
    SessionItem.objects.filter(session=session).update(position=F("position") - offset)
    session.refresh_from_db(fields=["current"])
    if session.current_id is None:
        session.current = session.items.order_by("position").first()
        session.save(update_fields=["current"])
    _bump(session)


@transaction.atomic
def session_move(*, session: WorkshopSession, user: AbstractBaseUser, item: SessionItem) -> None:
    """Make this item the one the room works on (forward or back)."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    _require_open_session(session)
    if item.session_id != session.pk:
        raise AssessmentError(_("That indicator is not on this session's list."))
    if session.current_id != item.pk:
        session.current = item
        session.save(update_fields=["current"])
        _bump(session)


def session_neighbour(session: WorkshopSession, step: int) -> SessionItem | None:
    """The item before (-1) or after (+1) the current one."""
    items = list(session.items.order_by("position"))
    if not items:
        return None
    ids = [item.pk for item in items]
    here = ids.index(session.current_id) if session.current_id in ids else -1
    there = here + step
    return items[there] if 0 <= there < len(items) else None


@transaction.atomic
def session_item_close(
    *, session: WorkshopSession, user: AbstractBaseUser, item: SessionItem, closed: bool
) -> None:
    """Stop (or start again) taking answers on an item."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    _require_open_session(session)
    if item.session_id != session.pk:
        raise AssessmentError(_("That indicator is not on this session's list."))
    SessionItem.objects.filter(pk=item.pk).update(closed_at=timezone.now() if closed else None)
    _bump(session)


@transaction.atomic
def session_close(*, session: WorkshopSession, user: AbstractBaseUser) -> None:
    """End the session: phones say so, guests lose their rights, the code is free again."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    _require_open_session(session)
    now = timezone.now()
    session.closed_at = now
    session.save(update_fields=["closed_at"])
    SessionItem.objects.filter(session=session, closed_at__isnull=True).update(closed_at=now)
    _bump(session)
    assessment_touch(session.assessment)


@transaction.atomic
def session_reopen(*, session: WorkshopSession, user: AbstractBaseUser) -> None:
    """Open a closed session again (with a new code if its old one was taken meanwhile)."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    if session.closed_at is None:
        return
    if WorkshopSession.objects.filter(code=session.code, closed_at__isnull=True).exists():
        session.code = join_code_new()
    session.closed_at = None
    session.save(update_fields=["closed_at", "code"])
    if session.current_id:
        SessionItem.objects.filter(pk=session.current_id).update(closed_at=None)
    _bump(session)
    assessment_touch(session.assessment)


@transaction.atomic
def session_attendee_remove(
    *, session: WorkshopSession, user: AbstractBaseUser, participant: Participant
) -> None:
    """Take a person out of the session. A guest loses every right on the assessment; the answers they
    gave stay, with their history. A person with an account keeps their role outside the session."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    _refuse_unless_running(session, user)
    if (
        participant.assessment_id != session.assessment_id
        or not session.attendees.filter(pk=participant.pk).exists()
    ):
        raise AssessmentError(_("That person has not joined this session."))
    if participant.guest:
        participant.removed_at = timezone.now()
        participant.removed_by = user
        participant.save(update_fields=["removed_at", "removed_by"])
    else:
        session.attendees.remove(participant)
    forget_roles(participant.user)
    _bump(session)
    assessment_touch(session.assessment)


# -- The room ------------------------------------------------------------------------------------------


def join_refusal(session: WorkshopSession | None) -> str:
    """Why nobody can join this session now ('' when they can)."""
    if session is None:
        return _("No open session has this code. Check it with the facilitator.")
    if session.closed_at is not None:
        return _("This session is closed.")
    if session.assessment.status not in SESSION_STATUSES:
        return _("This assessment takes no answers now.")
    return ""


def seat_refusal(participant: Participant) -> str:
    """Why a participant of the assessment cannot score in its sessions ('' when they can)."""
    if participant.removed_at is not None:
        return _("You were removed from this assessment: ask the facilitator.")
    if participant.role not in (Role.RESPONDENT, Role.COORDINATOR) or participant.institution_id is None:
        return _(
            "Your role in this assessment (%(role)s) does not answer for an institution, "
            "so you cannot score in the session."
        ) % {"role": participant.get_role_display()}
    return ""


@transaction.atomic
def session_join(
    *,
    session: WorkshopSession,
    user: AbstractBaseUser | None,
    institution: Institution | None,
    name: str = "",
) -> Participant:
    """Join the session. A signed-in participant who answers for an institution joins with their place;
    anyone else becomes a guest of the institution they pick (with their account when signed in, else
    with a new one that has no password, made here: the caller signs it in)."""
    session = WorkshopSession.objects.select_for_update().select_related("assessment").get(pk=session.pk)
    refusal = join_refusal(session)
    if refusal:
        raise AssessmentError(refusal)
    assessment = session.assessment
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        participant = Participant.objects.filter(assessment=assessment, user=user).first()
        if participant is not None:
            refusal = seat_refusal(participant)
            if refusal:
                raise AssessmentError(refusal)
            session.attendees.add(participant)
            forget_roles(user)
            assessment_touch(assessment)
            return participant
    if institution is None or not assessment.institutions.filter(pk=institution.pk).exists():
        raise AssessmentError(_("Choose the institution you speak for."))
    if not signed_in:
        name = " ".join((name or "").split())[:NAME_MAX]
        if not name:
            raise AssessmentError(_("Give your name, so that the facilitator knows who answered."))
        user = person_placeholder_create(username=f"guest-{secrets.token_hex(5)}", first_name=name)
    participant = Participant.objects.create(
        assessment=assessment, user=user, role=Role.RESPONDENT, institution=institution, guest=True
    )
    session.attendees.add(participant)
    forget_roles(user)
    assessment_touch(assessment)
    return participant


def answer_refusal(session: WorkshopSession, user: AbstractBaseUser, item: SessionItem | None) -> str:
    """Why this person cannot answer this item now ('' when they can)."""
    if session.closed_at is not None:
        return _("This session is closed: it takes no more answers. Thank you.")
    if session_seat(user, session) is None:
        return _("You are not taking part in this session (the facilitator may have removed you).")
    if not allowed(user, "assessments.answer_in_session", session):
        return _("This assessment takes no answers now.")
    if item is None or item.session_id != session.pk or item.pk != session.current_id:
        return _("The room has moved on: this indicator is no longer the current one.")
    if item.closed_at is not None:
        return _("The facilitator has closed this indicator: answers are no longer taken.")
    return ""


def session_answer_set(
    *,
    session: WorkshopSession,
    user: AbstractBaseUser,
    item: SessionItem,
    answer: str,
    level_code: str | None = None,
    comment: str = "",
    levels: dict[str, Level] | None = None,
) -> Response:
    """A phone's answer to the current item. The person's last answer wins; the same answer again
    changes nothing (a phone that resends after a lost reply stores it once).

    The lean path of a room where every phone saves every few seconds: the checks and the comparison with
    the stored answer read without a transaction, and only a real change takes the write lock (on
    SQLite a transaction locks the whole database). `levels` (code -> level of the framework's scale)
    spares a query when the caller has them."""
    refusal = answer_refusal(session, user, item)
    if refusal:
        raise AssessmentError(refusal)
    assessment = session.assessment
    if levels is None:
        value = answer_parse(framework=assessment.framework, answer=answer, level_code=level_code)
    else:
        value = answer_value(answer, level_code if answer == Answer.LEVEL else None, levels)
    seat = session_seat(user, session)
    justification = clean_text(comment, _("comment"))
    stored = (
        Response.objects.filter(assessment=assessment, indicator_id=item.indicator_id, participant=seat)
        .only("answer", "level_id", "implementation", "justification", "version")
        .first()
    )
    if stored is not None and (stored.answer, stored.level_id, stored.justification) == (
        value.answer,
        value.level.pk if value.level else None,
        justification,
    ):
        return stored
    with transaction.atomic():
        return response_store(
            assessment=assessment,
            indicator=item.indicator,
            participant=seat,
            user=user,
            value=value,
            implementation=None,
            justification=justification,
            expected_version=None,
            source="workshop",
            session=session,
        )
