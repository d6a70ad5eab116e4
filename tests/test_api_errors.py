"""Every error the API answers has one body, {"code", "message", "fields"}, with a stable code
and a message in the language the client asked for (Chinese by default): one case per status,
each provoked the way a client meets it, asked in Chinese and in English."""

import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from funds.models import Expenditure

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"


def _as(world: Any, role: str) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.users[role])
    return client


def _invalid_body(world: Any, headers: dict) -> Any:
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("api:expenditure-reverse", kwargs={"pk": expenditure.pk})
    return _as(world, "unit_staff").post(url, {}, format="json", headers=headers)


def _invalid_filter(world: Any, headers: dict) -> Any:
    return _as(world, "office").get(UNITS, {"batch": "x"}, headers=headers)


def _no_credentials(world: Any, headers: dict) -> Any:
    return APIClient().get(UNITS, headers=headers)


def _unknown_token(world: Any, headers: dict) -> Any:
    return APIClient().get(UNITS, headers={**headers, "Authorization": "Token nope"})


def _read_only_client_writes(world: Any, headers: dict) -> Any:
    token = Token.objects.get_or_create(user=world.users["api_client"])[0].key
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("api:expenditure-reverse", kwargs={"pk": expenditure.pk})
    return APIClient().post(
        url, {"reason": "x"}, format="json", headers={**headers, "Authorization": f"Token {token}"}
    )


def _outside_scope(world: Any, headers: dict) -> Any:
    other = world.objects["units"]["other"]
    return _as(world, "unit_staff").get(f"{UNITS}{other.pk}/", headers=headers)


def _unknown_url(world: Any, headers: dict) -> Any:
    return _as(world, "office").get("/api/v1/no-such-thing/", headers=headers)


def _wrong_method(world: Any, headers: dict) -> Any:
    return _as(world, "office").delete(UNITS, headers=headers)


def _unacceptable(world: Any, headers: dict) -> Any:
    return _as(world, "office").get(UNITS, headers={**headers, "Accept": "application/xml"})


def _unsupported_media_type(world: Any, headers: dict) -> Any:
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("api:expenditure-reverse", kwargs={"pk": expenditure.pk})
    return _as(world, "unit_staff").post(
        url, "reason=x", content_type="text/plain", headers=headers
    )


def _reversed_twice(world: Any, headers: dict) -> Any:
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("api:expenditure-reverse", kwargs={"pk": expenditure.pk})
    client = _as(world, "unit_staff")
    if not Expenditure.objects.filter(reverses=expenditure).exists():
        assert client.post(url, {"reason": "重复录入"}, format="json").status_code == 201
    return client.post(url, {"reason": "再次"}, format="json", headers=headers)


def _too_many(world: Any, headers: dict) -> Any:
    client = _as(world, "office")
    cache.clear()  # the requests counted for the other language
    with override_settings(API_THROTTLE_RATE="2/minute"):
        answers = [client.get(UNITS, headers=headers) for _ in range(3)]
    assert [answer.status_code for answer in answers[:2]] == [200, 200]
    return answers[2]


def _database_gone(world: Any, headers: dict) -> Any:
    with mock.patch(
        "creation.api.views.CreationUnitViewSet.get_queryset",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        return _as(world, "office").get(UNITS, headers=headers)


# status, code, how, message in Chinese, in English (None: DRF's own words, checked to differ)
CASES: list[tuple[int, str, Callable[..., Any], str | None, str | None]] = [
    (
        400,
        "invalid",
        _invalid_body,
        "提交的数据有误，请检查标出的字段。",
        "The submitted data is invalid; check the fields marked.",
    ),
    (
        400,
        "invalid",
        _invalid_filter,
        "提交的数据有误，请检查标出的字段。",
        "The submitted data is invalid; check the fields marked.",
    ),
    (401, "not_authenticated", _no_credentials, None, None),
    (401, "authentication_failed", _unknown_token, None, None),
    (403, "permission_denied", _read_only_client_writes, None, None),
    (404, "not_found", _outside_scope, "未找到。", "Not found."),
    (404, "not_found", _unknown_url, "未找到。", "Not found."),
    (405, "method_not_allowed", _wrong_method, None, None),
    (406, "not_acceptable", _unacceptable, None, None),
    (409, "conflict", _reversed_twice, "这笔支出已经冲销过。", None),
    (415, "unsupported_media_type", _unsupported_media_type, None, None),
    (429, "throttled", _too_many, None, None),
    (
        503,
        "unavailable",
        _database_gone,
        "数据库暂时无法连接，请稍后重试。",
        "The database is temporarily unavailable; please try again shortly.",
    ),
]


@pytest.mark.parametrize(
    ("status", "code", "provoke", "chinese", "english"),
    CASES,
    ids=[f"{status}-{provoke.__name__.strip('_')}" for status, _, provoke, _, _ in CASES],
)
def test_api_error_has_one_shape_in_the_language_asked_for(
    world, status, code, provoke, chinese, english
):
    answers = {}
    for language in ("zh-hans", "en"):
        response = provoke(world, {"Accept-Language": language})
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        body = response.json()
        assert set(body) == {"code", "message", "fields"}, body
        assert body["code"] == code
        assert isinstance(body["message"], str)
        assert body["message"]
        answers[language] = body
    if chinese is not None:
        assert answers["zh-hans"]["message"] == chinese
    if english is not None:
        assert answers["en"]["message"] == english
    # the code stays, the words follow the language
    assert answers["zh-hans"]["code"] == answers["en"]["code"]
    assert answers["zh-hans"]["message"] != answers["en"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answers["zh-hans"]["message"])
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in answers["en"]["message"])
    if status == 400:
        assert answers["zh-hans"]["fields"]
        assert all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in answers["en"]["fields"].values()
        )
    else:
        assert answers["zh-hans"]["fields"] == answers["en"]["fields"] == {}


def test_api_error_without_a_language_is_chinese(world):
    body = APIClient().get(UNITS).json()
    assert body == {"code": "not_authenticated", "message": body["message"], "fields": {}}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_api_validation_error_lists_each_field(world):
    body = _invalid_body(world, {"Accept-Language": "en"}).json()
    assert list(body["fields"]) == ["reason"]
    assert body["fields"]["reason"] == ["This field is required."]


def test_api_throttled_answer_says_when_to_retry(world):
    response = _too_many(world, {})
    assert int(response["Retry-After"]) > 0


def test_pages_keep_django_error_pages(client, world):
    client.force_login(world.users["office"])
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_form_body_too_large_answers_a_page_that_says_what_to_do(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/accounts/login/", {"username": "x" * 4096, "password": "p"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "The form was too large" in page
    assert "Back button" in page
    assert "<form" not in page.split("</header>")[-1]  # no half-empty form to send again


def test_a_form_with_too_many_fields_answers_a_page_that_says_what_to_do(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(
        "/accounts/login/", {f"f{n}": "1" for n in range(10)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "The form has too many fields" in response.content.decode()


def test_an_api_body_too_large_answers_the_error_body(rf):
    from django.core.exceptions import RequestDataTooBig

    from portal.views import bad_request

    request = rf.post("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    response = bad_request(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert json.loads(response.content)["code"] == "too_large"


def test_the_too_large_page_is_in_chinese_by_default(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/accounts/login/", {"username": "x" * 4096}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 413
    assert "表单内容过大" in response.content.decode()
