"""Every named page and endpoint, and how its scope is tested.

The URL-walking test fails for any route that is in neither ROUTE_CASES nor PUBLIC_ROUTES, so a
new page or endpoint cannot ship without a scope test. Add its case here when you add the route.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class RouteCase:
    model: str  # a key of World.objects
    detail: bool  # True: /<pk>/ answers 200 in scope and 404 outside; False: a list
    api: bool  # True: JSON with paginated "results"; False: an HTML page with data-unit-id rows
    roles: frozenset[str] | None = None  # roles allowed (403 for others); None: any signed-in user


ANY = None
ROUTE_CASES: dict[str, RouteCase] = {
    "api:region-list": RouteCase("regions", detail=False, api=True),
    "api:region-detail": RouteCase("regions", detail=True, api=True),
    "api:programme-list": RouteCase("programmes", detail=False, api=True),
    "api:programme-detail": RouteCase("programmes", detail=True, api=True),
    "api:batch-list": RouteCase("batches", detail=False, api=True),
    "api:batch-detail": RouteCase("batches", detail=True, api=True),
    "api:unit-list": RouteCase("units", detail=False, api=True),
    "api:unit-detail": RouteCase("units", detail=True, api=True),
    "creation:unit-list": RouteCase("units", detail=False, api=False),
    "creation:unit-home": RouteCase("units", detail=True, api=False),
    "creation:province-home": RouteCase(
        "units", detail=False, api=False, roles=frozenset({"province_culture", "superuser"})
    ),
    "creation:office-home": RouteCase(
        "units", detail=False, api=False, roles=frozenset({"office", "superuser"})
    ),
}

# Routes that hold no scoped data, each with the reason.
PUBLIC_ROUTES: dict[str, str] = {
    "home": "redirects to the user's role home; covered by test_home_redirects_each_role",
    "healthz": "service health for probes; no business data",
    "login": "authentication",
    "logout": "authentication",
    "set_language": "language preference",
    "api-schema": "the API's description, not its data",
    "api-docs": "the API's description, not its data",
}

# The Django admin scopes its lists through portal.admin.ScopedModelAdmin, tested in
# tests/test_admin_scope.py; its many generated routes are not walked here.
SKIPPED_NAMESPACES = {"admin"}


def route_names(urlconf: str | None = None) -> set[str]:
    """The namespaced name of every route of the URL configuration."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                child = pattern.namespace or ""
                if child in SKIPPED_NAMESPACES:
                    continue
                prefix = f"{namespace}{child}:" if child else namespace
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}<unnamed {pattern.pattern}>")

    walk(get_resolver(urlconf).url_patterns, "")
    return names


def uncovered_routes(urlconf: str | None = None) -> set[str]:
    return route_names(urlconf) - set(ROUTE_CASES) - set(PUBLIC_ROUTES)
