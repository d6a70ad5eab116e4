import os
from typing import Any

from celery import Celery
from celery.signals import beat_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def heartbeat_at_start(sender: Any, **kwargs: Any) -> None:
    """/healthz counts the beat as alive once a heartbeat is recorded; the schedule's first one
    comes a whole interval after the beat starts, so a new installation (or `make run`) would
    answer 503 for its first half minute. One heartbeat is sent as the beat starts."""
    sender.app.send_task("portal.tasks.heartbeat_task", expires=settings.HEARTBEAT_INTERVAL_SECONDS)
