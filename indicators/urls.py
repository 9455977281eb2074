"""URLs of the framework catalogue, under /<lang>/frameworks/."""

from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("upload/", views.framework_upload, name="framework_upload"),
    path("<slug:slug>/<str:version>/", views.framework_detail, name="framework_detail"),
    path(
        "<slug:slug>/<str:version>/questionnaire/",
        views.framework_questionnaire,
        name="framework_questionnaire",
    ),
]
