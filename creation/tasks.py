"""Celery entry points of creation: thin wrappers around services, passed ids."""

from celery import shared_task


@shared_task(soft_time_limit=600, time_limit=660)
def rectification_reminder_sweep_task() -> int:
    # R4.1: reminders of rectification deadlines, before and after (overdue).
    from creation.inspection_services import rectification_reminder_sweep

    return rectification_reminder_sweep()
