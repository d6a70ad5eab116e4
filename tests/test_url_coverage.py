"""No page or endpoint can escape the scope tests."""

import sys
import types

from django.http import HttpResponse
from django.urls import include, path

from tests.scope_cases import ROUTE_CASES, route_names, uncovered_routes


def test_every_route_has_a_scope_case_or_a_stated_reason():
    assert uncovered_routes() == set()


def test_every_scope_case_names_an_existing_route():
    assert set(ROUTE_CASES) <= route_names()


def test_url_walker_flags_an_unscoped_view_added_to_the_urls():
    module = types.ModuleType("tests._urlconf_with_leak")
    module.urlpatterns = [
        path("", include("portal.urls")),
        path("leak/", lambda request: HttpResponse("everything"), name="leaky-list"),
        path("nested/", include(([path("x/", lambda r: HttpResponse(), name="x")], "nested"))),
    ]
    sys.modules[module.__name__] = module
    try:
        assert uncovered_routes(module.__name__) == {"leaky-list", "nested:x"}
    finally:
        del sys.modules[module.__name__]
