"""Template filter `web_link`: a person's link as an href only when it is an http(s) address, else ''."""

from django import template

from indicators.validators import is_web_link

register = template.Library()


@register.filter
def web_link(value) -> str:
    return value if is_web_link(value) else ""
