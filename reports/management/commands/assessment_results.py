"""manage.py assessment_results ID [--lang L] [--public]: print an assessment's results as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.visibility import PARTICIPANTS, PUBLIC
from reports.results import results_for


class Command(BaseCommand):
    help = "Print every figure of an assessment as JSON (docs/results-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--lang", help="Language of labels (default: the assessment's).")
        parser.add_argument("--public", action="store_true", help="Only what the public may see.")

    def handle(self, *args, assessment_id: int, lang: str | None, public: bool, **options):
        assessment = Assessment.objects.select_related("framework").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}")
        results = results_for(assessment, audience=PUBLIC if public else PARTICIPANTS, lang=lang)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False))
