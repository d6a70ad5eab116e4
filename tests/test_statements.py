"""portal.statements: on PostgreSQL a read run again on a connection is prepared there and then
executed by name; it answers as the statement itself, after a rolled-back transaction and after
a reconnect, and compares its values as the statement does. What cannot be prepared runs as it
is, and never fails the transaction it is in; while queries are logged, reads run as they are."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from creation.models import CreationUnit
from creation.tests.factories import CreationUnitFactory
from portal.statements import PreparedReads

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PREPARE: PostgreSQL"
)

SQL = "SELECT id, name FROM creation_creationunit WHERE id = %s AND name LIKE '%%'"


@pytest.fixture(autouse=True)
def _own_connection():
    # Each test starts on a connection of its own, which has prepared nothing yet.
    connection.close()


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _prepared(text: str) -> int:
    """How many statements prepared on this connection contain `text`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'PREPARE portal_%%'"
        )
        return sum(text in statement for (statement,) in cursor.fetchall())


@postgresql_only
def test_a_read_run_again_on_a_connection_is_prepared_once_and_answers_as_itself():
    unit, other = CreationUnitFactory(), CreationUnitFactory()

    assert _rows(SQL, [unit.pk]) == [(unit.pk, unit.name)]
    assert _prepared("FROM creation_creationunit WHERE id = $1") == 0  # run once: as it is

    for _ in range(3):
        assert _rows(SQL, [unit.pk]) == [(unit.pk, unit.name)]
        assert _rows(SQL, [other.pk]) == [(other.pk, other.name)]

    assert _prepared("FROM creation_creationunit WHERE id = $1 AND name LIKE '%'") == 1


@postgresql_only
def test_the_orm_reads_through_prepared_statements_alike():
    units = CreationUnitFactory.create_batch(3)
    expected = sorted((unit.pk, unit.name) for unit in units)
    for _ in range(4):
        found = list(CreationUnit.objects.order_by("pk").values_list("pk", "name"))
        assert found == expected
        # a named cursor (a stream of rows) is never prepared, and streams as before
        assert [u.pk for u in CreationUnit.objects.order_by("pk").iterator(chunk_size=2)] == [
            pk for pk, _name in expected
        ]
    assert _prepared('FROM "creation_creationunit" ORDER BY') == 1


@postgresql_only
def test_a_prepared_read_outlives_a_rollback_and_a_reconnect():
    unit = CreationUnitFactory()
    expected = [(unit.pk, unit.name)]
    with transaction.atomic():
        for _ in range(3):  # prepared inside this transaction
            assert _rows(SQL, [unit.pk]) == expected
        transaction.set_rollback(True)
    assert _rows(SQL, [unit.pk]) == expected

    connection.close()

    for _ in range(3):
        assert _rows(SQL, [unit.pk]) == expected


@postgresql_only
def test_a_read_postgresql_will_not_prepare_runs_as_it_is_without_failing_the_transaction():
    # Declared bigint, the day's number is refused (no date + bigint); as a literal it is an
    # integer, and the statement runs as it is.
    days_later = "SELECT DATE '2026-09-01' + %s"
    with transaction.atomic():
        unit = CreationUnitFactory()
        for _ in range(3):
            assert _rows(days_later, [2]) == [(date(2026, 9, 3),)]
        # the transaction goes on: a later statement and the commit succeed
        assert _rows(SQL, [unit.pk]) == [(unit.pk, unit.name)]
    assert CreationUnit.objects.filter(pk=unit.pk).exists()
    assert _prepared("SELECT DATE '2026-09-01' + $1") == 0


@postgresql_only
@pytest.mark.parametrize(
    ("low", "high"),
    [
        (Decimal("50"), Decimal("100.00")),  # as text, "100.00" would sort before "50"
        (9, 10),
        (date(2026, 9, 1), date(2026, 10, 1)),
        (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        ("a", "b"),
    ],
)
def test_a_prepared_read_compares_its_values_as_the_statement_does(low, high):
    compare = "SELECT %s <= %s, %s < %s, COALESCE((%s <= %s), true)"
    for _ in range(3):
        assert _rows(compare, [low, high, high, low, high, low]) == [(True, False, False)]
    assert _prepared("SELECT $1 <= $2, $3 < $4") == 1


@postgresql_only
def test_only_reads_are_prepared():
    unit = CreationUnitFactory()
    update = "UPDATE creation_creationunit SET host_organisation = %s WHERE id = %s"
    for index in range(3):
        with connection.cursor() as cursor:
            cursor.execute(update, [f"host {index}", unit.pk])
    unit.refresh_from_db()
    assert unit.host_organisation == "host 2"
    assert _prepared("UPDATE creation_creationunit") == 0


@postgresql_only
def test_while_queries_are_logged_reads_run_as_they_are(django_assert_num_queries):
    unit = CreationUnitFactory()
    with django_assert_num_queries(3) as captured:
        for _ in range(3):
            assert _rows(SQL, [unit.pk]) == [(unit.pk, unit.name)]
    assert all("creation_creationunit" in query["sql"] for query in captured.captured_queries)
    assert _prepared("FROM creation_creationunit WHERE id = $1") == 0


def _wrappers() -> list[PreparedReads]:
    return [w for w in connection.execute_wrappers if isinstance(w, PreparedReads)]


def test_reads_are_prepared_on_postgresql_unless_turned_off(settings):
    connection.ensure_connection()
    assert len(_wrappers()) == (1 if connection.vendor == "postgresql" else 0)

    installed = _wrappers()
    for wrapper in installed:
        connection.execute_wrappers.remove(wrapper)
    settings.PREPARED_READS = False  # behind a pooler in transaction mode
    try:
        connection.close()
        connection.ensure_connection()
        assert _wrappers() == []
    finally:
        connection.execute_wrappers[:0] = installed
