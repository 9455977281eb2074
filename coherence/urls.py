"""Top-level URLs: language-independent endpoints first, then every page under a language prefix."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from assessments.views.room import join_short
from coherence import views

# Machine endpoints: no language prefix.
urlpatterns = [
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The short link a workshop's QR code carries: on to the join page in the phone's language.
    path("j/<str:code>/", join_short, name="join_short"),
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
    # The workshop room: join by code, answer on a phone.
    path("workshop/", include("assessments.room_urls")),
    # The public site: published countries, one country's profile, the methodology.
    path("", include("reports.public_urls")),
    # Dashboards: what the scores mean.
    path("results/", include("reports.page_urls")),
    path("admin/", admin.site.urls),
)
