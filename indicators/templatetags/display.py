"""Template filters for figures and dates as people read them (`indicators.display`): `score`,
`percent`, `long_date`, and `colon` after a label. Every page and report uses these, never floatformat
or widthratio."""

from django import template
from django.utils.translation import get_language

from indicators import display

register = template.Library()


@register.filter
def score(value, digits=0) -> str:
    return display.score_text(value, int(digits))


@register.filter
def percent(value, digits=0) -> str:
    return display.percent_text(value, int(digits))


@register.filter
def long_date(value, lang=None) -> str:
    return display.long_date(value, lang)


@register.filter
def long_datetime(value, lang=None) -> str:
    return display.long_datetime(value, lang)


@register.simple_tag
def colon() -> str:
    """The colon after a label, as the reader's language writes it (French: a non-breaking space first)."""
    return "\u00a0:" if (get_language() or "").startswith("fr") else ":"
