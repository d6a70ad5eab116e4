"""The portal's URLs plus /bench/ping/, a bare JSON view behind the same middleware, which the
status API's requests per second are compared with. Only portal.settings.bench serves it."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from portal.urls import handler400, handler404, handler500  # noqa: F401 - the same error answers
from portal.urls import urlpatterns as portal_urlpatterns


@never_cache  # answered by the view every time, never replayed by the page cache
def ping(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *portal_urlpatterns]
