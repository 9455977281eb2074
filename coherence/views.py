"""Site-shell views: the home page, the health check, and the answer to a locked-out sign-in."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.models import Assessment
from indicators.models import Framework
from indicators.visibility import public_framework_ids
from reports.public import published_countries

HOME_ASSESSMENTS = 8  # the signed-in person's latest assessments on the home page


def home(request: HttpRequest) -> HttpResponse:
    """What Coherence is, the published countries, the frameworks; a signed-in person's assessments first."""
    context = {
        "rows": published_countries(),
        "frameworks": Framework.objects.filter(pk__in=public_framework_ids()).order_by("slug", "-loaded_at"),
    }
    if request.user.is_authenticated:
        mine = list(
            Assessment.objects.filter(participants__user=request.user, participants__removed_at__isnull=True)
            .distinct()
            .order_by("-updated_at")[: HOME_ASSESSMENTS + 1]
        )
        context |= {"mine": mine[:HOME_ASSESSMENTS], "more_mine": len(mine) > HOME_ASSESSMENTS}
    return render(request, "home.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def sign_in_locked(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """The sign-in page again, saying that this user name is locked from here for a while (django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(request, "registration/login.html", {"form": form, "locked_minutes": minutes}, status=429)
