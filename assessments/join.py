"""The way into a workshop session: its join link on the server's LAN address, and that link as a QR code
(segno), as SVG for the room's screen or as text for the terminal."""

import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from assessments.models import WorkshopSession
from assessments.room import room_base_url


def join_url(request: HttpRequest, session: WorkshopSession) -> str:
    """The address a phone in the room opens ('' when this server is on no network phones can reach)."""
    base = room_base_url(scheme=request.scheme, host=request.get_host(), configured=settings.WORKSHOP_URL)
    return f"{base}{reverse('join_short', args=[session.code])}" if base else ""


def qr_svg(url: str, *, scale: int = 8) -> str:
    """An inline SVG (no external file, no script), dark on white so any phone camera reads it."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff", omitsize=True)


def qr_text(url: str) -> str:
    """The QR code drawn with block characters, for a terminal."""
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()
