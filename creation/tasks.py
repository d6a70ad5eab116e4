"""Celery entry points of creation: thin wrappers around services, passed ids."""

from celery import shared_task

from creation.services import liaison_vacancy_remind


@shared_task(soft_time_limit=600, time_limit=660)
def liaison_vacancy_reminder_task() -> int:
    # C5 (R2.1): the staff of a unit without a liaison, once a day until one is appointed.
    return liaison_vacancy_remind()
