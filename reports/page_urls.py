"""URLs of the dashboard pages, under /<lang>/results/."""

from django.urls import path

from reports import views, workshop_views

app_name = "results"

urlpatterns = [
    path("assessments/<int:pk>/", views.dashboard, name="dashboard"),
    path("assessments/<int:pk>/reports/", views.report_create, name="report_create"),
    path("assessments/<int:pk>/reports/<int:report_id>/", views.report_status, name="report"),
    path(
        "assessments/<int:pk>/reports/<int:report_id>/download/",
        views.report_download,
        name="report_download",
    ),
    path("assessments/<int:pk>/data/<str:what>.<str:fmt>", views.data_download, name="data_download"),
    path("assessments/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("assessments/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("assessments/<int:pk>/disagreements/", workshop_views.disagreements, name="disagreements"),
    path(
        "assessments/<int:pk>/workshop/<int:session_pk>/",
        workshop_views.session_projector,
        name="session_projector",
    ),
    path(
        "assessments/<int:pk>/workshop/<int:session_pk>/summary/",
        workshop_views.session_summary_page,
        name="session_summary",
    ),
    path(
        "frameworks/<slug:slug>/<str:version>/questionnaire.pdf",
        views.questionnaire_pdf,
        name="questionnaire_pdf",
    ),
    path("countries/<str:country>/", views.trend, name="trend"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("compare/", views.compare, name="compare"),
]
