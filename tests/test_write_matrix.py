"""Every role × every write of every page and endpoint × objects inside and outside its scope.

The matrix is generated from the URL configuration: the write methods of a route come from its
view (DRF viewsets: the `actions` of the callback; class-based views: the handlers they define;
function views: their `require_http_methods` guard), who may write comes from the route's scope
case (`kind "post"` + `permission`, `editors_only`, `roles`) and `World.editable`. A route whose
write rules cannot be derived so must be listed in WRITE_RULES with its reason, so a new route
cannot escape.

Each request runs inside a savepoint that is rolled back, so the world stays the same for the
next one; every write that must be refused is checked to leave unchanged every row of the tables
the route may touch: those of its view's app, of the models they relate to, and the audit trail
and notifications (an app without tables of its own, such as the dashboard, checks them all).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.scope_cases import PUBLIC_ROUTES, ROUTE_CASES, SKIPPED_NAMESPACES, RouteCase

ROLES = [
    "unit_staff",
    "province_culture",
    "province_finance",
    "office",
    "api_client",
    "outsider",
    "superuser",
]
WRITE_METHODS = ("post", "put", "patch", "delete")
# Tables that a refused request may legitimately touch: the session of the logged-in user.
UNCHECKED_TABLES = {"django_session"}
# Apps whose tables any route may write: the audit trail and notifications.
SHARED_APPS = ("auditlog", "portal")


@dataclass(frozen=True)
class WriteRule:
    """Who may write through a route whose scope case does not say it."""

    reason: str
    # a key of World.editable; None: whoever sees the object may write (records of their own)
    permission: str | None = None
    # the roles that may write (no object: a catalogue or a personal list)
    roles: frozenset[str] | None = None
    # the form data a page's write is sent with (a page of several actions needs one)
    data: dict[str, str] | None = None


OFFICE = frozenset({"office", "superuser"})
EVERY_ROLE = frozenset(ROLES)

# Routes accepting a write whose writer is not given by their scope case.
WRITE_RULES: dict[str, WriteRule] = {
    "creation:liaison-meeting-detail": WriteRule(
        "the office running the meeting's programme records its minutes",
        permission="liaison_meetings",
    ),
    "reporting:calendar-feed": WriteRule(
        "POST makes the user's own calendar link for a unit they see; it writes nothing shared",
        permission=None,
    ),
    "reporting:submission-edit": WriteRule(
        "the unit's own staff fill in and submit the obligation's report (the office's accept and"
        " return are checked in tests/test_separation_of_duties.py)",
        permission="obligations",
        data={"action": "submit"},
    ),
    "scoring:outlets": WriteRule(
        "the national office adds media outlets to the national catalogue (a provincial"
        " programme's office adds its own: tests/test_reference_data.py)",
        roles=OFFICE,
    ),
    "notifications": WriteRule("POST marks the user's own notifications as read", roles=EVERY_ROLE),
    # creates through the API: who may add a record to a unit
    "api:acceptance-evaluation-list": WriteRule(
        "the programme office runs acceptance", permission="acceptance"
    ),
    "api:veto-override-list": WriteRule(
        "R6.6: the programme office overrides a veto item", permission="gauge_units"
    ),
    "api:indicator-review-list": WriteRule(
        "the programme office records indicator reviews", permission="gauge_units"
    ),
    "api:adoption-claim-list": WriteRule(
        "R6.2: the unit's own staff claim an adoption", permission="units"
    ),
    "api:document-job-list": WriteRule(
        "whoever sees a unit (read-only accounts aside) asks for its documents",
        permission="document_requests",
    ),
    "api:media-outlet-list": WriteRule(
        "the national office adds media outlets to the national catalogue (a provincial"
        " programme's office adds its own: tests/test_reference_data.py)",
        roles=OFFICE,
    ),
    "api:budget-line-list": WriteRule(
        "the unit's own staff add lines to their draft plan", permission="draft_lines"
    ),
    "api:expenditure-list": WriteRule(
        "the unit's own staff record spending under their filed plan", permission="units"
    ),
    "inspections:letter": WriteRule(
        "the office that ran the inspection writes its feedback letter",
        permission="office_inspections",
    ),
}

# Function views without a method guard answer a POST like a GET: they are read pages, and the
# matrix checks that a POST to them changes nothing, for every role.
UNGUARDED_READ_PAGES: dict[str, str] = {
    "home": "the work queue: reads only",
    "set_language": "Django's language switch (a cookie, no database)",
    "creation:unit-list": "read page",
    "creation:unit-home": "read page",
    "creation:province-home": "read page",
    "creation:office-home": "read page",
    "creation:unit-leadership": "read page",
    "creation:meeting-list": "read page",
    "creation:meeting-minutes": "file download",
    "creation:liaison-meeting-list": "read page",
    "creation:liaison-meeting-minutes": "file download",
}


def _method_guard(callback: Any) -> set[str] | None:
    """The methods of a function view's `require_http_methods` guard, None without one."""
    seen: set[int] = set()
    function = callback
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, (list, tuple))
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return {m.lower() for m in value}
        function = getattr(function, "__wrapped__", None)
    return None


