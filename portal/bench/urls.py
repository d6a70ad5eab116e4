"""The portal's URLs plus /bench/ping/, a bare JSON view behind the same middleware, which the
status API's requests per second are compared with. Only portal.settings.bench serves it."""

from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def ping(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *portal_urlpatterns]
