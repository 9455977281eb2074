"""Which frameworks the public may read: those in use by an assessment the public may see. This app
knows nothing of assessments (it imports nothing of ours), so `assessments` registers, when it starts,
how to find the frameworks its public assessments use."""

from collections.abc import Callable, Iterable

PublicFrameworks = Callable[[], Iterable[int]]
_SOURCES: dict[str, PublicFrameworks] = {}


def public_frameworks_register(name: str, source: PublicFrameworks) -> None:
    """Add a way to find framework ids in public use (registered once per name)."""
    _SOURCES[name] = source


def public_framework_ids() -> set[int]:
    ids: set[int] = set()
    for source in _SOURCES.values():
        ids.update(source())
    return ids
