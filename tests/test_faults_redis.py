"""Redis stopped: pages and the API keep serving, a request that starts work succeeds at once,
and the work is done once Redis is back, exactly once. Each test runs its own redis-server, so
that stopping it touches nothing else; workers are real processes on the test database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Heartbeat, Notification
from portal.tasks import enqueue, heartbeat_task
from reporting.models import DocumentJob, Reminder
from reporting.services import reminder_sweep
from reporting.tasks import document_job_run_task, document_jobs_requeue_task, reminder_sweep_task
from reporting.tests.factories import ObligationFactory
from tests import faults
from tests.faults import assert_each_reminder_once, celery_env, start_worker, stop, wait_for

own_redis = faults.own_redis

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _drained() -> None:
    """Wait until a solo worker has handled everything published before: it takes messages in
    order, one at a time, so a heartbeat published last is recorded last."""
    Heartbeat.objects.all().delete()
    assert enqueue(heartbeat_task)
    wait_for(Heartbeat.objects.exists, timeout=90, what="the worker to drain its queue")


def test_document_request_succeeds_while_redis_is_down_and_runs_when_it_is_back(
    own_redis, world, api_client, client
):
    staff = world.users["unit_staff"]
    unit = world.objects["units"]["own"]
    own_redis.stop()

    # Pages and the API serve; the request that starts work answers at once.
    client.force_login(staff)
    assert client.get(reverse("home"), follow=True).status_code == 200
    api_client.force_authenticate(staff)
    assert api_client.get(reverse("api:document-job-list")).status_code == 200
    with faults.redis_connection_attempts() as attempts:
        response = api_client.post(
            reverse("api:document-job-list"),
            {"kind": "summary-report", "format": "docx", "params": {"unit": unit.pk}},
            format="json",
        )
    assert response.status_code == 202, response.content
    assert len(attempts) == 1, attempts  # one refused connection, no retries
    job = DocumentJob.objects.get(pk=response.json()["id"])
    assert job.status == DocumentJob.Status.QUEUED
    # /healthz tells the operator, with 503, and keeps answering.
    health = client.get(reverse("healthz"))
    assert (health.status_code, health.json()["broker"]["ok"]) == (503, False)

    # Redis is back (empty: the message was never published); beat's requeue sweep finds the
    # job still queued and publishes it, and a worker makes it.
    own_redis.start()
    worker = start_worker(
        celery_env(own_redis.url, DOCUMENT_JOB_REQUEUE_SECONDS="0"), "--pool", "solo"
    )
    try:
        assert enqueue(document_jobs_requeue_task)

        def done() -> bool:
            job.refresh_from_db()
            return job.finished

        wait_for(done, timeout=120, what="the document job to finish")
        assert job.status == DocumentJob.Status.DONE, job.error
        file_name = job.file.name
        # Published twice more (a sweep and a duplicate): still one document, one notification.
        assert enqueue(document_jobs_requeue_task)
        assert enqueue(document_job_run_task, job.pk)
        _drained()
    finally:
        stop(worker)
    job.refresh_from_db()
    assert (job.status, job.file.name) == (DocumentJob.Status.DONE, file_name)
    notifications = Notification.objects.filter(key=f"document-job-{job.pk}")
    assert list(notifications.values_list("recipient", flat=True)) == [staff.pk]


def test_reminders_missed_while_redis_is_down_are_sent_once_when_it_is_back(own_redis, world):
    unit = world.objects["units"]["own"]
    now = timezone.now()
    overdue = ObligationFactory(
        unit=unit,
        period_start=now.date() - timedelta(days=60),
        period_end=now.date() - timedelta(days=31),
        period_label="f-overdue",
        due_at=now - timedelta(days=10),
    )
    own_redis.stop()
    # Beat's tick while Redis is down: the sweep cannot be published, nothing is sent.
    with faults.redis_connection_attempts() as attempts:
        assert enqueue(reminder_sweep_task) is False
    assert len(attempts) == 1, attempts  # one refused connection, no retries
    assert not Reminder.objects.filter(obligation=overdue).exists()

    own_redis.start()
    worker = start_worker(celery_env(own_redis.url), "--pool", "solo")
    try:
        # The next ticks (two of them, as when beat catches up) send what is due, once.
        assert enqueue(reminder_sweep_task)
        assert enqueue(reminder_sweep_task)
        _drained()
    finally:
        stop(worker)
    kinds = set(Reminder.objects.filter(obligation=overdue).values_list("kind", flat=True))
    assert kinds, "the overdue obligation was not reminded"
    assert "escalation" in kinds  # ten days overdue: the province is told too
    assert_each_reminder_once()
    # Nothing due was lost: a sweep now finds nothing left to send.
    assert reminder_sweep() == 0
