"""Prepared statements for the few reads that run thousands of times a minute.

PostgreSQL plans a statement each time it receives one: for the status API's read of one unit
(three correlated counts and the scope's joins) planning costs more than running. A statement
prepared once per connection is planned once. The portal talks to PostgreSQL directly (no
pooler in transaction mode, which would hand the EXECUTE to another session).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import weakref
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

Statement = tuple[str, tuple[Any, ...]]

# Statements prepared on each open connection (the driver's connection object: a new one after
# a reconnect has none). Bounded: past it, the connection's statements are dropped and prepared
# again as they are used.
PREPARED_PER_CONNECTION = 256
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()

_PLACEHOLDER = re.compile(r"%[s%]")


def prepared(sql: str, params: Sequence[Any]) -> tuple[str, Sequence[Any]]:
    """What runs `sql` with `params`: on PostgreSQL, an EXECUTE of the statement prepared on
    this connection (prepared now if it is not yet); elsewhere `sql` itself."""
    if connection.vendor != "postgresql":
        return sql, params
    connection.ensure_connection()
    names = _prepared.setdefault(connection.connection, set())
    name = "portal_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
    if name not in names:
        with connection.cursor() as cursor:
            if len(names) >= PREPARED_PER_CONNECTION:
                cursor.execute("DEALLOCATE ALL")
                names.clear()
            numbers = itertools.count(1)
            text = _PLACEHOLDER.sub(
                lambda found: f"${next(numbers)}" if found.group() == "%s" else "%", sql
            )
            cursor.execute(f"PREPARE {name} AS {text}")
        names.add(name)
    if not params:
        return f"EXECUTE {name}", params
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params


class CompiledStatements:
    """Statements built and compiled once per key (a scope, a language) in this process:
    building a query with the ORM costs more than the database spends running these. Bounded:
    past `kept`, all are dropped and compiled again as they are used."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._statements: dict[Hashable, Statement] = {}

    def get(self, key: Hashable, compile_statement: Callable[[], Statement]) -> Statement:
        statement = self._statements.get(key)
        if statement is None:
            statement = compile_statement()
            if len(self._statements) >= self.kept:
                self._statements.clear()
            self._statements[key] = statement
        return statement


def read_moment(value: Any) -> datetime | None:
    """A moment as a plain cursor reads it: on SQLite text, or without its time zone (stored in
    UTC); as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value
