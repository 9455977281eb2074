"""How figures and dates are written for people: one rule everywhere (pages, charts, PDF reports), so the
same figure never reads 33 in one place and 32 in another. Data files (CSV, XLSX, JSON) keep figures
unrounded and dates in ISO 8601; this module is for what people read.
"""

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation

NO_VALUE = "\u2013"  # an en dash where there is no value

# Dates written out in full, so that 03/04/2026 can never be read as 4 March in one place and 3 April
# in another: 23 November 2026, 23 novembre 2026, 23 de noviembre de 2026.
LONG_DATE = {"en": "j F Y", "fr": "j F Y", "es": r"j \d\e F \d\e Y"}


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def rounded(value, digits: int = 0) -> Decimal | None:
    """The value rounded half away from zero (32.5 -> 33, never banker's 32), or None."""
    if not _known(value):
        return None
    step = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def score_text(value, digits: int = 0) -> str:
    """A score on 0-100 as people read it: a whole number by default, an en dash when missing."""
    number = rounded(value, digits)
    if number is None:
        return NO_VALUE
    if number == 0:
        number = abs(number)  # never "-0"
    return formats.number_format(number, digits)


def percent_text(fraction, digits: int = 0) -> str:
    """A share (0-1) as a percentage: 0.625 -> "63%"."""
    if not _known(fraction):
        return NO_VALUE
    return f"{score_text(float(fraction) * 100, digits)}%"


def long_date(value: date | datetime | None, lang: str | None = None) -> str:
    """A date written out in full in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    lang = (lang or translation.get_language() or "en").split("-")[0]
    with translation.override(lang):
        return formats.date_format(value, LONG_DATE.get(lang, LONG_DATE["en"]))


def long_datetime(value: datetime | None, lang: str | None = None) -> str:
    """A moment written out in full, in the site's time zone: 23 November 2026, 14:05."""
    if value is None:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local, lang)}, {local:%H:%M}"
