"""CSRF: every form that posts carries the token, a post without it is refused (403), and the
API refuses session-authenticated writes without it while token clients need none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creation.models import GroupMember, Meeting
from tests.scope_cases import ROUTE_CASES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']post[\"'][^>]*>(.*?)</form>", re.S | re.I)


def test_every_post_form_in_the_templates_has_the_csrf_token():
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        for body in POST_FORM.findall(path.read_text()):
            if "{% csrf_token %}" not in body:
                missing.append(str(path.relative_to(ROOT)))
    assert not missing


def _page_routes():
    return sorted(
        route
        for route, case in ROUTE_CASES.items()
        if not route.startswith("api:") and case.kind in ("detail", "form", "list")
    )


def test_every_rendered_post_form_has_the_csrf_token(world):
    """Each page, as a unit's staff (its forms) and as the superuser (everything else)."""
    checked, missing = 0, []
    for role in ("unit_staff", "superuser"):
        client = Client()
        client.force_login(world.users[role])
        for route in _page_routes():
            case = ROUTE_CASES[route]
            if case.kind == "detail":
                keys = sorted(world.expected[role].get(case.model, set()))
                if not keys:
                    continue
                url = reverse(route, kwargs={"pk": world.objects[case.model][keys[0]].pk})
            else:
                url = reverse(route)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for body in POST_FORM.findall(response.content.decode()):
                checked += 1
                if 'name="csrfmiddlewaretoken"' not in body:
                    missing.append((role, route))
    assert checked > 50
    assert not missing


@pytest.fixture
def strict(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["unit_staff"])
    return client


def _token(client, url):
    client.get(url)
    return client.cookies["csrftoken"].value


MEETING = {
    "kind": "regular",
    "held_on": "2026-04-10",
    "title": "跨站请求测试例会",
    "attendees": "成员",
    "agenda": "议程",
}


def test_a_form_post_without_the_token_is_refused(strict, world):
    unit = world.objects["units"]["own"]
    url = reverse("creation:meeting-create", kwargs={"pk": unit.pk})
    assert strict.post(url, MEETING).status_code == 403
    assert not Meeting.objects.filter(title="跨站请求测试例会").exists()
    token = _token(strict, url)
    response = strict.post(url, {**MEETING, "csrfmiddlewaretoken": token})
    assert response.status_code != 403
    assert Meeting.objects.filter(title="跨站请求测试例会").exists()


@pytest.mark.parametrize(
    ("route", "model_key"),
    [
        ("creation:member-delete", "members"),
        ("creation:group-edit", "units"),
        ("reporting:submission-edit", "obligations"),
        ("funds:expenditure-create", "units"),
    ],
)
def test_form_posts_need_the_token(strict, world, route, model_key):
    url = reverse(route, kwargs={"pk": world.objects[model_key]["own"].pk})
    assert strict.post(url, {}).status_code == 403
    token = _token(strict, url)
    assert strict.post(url, {"csrfmiddlewaretoken": token}).status_code != 403


def test_logout_and_language_switch_need_the_token(strict):
    assert strict.post(reverse("set_language"), {"language": "en"}).status_code == 403
    assert strict.post(reverse("logout")).status_code == 403


def test_session_authenticated_api_writes_need_the_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["unit_staff"])
    member = world.objects["members"]["own"]
    url = reverse("api:group-member-detail", kwargs={"pk": member.pk})
    response = client.patch(url, {"duty": "篡改"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["message"]
    member.refresh_from_db()
    assert member.duty != "篡改"
    token = _token(client, reverse("creation:member-edit", kwargs={"pk": member.pk}))
    response = client.patch(url, {"duty": "更新"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    # Reading needs no token.
    assert client.get(url).status_code == 200


def test_token_authenticated_api_writes_need_no_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    token = Token.objects.create(user=world.users["unit_staff"])
    member = world.objects["members"]["own"]
    url = reverse("api:group-member-detail", kwargs={"pk": member.pk})
    response = client.patch(
        url, {"duty": "令牌更新"}, format="json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert GroupMember.objects.get(pk=member.pk).duty == "令牌更新"
