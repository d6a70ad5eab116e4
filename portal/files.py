"""Stored files served to the browser: as a download, or inline for the preview on a review page.

Only PDFs and images are shown inline; their kind is read from the stored name, whose extension
the upload validators (portal.uploads) checked against the content. A PDF's preview sits in an
iframe of the portal's own page, so that one response allows framing by the same origin; every
other response keeps X-Frame-Options DENY and `frame-ancestors 'none'`.
"""

from __future__ import annotations

import os
from typing import Any

from django.http import FileResponse, Http404, HttpRequest

from portal.uploads import KIND_LABELS

PREVIEW_PARAM = "preview"
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg"}
# The PDF viewer of the browser runs as a plugin inside the framed response: it needs
# object-src; nothing else of the response runs or loads.
PDF_PREVIEW_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
IMAGE_PREVIEW_POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'none'"


def file_kind(name: str) -> str:
    """'pdf', 'png', 'jpg', 'docx', 'xlsx' or '' from a file's name."""
    extension = os.path.splitext(name or "")[1].lower().lstrip(".")
    return {"jpeg": "jpg"}.get(extension, extension if extension in KIND_LABELS else "")


def preview_kind(name: str) -> str:
    """'image', 'pdf' or '' (no preview: offer the download)."""
    kind = _EXTENSIONS.get(os.path.splitext(name or "")[1].lower().lstrip("."), "")
    if kind == "pdf":
        return "pdf"
    return "image" if kind else ""


def stored_file_response(request: HttpRequest, field: Any, name: str) -> FileResponse:
    """The file of `field` under `name`: a download, or with `?preview=1` the PDF or image shown
    inline (another kind is always a download). The caller has checked the permission."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = name or os.path.basename(field.name)
    kind = _EXTENSIONS.get(os.path.splitext(field.name)[1].lower().lstrip("."), "")
    if request.GET.get(PREVIEW_PARAM) != "1" or not kind:
        return FileResponse(handle, as_attachment=True, filename=name)
    response = FileResponse(
        handle, as_attachment=False, filename=name, content_type=CONTENT_TYPES[kind]
    )
    if kind == "pdf":
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = PDF_PREVIEW_POLICY
    else:
        response["Content-Security-Policy"] = IMAGE_PREVIEW_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
