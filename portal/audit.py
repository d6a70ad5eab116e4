"""The audit trail: who changed what, when, and from which request (django-auditlog).

The library records every create, change and delete of the models listed in
`settings.AUDITLOG_INCLUDE_TRACKING_MODELS` as a `LogEntry` with the field-by-field diff. This
module adds what the portal needs around it: an id for each request (so that the entries of one
request can be found together, and matched with the server's log), the actor of API calls that
authenticate with a token (the middleware runs before DRF authenticates them), and the reading of
an object's history, which starts from the object's own scoped queryset.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
# A caller's own id is kept when it looks like one; anything else is replaced.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    """The id of the request being served (AUDITLOG_CID_GETTER)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Gives each request an id, from the caller's X-Request-ID or a new one, and answers with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def audit_actor_set(user: Any) -> None:
    """Name the actor of the current request once it is known (API token calls authenticate in
    the view, after the audit middleware has started the request without a user)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if (
        context.get("actor") is None
        and isinstance(user, get_user_model())
        and user.is_authenticated
    ):
        context["actor"] = user


def object_history(instance: Model) -> QuerySet[LogEntry]:
    """The audit entries of one object, newest first. Callers pass an object they took from a
    `visible_to(user)` queryset: that is the scope check."""
    content_type = ContentType.objects.get_for_model(type(instance))
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(instance.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
