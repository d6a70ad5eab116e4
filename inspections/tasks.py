"""Celery entry points of supervision: thin wrappers around services."""

from celery import shared_task

from inspections.services import rectification_reminder_sweep


@shared_task(soft_time_limit=600, time_limit=660)
def rectification_reminder_sweep_task() -> int:
    # R4.1: reminders of rectification deadlines, before and after (overdue).
    return rectification_reminder_sweep()
