"""App config for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from assessments.services import transition_guard_register, transition_hook_register
        from reports import publication, signals

        signals.connect()
        transition_guard_register("reports.publication_needs_completeness", publication.publication_guard)
        transition_hook_register("reports.store_published_figures", publication.store_on_publication)
