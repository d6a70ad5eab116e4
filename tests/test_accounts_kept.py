"""portal.accounts_kept: on PostgreSQL a process keeps an API token's account and a user's role
rows itself, reads neither the cache nor the database for them while they stand, and forgets
them when another process's write commits (LISTEN / NOTIFY), but not when that write rolls back.
The other process is a thread here: Django gives it a connection of its own."""

import select
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creation.models import RoleAssignment
from creation.services import role_assign
from creation.tests.factories import CreationUnitFactory, UserFactory
from portal.accounts_kept import KeptHere, kept_here

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's notifications"
)


@pytest.fixture(autouse=True)
def _kept_as_installed(settings):
    settings.ROLES_KEPT_SECONDS = 300
    settings.TOKEN_KEPT_SECONDS = 300


def _status_url(unit) -> str:
    return f"/api/v1/units/{unit.pk}/status/"


def _reading_client():
    """A unit, an API client of its programme and a client with its token, after a first call
    (what is kept of the account exists)."""
    unit = CreationUnitFactory()
    user = UserFactory()
    role_assign(user=user, role=RoleAssignment.Role.API_CLIENT, programme=unit.batch.programme)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get(_status_url(unit)).status_code == 200
    return unit, user, client


def _in_another_process(write) -> None:
    """`write` on a connection of its own, committed (or rolled back) when this returns."""
    failures = []

    def run() -> None:
        try:
            write()
        except Exception as error:  # handed to the test
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _notice_arrived() -> bool:
    """Whether this connection's socket has something to read. PostgreSQL passes a committed
    notice on to each listener as its own process gets to it, a moment after the commit; the
    test waits for that moment instead of racing it."""
    readable, _, _ = select.select([connection.connection], [], [], 5)
    return bool(readable)


def _tables_read(client, unit) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_status_url(unit)).status_code == 200
    return " ".join(query["sql"] for query in queries)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_kept_account_costs_no_query_and_no_cache_read():
    unit, _user, client = _reading_client()

    with mock.patch("django.core.cache.cache.get_many") as cache_reads:
        read = _tables_read(client, unit)

    assert "authtoken_token" not in read
    assert "creation_roleassignment" not in read
    assert "dashboard_unitfigures" in read  # the status itself
    cache_reads.assert_not_called()


def _token_deleted(user) -> None:
    Token.objects.filter(user=user).delete()


def _account_deactivated(user) -> None:
    user.is_active = False
    user.save()


def _roles_taken(user) -> None:
    RoleAssignment.objects.filter(user=user).delete()


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("write", "answer"),
    [(_token_deleted, 401), (_account_deactivated, 401), (_roles_taken, 404)],
    ids=["token deleted: refused", "account deactivated: refused", "role taken: not found"],
)
def test_a_write_by_another_process_is_seen_on_the_next_call(write, answer):
    unit, user, client = _reading_client()

    _in_another_process(lambda: write(user))

    assert _notice_arrived()
    response = client.get(_status_url(unit))
    assert response.status_code == answer
    if answer == 401:
        assert response.json()["code"] == "authentication_failed"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_in_another_process_leaves_what_is_kept():
    unit, user, client = _reading_client()

    def rolled_back() -> None:
        with transaction.atomic():
            Token.objects.filter(user=user).delete()
            RoleAssignment.objects.filter(user=user).delete()
            transaction.set_rollback(True)

    _in_another_process(rolled_back)

    read = _tables_read(client, unit)
    assert "authtoken_token" not in read
    assert "creation_roleassignment" not in read


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_starts_with_nothing_kept():
    unit, _user, client = _reading_client()

    connection.close()  # a database restart, or the connection's age reached

    read = _tables_read(client, unit)
    assert "authtoken_token" in read
    assert "creation_roleassignment" in read


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_here_inside_a_transaction():
    assert kept_here() is not None
    with transaction.atomic():
        assert kept_here() is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "postgresql", reason="a database without notifications")
def test_nothing_is_kept_here_without_notifications():
    assert kept_here() is None


def test_a_kept_entry_lasts_its_readers_seconds():
    with mock.patch("portal.accounts_kept.time.monotonic", return_value=100.0) as clock:
        kept = KeptHere()
        kept.put("account", "kept")

        clock.return_value = 159.0
        assert kept.get("account", seconds=60) == "kept"
        clock.return_value = 160.0
        assert kept.get("account", seconds=60) is None
        assert kept.get("another", seconds=60) is None
