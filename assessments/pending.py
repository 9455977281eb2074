"""Uploads waiting for their owner's confirmation (bundles, workbooks): kept server-side in the default
storage under the owner's id, found again only by that owner with the token they were given, and
forgotten after a day. Nothing the client sends back but the token is trusted: the preview is made
again from the stored file when the owner confirms."""

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

PENDING_DIR = "imports"
PENDING_HOURS = 24


def _valid(token) -> bool:
    return isinstance(token, str) and token.isalnum() and len(token) == 32


def _name(user, token: str, kind: str, scope: str) -> str:
    prefix = f"{scope}-" if scope else ""
    return f"{kind}/{user.pk}/{prefix}{token}"


def pending_save(user, raw: bytes, *, kind: str = PENDING_DIR, scope: str = "") -> str:
    """Keep an uploaded file until its owner confirms (or for a day); returns its token. `scope` binds it
    further (a workbook to its assessment): it must be given again to find the file."""
    pending_clean(kind)
    token = uuid.uuid4().hex
    default_storage.save(_name(user, token, kind, scope), ContentFile(raw))
    return token


def pending_read(user, token: str, *, kind: str = PENDING_DIR, scope: str = "") -> bytes | None:
    """The file this person uploaded under `token`, or None (someone else's tokens are never found)."""
    if not _valid(token):
        return None
    name = _name(user, token, kind, scope)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def pending_delete(user, token: str, *, kind: str = PENDING_DIR, scope: str = "") -> None:
    if _valid(token):
        default_storage.delete(_name(user, token, kind, scope))


def pending_clean(kind: str = PENDING_DIR) -> None:
    """Forget uploads left unconfirmed for more than a day."""
    limit = timezone.now() - timedelta(hours=PENDING_HOURS)
    try:
        folders, _files = default_storage.listdir(kind)
    except (FileNotFoundError, NotImplementedError):
        return
    for folder in folders:
        for name in default_storage.listdir(f"{kind}/{folder}")[1]:
            path = f"{kind}/{folder}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
