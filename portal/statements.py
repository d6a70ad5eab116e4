"""Reads planned once per connection: PostgreSQL plans a statement each time it receives one, and
for the portal's pages (the scope's joins, a page of units with its regions and batch) planning
costs about as much as running them: a third of its time under `make load`.

`PreparedReads` sits under every statement of a PostgreSQL connection: a read (SELECT) that the
connection runs a second time is prepared there (PREPARE) and from then on executed by name, so
PostgreSQL parses it once and, after a few runs, keeps a generic plan (its `plan_cache_mode`
decides). Its parameters are declared with the types of the values the driver would have
written in their place (`_DECLARED_TYPES`), so that it compares and computes as the statement
itself. A read that cannot be prepared (a value of another type, or a statement PostgreSQL
refuses to prepare) runs as it is, and so do statements on a named cursor (an export streaming
its rows), reads with a list of ids of their own (`PARAMETERS_PREPARED`) and, so that the log
shows what runs, every read while queries are logged (DEBUG, a test that counts them). The
portal talks to PostgreSQL directly: behind a pooler in transaction mode, which would hand an
EXECUTE to another session, set PREPARED_READS=false.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from psycopg2 import Error
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

Statement = tuple[str, tuple[Any, ...]]

# Statements prepared on each open connection (the driver's connection object: a new one after
# a reconnect has none). Bounded: past it, the connection's statements are dropped and prepared
# again as they are used.
PREPARED_PER_CONNECTION = 256
# Reads seen once on a connection and not (yet) prepared: past it, forgotten.
SEEN_PER_CONNECTION = 2048
# A read with more parameters is not prepared: a list of ids of its own (a page's units), which
# the connection would hardly run again.
PARAMETERS_PREPARED = 200
# A read whose PREPARE PostgreSQL refused: run as it is from then on, on that connection.
_REFUSED = ""

_PLACEHOLDER = re.compile(r"%[s%]")


# The type each parameter is declared with, by the Python type of its value: the type PostgreSQL
# gives the literal the driver would write in the statement's place (an integer, a numeric, a
# date, a moment with or without its zone), so that a prepared read compares and computes as
# the statement itself. A value of any other type (a list, a float, a string of Django's own
# class) leaves the read as it is. A string is text: where its place wants another type, the
# PREPARE is refused and the read runs as it is. NULL takes the type of its place.
_DECLARED_TYPES: dict[type, str] = {
    bool: "boolean",
    int: "bigint",
    Decimal: "numeric",
    str: "text",
    date: "date",
    time: "time",
    timedelta: "interval",
    bytes: "bytea",
    type(None): "unknown",
}
_BIGINT = range(-(2**63), 2**63)

Signature = tuple[str, ...]


def _signature(params: list | tuple) -> Signature | None:
    """The declared types of the parameters, or None if one has no declared type."""
    types = []
    for value in params:
        kind = type(value)
        if kind is datetime:
            types.append("timestamp" if value.tzinfo is None else "timestamptz")
            continue
        declared = _DECLARED_TYPES.get(kind)
        if declared is None or (kind is int and value not in _BIGINT):
            return None
        types.append(declared)
    return tuple(types)


class _ConnectionStatements:
    def __init__(self) -> None:
        self.names = itertools.count(1)
        # {(sql, declared types): statement name, or _REFUSED}
        self.prepared: dict[tuple[str, Signature], str] = {}
        self.seen: set[tuple[str, Signature]] = set()


class PreparedReads:
    """The execute wrapper of the module text, one per database connection (Django's)."""

    def __init__(self) -> None:
        self._connections: weakref.WeakKeyDictionary[Any, _ConnectionStatements] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        cursor = context["cursor"].cursor  # the driver's cursor
        if (
            many
            or not isinstance(params, list | tuple)
            or len(params) > PARAMETERS_PREPARED
            or not sql.startswith("SELECT")
            or cursor.name is not None
            # Logged queries (DEBUG, a test counting them) show the statement, not an EXECUTE.
            or context["connection"].queries_logged
        ):
            return execute(sql, params, many, context)
        signature = _signature(params)
        if signature is None:
            return execute(sql, params, many, context)
        statements = self._connections.get(cursor.connection)
        if statements is None:
            statements = self._connections[cursor.connection] = _ConnectionStatements()
        key = (sql, signature)
        name = statements.prepared.get(key)
        if name is None:
            if key not in statements.seen:
                if len(statements.seen) >= SEEN_PER_CONNECTION:
                    statements.seen.clear()
                statements.seen.add(key)
                return execute(sql, params, many, context)
            name = self._prepare(cursor, statements, key)
            if name is None:  # not now (a failed transaction): next time
                return execute(sql, params, many, context)
        if name == _REFUSED:
            return execute(sql, params, many, context)
        if not params:
            return execute(f"EXECUTE {name}", params, many, context)
        return execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params, many, context)

    @staticmethod
    def _prepare(
        cursor: Any, statements: _ConnectionStatements, key: tuple[str, Signature]
    ) -> str | None:
        """PREPARE the read of `key` on the cursor's connection, its parameters declared: its
        name, _REFUSED if PostgreSQL refused it, None in a failed transaction (which refuses
        every statement until it ends)."""
        connection = cursor.connection
        if connection.get_transaction_status() == TRANSACTION_STATUS_INERROR:
            return None
        if len(statements.prepared) >= PREPARED_PER_CONNECTION:
            cursor.execute("DEALLOCATE ALL")
            statements.prepared.clear()
        sql, signature = key
        name = f"portal_{next(statements.names)}"
        numbers = itertools.count(1)
        text = _PLACEHOLDER.sub(
            lambda found: f"${next(numbers)}" if found.group() == "%s" else "%", sql
        )
        declared = f"({', '.join(signature)})" if signature else ""
        # In a transaction, a refused PREPARE must not fail it: it is tried in a savepoint.
        in_transaction = not connection.autocommit
        try:
            if in_transaction:
                cursor.execute("SAVEPOINT portal_prepare")
            cursor.execute(f"PREPARE {name} {declared} AS {text}")
        except Error:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT portal_prepare")
            name = _REFUSED
        if in_transaction:
            cursor.execute("RELEASE SAVEPOINT portal_prepare")
        statements.prepared[key] = name
        statements.seen.discard(key)
        return name


def prepared_reads_install(connection: Any) -> None:
    """Prepare the reads of a PostgreSQL connection as it opens (`PreparedReads`), unless
    PREPARED_READS is off: the portal's backend (portal.postgresql) calls it on each connect."""
    if not settings.PREPARED_READS:
        return
    if not any(isinstance(wrapper, PreparedReads) for wrapper in connection.execute_wrappers):
        # The outermost wrapper: the others see what runs (an EXECUTE, which is no write).
        connection.execute_wrappers.insert(0, PreparedReads())


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
