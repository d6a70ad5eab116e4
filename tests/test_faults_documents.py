"""The document job's own rules for a world where messages are lost, doubled or redelivered:
who may run a job (the task id that holds it), the requeue sweep, and a done job that always
has its whole file. In-process; tests/test_faults_worker.py kills real workers."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.models import Notification
from reporting.models import DocumentJob
from reporting.services import document_job_run, document_jobs_requeue
from reporting.tasks import document_job_run_task
from reporting.tests.document_factories import DocumentJobFactory

pytestmark = pytest.mark.django_db


def _job(world, **fields) -> DocumentJob:
    return DocumentJobFactory(
        unit=world.objects["units"]["own"],
        requested_by=world.users["unit_staff"],
        format="docx",
        status=fields.pop("status", DocumentJob.Status.QUEUED),
        progress=0,
        file=None,
        file_name="",
        **fields,
    )


def test_a_second_publish_leaves_a_running_job_to_its_worker(world):
    job = _job(world, status=DocumentJob.Status.RUNNING, run_id="first", started_at=timezone.now())
    with mock.patch("reporting.services.document_render") as render:
        again = document_job_run(job_id=job.pk, run_id="second")
    render.assert_not_called()
    assert (again.status, again.run_id) == (DocumentJob.Status.RUNNING, "first")


def test_a_redelivered_message_makes_the_job_again(world):
    job = _job(world, status=DocumentJob.Status.RUNNING, run_id="first", started_at=timezone.now())
    done = document_job_run(job_id=job.pk, run_id="first")
    assert (done.status, done.run_id) == (DocumentJob.Status.DONE, "first")
    assert Notification.objects.filter(key=f"document-job-{job.pk}").count() == 1


def test_a_job_running_past_its_lease_is_taken_over(world):
    long_ago = timezone.now() - timedelta(seconds=document_job_run_task.time_limit + 60)
    job = _job(world, status=DocumentJob.Status.RUNNING, run_id="dead", started_at=long_ago)
    assert document_job_run(job_id=job.pk, run_id="sweep").status == DocumentJob.Status.DONE


def test_a_job_is_never_done_without_its_file(world):
    # The worker dies (here: an error) after the file is written but before the end of the
    # transaction that marks the job done: the job is not done, and runs again later.
    job = _job(world)
    with (
        mock.patch("reporting.services.notification_send", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        document_job_run(job_id=job.pk, run_id="first")
    job.refresh_from_db()
    assert (job.status, job.file.name, job.progress) == (DocumentJob.Status.RUNNING, "", 90)
    assert document_job_run(job_id=job.pk, run_id="first").status == DocumentJob.Status.DONE


def test_requeue_sweep_publishes_lost_jobs_and_gives_up_after_a_day(world, settings):
    now = timezone.now()
    stale = timedelta(seconds=settings.DOCUMENT_JOB_REQUEUE_SECONDS + 1)
    queued_lost = _job(world)
    queued_fresh = _job(world)
    running_dead = _job(world, status=DocumentJob.Status.RUNNING, run_id="x")
    running_alive = _job(world, status=DocumentJob.Status.RUNNING, run_id="y")
    forgotten = _job(world)
    DocumentJob.objects.filter(pk=queued_lost.pk).update(created_at=now - stale)
    DocumentJob.objects.filter(pk=running_dead.pk).update(
        created_at=now - stale, started_at=now - timedelta(hours=1)
    )
    DocumentJob.objects.filter(pk=running_alive.pk).update(created_at=now - stale, started_at=now)
    DocumentJob.objects.filter(pk=forgotten.pk).update(created_at=now - timedelta(days=2))
    with mock.patch("reporting.services.enqueue", return_value=True) as enqueue:
        assert document_jobs_requeue(now=now) == 2
    published = {call.args[1] for call in enqueue.call_args_list}
    assert published == {queued_lost.pk, running_dead.pk}
    assert queued_fresh.pk not in published
    forgotten.refresh_from_db()
    assert forgotten.status == DocumentJob.Status.FAILED
    assert Notification.objects.filter(key=f"document-job-{forgotten.pk}").count() == 1
