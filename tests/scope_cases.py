"""Every named page and endpoint, and how its scope is tested.

The URL-walking test fails for any route that is in neither ROUTE_CASES nor PUBLIC_ROUTES, so a
new page or endpoint cannot ship without a scope test. Add its case here when you add the route.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class RouteCase:
    """How to check one route.

    kind "list": the rows shown (JSON "results" ids, or `row_attribute` ids in the HTML) are
    exactly the objects the role may see. kind "detail": the route takes `pk` of an object of
    `model`; 200 inside the scope, 404 outside. kind "form": a page without `pk`, 200 for the
    allowed roles. `roles` limits a route to some roles (403 for the others). `editors_only`:
    a detail route for changing the object; a role that sees it but may not change it gets 403.
    """

    model: str  # a key of World.objects
    kind: str  # "list", "detail" or "form"
    api: bool  # True: JSON with paginated "results"; False: an HTML page
    roles: frozenset[str] | None = None
    editors_only: bool = False
    row_attribute: str = "data-unit-id"

    @property
    def detail(self) -> bool:
        return self.kind == "detail"


ANY = None
ROUTE_CASES: dict[str, RouteCase] = {
    "api:region-list": RouteCase("regions", "list", api=True),
    "api:region-detail": RouteCase("regions", "detail", api=True),
    "api:programme-list": RouteCase("programmes", "list", api=True),
    "api:programme-detail": RouteCase("programmes", "detail", api=True),
    "api:batch-list": RouteCase("batches", "list", api=True),
    "api:batch-detail": RouteCase("batches", "detail", api=True),
    "api:unit-list": RouteCase("units", "list", api=True),
    "api:unit-detail": RouteCase("units", "detail", api=True),
    "creation:unit-list": RouteCase("units", "list", api=False),
    "creation:unit-home": RouteCase("units", "detail", api=False),
    "creation:province-home": RouteCase(
        "units", "list", api=False, roles=frozenset({"province_culture", "superuser"})
    ),
    "creation:office-home": RouteCase(
        "units", "list", api=False, roles=frozenset({"office", "superuser"})
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
