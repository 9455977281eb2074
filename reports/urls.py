"""URLs of results: the JSON API under /api/ (no language prefix)."""

from django.urls import path

from reports import api

app_name = "reports"

urlpatterns = [
    path("assessments/<int:pk>/results.json", api.results_json, name="results_json"),
    path("countries/<str:country>/trend.json", api.trend_json, name="trend_json"),
    path("benchmark.json", api.benchmark_json, name="benchmark_json"),
    path("compare.json", api.compare_json, name="compare_json"),
]
