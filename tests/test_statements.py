"""portal.statements: a statement prepared once per connection answers as the statement itself,
after a rolled-back transaction and after a reconnect (a new connection prepares it again)."""

import pytest
from django.db import connection, transaction

from creation.tests.factories import CreationUnitFactory
from portal.statements import prepared

pytestmark = pytest.mark.django_db(transaction=True)

SQL = "SELECT id, name FROM creation_creationunit WHERE id = %s AND name LIKE '%%'"


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_prepared_statement_answers_as_the_statement():
    unit = CreationUnitFactory()
    expected = [(unit.pk, unit.name)]

    sql, params = prepared(SQL, [unit.pk])

    assert _rows(sql, params) == expected
    if connection.vendor == "postgresql":
        assert sql.startswith("EXECUTE portal_")
    else:
        assert sql == SQL


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE: PostgreSQL")
def test_a_prepared_statement_outlives_a_rollback_and_a_reconnect():
    unit = CreationUnitFactory()
    expected = [(unit.pk, unit.name)]
    with transaction.atomic():
        assert _rows(*prepared(SQL, [unit.pk])) == expected  # prepared in this transaction
        transaction.set_rollback(True)
    assert _rows(*prepared(SQL, [unit.pk])) == expected

    connection.close()

    assert _rows(*prepared(SQL, [unit.pk])) == expected
