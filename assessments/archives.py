"""Read zip archives that people upload (bundles with evidence files, XLSX workbooks) without letting a
small file expand into gigabytes: member count, declared sizes and compression ratios are checked
before anything is read, and actual sizes while reading, in chunks, so memory stays small."""

import io
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class ArchiveRefused(Exception):
    """The archive is not one we read; the message says why, for the person who uploaded it."""


def _limits() -> tuple[int, int, int]:
    return settings.ARCHIVE_MAX_MEMBERS, settings.ARCHIVE_MAX_EXPANDED_BYTES, settings.ARCHIVE_MAX_RATIO


def archive_check(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members of an open archive, refused if they are too many or declare too much."""
    max_members, max_bytes, max_ratio = _limits()
    members = archive.infolist()
    if len(members) > max_members:
        raise ArchiveRefused(
            _("The archive holds %(n)s files; at most %(max)s are accepted.")
            % {"n": len(members), "max": max_members}
        )
    declared = 0
    for info in members:
        declared += info.file_size
        if info.file_size > max_bytes or declared > max_bytes:
            raise ArchiveRefused(
                _("The archive would expand to more than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
            )
        if info.compress_size and info.file_size / info.compress_size > max_ratio:
            raise ArchiveRefused(
                _("%(name)s is compressed %(ratio)s times: that is not an ordinary file.")
                % {"name": info.filename, "ratio": info.file_size // info.compress_size}
            )
    return members


def archive_read(raw: bytes, *, wanted: Callable[[str], bool] = lambda name: True) -> dict[str, bytes]:
    """The wanted members of a zip archive, by name, after the checks above; a member that expands
    beyond what it declared is refused as soon as it does."""
    return _read(raw, wanted, keep=True)


def archive_verify(raw: bytes) -> None:
    """Expand every member of a zip archive in chunks and throw the bytes away, refusing it as
    `archive_read` would: an archive that passes can then be opened by a library (openpyxl for an
    XLSX workbook) that trusts what the archive declares."""
    _read(raw, lambda name: True, keep=False)


def _read(raw: bytes, wanted: Callable[[str], bool], *, keep: bool) -> dict[str, bytes]:
    max_bytes = _limits()[1]
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ArchiveRefused(_("The file is not a valid zip archive.")) from None
    with archive:
        members = archive_check(archive)
        files: dict[str, bytes] = {}
        total = 0
        for info in members:
            if info.is_dir() or not wanted(info.filename):
                continue
            buffer, size = io.BytesIO(), 0
            try:
                with archive.open(info) as handle:
                    while chunk := handle.read(CHUNK):
                        total += len(chunk)
                        size += len(chunk)
                        if size > info.file_size or total > max_bytes:
                            raise ArchiveRefused(
                                _("%(name)s expands beyond the size it declares.") % {"name": info.filename}
                            )
                        if keep:
                            buffer.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise ArchiveRefused(
                    _("%(name)s cannot be read: %(error)s") % {"name": info.filename, "error": exc}
                ) from None
            if keep:
                files[info.filename] = buffer.getvalue()
        return files
