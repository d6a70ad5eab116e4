"""A real Celery worker process runs a task enqueued through a real Redis and stores its result.

In CI the Redis is Debian's redis-server (REDIS_URL); elsewhere the embedded one. The worker uses
the test database, so the task's write is visible here."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from portal.models import Heartbeat

BASE_DIR = Path(__file__).resolve().parent.parent


def _test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_an_enqueued_task_and_stores_its_result(redis_url):
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
         "--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    producer = Celery("producer", broker=redis_url, backend=redis_url)
    try:
        result = producer.send_task("portal.tasks.heartbeat_task", queue=queue)
        returned = result.get(timeout=60)
        assert result.state == "SUCCESS"
        stored = producer.AsyncResult(result.id)
        assert stored.result == returned
        assert Heartbeat.objects.get(name="beat").last_seen.isoformat() == returned
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
        producer.close()
