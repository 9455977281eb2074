"""manage.py render_report ID [--lang fr] [--public] -o out.pdf: write an assessment's country report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.visibility import PARTICIPANTS, PUBLIC
from reports.pdf import render_report


class Command(BaseCommand):
    help = "Render the PDF country report of an assessment."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--lang", help="en, fr or es (default: the assessment's language).")
        parser.add_argument(
            "--public", action="store_true", help="The public's copy (no institution's values)."
        )
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, assessment_id: int, lang: str | None, output: Path, public: bool, **options):
        assessment = Assessment.objects.select_related("framework").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}")
        output.write_bytes(render_report(assessment, lang, audience=PUBLIC if public else PARTICIPANTS))
        self.stdout.write(str(output))
