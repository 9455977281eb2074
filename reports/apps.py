"""App config for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from assessments.services import (
            SessionSource,
            session_source_register,
            transition_guard_register,
            transition_hook_register,
        )
        from reports import publication, room, signals

        signals.connect()
        transition_guard_register("reports.publication_needs_completeness", publication.publication_guard)
        transition_hook_register("reports.store_published_figures", publication.store_on_publication)
        # A workshop session can work through the indicators where institutions disagree.
        session_source_register(
            "disagreement",
            SessionSource(label=room.disagreement_source_label, codes=room.disagreement_codes),
        )
