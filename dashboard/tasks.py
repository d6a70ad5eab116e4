"""Celery entry points of the dashboards: thin wrappers around services."""

from celery import shared_task

from dashboard.services import unit_figures_refresh_due


@shared_task(soft_time_limit=50, time_limit=55)
def unit_figures_refresh_due_task() -> int:
    return unit_figures_refresh_due()
