"""Top-level URLs: language-independent endpoints first, then every page under a language prefix."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from coherence import views

# Machine endpoints: no language prefix.
urlpatterns = [
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Results as JSON, for scripts and other sites.
    path("api/", include("reports.urls")),
]

# Pages people read, in their language (/en/, /fr/, /es/).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The framework catalogue: what is measured.
    path("frameworks/", include("indicators.urls")),
    # Assessments: who scored what.
    path("assessments/", include("assessments.urls")),
    # Dashboards: what the scores mean.
    path("results/", include("reports.page_urls")),
    path("admin/", admin.site.urls),
)
