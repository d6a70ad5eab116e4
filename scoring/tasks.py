"""Celery entry points of scoring: thin wrappers around services, passed ids."""

from celery import shared_task
from django.utils import timezone

from scoring.services import periods_sync


@shared_task(soft_time_limit=600, time_limit=660)
def periods_sync_task() -> int:
    """R6.3, R6.4: create the rows of the scoring periods that have started (idempotent)."""
    return periods_sync(today=timezone.localdate())
