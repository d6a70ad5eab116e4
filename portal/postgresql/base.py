"""Django's PostgreSQL backend, with the portal's reads prepared on each connection
(portal.statements) and a health check that asks the server only when its socket says something
happened.

With CONN_HEALTH_CHECKS each request checks its kept connection before its first query, so that
a connection broken since the last request (a database restart, a backend terminated) is
replaced instead of failing that request. Django checks with `SELECT 1`: one round trip per
request, about a tenth of a millisecond, which is a tenth of the status API's time in Django.
A kept connection is idle between requests, and an idle connection has nothing to read unless
the server wrote to it: when a backend ends (a restart, `pg_terminate_backend`, a timeout) the
server sends its error and closes the socket, which becomes readable. So: a closed connection is
unusable; a quiet socket is usable; a readable one is checked with `SELECT 1`, as before.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base

from portal.statements import prepared_reads_install


class DatabaseWrapper(base.DatabaseWrapper):
    def connect(self) -> None:
        super().connect()
        prepared_reads_install(self)

    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed:
            return False
        if not hasattr(select, "poll"):  # not on this system: Django's check
            return super().is_usable()
        # poll(), not select(): select() refuses a descriptor numbered past 1023.
        poller = select.poll()
        try:
            poller.register(raw.fileno(), select.POLLIN)
            events = poller.poll(0)
        except (OSError, ValueError):  # no socket any more
            return False
        if not events:
            return True
        return super().is_usable()
