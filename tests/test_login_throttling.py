"""Repeated failed logins of one username from one address are locked out (django-axes)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


@pytest.fixture
def throttled(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.AXES_FAILURE_LIMIT = 3
    users = get_user_model().objects
    return users.create_user("clerk", password=PASSWORD), users.create_user(
        "other", password=PASSWORD
    )


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client, throttled):
    for _ in range(2):
        response = _login(client, "clerk", "wrong")
        assert response.status_code == 200
        assert "error" in response.content.decode()
    locked = _login(client, "clerk", "wrong")
    assert locked.status_code == 429
    right = _login(client, "clerk", PASSWORD)
    assert right.status_code == 429
    text = right.content.decode()
    assert 'id="locked-out"' in text
    assert "分钟" in text
    assert "_auth_user_id" not in client.session


def test_the_lockout_touches_neither_other_users_nor_other_addresses(client, throttled):
    for _ in range(3):
        _login(client, "clerk", "wrong")
    assert _login(client, "other", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "clerk", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_login_clears_the_failures(client, throttled):
    for _ in range(2):
        _login(client, "clerk", "wrong")
    assert _login(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, "clerk", "wrong")
    assert _login(client, "clerk", PASSWORD).status_code == 302