def write_methods(callback: Any) -> set[str] | None:
    """The write methods the view of a route accepts; None when the view does not guard them."""
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route
        return {m for m in actions if m in WRITE_METHODS}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {
            m for m in view_class.http_method_names if m in WRITE_METHODS and hasattr(view_class, m)
        }
    guard = _method_guard(callback)
    return None if guard is None else guard & set(WRITE_METHODS)


def route_views(urlconf: str | None = None) -> dict[str, Any]:
    """The view of every named route (admin excluded, like the scope walker)."""
    views: dict[str, Any] = {}

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                child = pattern.namespace or ""
                if child in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{namespace}{child}:" if child else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                views.setdefault(f"{namespace}{pattern.name}", pattern.callback)

    walk(get_resolver(urlconf).url_patterns, "")
    return views


def writer_rule(route: str, case: RouteCase | None, methods: set[str] | None) -> Any:
    """How the matrix decides who may write through a route: ("permission", key),
    ("roles", roles), ("personal", None), ("none", None) for routes without writes, or None
    when it cannot be derived (then the route must be in WRITE_RULES)."""
    if route in WRITE_RULES:
        rule = WRITE_RULES[route]
        if rule.roles is not None:
            return ("roles", rule.roles)
        if rule.permission is None:
            return ("personal", None)
        return ("permission", rule.permission)
    if methods is None:
        return ("none", None) if route in UNGUARDED_READ_PAGES else None
    if not methods:
        return ("none", None)
    if case is None:
        return None
    if case.kind == "post":
        return ("permission", case.permission or case.model)
    if case.kind == "form" and case.roles is not None:
        return ("roles", case.roles)
    if case.editors_only or (case.api and case.kind in ("detail", "list")):
        return ("permission", case.model)
    return None


def underivable_routes(urlconf: str | None = None) -> set[str]:
    """Routes whose write rules the matrix cannot derive and that no list states."""
    missing = set()
    for route, callback in route_views(urlconf).items():
        if route in PUBLIC_ROUTES and route not in UNGUARDED_READ_PAGES:
            continue
        if writer_rule(route, ROUTE_CASES.get(route), write_methods(callback)) is None:
            missing.add(route)
    return missing


VIEWS = route_views()
MATRIX_ROUTES = sorted(
    route for route in ROUTE_CASES if route in VIEWS and route not in PUBLIC_ROUTES
)


# ---------------------------------------------------------------------------------------------
# The database checksum


def _row_hash(*values: Any) -> int:
    return hash(values) & 0xFFFFFFFF


