"""Checks behind /healthz. Each returns (healthy, details) and never raises."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from portal.models import Heartbeat
from portal.services import BEAT_HEARTBEAT


def database_check() -> tuple[bool, dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means the database is not usable
        return False, {"ok": False, "error": type(error).__name__}
    return True, {"ok": True, "vendor": connection.vendor}


def broker_check() -> tuple[bool, dict[str, Any]]:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # unreachable, refused or timed out
        return False, {"ok": False, "error": type(error).__name__}
    return True, {"ok": True}


def beat_check(*, now: datetime | None = None) -> tuple[bool, dict[str, Any]]:
    try:
        heartbeat = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).first()
    except Exception as error:
        return False, {"ok": False, "error": type(error).__name__}
    if heartbeat is None:
        return False, {"ok": False, "last_seen": None, "age_seconds": None}
    age = ((now or timezone.now()) - heartbeat.last_seen).total_seconds()
    healthy = age <= settings.HEARTBEAT_MAX_AGE_SECONDS
    return healthy, {
        "ok": healthy,
        "last_seen": timezone.localtime(heartbeat.last_seen).isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": settings.HEARTBEAT_MAX_AGE_SECONDS,
    }
