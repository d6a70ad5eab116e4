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
    # kind "post": an action. Outside the scope 404; inside, 403 unless the role may act on the
    # object (World.editable[role][permission]); otherwise neither 403 nor 404 (the action may
    # still refuse the object's state with 400).
    permission: str | None = None

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
    # R1/R2 pages: reading pages for whoever sees the unit, forms for its own staff only.
    "creation:unit-leadership": RouteCase("units", "detail", api=False),
    "creation:group-edit": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:member-create": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:member-edit": RouteCase("members", "detail", api=False, editors_only=True),
    "creation:member-delete": RouteCase("members", "detail", api=False, editors_only=True),
    "creation:office-edit": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:staff-create": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:staff-edit": RouteCase("staff", "detail", api=False, editors_only=True),
    "creation:staff-delete": RouteCase("staff", "detail", api=False, editors_only=True),
    "creation:meeting-list": RouteCase(
        "units", "detail", api=False, row_attribute="data-meeting-id"
    ),
    "creation:meeting-create": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:meeting-edit": RouteCase("meetings", "detail", api=False, editors_only=True),
    "creation:meeting-delete": RouteCase("meetings", "detail", api=False, editors_only=True),
    "creation:meeting-minutes": RouteCase("meetings", "detail", api=False),
    "creation:liaison-appoint": RouteCase("units", "detail", api=False, editors_only=True),
    "creation:liaison-edit": RouteCase("liaisons", "detail", api=False, editors_only=True),
    "creation:liaison-meeting-list": RouteCase(
        "liaison_meetings", "list", api=False, row_attribute="data-liaison-meeting-id"
    ),
    "creation:liaison-meeting-create": RouteCase(
        "liaison_meetings", "form", api=False, roles=frozenset({"office", "superuser"})
    ),
    "creation:liaison-meeting-detail": RouteCase("liaison_meetings", "detail", api=False),
    "creation:liaison-meeting-minutes": RouteCase("liaison_meetings", "detail", api=False),
    "notifications": RouteCase(
        "notifications", "list", api=False, row_attribute="data-notification-id"
    ),
    "creation:province-home": RouteCase(
        "units",
        "list",
        api=False,
        roles=frozenset({"province_culture", "province_finance", "superuser"}),
    ),
    "creation:office-home": RouteCase(
        "units", "list", api=False, roles=frozenset({"office", "superuser"})
    ),
}

# Routes that hold no scoped data, each with the reason.
PUBLIC_ROUTES: dict[str, str] = {
    "home": "the user's work queue, each of its own scope; covered by test_home_shows_each_role_its_work_queue",
    "healthz": "service health for probes; no business data",
    "login": "authentication",
    "logout": "authentication",
    "set_language": "language preference",
    "api-schema": "the API's description, not its data",
    "api-docs": "the API's description, not its data",
}

# The Django admin scopes its lists through creation.scoped_admin.ScopedModelAdmin, tested in
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


def _load_case_modules() -> None:
    """Each area lists its routes in a module of its own, tests/scope_cases_<area>.py, with a
    dict named CASES (and may add to PUBLIC_ROUTES), so that no two areas edit this file."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("scope_cases_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        ROUTE_CASES.update(module.CASES)


_load_case_modules()
