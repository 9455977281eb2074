"""Validators shared by every app: a link a person gives must be a web address (http or https)."""

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")

validate_web_link = URLValidator(
    schemes=list(WEB_SCHEMES), message=_("Give a web address that starts with http:// or https://.")
)


def is_web_link(value: str) -> bool:
    """True for an http(s) address; templates use it so that no other scheme ever becomes a link."""
    return isinstance(value, str) and value.split(":", 1)[0].strip().lower() in WEB_SCHEMES
