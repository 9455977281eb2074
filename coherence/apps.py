"""App config for the site shell (templates, static assets, site-wide commands)."""

from django.apps import AppConfig
from django.core import checks


class CoherenceConfig(AppConfig):
    name = "coherence"
    verbose_name = "Coherence"

    def ready(self) -> None:
        checks.register(shared_cache_check, checks.Tags.caches, deploy=True)


def shared_cache_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """In production the cache must be shared by every worker process, and it must answer."""
    from django.conf import settings
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    problems = []
    if backend.endswith("LocMemCache"):
        problems.append(
            checks.Warning(
                "The cache is local to each process (CACHE_URL=locmem://): with several workers, results and "
                "reports cached by one are unknown to the others.",
                hint="Set CACHE_URL=redis://host:6379/0 or db://coherence_cache.",
                id="coherence.W001",
            )
        )
    try:
        cache.set("coherence:cache-check", "ok", 10)
        answered = cache.get("coherence:cache-check") == "ok"
    except Exception as exc:  # a cache that cannot be reached must stop a deployment
        answered, reason = False, str(exc)
    else:
        reason = "no value came back"
    if not answered:
        problems.append(
            checks.Error(
                f"The cache ({backend}) does not answer: {reason}.",
                hint="Check CACHE_URL; for db:// run manage.py createcachetable.",
                id="coherence.E001",
            )
        )
    return problems
