"""Keep cached framework frames in step with the catalogue when an unused framework is edited in the admin."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from indicators.models import Band, Category, Dimension, Framework, Indicator, Level
from reports.selectors import forget_framework_frames


def _framework_of(instance) -> Framework | None:
    if isinstance(instance, Framework):
        return instance
    if isinstance(instance, Category):
        return instance.dimension.framework
    if isinstance(instance, Level):
        return instance.scale.framework
    return getattr(instance, "framework", None)


def forget(sender, instance, **kwargs) -> None:
    framework = _framework_of(instance)
    if framework is not None and framework.pk is not None:
        forget_framework_frames(framework)


def connect() -> None:
    for model in (Framework, Indicator, Category, Dimension, Band, Level):
        post_save.connect(forget, sender=model, dispatch_uid=f"forget-frames-save-{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"forget-frames-delete-{model.__name__}")
    m2m_changed.connect(forget, sender=Indicator.categories.through, dispatch_uid="forget-frames-m2m")
