"""Pages of creation (R1–R2): the role homes and unit pages (`units`), the leadership group,
its office, meetings and liaison (`leadership`); and the role check every app's pages use."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from creation.scope import user_scope


def role_required(*roles: str):
    """Pages of a role answer 403 to users who do not hold it (superusers hold every role)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            scope = user_scope(request.user)
            if not (scope.everything or scope.roles.intersection(roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
