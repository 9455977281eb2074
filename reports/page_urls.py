"""URLs of the dashboard pages, under /<lang>/results/."""

from django.urls import path

from reports import views

app_name = "results"

urlpatterns = [
    path("assessments/<int:pk>/", views.dashboard, name="dashboard"),
    path("countries/<str:country>/", views.trend, name="trend"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("compare/", views.compare, name="compare"),
]
