"""Template filter `tr`: show a framework's translated field in the reader's language."""

from django import template

from indicators.text import tr as translate_text

register = template.Library()


@register.filter
def tr(value, fallback: str = "en") -> str:
    return translate_text(value, fallback=fallback)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None
