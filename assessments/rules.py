"""Who may do what with an assessment: rules predicates over the person's role and the assessment's status.

Every view asks `request.user.has_perm("assessments.<action>_assessment", assessment)`; nothing else
decides access. Roles come from Participant rows and are cached on the user object for the request.
"""

import rules

from assessments.models import Assessment, Participant

Role = Participant.Role
Status = Assessment.Status


def _memberships(user, assessment: Assessment) -> frozenset[tuple[str, int | None]]:
    """(role, institution id) of the person on the assessment, cached on the user object."""
    if not user.is_authenticated or assessment is None or assessment.pk is None:
        return frozenset()
    cache = user.__dict__.setdefault("_assessment_roles", {})
    if assessment.pk not in cache:
        cache[assessment.pk] = frozenset(
            Participant.objects.filter(assessment=assessment, user=user).values_list("role", "institution_id")
        )
    return cache[assessment.pk]


def roles_of(user, assessment: Assessment) -> frozenset[str]:
    return frozenset(role for role, _ in _memberships(user, assessment))


@rules.predicate
def answers_for_an_institution(user, assessment) -> bool:
    return any(
        role in (Role.RESPONDENT, Role.COORDINATOR) and institution
        for role, institution in _memberships(user, assessment)
    )


def forget_roles(user) -> None:
    """Drop cached roles (after a role changes within one request or test)."""
    user.__dict__.pop("_assessment_roles", None)


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


is_participant = has_role(*Role.values)
is_coordinator = has_role(Role.COORDINATOR)
is_respondent = has_role(Role.RESPONDENT)
is_reviewer = has_role(Role.REVIEWER)
is_facilitator = has_role(Role.FACILITATOR)
is_published = status_in(Status.PUBLISHED)
is_open = status_in(Status.DRAFT, Status.COLLECTING, Status.REVIEW)
is_collecting = status_in(Status.COLLECTING)

# Reading: participants always; everyone (signed in or not) once published.
rules.add_perm("assessments.view_assessment", is_participant | is_published)
# Seeing who answered what: participants only, never the public.
rules.add_perm("assessments.view_responses", is_participant)
# Setting up: metadata, institutions, invitations; not once validated.
rules.add_perm("assessments.change_assessment", is_coordinator & is_open)
# Answering: respondents (and coordinators who answer for an institution) while collecting.
rules.add_perm("assessments.score_assessment", answers_for_an_institution & is_collecting)
rules.add_perm(
    "assessments.upload_evidence",
    (is_respondent | is_coordinator | is_facilitator) & status_in(Status.COLLECTING, Status.REVIEW),
)
rules.add_perm("assessments.review_assessment", (is_reviewer | is_coordinator) & status_in(Status.REVIEW))
rules.add_perm(
    "assessments.set_consensus", (is_reviewer | is_facilitator) & status_in(Status.COLLECTING, Status.REVIEW)
)
rules.add_perm("assessments.transition_assessment", is_coordinator | is_reviewer)
rules.add_perm("assessments.manage_actions", (is_coordinator | is_reviewer | is_facilitator) & ~is_published)
rules.add_perm("assessments.export_assessment", is_coordinator | is_reviewer | is_published)
rules.add_perm("assessments.start_next_round", is_coordinator & status_in(Status.VALIDATED, Status.PUBLISHED))
rules.add_perm("assessments.create_assessment", rules.is_authenticated)
# A bundle holds people's names, e-mails and answers: coordinators only, never the public.
rules.add_perm("assessments.export_bundle", is_coordinator)
rules.add_perm("assessments.import_bundle", rules.is_authenticated)
