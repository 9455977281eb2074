"""manage.py load_demo: create the demo sign-ins and data; safe to run again."""

from django.core.management.base import BaseCommand

from assessments.demo import DEMO_LOGINS, demo_load


class Command(BaseCommand):
    help = "Load the demo data (fictional countries, sign-ins for every role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--list-logins", action="store_true", help="Only print the demo sign-ins.")

    def handle(self, *args, list_logins: bool = False, **options):
        if list_logins:
            for login in DEMO_LOGINS:
                self.stdout.write(f"{login.username:<12} {login.role}")
            return
        created = demo_load()
        self.stdout.write(f"Demo data ready ({created} new sign-ins).")
