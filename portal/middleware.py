import logging
from collections.abc import Callable
from typing import Any

from django import db
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from portal.exceptions import error_response, is_api_request

logger = logging.getLogger(__name__)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the user chose English with the switch in the header.

    Browsers' Accept-Language is ignored on pages (an English-language browser on an office PC
    should not turn the portal English); REST clients under /api/ may still ask for a language
    with Accept-Language, since their callers set it on purpose.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = translation.get_supported_language_variant(
            chosen if chosen and translation.check_for_language(chosen) else settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- Database outage: a clean 503 -----------------------------------------------------------------

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` means the database cannot be reached (refused, lost, restarting), as
    opposed to a bad query: Django's OperationalError and InterfaceError, which wrap the
    driver's connection errors."""
    return isinstance(error, (db.OperationalError, db.InterfaceError))


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error body (code `unavailable`) under /api/, else the
    static bilingual page. Touches neither the database nor the session, which are what is
    failing."""
    if is_api_request(request):
        response: HttpResponse = error_response(
            request,
            503,
            "unavailable",
            _("The database is temporarily unavailable; please try again shortly."),
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Nothing about this answer may be cached, or the outage would outlive itself.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a 503 instead of a 500, and logs it once as a
    warning rather than an error report for each request.

    Outermost, so that its process_exception sees the views' errors (DRF re-raises what is not
    an APIException). Errors raised by other middleware (a session read, say) are answered by
    portal.views.server_error, the handler500, which applies the same test. Django closes a
    connection left unusable at the end of the request, and CONN_HEALTH_CHECKS checks a
    persistent one before reuse, so the first request after the server is back gets through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.warning("Database unavailable: %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not send itself: a Content-Security-Policy (scripts, styles, fonts and
    images from this site only; no inline code, no framing, forms post back here) and a
    Permissions-Policy that turns off browser features the portal never uses."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "PERMISSIONS_POLICY", "")
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response
