"""ETags for API answers that are expensive to build and cheap to recognise: the view computes
the tag from stored moments of change, before building the answer, and answers 304 with no body
when the client already holds that answer (`If-None-Match`).

A tag covers everything the answer depends on besides those moments: who asks (the user and
their scope, since roles decide what is visible), the full path (filters, ordering, page,
page size), the language, the rendering asked for and the day (what is overdue changes at
midnight, Asia/Shanghai, since due moments are at the end of a day).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from portal.scoping import scope_text


def answer_etag(request: Request, changes: Iterable[Any]) -> str:
    """A strong ETag of the answer to `request`, given the stored moments (or any values) that
    change it."""
    renderer = getattr(request, "accepted_media_type", "") or ""
    identity = "\n".join(
        [
            str(request.user.pk),
            scope_text(request.user),
            request.get_full_path(),
            translation.get_language() or "",
            renderer,
            timezone.localdate().isoformat(),
            repr(list(changes)),
        ]
    )
    return '"' + hashlib.sha256(identity.encode()).hexdigest()[:40] + '"'


def not_modified(request: Request, etag: str) -> bool:
    """Whether the client holds the answer tagged `etag` (weak comparison, as for GET)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    held = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in held or etag in held


def conditional_response(request: Request, etag: str, build: Any) -> Response:
    """304 with no body when the client holds `etag`; else `build()`, tagged."""
    response = (
        Response(status=status.HTTP_304_NOT_MODIFIED) if not_modified(request, etag) else build()
    )
    response["ETag"] = etag
    # Clients and proxies may keep it, for this caller only, and ask again with the tag.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Accept", "Accept-Language", "Authorization", "Cookie"])
    return response
