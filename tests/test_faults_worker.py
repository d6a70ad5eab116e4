"""A worker killed in the middle of a document job (messages are acknowledged late): the job is
made again, to completion, with one notification and never a done job without its whole file.
The job is the real summary report (tests/faults_hooks.py holds its rendering until the test
has killed the worker); Redis is the test's own, the workers real processes."""

import io
import os
import signal
import time

import pytest
from django.conf import settings

from places.tests.factories import FacilityFactory
from portal.models import Heartbeat, Notification
from portal.tasks import enqueue, heartbeat_task
from reporting.models import DocumentJob
from reporting.services import document_job_request
from tests import faults
from tests.faults import celery_env, start_worker, stop, wait_for

own_redis = faults.own_redis
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 3


def _request_held_job(world, hold_dir) -> DocumentJob:
    from tests.faults_hooks import SLOW_SUMMARY

    unit = world.objects["units"]["own"]
    FacilityFactory(unit=unit, name="综合文化服务中心")
    # Published to the test's Redis once the request's transaction commits.
    return document_job_request(
        user=world.users["unit_staff"], kind=SLOW_SUMMARY, format="docx", params={"unit": unit.pk}
    )


def _wait_rendering(job: DocumentJob, hold_dir) -> int:
    marker = wait_for(
        lambda: next(hold_dir.glob("rendering-*"), None), timeout=90, what="the job to start"
    )
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.RUNNING
    assert job.run_id
    return int(marker.name.split("-")[1])


def _assert_made_once(job: DocumentJob, run_id: str, world) -> None:
    from docx import Document

    def finished() -> bool:
        job.refresh_from_db()
        return job.finished

    wait_for(finished, timeout=120, what="the job to be made again")
    assert (job.status, job.progress) == (DocumentJob.Status.DONE, 100), job.error
    assert job.run_id == run_id  # the same message, handed back by the broker
    with job.file.open("rb") as handle:  # the whole file: it opens as a Word document
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert world.objects["units"]["own"].name in text
    recipients = Notification.objects.filter(key=f"document-job-{job.pk}")
    assert list(recipients.values_list("recipient", flat=True)) == [world.users["unit_staff"].pk]
    # One Word file was written, the job's: the killed run was held before rendering, and the
    # duplicate publish did not render again.
    documents = (settings.MEDIA_ROOT / "documents").glob("*.docx")
    assert [path.name for path in documents] == [os.path.basename(job.file.name)]


def _drain() -> None:
    Heartbeat.objects.all().delete()
    assert enqueue(heartbeat_task)
    wait_for(Heartbeat.objects.exists, timeout=90, what="the worker to drain its queue")


def test_worker_killed_mid_document_job_leaves_it_to_the_next_worker_who_makes_it_once(
    own_redis, world, tmp_path
):
    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    env = celery_env(
        own_redis.url,
        FAULTS_HOLD_DIR=str(hold_dir),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    job = _request_held_job(world, hold_dir)
    first = start_worker(env, "--pool", "solo", "-I", "tests.faults_hooks", name="first")
    try:
        _wait_rendering(job, hold_dir)
        delivered = time.monotonic()
        run_id = job.run_id
        stop(first, kill=True)  # SIGKILL: no warm shutdown, the message stays unacknowledged
    finally:
        stop(first, kill=True)
    job.refresh_from_db()
    assert (job.status, bool(job.file)) == (DocumentJob.Status.RUNNING, False)
    assert not Notification.objects.filter(key=f"document-job-{job.pk}").exists()

    # A new worker takes the message back once its visibility timeout has passed (at start-up
    # it restores messages unacknowledged for longer than that).
    (hold_dir / "release").touch()
    wait_for(
        lambda: time.monotonic() - delivered > VISIBILITY_TIMEOUT + 1,
        timeout=30,
        what="the visibility timeout",
    )
    second = start_worker(env, "--pool", "solo", "-I", "tests.faults_hooks", name="second")
    try:
        _assert_made_once(job, run_id, world)
        # The requeue sweep publishing it once more changes nothing.
        from reporting.tasks import document_job_run_task

        assert enqueue(document_job_run_task, job.pk)
        _drain()
    finally:
        stop(second)
    _assert_made_once(job, run_id, world)


def test_pool_process_killed_mid_document_job_is_redelivered_and_makes_it_once(
    own_redis, world, tmp_path
):
    # A prefork child killed (out of memory, say): the worker rejects the message back to the
    # queue (CELERY_TASK_REJECT_ON_WORKER_LOST) and a new child makes the job from the start.
    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    env = celery_env(own_redis.url, FAULTS_HOLD_DIR=str(hold_dir))
    job = _request_held_job(world, hold_dir)
    worker = start_worker(
        env, "--pool", "prefork", "--concurrency", "1", "-I", "tests.faults_hooks"
    )
    try:
        child = _wait_rendering(job, hold_dir)
        run_id = job.run_id
        (hold_dir / "release").touch()
        os.kill(child, signal.SIGKILL)
        _assert_made_once(job, run_id, world)
        _drain()
    finally:
        stop(worker)
    _assert_made_once(job, run_id, world)
