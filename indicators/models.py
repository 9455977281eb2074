"""The framework catalogue: frameworks, their scale and bands, dimensions, categories and indicators.

Also the instruments catalogue (international instruments) and each country's ratification records.

Every human-readable field is a JSON mapping from language code to text ({"en": ..., "fr": ...}),
read through `indicators.text.tr` so that a missing translation falls back to the framework's
default language. Rows are written only by the loader (`indicators.services.framework_load`).
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from indicators.text import tr
from indicators.validators import validate_web_link


class Framework(models.Model):
    class Aggregation(models.TextChoices):
        FLAT = "flat", _("Flat: weighted mean of all indicators beneath")
        HIERARCHICAL = "hierarchical", _("Hierarchical: unweighted mean of the sub-categories")

    slug = models.SlugField(max_length=80)
    version = models.CharField(max_length=32)
    title = models.JSONField()
    description = models.JSONField(default=dict, blank=True)
    languages = models.JSONField()
    aggregation = models.CharField(max_length=16, choices=Aggregation.choices, default=Aggregation.FLAT)
    ranking = models.BooleanField(default=True)
    # The least a figure needs before it is shown as a score (docs/methodology.md, "Basis of a figure").
    min_category_coverage = models.FloatField(
        default=0.5, help_text=_("Share of a category's indicators that must be scored for its score.")
    )
    min_overall_completeness = models.FloatField(
        default=0.5, help_text=_("Completeness needed for the overall score.")
    )
    weighting = models.JSONField(default=dict, blank=True, help_text=_("Why some indicators weigh more."))
    continuity = models.JSONField(
        default=dict, blank=True, help_text=_("How this version's indicators relate to an earlier version's.")
    )
    source = models.TextField(help_text=_("The framework file as it was loaded."))
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["slug", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.display_title} ({self.version})"

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def display_title(self) -> str:
        return tr(self.title, fallback=self.default_language)

    def is_in_use(self) -> bool:
        """True once anything outside the catalogue (an assessment) uses this version: it is then frozen."""
        for relation in self._meta.related_objects:
            if relation.related_model._meta.app_label == self._meta.app_label:
                continue
            if relation.related_model._default_manager.filter(**{relation.field.name: self}).exists():
                return True
        return False

    def dimension_with_role(self, role: str) -> "Dimension | None":
        return next((d for d in self.dimensions.all() if d.role == role), None)


class Scale(models.Model):
    framework = models.OneToOneField(Framework, on_delete=models.CASCADE, related_name="scale")
    code = models.CharField(max_length=40)
    label = models.JSONField()

    def __str__(self) -> str:
        return self.code


class Level(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    value = models.FloatField()
    label = models.JSONField()
    descriptor = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="level_code_unique_in_scale"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=100), name="level_value_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.value:g})"


class Band(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    lower = models.FloatField()
    upper = models.FloatField()
    label = models.JSONField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="band_code_unique_in_framework")
        ]

    def __str__(self) -> str:
        return self.code


class Reference(models.Model):
    class Kind(models.TextChoices):
        ILO_CONVENTION = "ilo-convention", _("ILO convention or protocol")
        ILO_RECOMMENDATION = "ilo-recommendation", _("ILO recommendation")
        UN_TREATY = "un-treaty", _("UN treaty")
        PROTOCOL = "protocol", _("Protocol")
        FRAMEWORK = "framework", _("Policy framework")
        OTHER = "other", _("Other")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    title = models.JSONField()
    url = models.URLField(blank=True, validators=[validate_web_link])

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="reference_code_unique_in_framework")
        ]

    def __str__(self) -> str:
        return self.code


class Dimension(models.Model):
    class Role(models.TextChoices):
        NONE = "", _("No special role")
        CRITERIA = "criteria", _("Criteria")
        LIFECYCLE = "lifecycle", _("Life-cycle stages")
        COHERENCE_ELEMENTS = "coherence_elements", _("Essential elements of coherence")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dimensions")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    label = models.JSONField()
    role = models.CharField(max_length=24, choices=Role.choices, blank=True, default=Role.NONE)
    primary = models.BooleanField(default=False)
    required = models.BooleanField(default=False)
    multiple = models.BooleanField(default=False)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dimension_code_unique_in_framework"),
            models.UniqueConstraint(
                fields=["framework"],
                condition=models.Q(primary=True),
                name="dimension_one_primary_per_framework",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Category(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    label = models.JSONField()
    description = models.JSONField(default=dict, blank=True)
    cross_cutting = models.BooleanField(default=False)

    class Meta:
        ordering = ["dimension", "position"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="category_code_unique_in_dimension")
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}:{self.code}"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    weight = models.FloatField(default=1)
    question = models.JSONField()
    guidance = models.JSONField(default=dict, blank=True)
    evidence = models.JSONField(default=dict, blank=True, help_text=_("What evidence counts"))
    levels = models.JSONField(default=dict, blank=True, help_text=_("Descriptor per scale level code"))
    categories = models.ManyToManyField(Category, related_name="indicators")
    references = models.ManyToManyField(Reference, related_name="indicators", blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique_in_framework"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.code

    @cached_property
    def category_by_dimension(self) -> dict[str, list[Category]]:
        """Dimension code -> the indicator's categories in it (uses prefetched categories when present)."""
        result: dict[str, list[Category]] = {}
        for category in self.categories.all():
            result.setdefault(category.dimension.code, []).append(category)
        return result


class Instrument(models.Model):
    """An international instrument whose ratification is recorded per country (the instruments
    catalogue, `indicators/catalogue/instruments.yaml`, loaded by `manage.py load_instruments`)."""

    class Kind(models.TextChoices):
        ILO_CONVENTION = "ilo-convention", _("ILO convention")
        ILO_PROTOCOL = "ilo-protocol", _("ILO protocol")
        UN_TREATY = "un-treaty", _("UN treaty")
        UN_PROTOCOL = "un-protocol", _("UN protocol")

    class Depositary(models.TextChoices):
        ILO = "ilo-normlex", _("ILO (NORMLEX)")
        UN = "untc", _("United Nations (Treaty Collection)")

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    depositary = models.CharField(max_length=20, choices=Depositary.choices)
    title = models.JSONField()
    short = models.JSONField(default=dict)
    fundamental = models.BooleanField(default=False)
    url = models.URLField(blank=True, validators=[validate_web_link])
    position = models.PositiveSmallIntegerField(default=0)
    catalogue_version = models.CharField(max_length=32)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} · {tr(self.short) or tr(self.title)}"

    @property
    def can_be_signed(self) -> bool:
        """ILO conventions are ratified, never signed; UN treaties are signed, then ratified."""
        return self.depositary == self.Depositary.UN


class Ratification(models.Model):
    """A country's status on one instrument, as a dated public source records it (never a guess)."""

    class Status(models.TextChoices):
        RATIFIED = "ratified", _("Ratified")
        SIGNED = "signed", _("Signed, not ratified")
        NOT_RATIFIED = "not-ratified", _("Not ratified")
        DENOUNCED = "denounced", _("Denounced")

    country = CountryField(_("country"))
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="ratifications")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Of ratification, signature or denunciation.")
    )
    source_url = models.URLField(_("source"), validators=[validate_web_link])
    source_date = models.DateField(_("source consulted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "instrument__position"]
        constraints = [
            models.UniqueConstraint(fields=["country", "instrument"], name="ratification_one_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.country.code} {self.instrument.code}: {self.get_status_display()}"
