import sys
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.exceptions import error_response, is_api_request
from portal.exports import export_if_requested, model_columns
from portal.health import beat_check, broker_check, database_check
from portal.middleware import database_unavailable, database_unavailable_response
from portal.models import Notification
from portal.services import notification_mark_read

NOTIFICATIONS_PER_PAGE = 25


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness of the pieces the portal needs: 200 when all are healthy, 503 otherwise."""
    database_ok, database = database_check()
    broker_ok, broker = broker_check()
    beat_ok, beat = beat_check() if database_ok else (False, {"ok": False, "error": "database"})
    healthy = database_ok and broker_ok and beat_ok
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "broker": broker,
        "beat": beat,
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notifications; POST marks the given ones (or all unread) as read."""
    notifications = Notification.objects.visible_to(request.user)
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("notification") if pk.isdigit()]
        if not ids:
            ids = list(notifications.unread().values_list("pk", flat=True))
        marked = notification_mark_read(notification_ids=ids, user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
        return redirect("notifications")
    exported = export_if_requested(
        request,
        notifications,
        columns=model_columns(Notification, ["created_at", "title", "body", "link", "read_at"]),
        filename="notifications",
    )
    if exported:
        return exported
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


def login_locked_out(
    request: HttpRequest, response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page of a login refused after too many failures (django-axes' lockout response)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django's 500, except when the error being handled is the database being
    unreachable, raised outside a view (by a middleware reading the session, say): then the
    same 503 as portal.middleware.DatabaseUnavailableMiddleware gives. Under /api/, the API's
    error body."""
    error = sys.exc_info()[1]
    if database_unavailable(error):
        return database_unavailable_response(request)
    if is_api_request(request):
        return error_response(
            request, 500, "server_error", _("The server failed to answer; please try again later.")
        )
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an unknown URL under /api/ answers the API's error body, not the HTML page."""
    if is_api_request(request):
        return error_response(request, 404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a request Django refuses before any view: a bad Host header, a form body over
    DATA_UPLOAD_MAX_MEMORY_SIZE or with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields). A body
    too large answers 413 and says what to do, rather than Django's bare "Bad Request"."""
    too_large = isinstance(exception, RequestDataTooBig)
    too_many_fields = isinstance(exception, TooManyFieldsSent)
    status = 413 if too_large else 400
    if is_api_request(request):
        if too_large:
            return error_response(
                request, 413, "too_large", _("The request body is larger than the portal accepts.")
            )
        return error_response(request, 400, "bad_request", _("The request is malformed."))
    context = {
        "too_large": too_large,
        "too_many_fields": too_many_fields,
        "limit_mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1),
        "limit_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    return render(request, "400.html", context, status=status)
