"""manage.py import_ratifications FILE [--dry-run]: import countries' ratification records from a CSV
(docs/ratifications.md): every row or none, every problem listed with its row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.instruments import InstrumentsInvalid, ratifications_import


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import ratification records (country, instrument, status, date, source and when it was consulted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")

    def handle(self, *args, path: Path, dry_run: bool, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file: {exc}") from None
        try:
            with transaction.atomic():
                count = ratifications_import(text=text)
                if dry_run:
                    raise Rollback
        except Rollback:
            self.stdout.write(f"{path}: {count} records would be imported (dry run: nothing written)")
            return
        except InstrumentsInvalid as exc:
            problems = "\n".join(exc.problems)
            raise CommandError(f"{problems}\n{len(exc.problems)} problem(s): nothing was imported") from None
        self.stdout.write(f"{path}: {count} records imported")
