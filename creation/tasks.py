"""Celery entry points of creation: thin wrappers around services, passed ids."""

from celery import shared_task

from creation.services import liaison_vacancy_remind


@shared_task(soft_time_limit=600, time_limit=660)
def rectification_reminder_sweep_task() -> int:
    # R4.1: reminders of rectification deadlines, before and after (overdue).
    from creation.inspection_services import rectification_reminder_sweep

    return rectification_reminder_sweep()


@shared_task(soft_time_limit=600, time_limit=660)
def liaison_vacancy_reminder_task() -> int:
    # C5 (R2.1): the staff of a unit without a liaison, once a day until one is appointed.
    return liaison_vacancy_remind()
