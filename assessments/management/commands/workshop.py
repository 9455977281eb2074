"""manage.py workshop [--port 8000]: what phones in the room open. Prints this machine's address on each
network, the join page, and for every open session its join link with a QR code drawn in the terminal,
so a facilitator on a laptop with no internet can put them on the screen or on paper."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from assessments.join import qr_text
from assessments.models import WorkshopSession
from assessments.room import lan_addresses


class Command(BaseCommand):
    help = "Print the addresses phones in the room open, with QR codes of the open sessions' join links."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="The port the server listens on.")
        parser.add_argument("--no-qr", action="store_true", help="Addresses only.")

    def handle(self, *args, port: int, no_qr: bool, **options):
        base = settings.WORKSHOP_URL.rstrip("/")
        if not base:
            addresses = lan_addresses()
            if not addresses:
                self.stderr.write(
                    "This computer is on no network that phones can reach: connect it to the room's Wi-Fi "
                    "(or a phone's hotspot) and run this again, or set WORKSHOP_URL."
                )
                return
            base = f"http://{addresses[0]}:{port}"
            for other in addresses[1:]:
                self.stdout.write(f"Also reachable on http://{other}:{port}/")
        with translation.override(settings.LANGUAGE_CODE):
            join_page = reverse("room:join")
        self.stdout.write(f"Phones join at {base}{join_page} with the code shown in the room.")
        sessions = WorkshopSession.objects.filter(closed_at__isnull=True).select_related("assessment")
        for session in sessions:
            url = f"{base}{reverse('join_short', args=[session.code])}"
            self.stdout.write(f"\n{session.title} ({session.assessment}): code {session.code}\n{url}")
            if not no_qr:
                self.stdout.write(qr_text(url))
        if not sessions:
            self.stdout.write("No session is open yet: open one from an assessment's Workshop sessions page.")
