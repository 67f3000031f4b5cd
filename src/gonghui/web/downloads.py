"""File answers of the pages: downloads (exports, reports, templates) and documents shown inline
(attachments), never cached, with their Chinese names kept (RFC 5987)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def xlsx(data: bytes, filename: str) -> HttpResponse:
    return download(data, XLSX, filename)


def inline_file(data: bytes, content_type: str, name: str) -> HttpResponse:
    """An uploaded document shown in the browser: sandboxed, never sniffed, never cached."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
