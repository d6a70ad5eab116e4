"""A lost database answers 503, not 500: in a view (DatabaseUnavailableMiddleware) and in a
middleware (handler500), as a static bilingual page or, under /api/, JSON; other errors stay
500. In-process, with the database error raised on purpose; tests/test_faults_postgres.py
stops a real server."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_whose_database_is_gone_answers_the_bilingual_503_page(world, error):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["unit_staff"])
    with (
        mock.patch("portal.views.notification_mark_read"),
        mock.patch(
            "portal.models.NotificationQuerySet.unread", side_effect=error("connection lost")
        ),
    ):
        response = client.get(reverse("notifications"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert body.index("服务暂时不可用") < body.index("Service temporarily unavailable")


def test_an_api_call_whose_database_is_gone_answers_json_503(api_client, world):
    api_client.force_authenticate(world.users["unit_staff"])
    with mock.patch(
        "creation.api.views.ProgrammeViewSet.get_queryset",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = api_client.get(reverse("api:programme-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "code": "unavailable",
        "message": "数据库暂时无法连接，请稍后重试。",
        "fields": {},
    }


def test_a_middleware_that_loses_the_database_answers_503_through_handler500(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["unit_staff"])
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("login"))
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_other_database_errors_stay_500(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["unit_staff"])
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=ProgrammingError("no such column"),
    ):
        response = client.get(reverse("login"))
    assert response.status_code == 500
