"""Each role, each scoped page and endpoint, objects inside and outside its scope.

Expectations come from the hand-written table in conftest.World, not from visible_to itself.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.scope_cases import ROUTE_CASES

ROLES = [
    "unit_staff",
    "province_culture",
    "province_finance",
    "office",
    "api_client",
    "outsider",
    "superuser",
]


def _ids_on_page(client, url, case):
    response = client.get(url, {"page_size": 200} if case.api else {})
    if response.status_code != 200:
        return response.status_code, None
    if case.api:
        return 200, {row["id"] for row in response.json()["results"]}
    rows = re.compile(rf'{case.row_attribute}="(\d+)"')
    return 200, {int(pk) for pk in rows.findall(response.content.decode())}


def _check_role(client, world, role, route, case):
    client.force_login(world.users[role])
    allowed = case.roles is None or role in case.roles
    expected = world.visible(role, case.model)
    if case.kind == "detail":
        for key, obj in world.objects[case.model].items():
            response = client.get(reverse(route, kwargs={"pk": obj.pk}))
            if not allowed:
                wanted = 403
            elif obj.pk not in expected:
                wanted = 404
            elif case.editors_only and not world.can_edit(role, case.model, key):
                wanted = 403
            else:
                wanted = 200
            assert response.status_code == wanted, (route, role, key)
    elif case.kind == "post":
        for key, obj in world.objects[case.model].items():
            response = client.post(
                reverse(route, kwargs={"pk": obj.pk}), {}, content_type="application/json"
            )
            if role in world.read_only_roles:
                assert response.status_code == 403, (route, role, key)
            elif obj.pk not in expected:
                assert response.status_code == 404, (route, role, key)
            elif not world.can_edit(role, case.permission or case.model, key):
                assert response.status_code == 403, (route, role, key)
            else:
                assert response.status_code not in (403, 404), (route, role, key)
                assert response.status_code < 500, (route, role, key)
    elif case.kind == "form":
        response = client.get(reverse(route))
        assert response.status_code == (200 if allowed else 403), (route, role)
    else:
        status, ids = _ids_on_page(client, reverse(route), case)
        if not allowed:
            assert status == 403, (route, role)
        else:
            assert status == 200, (route, role)
            assert ids == expected, (route, role)


@pytest.mark.parametrize("route", sorted(ROUTE_CASES))
def test_role_sees_exactly_its_scope(world, route, subtests):
    """One route, every role (a subtest each), every object of the route's model. Each role's
    requests are rolled back, so an action one role may take never changes what the next sees."""
    case = ROUTE_CASES[route]
    for role in ROLES:
        with subtests.test(role=role), transaction.atomic():
            try:
                _check_role(Client(), world, role, route, case)
            finally:
                transaction.set_rollback(True)


@pytest.mark.parametrize("route", sorted(ROUTE_CASES))
def test_anonymous_gets_nothing(client, world, route):
    case = ROUTE_CASES[route]
    kwargs = (
        {"pk": next(iter(world.objects[case.model].values())).pk}
        if case.kind in ("detail", "post")
        else {}
    )
    url = reverse(route, kwargs=kwargs)
    response = client.post(url) if case.kind == "post" else client.get(url)
    if case.api:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "groups"),
    [
        ("unit_staff", {"reports-due", "plans"}),
        ("province_culture", {"plans-review", "reports-overdue"}),
        ("office", {"reports-review", "claims-verify"}),
        ("superuser", {"reports-review", "plans-review"}),
        ("outsider", set()),
    ],
)
def test_home_shows_each_role_its_work_queue(client, world, role, groups):
    client.force_login(world.users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    shown = {group.key for group in response.context["groups"]}
    assert groups <= shown
    if not groups:
        assert shown == set()


def test_token_client_sees_its_scope_through_the_token(api_client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["api_client"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(reverse("api:unit-list"))
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == world.visible("api_client", "units")
    other = world.objects["units"]["other"]
    assert api_client.get(reverse("api:unit-detail", kwargs={"pk": other.pk})).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("api_client", 403), ("office", 405)])
def test_api_clients_cannot_write(api_client, world, role, status):
    api_client.force_authenticate(world.users[role])
    response = api_client.post(reverse("api:unit-list"), {"name": "x"}, format="json")
    assert response.status_code == status
