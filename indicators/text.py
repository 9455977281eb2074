"""Translated text: framework fields are {language: text} mappings, read in the current language."""

from django.utils import translation


def tr(value: dict[str, str] | str | None, lang: str | None = None, fallback: str = "en") -> str:
    """The text in `lang` (default: the active language), else in `fallback`, else any text there is."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    lang = lang or translation.get_language() or fallback
    for code in (lang, lang.split("-")[0], fallback):
        text = value.get(code)
        if text:
            return text
    return next(iter(value.values()), "")
