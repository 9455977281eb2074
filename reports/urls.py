"""URLs of results: the JSON API under /api/ (no language prefix)."""

from django.urls import path

from reports import api

app_name = "reports"

urlpatterns = [
    path("assessments/<int:pk>/results.json", api.results_json, name="results_json"),
]
