"""portal.postgresql: the health check of a kept connection sends nothing while the server has
said nothing, and still finds a connection whose backend the server ended, which the next
request replaces instead of failing."""

import time

import psycopg2
import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def _other_connection():
    settings = connection.get_connection_params()
    other = psycopg2.connect(**settings)
    other.autocommit = True
    return other


def _last_statement(other, pid: int) -> str:
    with other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_quiet_connection_is_usable_without_a_statement():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    pid = connection.connection.info.backend_pid
    other = _other_connection()
    try:
        assert connection.is_usable() is True
        assert _last_statement(other, pid) == "SELECT 'the last statement'"
    finally:
        other.close()


def test_a_connection_whose_backend_ended_is_replaced_before_the_next_request_uses_it():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # the server ends the backend asynchronously
            if connection.is_usable() is False:
                break
            time.sleep(0.05)
        assert connection.is_usable() is False
        # As at the start of a request: the kept connection is checked before its first query.
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        other.close()


def test_a_closed_connection_is_not_usable():
    connection.ensure_connection()
    connection.connection.close()
    assert connection.is_usable() is False
    connection.close()
