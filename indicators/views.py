"""Framework catalogue pages: browse frameworks and indicators, print a questionnaire, upload a file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.forms import FrameworkUploadForm, IndicatorFilterForm
from indicators.loader import FrameworkInvalid
from indicators.models import Framework
from indicators.rules import allowed
from indicators.services import framework_load
from indicators.text import tr
from indicators.visibility import public_framework_ids


def _framework_or_404(slug: str, version: str) -> Framework:
    try:
        return selectors.framework_get(slug=slug, version=version)
    except Framework.DoesNotExist:
        raise Http404(_("No such framework version")) from None


def _readable(request: HttpRequest, slug: str, version: str) -> Framework:
    """The framework if this person may read it; anonymous visitors find only frameworks in public use
    (others look missing, and they are offered to sign in)."""
    framework = _framework_or_404(slug, version)
    if not allowed(request.user, "indicators.browse_framework", framework):
        if not request.user.is_authenticated:
            raise Http404(_("No such framework version"))
        raise PermissionDenied
    return framework


def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.framework_list()
    if not request.user.is_authenticated:
        frameworks = frameworks.filter(pk__in=public_framework_ids())
    page = Paginator(frameworks, 25).get_page(request.GET.get("page"))
    can_upload = allowed(request.user, "indicators.upload_framework")
    return render(request, "indicators/framework_list.html", {"page": page, "can_upload": can_upload})


def framework_detail(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    framework = _readable(request, slug, version)
    dimensions = selectors.framework_dimensions(framework=framework)
    filters = IndicatorFilterForm(request.GET or None, dimensions=dimensions, label_of=tr)
    all_indicators = selectors.framework_indicators(framework=framework)
    category_ids = filters.selected_category_ids()
    indicators = (
        selectors.framework_indicators(framework=framework, category_ids=category_ids)
        if category_ids
        else all_indicators
    )
    context = {
        "framework": framework,
        "dimensions": dimensions,
        "levels": list(framework.scale.levels.all()),
        "bands": list(framework.bands.all()),
        "matrix": selectors.framework_matrix(dimensions=dimensions, indicators=all_indicators),
        "filters": filters,
        "filtered": bool(category_ids),
        "indicators": indicators,
        "total": len(all_indicators),
    }
    if request.htmx:
        return render(request, "indicators/framework_detail.html#indicator-list", context)
    return render(request, "indicators/framework_detail.html", context)


def framework_questionnaire(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    """A blank questionnaire to print for a paper workshop."""
    framework = _readable(request, slug, version)
    context = {
        "framework": framework,
        "dimensions": selectors.framework_dimensions(framework=framework),
        "levels": list(framework.scale.levels.all()),
        "indicators": selectors.framework_indicators(framework=framework),
    }
    return render(request, "indicators/framework_questionnaire.html", context)


@login_required
def framework_upload(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, "indicators.upload_framework"):
        raise PermissionDenied
    problems = []
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = framework_load(text=form.cleaned_data["file"], user=request.user)
        except FrameworkInvalid as exc:
            problems = exc.problems
        else:
            framework = result.framework
            if result.created:
                messages.success(request, _("Framework %(title)s loaded.") % {"title": framework})
            else:
                messages.info(request, _("This exact file was already loaded; nothing changed."))
            return redirect("indicators:framework_detail", slug=framework.slug, version=framework.version)
    return render(request, "indicators/framework_upload.html", {"form": form, "problems": problems})
