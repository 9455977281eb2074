"""URLs of assessments, under /<lang>/assessments/."""

from django.urls import path

from assessments.views import (
    bundles,
    evidence,
    indicators,
    invitations,
    moderation,
    scoring,
    setup,
    workbooks,
    workflow,
    workshops,
)

app_name = "assessments"

urlpatterns = [
    # Listing and creating
    path("", setup.assessment_list, name="assessment_list"),
    path("new/", setup.assessment_create, name="assessment_create"),
    path("join/<uuid:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("import/", bundles.bundle_upload, name="bundle_upload"),
    path("import/<str:token>/", bundles.bundle_confirm, name="bundle_confirm"),
    # Moderation of what the public sees (site administrators)
    path("publications/", moderation.moderation, name="moderation"),
    path("publications/<int:pk>/list/", moderation.moderation_list, name="moderation_list"),
    path("publications/<int:pk>/endorse/", moderation.moderation_endorse, name="moderation_endorse"),
    path("publications/<int:pk>/unlist/", moderation.moderation_unlist, name="moderation_unlist"),
    # One assessment: set-up and workflow
    path("<int:pk>/", setup.assessment_detail, name="assessment_detail"),
    path("<int:pk>/edit/", setup.assessment_edit, name="assessment_edit"),
    path("<int:pk>/delete/", setup.assessment_delete, name="assessment_delete"),
    path("<int:pk>/institutions/", setup.institution_add, name="institution_add"),
    path(
        "<int:pk>/institutions/<int:institution_pk>/remove/",
        setup.institution_remove,
        name="institution_remove",
    ),
    path("<int:pk>/invitations/", invitations.invitation_create, name="invitation_create"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/renew/",
        invitations.invitation_renew,
        name="invitation_renew",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:pk>/people/<int:participant_pk>/remove/", setup.participant_remove, name="participant_remove"),
    path("<int:pk>/status/", workflow.transition, name="transition"),
    path("<int:pk>/next-round/", workflow.next_round, name="next_round"),
    path("<int:pk>/bundle/", bundles.bundle_download, name="bundle_download"),
    # Scoring
    path("<int:pk>/score/", scoring.score, name="score"),
    path("<int:pk>/score/<str:code>/", scoring.response_save, name="response_save"),
    path("<int:pk>/score/<str:code>/card/", scoring.score_card, name="score_card"),
    # The offline workbook: download, upload, preview and confirm
    path("<int:pk>/workbook/", workbooks.workbook, name="workbook"),
    path("<int:pk>/workbook/download/", workbooks.workbook_download, name="workbook_download"),
    path("<int:pk>/workbook/<str:token>/", workbooks.workbook_preview_page, name="workbook_preview"),
    # One indicator within an assessment: answers, consensus, history
    path("<int:pk>/indicators/<str:code>/", indicators.indicator_detail, name="indicator_detail"),
    path("<int:pk>/indicators/<str:code>/consensus/", indicators.consensus_save, name="consensus_save"),
    # Evidence (files served through a permission check) and recommended actions
    path("<int:pk>/evidence/add/", evidence.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/file/", evidence.evidence_file, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("<int:pk>/actions/add/", evidence.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/edit/", evidence.action_edit, name="action_edit"),
    # Workshop sessions (the facilitator's side; the projector is in results, the phones in /workshop/)
    path("<int:pk>/workshop/", workshops.session_list, name="session_list"),
    path("<int:pk>/workshop/<int:session_pk>/", workshops.session_detail, name="session_detail"),
    path("<int:pk>/workshop/<int:session_pk>/move/", workshops.session_move, name="session_move"),
    path("<int:pk>/workshop/<int:session_pk>/items/", workshops.session_items, name="session_items"),
    path(
        "<int:pk>/workshop/<int:session_pk>/items/<int:item_pk>/close/",
        workshops.session_item_close,
        name="session_item_close",
    ),
    path(
        "<int:pk>/workshop/<int:session_pk>/consensus/", workshops.session_consensus, name="session_consensus"
    ),
    path("<int:pk>/workshop/<int:session_pk>/close/", workshops.session_close, name="session_close"),
    path("<int:pk>/workshop/<int:session_pk>/actions/", workshops.session_action, name="session_action"),
    path(
        "<int:pk>/workshop/<int:session_pk>/people/<int:participant_pk>/remove/",
        workshops.session_attendee_remove,
        name="session_attendee_remove",
    ),
]
