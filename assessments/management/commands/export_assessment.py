"""manage.py export_assessment ID [--zip] [-o FILE]: write an assessment bundle (docs/bundle-format.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.bundle import bundle_export
from assessments.models import Assessment


class Command(BaseCommand):
    help = (
        "Export an assessment as a JSON bundle, or with --zip as a zip holding the JSON and evidence files."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--zip", action="store_true", help="Include the evidence files (a zip archive).")
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, assessment_id: int, zip: bool, output: Path | None, **options):
        assessment = Assessment.objects.filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}")
        content = bundle_export(assessment, with_files=zip)
        if output:
            output.write_bytes(content)
        elif zip:
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode("utf-8"))
