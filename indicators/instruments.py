"""The instruments catalogue and countries' ratification records: loading the catalogue file, checking
and importing ratification CSVs (atomic, every problem with its row), entering one record, and reading
a country's status on the instruments an indicator refers to. Ratification is a fact shown beside
questions and in reports; it is never scored. docs/ratifications.md describes the CSV format."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from indicators.models import Instrument, Ratification
from indicators.validators import validate_web_link

CATALOGUE = Path(__file__).resolve().parent / "catalogue" / "instruments.yaml"
LANGUAGES = ("en", "fr", "es")
HEADER = ["country", "instrument", "status", "date", "source_url", "source_date"]
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
ILO = (Instrument.Kind.ILO_CONVENTION, Instrument.Kind.ILO_PROTOCOL)


class InstrumentsInvalid(Exception):
    """A catalogue file or a ratification CSV that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _user_assigned(code: str) -> bool:
    """ISO 3166 codes kept for user assignment (demo and test countries)."""
    return (
        code == "AA"
        or code == "ZZ"
        or (len(code) == 2 and code[0] in "QX" and (code[0] == "X" or code[1] >= "M"))
    )


def instruments_parse(text: str) -> dict:
    """The catalogue's data, or InstrumentsInvalid with every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentsInvalid([_("malformed YAML: %(error)s") % {"error": exc}]) from None
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list):
        raise InstrumentsInvalid([_("the catalogue needs a list of instruments")])
    problems, seen = [], set()
    if not data.get("version"):
        problems.append(_("the catalogue needs a version"))
    kinds, depositaries = set(Instrument.Kind.values), set(Instrument.Depositary.values)
    for n, item in enumerate(data["instruments"]):
        where = f"instruments[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: " + _("an instrument is a mapping of fields"))
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code or len(code) > 40:
            problems.append(f"{where}.code: " + _("a code of 1 to 40 characters is needed"))
        elif code in seen:
            problems.append(f"{where}.code: " + _("duplicate code %(code)s") % {"code": code})
        seen.add(code)
        if item.get("kind") not in kinds:
            problems.append(f"{where}.kind: " + _("one of %(values)s") % {"values": ", ".join(sorted(kinds))})
        if item.get("depositary") not in depositaries:
            problems.append(
                f"{where}.depositary: " + _("one of %(values)s") % {"values": ", ".join(sorted(depositaries))}
            )
        if not isinstance(item.get("year"), int) or not 1800 <= item["year"] <= 2100:
            problems.append(f"{where}.year: " + _("a year of adoption is needed"))
        for lang in LANGUAGES:
            if not (item.get("title") or {}).get(lang):
                problems.append(
                    f"{where}.title.{lang}: " + _("the official title is needed in every language")
                )
        if item.get("url"):
            try:
                validate_web_link(item["url"])
            except ValidationError:
                problems.append(
                    f"{where}.url: " + _("Give a web address that starts with http:// or https://.")
                )
    if problems:
        raise InstrumentsInvalid(problems)
    return data


@transaction.atomic
def instruments_load(*, text: str) -> int:
    """Load (or update) the catalogue; instruments are matched by code, none is deleted (records point to
    them). Returns how many instruments the file holds."""
    data = instruments_parse(text)
    for position, item in enumerate(data["instruments"]):
        Instrument.objects.update_or_create(
            code=item["code"],
            defaults={
                "kind": item["kind"],
                "year": item["year"],
                "depositary": item["depositary"],
                "title": item["title"],
                "short": item.get("short") or {},
                "fundamental": bool(item.get("fundamental")),
                "url": item.get("url", ""),
                "position": position,
                "catalogue_version": str(data["version"]),
            },
        )
    return len(data["instruments"])


@dataclass(frozen=True)
class RatificationRow:
    country: str
    instrument: Instrument
    status: str
    date: date | None
    source_url: str
    source_date: date


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def ratification_problems(
    *,
    country: str,
    instrument: Instrument | None,
    status: str,
    when: date | None,
    source_url: str,
    source_date: date | None,
) -> list[tuple[str, str]]:
    """What is wrong with one record, as (column, message) pairs; the form and the import both ask this."""
    problems = []
    today = timezone.localdate()
    if not (country in countries or _user_assigned(country)):
        problems.append(
            ("country", _("%(code)s is not an ISO 3166-1 alpha-2 country code") % {"code": country})
        )
    if status not in Ratification.Status.values:
        problems.append(
            (
                "status",
                _("'%(value)s' is not one of %(values)s")
                % {"value": status, "values": ", ".join(sorted(Ratification.Status.values))},
            )
        )
    elif instrument is not None and status == Ratification.Status.SIGNED and instrument.kind in ILO:
        problems.append(("status", _("ILO conventions and protocols are ratified, never signed")))
    if status == Ratification.Status.NOT_RATIFIED:
        if when is not None:
            problems.append(("date", _("leave the date empty for an instrument that is not ratified")))
    elif status in Ratification.Status.values:
        if when is None:
            problems.append(("date", _("the date is needed (YYYY-MM-DD)")))
        elif instrument is not None and when.year < instrument.year:
            problems.append(
                ("date", _("before the instrument was adopted (%(year)s)") % {"year": instrument.year})
            )
        elif when > today or (source_date and when > source_date):
            problems.append(("date", _("after the day the source was consulted")))
    try:
        validate_web_link(source_url)
        host = source_url.split("//", 1)[1].split("/", 1)[0].lower()
        if host.endswith(PLACEHOLDER_HOSTS) and not _user_assigned(country):
            problems.append(
                ("source_url", _("a real record needs a real public source, not a placeholder address"))
            )
    except (ValidationError, IndexError):
        problems.append(("source_url", _("Give a web address that starts with http:// or https://.")))
    if source_date is None:
        problems.append(("source_date", _("the date the source was consulted is needed (YYYY-MM-DD)")))
    elif source_date > today:
        problems.append(("source_date", _("a date in the future")))
    return problems


def ratifications_parse(text: str) -> list[RatificationRow]:
    """Every row of a ratification CSV, or InstrumentsInvalid listing every problem with its row."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        raise InstrumentsInvalid(
            [_("row 1: the header must be exactly %(header)s") % {"header": ",".join(HEADER)}]
        )
    catalogue = {i.code: i for i in Instrument.objects.all()}
    problems, parsed, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            problems.append(_("row %(n)s: %(count)s fields, 6 expected") % {"n": number, "count": len(row)})
            continue
        country, code, status, when, source_url, source_date = (cell.strip() for cell in row)
        instrument = catalogue.get(code)
        found = []
        if instrument is None:
            found.append(("instrument", _("%(code)s is not in the instruments catalogue") % {"code": code}))
        when_date = _date(when) if when else None
        if when and when_date is None:
            found.append(("date", _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": when}))
        consulted = _date(source_date)
        found += ratification_problems(
            country=country,
            instrument=instrument,
            status=status,
            when=when_date,
            source_url=source_url,
            source_date=consulted,
        )
        if (country, code) in seen:
            found.append(
                (
                    "country+instrument",
                    _("%(pair)s is already given in row %(row)s")
                    % {"pair": f"{country} {code}", "row": seen[(country, code)]},
                )
            )
        seen.setdefault((country, code), number)
        problems += [
            _("row %(n)s: %(column)s: %(message)s") % {"n": number, "column": column, "message": message}
            for column, message in dict.fromkeys(found)
        ]
        if not found:
            parsed.append(RatificationRow(country, instrument, status, when_date, source_url, consulted))
    if problems:
        raise InstrumentsInvalid(problems)
    return parsed


@transaction.atomic
def ratifications_import(*, text: str, user=None) -> int:
    """Import a ratification CSV: all rows or none. A record for the same country and instrument is
    replaced (its history keeps the old one). Returns how many records were written."""
    rows = ratifications_parse(text)
    for row in rows:
        ratification_set(
            country=row.country,
            instrument=row.instrument,
            status=row.status,
            when=row.date,
            source_url=row.source_url,
            source_date=row.source_date,
            user=user,
            reason="imported",
        )
    return len(rows)


def ratification_set(
    *,
    country: str,
    instrument: Instrument,
    status: str,
    when: date | None,
    source_url: str,
    source_date: date,
    user=None,
    reason: str = "",
) -> Ratification:
    """Record a country's status on one instrument (one record per country and instrument)."""
    problems = ratification_problems(
        country=country,
        instrument=instrument,
        status=status,
        when=when,
        source_url=source_url,
        source_date=source_date,
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for column, message in problems:
            errors.setdefault(column, []).append(message)
        raise ValidationError(errors)
    record = Ratification.objects.filter(country=country, instrument=instrument).first() or Ratification(
        country=country, instrument=instrument
    )
    record.status, record.date, record.source_url, record.source_date = status, when, source_url, source_date
    record.recorded_by = user if getattr(user, "is_authenticated", False) else None
    record._change_reason = reason
    record.full_clean()
    record.save()
    return record


@dataclass(frozen=True)
class InstrumentStatus:
    """An instrument and the country's recorded status on it (None: no record, and nothing is guessed)."""

    instrument: Instrument
    record: Ratification | None


def country_statuses(country: str, codes: list[str]) -> list[InstrumentStatus]:
    """The country's status on these instruments (catalogue codes), in catalogue order: two queries."""
    instruments = list(Instrument.objects.filter(code__in=codes))
    records = {
        r.instrument_id: r for r in Ratification.objects.filter(country=country, instrument__in=instruments)
    }
    return [InstrumentStatus(i, records.get(i.pk)) for i in instruments]


def indicator_statuses(framework, country: str) -> dict[str, list[InstrumentStatus]]:
    """For each indicator of a framework that refers to catalogue instruments: the country's status."""
    links = list(
        framework.indicators.filter(references__isnull=False).values_list("code", "references__code")
    )
    statuses = {
        s.instrument.code: s for s in country_statuses(country, sorted({ref for _code, ref in links}))
    }
    by_indicator: dict[str, list[InstrumentStatus]] = {}
    for code, ref in links:
        if ref in statuses:
            by_indicator.setdefault(code, []).append(statuses[ref])
    return by_indicator
