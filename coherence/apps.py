"""App config for the site shell (templates, static assets, site-wide commands)."""

from django.apps import AppConfig


class CoherenceConfig(AppConfig):
    name = "coherence"
    verbose_name = "Coherence"
