"""Who may do what with an assessment: every rule, as `rules` predicates over the person's role and the
assessment's status. Views and services ask these (`allowed(user, "assessments.<action>", obj)`);
nothing else decides access.

Roles come from Participant rows and are cached on the user object for the request. The object of a
permission is the assessment, except where said (an evidence item, a participant).
"""

import rules

from assessments.models import Assessment, Participant, WorkshopSession

Role = Participant.Role
Status = Assessment.Status

# The workflow: (from, to) -> roles that may make that move. Going back needs a comment (services).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.DRAFT, Status.COLLECTING): frozenset({Role.COORDINATOR}),
    (Status.COLLECTING, Status.DRAFT): frozenset({Role.COORDINATOR}),
    (Status.COLLECTING, Status.REVIEW): frozenset({Role.COORDINATOR}),
    (Status.REVIEW, Status.COLLECTING): frozenset({Role.COORDINATOR, Role.REVIEWER}),
    (Status.REVIEW, Status.VALIDATED): frozenset({Role.COORDINATOR, Role.REVIEWER}),
    (Status.VALIDATED, Status.REVIEW): frozenset({Role.COORDINATOR}),
    (Status.VALIDATED, Status.PUBLISHED): frozenset({Role.COORDINATOR}),
}


def _memberships(user, assessment: Assessment) -> frozenset[tuple[str, int | None]]:
    """(role, institution id) of the person on the assessment, cached on the user object."""
    if not user.is_authenticated or assessment is None or assessment.pk is None:
        return frozenset()
    cache = user.__dict__.setdefault("_assessment_roles", {})
    if assessment.pk not in cache:
        # Workshop guests hold no role on the assessment itself (only in their sessions, see below);
        # removed people hold none at all.
        cache[assessment.pk] = frozenset(
            Participant.objects.filter(
                assessment=assessment, user=user, guest=False, removed_at__isnull=True
            ).values_list("role", "institution_id")
        )
    return cache[assessment.pk]


def allowed(user, perm: str, obj=None) -> bool:
    """Whether the rule `perm` allows this person (on `obj`). Asked of the rules themselves, never through
    `user.has_perm`, which lets a superuser do anything: a site administrator gets only the rights the
    rules give them (no answering for others, no changing a published assessment)."""
    return rules.has_perm(perm, user, obj)


def roles_of(user, assessment: Assessment) -> frozenset[str]:
    return frozenset(role for role, _ in _memberships(user, assessment))


def forget_roles(user) -> None:
    """Drop cached roles (after a role changes within one request or test)."""
    user.__dict__.pop("_assessment_roles", None)
    user.__dict__.pop("_session_seats", None)


def next_statuses(user, assessment: Assessment) -> list[str]:
    """The statuses this person may move the assessment to now."""
    roles = roles_of(user, assessment)
    return [to for (src, to), allowed in TRANSITIONS.items() if src == assessment.status and roles & allowed]


def may_transition(user, assessment: Assessment, source: str, to: str) -> bool:
    return bool(roles_of(user, assessment) & TRANSITIONS.get((source, to), frozenset()))


# -- Predicates on an assessment ------------------------------------------------------------------


@rules.predicate
def answers_for_an_institution(user, assessment) -> bool:
    """Respondents, and coordinators who answer for an institution."""
    return any(
        role in (Role.RESPONDENT, Role.COORDINATOR) and institution
        for role, institution in _memberships(user, assessment)
    )


def has_role(*names: str):
    @rules.predicate(name=f"has_role({', '.join(names)})")
    def predicate(user, assessment) -> bool:
        return bool(roles_of(user, assessment) & set(names))

    return predicate


def status_in(*statuses: str):
    @rules.predicate(name=f"status_in({', '.join(statuses)})")
    def predicate(user, assessment) -> bool:
        return assessment is not None and assessment.status in statuses

    return predicate


@rules.predicate
def is_listed(user, assessment) -> bool:
    return assessment is not None and assessment.listed_at is not None


