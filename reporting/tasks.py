"""Celery entry points of reporting: thin wrappers around services."""

from celery import shared_task

from reporting.services import document_job_run, obligations_sync_all, reminder_sweep


@shared_task(soft_time_limit=600, time_limit=660)
def reminder_sweep_task() -> int:
    return reminder_sweep()


@shared_task(soft_time_limit=1800, time_limit=1900)
def obligations_sync_task(programme_id: int | None = None) -> int:
    from creation.models import Programme

    programme = Programme.objects.get(pk=programme_id) if programme_id else None
    return obligations_sync_all(programme=programme).created


@shared_task(soft_time_limit=300, time_limit=330)
def document_job_run_task(job_id: int) -> str:
    return document_job_run(job_id=job_id).status
