"""URLs of assessments, under /<lang>/assessments/."""

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    # Listing and creating
    path("", views.assessment_list, name="assessment_list"),
    path("new/", views.assessment_create, name="assessment_create"),
    path("join/<uuid:token>/", views.invitation_accept, name="invitation_accept"),
    path("import/", views.bundle_upload, name="bundle_upload"),
    # One assessment: set-up and workflow
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("<int:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("<int:pk>/institutions/", views.institution_add, name="institution_add"),
    path(
        "<int:pk>/institutions/<int:institution_pk>/remove/",
        views.institution_remove,
        name="institution_remove",
    ),
    path("<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path("<int:pk>/people/<int:participant_pk>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/next-round/", views.next_round, name="next_round"),
    path("<int:pk>/bundle/", views.bundle_download, name="bundle_download"),
    # Scoring
    path("<int:pk>/score/", views.score, name="score"),
    path("<int:pk>/score/<str:code>/", views.response_save, name="response_save"),
    path("<int:pk>/score/<str:code>/card/", views.score_card, name="score_card"),
    # One indicator within an assessment: answers, consensus, history
    path("<int:pk>/indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("<int:pk>/indicators/<str:code>/consensus/", views.consensus_save, name="consensus_save"),
    # Evidence (files served through a permission check) and recommended actions
    path("<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/file/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/edit/", views.action_edit, name="action_edit"),
]
