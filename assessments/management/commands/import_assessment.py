"""manage.py import_assessment FILE: create an assessment from a bundle (JSON or zip); prints its id."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessments.bundle import BundleInvalid, bundle_import, bundle_read


class Command(BaseCommand):
    help = "Import an assessment bundle. Atomic: a bundle with any problem imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as-user", help="Username of the person who coordinates the imported assessment."
        )

    def handle(self, *args, file: Path, as_user: str | None, **options):
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user {as_user}")
        try:
            data, files = bundle_read(file.read_bytes())
            assessment = bundle_import(data=data, files=files, user=user)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except BundleInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{file}: not imported, {len(exc.problems)} problem(s)") from None
        self.stdout.write(str(assessment.pk))
