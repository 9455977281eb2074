"""Admin for the framework catalogue: a version in use is read-only; "new version" copies it."""

import re

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.instruments import ratification_problems, ratification_set
from indicators.models import (
    Band,
    Category,
    Dimension,
    Framework,
    Indicator,
    Instrument,
    Level,
    Ratification,
    Reference,
)
from indicators.services import FrameworkError, framework_new_version
from indicators.text import tr


def next_version(framework: Framework) -> str:
    """1.0 -> 1.1, 2021 -> 2022, beta -> beta.1; skipping versions that exist."""
    taken = set(Framework.objects.filter(slug=framework.slug).values_list("version", flat=True))
    candidate = framework.version
    while candidate in taken:
        match = re.match(r"^(.*?)(\d+)$", candidate)
        candidate = f"{match.group(1)}{int(match.group(2)) + 1}" if match else f"{candidate}.1"
    return candidate


class FrozenWhenInUse:
    """Admin mixin: no change or deletion once the framework version is used by an assessment."""

    def _framework(self, obj):
        return obj if isinstance(obj, Framework) else getattr(obj, "framework", None)

    def has_change_permission(self, request, obj=None):
        framework = self._framework(obj) if obj else None
        if framework is not None and framework.is_in_use():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        framework = self._framework(obj) if obj else None
        if framework is not None and framework.is_in_use():
            return False
        return super().has_delete_permission(request, obj)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    fields = ["position", "code", "value", "label"]

    def has_add_permission(self, request, obj=None):
        return False


class BandInline(admin.TabularInline):
    model = Band
    extra = 0
    fields = ["position", "code", "lower", "upper", "label"]
    readonly_fields = fields


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["position", "code", "role", "primary", "required", "multiple", "label"]
    readonly_fields = fields


@admin.register(Framework)
class FrameworkAdmin(FrozenWhenInUse, admin.ModelAdmin):
    list_display = ["slug", "version", "title_text", "aggregation", "ranking", "loaded_at", "in_use"]
    list_filter = ["slug", "aggregation", "ranking"]
    search_fields = ["slug", "version"]
    readonly_fields = [
        "slug",
        "version",
        "languages",
        "aggregation",
        "source_sha256",
        "loaded_at",
        "loaded_by",
    ]
    exclude = ["source"]
    inlines = [BandInline, DimensionInline]
    actions = ["make_new_version"]

    @admin.display(description=_("Title"))
    def title_text(self, obj):
        return tr(obj.title, fallback=obj.default_language)

    @admin.display(description=_("In use (frozen)"), boolean=True)
    def in_use(self, obj):
        return obj.is_in_use()

    @admin.action(description=_("Copy as a new version"))
    def make_new_version(self, request, queryset):
        for framework in queryset:
            version = next_version(framework)
            try:
                framework_new_version(framework=framework, version=version, user=request.user)
            except FrameworkError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(slug)s copied as version %(version)s.")
                    % {"slug": framework.slug, "version": version},
                    messages.SUCCESS,
                )


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenInUse, admin.ModelAdmin):
    list_display = ["code", "framework", "weight", "question_text"]
    list_filter = ["framework"]
    search_fields = ["code"]
    readonly_fields = ["framework", "code", "position"]
    filter_horizontal = ["categories", "references"]
    list_select_related = ["framework"]

    @admin.display(description=_("Question"))
    def question_text(self, obj):
        return tr(obj.question)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "dimension", "parent", "cross_cutting"]
    list_filter = ["dimension__framework", "dimension__code"]
    list_select_related = ["dimension", "parent"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "framework"]
    list_filter = ["framework", "kind"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """The catalogue is data (indicators/catalogue/instruments.yaml): read here, changed by its file."""

    list_display = ["code", "short_title", "kind", "year", "depositary", "fundamental"]
    list_filter = ["kind", "depositary", "fundamental"]
    search_fields = ["code"]

    @admin.display(description=_("title"))
    def short_title(self, obj):
        return tr(obj.short) or tr(obj.title)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RatificationForm(forms.ModelForm):
    """A record entered by hand gets the same checks as an imported one."""

    class Meta:
        model = Ratification
        fields = ["country", "instrument", "status", "date", "source_url", "source_date"]

    def clean(self):
        data = super().clean()
        problems = ratification_problems(
            country=str(data.get("country") or ""),
            instrument=data.get("instrument"),
            status=data.get("status") or "",
            when=data.get("date"),
            source_url=data.get("source_url") or "",
            source_date=data.get("source_date"),
        )
        for column, message in problems:
            field = column if column in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(Ratification)
class RatificationAdmin(SimpleHistoryAdmin):
    form = RatificationForm
    list_display = ["country", "instrument", "status", "date", "source_date"]
    list_filter = ["status", "instrument", "country"]
    search_fields = ["instrument__code"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        record = ratification_set(
            country=str(data["country"]),
            instrument=data["instrument"],
            status=data["status"],
            when=data.get("date"),
            source_url=data["source_url"],
            source_date=data["source_date"],
            user=request.user,
            reason="entered by a site administrator",
        )
        obj.pk = record.pk
