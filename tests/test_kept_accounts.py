"""What is kept of accounts between requests (a user's role rows, an API token's account) is
dropped by the writes that change it: a role given or taken, a unit moved to another batch, a
token deleted, an account deactivated. Each test makes a request first, so that the kept copy
exists when the write happens."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creation.models import RoleAssignment
from creation.scope import forget_scope, user_scope
from creation.services import role_assign
from creation.tests.factories import BatchFactory, CreationUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles_kept(settings):
    settings.ROLES_KEPT_SECONDS = 300  # as installed (the other tests read them every time)


def _status_url(unit) -> str:
    return f"/api/v1/units/{unit.pk}/status/"


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _reading_client():
    """A unit, an API client of its programme and a client with its token, after a first call
    (what is kept of the account exists)."""
    unit = CreationUnitFactory()
    user = UserFactory()
    role_assign(user=user, role=RoleAssignment.Role.API_CLIENT, programme=unit.batch.programme)
    client = _token_client(user)
    assert client.get(_status_url(unit)).status_code == 200
    return unit, user, client


def test_a_role_given_is_seen_on_the_next_request():
    _unit, user, client = _reading_client()
    other = CreationUnitFactory()
    assert client.get(_status_url(other)).status_code == 404

    role_assign(user=user, role=RoleAssignment.Role.API_CLIENT, programme=other.batch.programme)

    assert client.get(_status_url(other)).status_code == 200


def test_a_role_taken_is_seen_on_the_next_request():
    unit, user, client = _reading_client()

    RoleAssignment.objects.filter(user=user).delete()

    assert client.get(_status_url(unit)).status_code == 404


def test_a_unit_moved_to_another_batch_moves_its_staffs_rank_group():
    unit = CreationUnitFactory()
    user = UserFactory()
    role_assign(user=user, role=RoleAssignment.Role.UNIT_STAFF, unit=unit)
    assert user_scope(user).unit_rank_groups == {(unit.batch_id, unit.kind)}
    forget_scope(user)  # the next request's user object

    unit.batch = BatchFactory(programme=unit.batch.programme)
    unit.save()

    assert user_scope(user).unit_rank_groups == {(unit.batch_id, unit.kind)}


def test_a_deleted_token_is_refused_on_the_next_call():
    unit, user, client = _reading_client()

    Token.objects.filter(user=user).delete()

    response = client.get(_status_url(unit))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_deactivated_account_is_refused_on_the_next_call():
    unit, user, client = _reading_client()

    user.is_active = False
    user.save()

    assert client.get(_status_url(unit)).status_code == 401


def test_the_kept_account_holds_no_password_hash():
    from django.core.cache import cache

    from portal.authentication import _kept_token_key

    _unit, user, _client = _reading_client()

    kept = cache.get(_kept_token_key(Token.objects.get(user=user).key))

    assert kept.user.pk == user.pk
    assert "password" not in kept.user.__dict__


def test_a_sign_in_keeps_the_accounts_token_kept_and_a_rename_drops_it():
    from django.contrib.auth.models import update_last_login
    from django.core.cache import cache

    from portal.authentication import _kept_token_key

    _unit, user, _client = _reading_client()
    name = _kept_token_key(Token.objects.get(user=user).key)

    update_last_login(None, user)  # what a sign-in saves
    assert cache.get(name) is not None

    user.first_name = "新名"
    user.save()
    assert cache.get(name) is None
