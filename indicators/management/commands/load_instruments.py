"""manage.py load_instruments [PATH]: load the instruments catalogue (the shipped one by default)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.instruments import CATALOGUE, InstrumentsInvalid, instruments_load


class Command(BaseCommand):
    help = "Load the catalogue of international instruments whose ratification is recorded per country."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=CATALOGUE)

    def handle(self, *args, path: Path, **options):
        try:
            count = instruments_load(text=path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file: {exc}") from None
        except InstrumentsInvalid as exc:
            raise CommandError(f"{path}: nothing loaded:\n" + "\n".join(exc.problems)) from None
        self.stdout.write(f"{path}: {count} instruments loaded")
