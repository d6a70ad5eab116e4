from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.services import heartbeat_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_broker(settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url


def test_healthz_is_200_when_database_broker_and_beat_are_healthy(client, live_broker):
    heartbeat_record()
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["beat"]["ok"] is True
    assert body["beat"]["age_seconds"] < 5


def test_healthz_is_503_before_the_first_heartbeat(client, live_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"] == {"ok": False, "last_seen": None, "age_seconds": None}


def test_healthz_is_503_when_the_heartbeat_is_stale(client, live_broker, settings):
    heartbeat_record(at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS + 5))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"]["ok"] is False


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    heartbeat_record()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["beat"]["ok"] is True


def test_heartbeat_task_records_the_beat(settings):
    from portal.models import Heartbeat
    from portal.tasks import heartbeat_task

    before = timezone.now()
    heartbeat_task()
    assert Heartbeat.objects.get(name="beat").last_seen >= before


def test_heartbeat_is_scheduled_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == "portal.tasks.heartbeat_task"
    assert entry["schedule"].run_every.total_seconds() < settings.HEARTBEAT_MAX_AGE_SECONDS


def test_the_beat_sends_a_heartbeat_as_it_starts(client, live_broker):
    """Without it /healthz answers 503 for a whole heartbeat interval after start-up."""
    from celery.signals import beat_init

    from portal.celery import app

    sent = []

    class StartingBeat:
        pass

    StartingBeat.app = type(
        "App", (), {"send_task": lambda self, name, **options: sent.append(name)}
    )()
    beat_init.send(sender=StartingBeat)
    assert sent == ["portal.tasks.heartbeat_task"]
    # The name is the registered task's, and running it makes /healthz healthy.
    app.tasks[sent[0]]()
    assert client.get(reverse("healthz")).status_code == 200