@rules.predicate
def can_move_it(user, assessment) -> bool:
    return bool(next_statuses(user, assessment))


is_participant = has_role(*Role.values)
is_coordinator = has_role(Role.COORDINATOR)
is_respondent = has_role(Role.RESPONDENT)
is_reviewer = has_role(Role.REVIEWER)
is_facilitator = has_role(Role.FACILITATOR)
is_published = status_in(Status.PUBLISHED)
is_open = status_in(Status.DRAFT, Status.COLLECTING, Status.REVIEW)
is_collecting = status_in(Status.COLLECTING)
consensus_time = status_in(Status.COLLECTING, Status.REVIEW)
evidence_time = status_in(Status.COLLECTING, Status.REVIEW)

# A site administrator (a superuser) moderates what is public and restores imported statuses.
is_site_admin = rules.is_superuser
# Public: published, and listed by a site administrator (abuse control); they see it once published.
is_public = is_published & is_listed

# Reading: participants always; everyone (signed in or not) once public.
rules.add_perm("assessments.view_assessment", is_participant | is_public | (is_site_admin & is_published))
# Seeing who answered what: participants only, never the public (see assessments.visibility).
rules.add_perm("assessments.view_responses", is_participant)


@rules.predicate
def has_a_password(user) -> bool:
    """A real account: a workshop guest is signed in by joining a session, with no password, and may
    not start assessments or import them."""
    return user.is_authenticated and user.has_usable_password()


# Creating one: anyone signed in with an account of their own (they become its coordinator).
rules.add_perm("assessments.create_assessment", has_a_password)
# Setting up: metadata, institutions, invitations, people; not once validated.
rules.add_perm("assessments.change_assessment", is_coordinator & is_open)
# Deleting it: the coordinator, before validation.
rules.add_perm("assessments.delete_assessment", is_coordinator & is_open)
# Opening one's own scoring page (read-only outside collection).
rules.add_perm("assessments.open_scoring", answers_for_an_institution)
# Answering: respondents (and coordinators who answer for an institution) while collecting.
rules.add_perm("assessments.score_assessment", answers_for_an_institution & is_collecting)
# The offline workbook (download, upload, confirm): exactly who may score now, since an upload scores.
rules.add_perm("assessments.use_workbook", answers_for_an_institution & is_collecting)
rules.add_perm(
    "assessments.upload_evidence", (is_respondent | is_coordinator | is_facilitator) & evidence_time
)
# The agreed answer: whoever runs the discussion (facilitator, coordinator) or validates it (reviewer).
rules.add_perm("assessments.set_consensus", (is_reviewer | is_facilitator | is_coordinator) & consensus_time)
# Opening the workflow page: whoever may make at least one move now.
rules.add_perm("assessments.transition_assessment", can_move_it)
rules.add_perm("assessments.manage_actions", (is_coordinator | is_reviewer | is_facilitator) & ~is_published)
rules.add_perm("assessments.export_assessment", is_coordinator | is_reviewer | is_public)
rules.add_perm("assessments.start_next_round", is_coordinator & status_in(Status.VALIDATED, Status.PUBLISHED))
# A bundle holds people's names, e-mails and answers: coordinators only, never the public.
rules.add_perm("assessments.export_bundle", is_coordinator)
rules.add_perm("assessments.import_bundle", has_a_password)
# Listing a published assessment for the public, and endorsing a self-assessment as official.
rules.add_perm("assessments.moderate_publication", is_site_admin & is_published)
rules.add_perm("assessments.moderate", is_site_admin)
# Restoring an imported assessment's status and enrolling existing accounts from a bundle step around
# the workflow, so only a site administrator may.
rules.add_perm("assessments.restore_status", is_site_admin)
rules.add_perm("assessments.enrol_existing_accounts", is_site_admin)


# -- Predicates on an evidence item ---------------------------------------------------------------


