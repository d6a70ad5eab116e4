"""What a process keeps of accounts between requests (an API token's account, a user's role
rows), kept in the process itself and forgotten as soon as PostgreSQL tells it one changed.

An API client reads statuses many times a second with one token. Reading its account and the
scopes' generation from the cache cost each call a round trip: a sixth of the status call's
time under load. Instead, on PostgreSQL, each process's connection listens on ACCOUNTS_CHANNEL
and every write that changes what is kept (a token deleted, an account saved, a role or what a
role names written: `accounts_changed`) sends a notice in its own transaction: PostgreSQL
delivers it to every listening connection once the write commits, and never if it rolls back.
Before it uses what it keeps, a process reads the notices that have reached its connection
(without a round trip: the socket is read without waiting) and forgets everything it keeps at
the first one. So a token deleted or an account deactivated in any process is refused on the
next call, as if nothing were kept.

What is read is kept only where reading it cannot miss a notice: outside a transaction (a notice
waits for the end of the transaction, and what a transaction read of its own writes may be
rolled back) and on a connection that listens (a new one starts empty: notices sent before it
listened were not for it). Elsewhere (SQLite; inside `atomic`; ACCOUNTS_NOTIFIED off, behind a
pooler in transaction mode, which would give the LISTEN to another session) `kept_here()` is
None and the callers keep what they read in the cache under generations, as before
(portal.authentication, creation.scope).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.db import connection
from psycopg2 import Error

ACCOUNTS_CHANNEL = "portal_accounts"
# Entries a store keeps: past it, all are forgotten and read again as they are used.
KEPT_ENTRIES = 4096


class KeptHere:
    """Values kept in this process, each for at most the seconds its reader gives, at most
    KEPT_ENTRIES of them."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, seconds: float) -> Any:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] >= seconds:
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._entries) >= KEPT_ENTRIES:
            self._entries.clear()
        self._entries[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._entries.clear()


# One per open connection (the driver's connection object: a new one after a reconnect starts
# empty), so that each thread's store follows the notices of its own connection.
_kept: weakref.WeakKeyDictionary[Any, KeptHere] = weakref.WeakKeyDictionary()


def kept_here() -> KeptHere | None:
    """This process's store of what is kept of accounts, the notices received so far read (any
    notice empties it); None where what is read must not be kept here (module text)."""
    if (
        not settings.ACCOUNTS_NOTIFIED
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return None
    connection.ensure_connection()
    raw = connection.connection
    if not raw.autocommit:  # in a transaction of its own (set_autocommit(False))
        return None
    kept = _kept.get(raw)
    try:
        if kept is None:
            # Not through Django's cursor: no query of the page's, in no count or log.
            with raw.cursor() as cursor:
                cursor.execute(f"LISTEN {ACCOUNTS_CHANNEL}")
            kept = _kept[raw] = KeptHere()
        raw.poll()  # the notices on the socket, without waiting
    except Error:  # a broken connection: nothing kept; the request's own query will tell
        return None
    if raw.notifies:
        del raw.notifies[:]
        kept.clear()
    return kept


def accounts_changed() -> None:
    """A write changed what processes keep of accounts: the writer's connection forgets it now,
    and every connection, the writer's among them, once the write commits (the notice is sent
    in the write's transaction); another thread of this process is another connection."""
    if not settings.ACCOUNTS_NOTIFIED or connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    kept = _kept.get(connection.connection)
    if kept is not None:
        kept.clear()
    with connection.connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {ACCOUNTS_CHANNEL}")
