"""Writes to assessments: create and set up, invite, answer, agree a consensus, move through the workflow,
add evidence and actions, and import many rows at once (bundles, workbooks, demo data).

Every function checks its own invariants (permissions through `assessments.rules`, scale, status,
ownership, optimistic version, lengths and links through the models' validation) and raises
`AssessmentError` with a message for the user; views turn it into a message and change nothing.
Every write bumps the assessment's data version (`assessment_touch`).
"""

from assessments.services.actions import action_create, action_update, next_round_start
from assessments.services.answers import (
    AnswerValue,
    answer_parse,
    consensus_clear,
    consensus_refusal,
    consensus_set,
    require_indicator,
    response_set,
)
from assessments.services.base import (
    AssessmentError,
    AssessmentProblems,
    StaleEdit,
    assessment_touch,
    clean_save,
    require_open,
)
from assessments.services.evidence import EVIDENCE_TYPES, evidence_add, evidence_delete, evidence_file_type
from assessments.services.invitations import invitation_accept, invitation_create
from assessments.services.setup import (
    EDITABLE_FIELDS,
    assessment_create,
    assessment_delete,
    assessment_update,
    institution_add,
    institution_remove,
    participant_add,
    participant_remove,
)
from assessments.services.workflow import assessment_next_statuses, assessment_transition

__all__ = [
    "EDITABLE_FIELDS",
    "EVIDENCE_TYPES",
    "AnswerValue",
    "AssessmentError",
    "AssessmentProblems",
    "StaleEdit",
    "action_create",
    "action_update",
    "answer_parse",
    "assessment_create",
    "assessment_delete",
    "assessment_next_statuses",
    "assessment_touch",
    "assessment_transition",
    "assessment_update",
    "clean_save",
    "consensus_clear",
    "consensus_refusal",
    "consensus_set",
    "evidence_add",
    "evidence_delete",
    "evidence_file_type",
    "institution_add",
    "institution_remove",
    "invitation_accept",
    "invitation_create",
    "next_round_start",
    "participant_add",
    "participant_remove",
    "require_indicator",
    "require_open",
    "response_set",
]
