"""manage.py load_framework PATH...: check and load framework files (or --shipped: those in the repo)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.instruments import CATALOGUE, instruments_load
from indicators.loader import FrameworkInvalid
from indicators.services import framework_load

SHIPPED = Path(__file__).resolve().parents[2] / "frameworks"


class Command(BaseCommand):
    help = "Check and load framework files. A bad file loads nothing and every problem is listed."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument(
            "--shipped", action="store_true", help="Load every framework shipped with Coherence."
        )

    def handle(self, *args, paths: list[Path], shipped: bool, **options):
        if shipped:
            paths = [*paths, *sorted(SHIPPED.glob("*.yaml"))]
        if not paths:
            raise CommandError("Name at least one framework file, or use --shipped.")
        failed = 0
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.stderr.write(f"{path}: cannot read the file: {exc}")
                failed += 1
                continue
            try:
                result = framework_load(text=text)
            except FrameworkInvalid as exc:
                self.stderr.write(f"{path}: not loaded, {len(exc.problems)} problem(s):")
                for problem in exc.problems:
                    self.stderr.write(f"  {path}:{problem}")
                failed += 1
                continue
            framework = result.framework
            state = "loaded" if result.created else "already loaded, unchanged"
            self.stdout.write(f"{path}: {framework.slug} {framework.version} {state}")
        if shipped:
            # The instruments catalogue ships with the frameworks: their references name its instruments.
            count = instruments_load(text=CATALOGUE.read_text(encoding="utf-8"))
            self.stdout.write(f"{CATALOGUE}: {count} instruments loaded")
        if failed:
            raise CommandError(f"{failed} framework file(s) not loaded")
