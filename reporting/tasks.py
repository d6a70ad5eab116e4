"""Celery entry points of reporting: thin wrappers around services."""

from celery import shared_task

from creation.models import Programme
from reporting.services import (
    document_files_expire,
    document_job_run,
    document_jobs_requeue,
    obligations_sync_all,
    reminder_sweep,
)


@shared_task(soft_time_limit=600, time_limit=660)
def reminder_sweep_task() -> int:
    return reminder_sweep()


@shared_task(soft_time_limit=1800, time_limit=1900)
def obligations_sync_task(programme_id: int | None = None) -> int:
    programme = Programme.objects.get(pk=programme_id) if programme_id else None
    return obligations_sync_all(programme=programme).created


@shared_task(bind=True, soft_time_limit=300, time_limit=330)
def document_job_run_task(self, job_id: int) -> str:
    # The task id tells a redelivery of this message from a second publish (see the service).
    return document_job_run(job_id=job_id, run_id=self.request.id).status


@shared_task(soft_time_limit=120, time_limit=150)
def document_jobs_requeue_task() -> int:
    return document_jobs_requeue()


@shared_task(soft_time_limit=1800, time_limit=1900)
def document_files_expire_task() -> int:
    return document_files_expire()