@rules.predicate
def added_it(user, evidence) -> bool:
    return user.is_authenticated and evidence.added_by_id == user.pk


@rules.predicate
def coordinates_its_assessment(user, evidence) -> bool:
    return Role.COORDINATOR in roles_of(user, evidence.assessment)


@rules.predicate
def its_assessment_takes_evidence(user, evidence) -> bool:
    return allowed(user, "assessments.upload_evidence", evidence.assessment)


@rules.predicate
def its_assessment_is_open(user, evidence) -> bool:
    return evidence.assessment.status in (Status.DRAFT, Status.COLLECTING, Status.REVIEW)


# Evidence is removed by the person who added it (while they may still add evidence) or the coordinator.
rules.add_perm(
    "assessments.delete_evidence",
    its_assessment_is_open & ((added_it & its_assessment_takes_evidence) | coordinates_its_assessment),
)


# -- Predicates on a participant (answering as that person) ---------------------------------------


@rules.predicate
def is_that_person(user, participant) -> bool:
    return user.is_authenticated and participant.user_id == user.pk


@rules.predicate
def answers_for_their_institution(user, participant) -> bool:
    return participant.role in (Role.RESPONDENT, Role.COORDINATOR) and participant.institution_id is not None


@rules.predicate
def their_assessment_is_collecting(user, participant) -> bool:
    return participant.assessment.status == Status.COLLECTING


@rules.predicate
def takes_part_in_full(user, participant) -> bool:
    """Not removed, and not a workshop guest (who answers only on the phone, in a session)."""
    return participant.removed_at is None and not participant.guest


# A person answers only as themselves, for their own institution, while the assessment collects answers.
rules.add_perm(
    "assessments.answer_as",
    is_that_person & takes_part_in_full & answers_for_their_institution & their_assessment_is_collecting,
)


# -- Predicates on a workshop session -------------------------------------------------------------


def session_seat(user, session: WorkshopSession) -> Participant | None:
    """The person's place in the session: an attendee who answers for an institution and was not
    removed (cached on the user object for the request)."""
    if not user.is_authenticated or session is None:
        return None
    cache = user.__dict__.setdefault("_session_seats", {})
    if session.pk not in cache:
        cache[session.pk] = (
            session.attendees.filter(
                user=user,
                removed_at__isnull=True,
                institution__isnull=False,
                role__in=[Role.RESPONDENT, Role.COORDINATOR],
            )
            .select_related("institution")
            .first()
        )
    return cache[session.pk]


@rules.predicate
def has_a_seat(user, session) -> bool:
    return session_seat(user, session) is not None


@rules.predicate
def session_is_open(user, session) -> bool:
    return session is not None and session.closed_at is None


@rules.predicate
def session_assessment_takes_answers(user, session) -> bool:
    # Validation workshops happen in review: there, only answers given in a session are accepted.
    return session is not None and session.assessment.status in (Status.COLLECTING, Status.REVIEW)


@rules.predicate
def runs_its_assessment(user, session) -> bool:
    return allowed(user, "assessments.run_sessions", session.assessment)


@rules.predicate
def takes_part_in_its_assessment(user, session) -> bool:
    return allowed(user, "assessments.view_responses", session.assessment)


# Running workshop sessions (opening, moving, closing items and sessions, removing guests): the
# facilitator or coordinator, while answers are collected or in review.
rules.add_perm("assessments.run_sessions", (is_facilitator | is_coordinator) & consensus_time)
rules.add_perm("assessments.run_session", runs_its_assessment)
# Answering on a phone: an attendee with a seat for an institution, while the session is open.
rules.add_perm(
    "assessments.answer_in_session", has_a_seat & session_is_open & session_assessment_takes_answers
)
# Following a session (the phone's view of the current indicator): its attendees.
rules.add_perm("assessments.follow_session", has_a_seat)
# The projector and the session's summary show each institution's levels: participants of the
# assessment (never guests, never the public).
rules.add_perm("assessments.view_session", takes_part_in_its_assessment)
