"""Generated country reports: one PDF per assessment, language and state of the data (its fingerprint)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment


def report_path(instance: "Report", filename: str) -> str:
    return f"reports/{instance.assessment_id}/{instance.fingerprint[:16]}-{instance.language}.pdf"


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
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
                fields=["assessment", "language", "fingerprint"], name="report_one_per_data_and_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.language}, {self.status})"
