"""A real Celery worker makes a queued document: the job row goes from queued to done with its
file, as on `make run`. Uses the test database and Redis like tests/test_worker.py."""

import io
import os
import subprocess
import sys
import uuid

import pytest
from celery import Celery
from django.conf import settings

from places.tests.factories import FacilityFactory
from reporting.models import DocumentJob
from tests.test_worker import BASE_DIR, _test_database_url


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_makes_a_queued_summary_report(redis_url, world):
    unit = world.objects["units"]["own"]
    FacilityFactory(unit=unit, name="综合文化服务中心")
    job = DocumentJob.objects.create(
        kind="summary-report",
        format="docx",
        params={"unit": unit.pk},
        unit=unit,
        language="zh-hans",
        requested_by=world.users["unit_staff"],
    )
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
         "--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    producer = Celery("producer", broker=redis_url, backend=redis_url)
    try:
        result = producer.send_task(
            "reporting.tasks.document_job_run_task", args=[job.pk], queue=queue
        )
        assert result.get(timeout=120) == "done"
        job.refresh_from_db()
        assert (job.status, job.progress) == (DocumentJob.Status.DONE, 100)
        from docx import Document

        with job.file.open("rb") as handle:
            text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
        assert unit.name in text
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
        producer.close()
