"""Generated country reports: one PDF per assessment, language and state of the data (its fingerprint)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment


def report_path(instance: "Report", filename: str) -> str:
    return (
        f"reports/{instance.assessment_id}/"
        f"{instance.kind}-{instance.audience}-{instance.fingerprint[:16]}-{instance.language}.pdf"
    )


class Report(models.Model):
    """A generated PDF: the country report or its one-page summary, for one audience (the public or
    the participants), in one language, of the data as it was (its fingerprint)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Country report")
        SUMMARY = "summary", _("One-page summary")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("The public")
        PARTICIPANTS = "participants", _("Participants")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.PARTICIPANTS)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    fingerprint = models.CharField(max_length=64, help_text=_("Hash of the data the report shows."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "audience", "language", "fingerprint"],
                name="report_one_per_data_audience_and_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.kind}, {self.audience}, {self.language}, {self.status})"


class PublishedFigures(models.Model):
    """The headline figures of a published assessment, stored when it is published. A published assessment
    never changes, so the benchmark reads one row per country instead of computing from the answers."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="published_figures")
    data_version = models.PositiveIntegerField()
    framework_sha = models.CharField(max_length=64)
    overall = models.FloatField(null=True)
    band = models.CharField(max_length=40, blank=True)
    completeness = models.FloatField()
    insufficient = models.BooleanField()
    # dimension code -> {category code: score or None}, for criteria and stages across rounds and versions
    categories = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("published figures")

    def __str__(self) -> str:
        return f"{self.assessment}: {self.overall}"
