"""Files people download (exports, bundles, workbooks, PDFs): one way to send them, as attachments with a
safe file name (Django's FileResponse writes the Content-Disposition header, quoting included)."""

import io

from django.http import FileResponse


def attachment(content: bytes | str, *, filename: str, content_type: str) -> FileResponse:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type)
