"""manage.py import_assessment FILE --as-user NAME: create an assessment from a bundle; prints its id."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessments.bundle import BundleInvalid, bundle_check, bundle_import, bundle_read


class Command(BaseCommand):
    help = (
        "Import an assessment bundle as a write by one person, who coordinates the new draft. Atomic: a "
        "bundle with any problem imports nothing. --restore-status and --enrol-existing need a site "
        "administrator (a superuser)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-user", required=True, help="User name of the person importing it.")
        parser.add_argument(
            "--restore-status", action="store_true", help="Give it the bundle's status and history."
        )
        parser.add_argument(
            "--enrol-existing",
            action="store_true",
            help="Enrol existing accounts whose user names match the bundle's people.",
        )

    def handle(self, *args, file: Path, as_user: str, restore_status: bool, enrol_existing: bool, **options):
        user = get_user_model().objects.filter(username=as_user).first()
        if user is None:
            raise CommandError(f"No user {as_user}")
        try:
            data, files = bundle_read(file.read_bytes())
            enrol = frozenset(bundle_check(data, files).existing_usernames) if enrol_existing else frozenset()
            assessment = bundle_import(
                data=data, files=files, user=user, restore_status=restore_status, enrol=enrol
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except BundleInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{file}: not imported, {len(exc.problems)} problem(s)") from None
        self.stdout.write(str(assessment.pk))
