"""App config for assessments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from indicators.visibility import public_frameworks_register

        public_frameworks_register("assessments.public", public_framework_ids)


def public_framework_ids():
    """Frameworks used by an assessment the public may see (the catalogue shows them to everyone)."""
    from assessments.models import Assessment
    from assessments.visibility import public_q

    return Assessment.objects.filter(public_q()).values_list("framework_id", flat=True).distinct()
