"""manage.py export_framework SLUG [--version V] [-o FILE]: write a loaded framework as a framework file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Framework
from indicators.services import framework_export


class Command(BaseCommand):
    help = "Write a loaded framework as YAML (the newest version unless --version is given)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the framework version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--version", dest="framework_version")
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, slug: str, framework_version: str | None, output: Path | None, **options):
        frameworks = Framework.objects.filter(slug=slug)
        if framework_version:
            frameworks = frameworks.filter(version=framework_version)
        framework = frameworks.order_by("-loaded_at", "-pk").first()
        if framework is None:
            raise CommandError(
                f"No framework {slug}" + (f" version {framework_version}" if framework_version else "")
            )
        text = framework_export(framework=framework)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
