import logging
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from portal.services import heartbeat_record

logger = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def heartbeat_task() -> str:
    return heartbeat_record().last_seen.isoformat()


# --- Publishing work ------------------------------------------------------------------------------
#
# Every piece of background work the portal starts from a request goes through enqueue(). The
# work's own database row (a queued DocumentJob, a due reminder) is the source of truth, never
# the message: publishing is a best-effort nudge. So when Redis is down the request must not
# hang or fail; it commits its row, the publish fails at once and is logged, and the periodic
# sweeps (reporting.services.document_jobs_requeue, the reminder sweeps) find the row later and
# publish again. Tasks are idempotent (row lock + state check), so a message published twice
# does the work once.


def enqueue(task: Any, *args: Any) -> bool:
    """Publish `task(*args)` now, failing fast: one connection attempt bounded by the broker's
    socket_connect_timeout (a refused connection fails in milliseconds), no publish retries and
    no result subscription. Returns whether the message was handed to the broker; never raises.

    Celery's own defaults would block a request for about 20 s with Redis down: kombu retries
    the connection (default_channel's failover options), the producer retries the publish, and
    the Redis result backend subscribes to the task's result channel and retries that too.
    Nothing waits for these results (the rows carry the outcome), hence ignore_result."""
    try:
        with task.app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
            connection.ensure_connection(max_retries=0)
            task.apply_async(args, connection=connection, retry=False, ignore_result=True)
    except Exception:  # refused, timed out, any broker error: the row stays and is swept again
        logger.warning("Could not queue %s%r; a sweep will queue it again", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """enqueue() once the current transaction commits, so the worker finds the committed row
    (and nothing is published for a transaction that rolls back)."""
    transaction.on_commit(partial(enqueue, task, *args))