def view_app(callback: Any) -> str:
    """The label of the app whose module defines the view of a route."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    module = (view_class or callback).__module__
    config = apps.get_containing_app_config(module)
    return config.label if config is not None else ""


# The units' stored figures, their reporting months and their publicity standings.
READ_MODEL_TABLES = frozenset(
    apps.get_model(label)._meta.db_table
    for label in ("dashboard.UnitFigures", "dashboard.UnitMonth", "scoring.PublicityStanding")
)


@functools.cache
def reachable_tables(app_label: str) -> frozenset[str] | None:
    """The tables a route of the app may touch: the app's own, those of every model one of them
    relates to (both ways, many-to-many tables included), and the shared ones. None: every table
    (an app without models of its own reads and may touch any)."""
    if not app_label or not list(apps.get_app_config(app_label).get_models()):
        return None
    models = {
        m for label in (app_label, *SHARED_APPS) for m in apps.get_app_config(label).get_models()
    }
    tables: set[str] = set()
    for model in models:
        tables.add(model._meta.db_table)
        for field in model._meta.get_fields(include_hidden=True):
            if field.is_relation and field.related_model is not None:
                tables.add(field.related_model._meta.db_table)
            if field.many_to_many and getattr(field, "remote_field", None) is not None:
                through = getattr(field.remote_field, "through", None)
                if through is not None:
                    tables.add(through._meta.db_table)
    # The units' stored figures are a read model: reading a unit whose row is missing or due
    # computes and stores it (dashboard.models.UnitFigures, UnitMonth), which is no write of the
    # route's.
    return frozenset(tables - READ_MODEL_TABLES)


@functools.cache
def _row_expressions(vendor: str) -> dict[str, str]:
    """Per table, the SQL expression that hashes one of its rows (read once per process)."""
    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if t not in UNCHECKED_TABLES
        )
        if vendor == "postgresql":
            return dict.fromkeys(tables, "hashtext(r::text)::bigint")
        parts = {}
        for t in tables:
            columns = connection.introspection.get_table_description(cursor, t)
            names = ", ".join(f'r."{c.name}"' for c in columns)
            parts[t] = f"row_hash({names})"
        return parts


class Database:
    """A checksum of every row of the given tables (all, without any): counts and a sum of row
    hashes, one query."""

    def __init__(self, tables: frozenset[str] | None = None) -> None:
        if connection.vendor != "postgresql":
            connection.ensure_connection()
            connection.connection.create_function("row_hash", -1, _row_hash)
        self.parts = {
            t: h
            for t, h in _row_expressions(connection.vendor).items()
            if tables is None or t in tables
        }
        self.sql = " UNION ALL ".join(
            f"SELECT '{t}', count(*), coalesce(sum({h}), 0) FROM \"{t}\" r"  # noqa: S608 - table names from introspection
            for t, h in self.parts.items()
        )

    def checksum(self) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            # Sorted by table: PostgreSQL may return the branches of a UNION ALL in any order
            # (a parallel append does), which must not read as a change.
            return sorted(cursor.fetchall())


def _diff(before: list[tuple], after: list[tuple]) -> list[str]:
    return [b[0] for b, a in zip(before, after, strict=True) if b != a]


# ---------------------------------------------------------------------------------------------
# Sending one write


class Matrix:
    def __init__(self, world, route: str) -> None:
        self.world = world
        self.route = route
        self.case = ROUTE_CASES[route]
        self.callback = VIEWS[route]
        self.methods = write_methods(self.callback)
        self.rule = writer_rule(route, self.case, self.methods)
        self.db = Database(reachable_tables(view_app(self.callback)))
        self.checks = 0
        # every client logs in first (a login writes the user's last_login), then the checksum
        # of the world, which every request is rolled back to
        self.clients = {"anonymous": Client(raise_request_exception=False)}
        for role in ROLES:
            self.clients[role] = Client(raise_request_exception=False)
            self.clients[role].force_login(world.users[role])
        self.superuser = self.clients["superuser"]
        self._representations: dict[str, Any] = {}
        self.baseline = self.db.checksum()

    def retarget(self, route: str) -> Matrix:
        """The same clients and checksum for another route of the same world."""
        self.route = route
        self.case = ROUTE_CASES[route]
        self.callback = VIEWS[route]
        self.methods = write_methods(self.callback)
        self.rule = writer_rule(route, self.case, self.methods)
        tables = reachable_tables(view_app(self.callback))
        if tables != frozenset(self.db.parts):
            self.db = Database(tables)
            self.baseline = self.db.checksum()
        return self

    # payloads ------------------------------------------------------------------------------
    def representation(self, url: str) -> dict:
        """The object as the API shows it (read by the superuser): a valid PUT/POST body."""
        if url not in self._representations:
            response = self.superuser.get(url)
            json = response.get("Content-Type", "").startswith("application/json")
            body = response.json() if response.status_code == 200 and json else {}
            self._representations[url] = {
                k: v
                for k, v in body.items()
                if k not in ("id", "url", "created_at", "updated_at") and v is not None
            }
        return self._representations[url]

    def payload(self, method: str, obj: Any) -> Any:
        if method not in self.accepted():
            return {}
        if not self.case.api:
            rule = WRITE_RULES.get(self.route)
            return dict(rule.data) if rule and rule.data else {}
        if method == "put" and obj is not None:
            return self.representation(reverse(self.route, kwargs={"pk": obj.pk}))
        if method == "post" and self.case.kind == "list" and obj is not None:
            detail = self.route.removesuffix("-list") + "-detail"
            if detail in VIEWS:
                return self.representation(reverse(detail, kwargs={"pk": obj.pk}))
        return {}

    # one request ---------------------------------------------------------------------------
    def send(self, client: Client, method: str, url: str, data: Any, *, check: bool):
        """The response, the write rolled back; with check, the tables the request changed."""
        changed: list[str] = []
        with transaction.atomic():
            if self.case.api:
                response = getattr(client, method)(url, data, content_type="application/json")
            else:
                response = getattr(client, method)(url, data)
            if check:
                changed = _diff(self.baseline, self.db.checksum())
            transaction.set_rollback(True)
        if changed:
            # On PostgreSQL the test's transaction also sees rows other sessions commit meanwhile
            # (another process on the same server). Those stay after the rollback; what the
            # request wrote does not. Only the latter is this request's change.
            after_rollback = self.db.checksum()
            others = set(_diff(self.baseline, after_rollback))
            changed = [table for table in changed if table not in others]
            self.baseline = after_rollback
        self.checks += 1
        return response, changed

    # expectations --------------------------------------------------------------------------
    def may_write(self, role: str, key: str | None) -> bool:
        kind, value = self.rule
        if kind == "roles":
            return role in value
        if kind == "personal":
            return role not in self.world.read_only_roles
        if kind == "permission":
            if key is None:
                return False
            if self.world.can_edit(role, value, key):
                return True
            # a create through a list: the payload is a copy of an object of unit "<unit>/..."
            create = self.case.api and self.case.kind == "list"
            return create and self.world.can_edit(role, value, key.split("/")[0])
        return False

    def objects(self) -> list[tuple[str | None, Any]]:
        if self.case.kind in ("detail", "post") or (self.case.api and self.case.kind == "list"):
            return list(self.world.objects[self.case.model].items())
        return [(None, None)]

    def url(self, method: str, obj: Any) -> str:
        takes_pk = self.case.kind in ("detail", "post")
        return reverse(self.route, kwargs={"pk": obj.pk} if takes_pk else {})

    def anonymous(self, context: tuple) -> None:
        client = self.clients["anonymous"]
        for method in self.candidate_methods():
            accepted = method in self.accepted()
            # authentication comes before any object is looked up: one object is enough
            for key, obj in self.objects()[:1]:
                response, changed = self.send(
                    client, method, self.url(method, obj), self.payload(method, obj), check=True
                )
                where = (*context, "anonymous", method, key, response.status_code)
                assert not changed, (*where, "database changed", changed)
                if self.case.api:
                    assert response.status_code in (401, 403), where
                elif accepted:
                    assert response.status_code == 302, where
                    assert response.url.startswith(reverse("login")), where
                else:
                    assert response.status_code in (302, 405), where

    def candidate_methods(self) -> list[str]:
        if not self.case.api:
            return ["post"]
        if self.case.kind in ("detail", "post"):
            return list(WRITE_METHODS)
        return ["post"]

    def accepted(self) -> set[str]:
        if self.methods is None:  # an unguarded read page answers a POST like a GET
            return {"post"}
        return self.methods

    def role(self, role: str, context: tuple, *, probe_missing: bool = True) -> None:
        world = self.world
        client = self.clients[role]
        case = self.case
        allowed_role = case.roles is None or role in case.roles
        takes_object = case.kind in ("detail", "post")
        visible = world.visible(role, case.model) if takes_object else set()
        read_only = role in world.read_only_roles
        for method in self.candidate_methods():
            accepted = method in self.accepted()
            if not accepted and not probe_missing:
                continue
            objects = self.objects() if accepted else self.objects()[:1]
            for key, obj in objects:
                may = accepted and self.rule[0] != "none" and self.may_write(role, key)
                if takes_object and obj.pk not in visible:
                    may = False
                if not allowed_role:
                    may = False
                response, changed = self.send(
                    client, method, self.url(method, obj), self.payload(method, obj), check=not may
                )
                status = response.status_code
                where = (*context, role, method.upper(), key, status)
                assert status < 500, where
                if may:
                    # allowed: a form re-rendered, a redirect, 201, a 400 for the object's state,
                    # or the view's own 405 (a record that is never deleted)
                    assert status not in (403, 404), where
                    continue
                assert not changed, (*where, "database changed", changed)
                if status == 405 and accepted and case.api:
                    # the view refuses the method itself (a record that is never deleted)
                    continue
                if not accepted:
                    assert status in (403, 405), where
                elif self.rule[0] == "none":
                    # a read page: answers like its GET; the point is that nothing changed
                    if takes_object and obj.pk not in visible and not read_only:
                        assert status in (403, 404), where
                elif case.api and case.kind == "list":
                    # a create refused: by the serializer (the unit is not the user's: 400) or
                    # by the permission
                    assert status in (400, 403, 404), where
                elif not allowed_role:
                    assert status == 403, where
                elif takes_object and obj.pk not in visible:
                    assert status in ((403, 404) if read_only else (404,)), where
                else:
                    assert status == 403, where


def test_every_write_route_has_derivable_rules():
    assert underivable_routes() == set()


def test_a_new_write_route_without_rules_is_flagged():
    import sys
    import types

    from django.http import HttpResponse
    from django.urls import include, path
    from django.views.decorators.http import require_POST

    module = types.ModuleType("tests._urlconf_with_a_new_write")
    module.urlpatterns = [
        path("", include("portal.urls")),
        path("approve/<int:pk>/", require_POST(lambda r, pk: HttpResponse()), name="approve"),
        path("read/", lambda request: HttpResponse(), name="read-anything"),
    ]
    sys.modules[module.__name__] = module
    try:
        assert underivable_routes(module.__name__) == {"approve", "read-anything"}
    finally:
        del sys.modules[module.__name__]


def test_reachable_tables_are_the_apps_own_its_relations_and_the_shared_ones():
    funds = reachable_tables(view_app(VIEWS["api:budget-line-list"]))
    assert view_app(VIEWS["api:budget-line-list"]) == "funds"
    assert {"funds_budgetline", "creation_creationunit", "portal_notification"} <= funds
    assert "auditlog_logentry" in funds
    # The stored figures are left out everywhere: a read may fill them for its units.
    dashboard = reachable_tables(view_app(VIEWS["dashboard:office"]))
    assert "creation_creationunit" in dashboard
    assert "funds_budgetline" not in dashboard
    assert not READ_MODEL_TABLES & (dashboard | reachable_tables("creation"))


def test_the_checksum_sees_a_changed_row_of_a_reachable_table(world):
    from creation.models import CreationUnit

    database = Database(reachable_tables("funds"))
    before = database.checksum()
    with transaction.atomic():
        CreationUnit.objects.filter(pk=world.objects["units"]["own"].pk).update(name="改名")
        assert _diff(before, database.checksum()) == ["creation_creationunit"]
        transaction.set_rollback(True)
    assert database.checksum() == before


def test_write_rules_name_existing_routes():
    assert set(WRITE_RULES) | set(UNGUARDED_READ_PAGES) <= set(VIEWS)


def test_write_methods_come_from_the_view():
    views = VIEWS
    assert write_methods(views["api:unit-list"]) == set()
    assert write_methods(views["api:group-member-detail"]) == {"put", "patch", "delete"}
    assert write_methods(views["api:adoption-claim-verify"]) == {"post"}
    assert write_methods(views["scoring:claim-verify"]) == {"post"}
    assert write_methods(views["funds:plan-detail"]) == set()
    assert write_methods(views["creation:unit-home"]) is None
    assert write_methods(views["logout"]) == {"post"}


def _has_writes(route: str) -> bool:
    methods = write_methods(VIEWS[route])
    return methods is None or bool(methods)


WRITE_ROUTES = [route for route in MATRIX_ROUTES if _has_writes(route)]
READ_ROUTES = [route for route in MATRIX_ROUTES if not _has_writes(route)]


@pytest.mark.parametrize("route", WRITE_ROUTES)
def test_write_matrix(world, route, record_property):
    """Every role and anonymous, every object of the route's model, every write method the view
    accepts (and a probe of the others): only the roles allowed write, and a refused write
    changes nothing."""
    matrix = Matrix(world, route)
    assert matrix.rule is not None, f"{route}: add a WriteRule"
    matrix.anonymous((route,))
    for role in ROLES:
        matrix.role(role, (route,), probe_missing=role == "superuser")
    record_property("checks", matrix.checks)


def test_routes_without_write_methods_refuse_every_write(world, record_property):
    """A route whose view has no write handler: every write method answers 405 (401/403 or the
    login page for anonymous) and changes nothing. The answer does not depend on the role (the
    view has no handler to reach), so anonymous and the superuser, who may do everything,
    probe each route."""
    matrix = Matrix(world, READ_ROUTES[0])
    for route in READ_ROUTES:
        matrix.retarget(route)
        matrix.anonymous((route,))
        matrix.role("superuser", (route,))
    record_property("checks", matrix.checks)


# ---------------------------------------------------------------------------------------------
# Shared reference data in the Django admin (the URL walk above skips the admin's routes)

REFERENCE_ADMINS = {
    # model: (admin URL prefix, how the world's object is found)
    "media outlet": ("admin:scoring_mediaoutlet", lambda w: w.objects["media_outlets"]["人民日报"]),
    "fund category": ("admin:funds_fundcategory", lambda w: _first_fund_category()),
    "department": (
        "admin:creation_department",
        lambda w: next(iter(w.objects["departments"].values())),
    ),
}
REFERENCE_WRITERS = {"national_office", "superuser"}


def _first_fund_category():
    from funds.models import FundCategory

    return FundCategory.objects.order_by("pk").first()


@pytest.mark.parametrize("model", sorted(REFERENCE_ADMINS))
def test_reference_data_admin_writes_only_by_the_national_office(world, model, subtests):
    """Every role of the matrix, the national office with the staff rights the role service
    gives, and the office of a provincial programme: add, change and delete of the national
    reference data in the admin. Only the national office and the superuser add and change it
    (a provincial office adds outlets of its own programme only); every other write is refused
    and changes no row of any table."""
    from creation import services
    from creation.models import RoleAssignment

    office = RoleAssignment.Role.OFFICE_REVIEWER
    users = {role: world.users[role] for role in ROLES}
    services.role_assign(user=world.users["office"], role=office, programme=world.national)
    users["national_office"] = users.pop("office")
    provincial = services.user_ensure(username="provincial-office", password="x-unused-x")
    services.role_assign(user=provincial, role=office, programme=world.provincial)
    users["provincial_office"] = provincial
    prefix, find = REFERENCE_ADMINS[model]
    obj = find(world)
    assert obj is not None
    writes = {
        "add": (reverse(f"{prefix}_add"), {}),
        "change": (reverse(f"{prefix}_change", args=[obj.pk]), {}),
        "delete": (reverse(f"{prefix}_delete", args=[obj.pk]), {"post": "yes"}),
    }
    database = Database()
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        baseline = database.checksum()
        for action, (url, data) in writes.items():
            with subtests.test(role=role, action=action), transaction.atomic():
                response = client.post(url, data)
                changed = _diff(baseline, database.checksum())
                transaction.set_rollback(True)
                where = (model, role, action, response.status_code)
                assert response.status_code < 500, where
                writers = set(REFERENCE_WRITERS)
                if model == "media outlet" and action == "add":
                    # a provincial office adds outlets of its own programme (the admin's form
                    # then requires the programme: tests/test_reference_data.py)
                    writers.add("provincial_office")
                if role in writers:
                    # reference data is never deleted in the admin, by anyone: a 403 there is
                    # the rule, not a refusal of the writer
                    if action != "delete":
                        assert response.status_code not in (403, 404), where
                    continue
                assert not changed, (*where, "database changed", changed)
                if user.is_staff:
                    assert response.status_code == 403, where
                else:  # not an admin user at all: the admin's login page
                    assert response.status_code == 302, where
                    assert reverse("admin:login") in response.url, where
