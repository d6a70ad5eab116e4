"""Two workers and one beat (the DatabaseScheduler, as in production) through several reminder
sweeps: each reminder goes out exactly once, although the sweeps run on both workers, at times
at once. The sweeps are scheduled every second for the test (rows of django_celery_beat, which
the DatabaseScheduler reads); Redis is the test's own."""

import json
import os
from datetime import date, timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from inspections.models import RectificationReminder
from inspections.services import rectification_reminder_sweep
from inspections.tests.factories import FindingFactory, RectificationFactory
from reporting.models import Reminder
from reporting.services import reminder_sweep
from reporting.tests.factories import ObligationFactory
from tests import faults
from tests.faults import (
    assert_each_reminder_once,
    celery_env,
    start_beat,
    start_worker,
    stop,
    wait_for,
)

own_redis = faults.own_redis
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not os.environ.get("FAULTS_BEAT_ON_SQLITE"),
        reason="runs on PostgreSQL (CI's DATABASE_URL): on SQLite two workers and a beat "
        "serialize on the file's single write lock, slow and timing-dependent on a loaded "
        "machine (FAULTS_BEAT_ON_SQLITE=1 runs it there anyway)",
    ),
]

SWEEPS = {
    "faults-reminder-sweep": "reporting.tasks.reminder_sweep_task",
    "faults-rectification-reminder-sweep": "inspections.tasks.rectification_reminder_sweep_task",
}


def _due_reminders(world) -> list:
    now = timezone.now()
    obligations = []
    for key in ("own", "sibling", "other"):
        unit = world.objects["units"][key]
        for days in (2, 10):  # overdue; and long overdue, which escalates too
            obligations.append(
                ObligationFactory(
                    unit=unit,
                    period_start=now.date() - timedelta(days=40 + days),
                    period_end=now.date() - timedelta(days=10 + days),
                    period_label=f"faults-{days}",
                    due_at=now - timedelta(days=days),
                )
            )
        RectificationFactory(
            finding=FindingFactory(inspection__unit=unit),
            deadline=date.today() - timedelta(days=3),  # noqa: DTZ011 - a calendar date
        )
    return obligations


def _sweep_results(client: redis.Redis) -> int:
    """How many sweeps the workers have finished: their results are counts (ints)."""
    finished = 0
    for key in client.scan_iter("celery-task-meta-*"):
        meta = json.loads(client.get(key))
        finished += meta["status"] == "SUCCESS" and isinstance(meta["result"], int)
    return finished


def test_two_workers_and_a_beat_send_each_reminder_once_over_several_sweeps(
    own_redis, world, tmp_path
):
    obligations = _due_reminders(world)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    for name, task in SWEEPS.items():
        PeriodicTask.objects.create(name=name, task=task, interval=every_second)
    env = celery_env(own_redis.url)
    processes = [
        start_worker(env, "--pool", "solo", name="w1"),
        start_worker(env, "--pool", "solo", name="w2"),
        start_beat(env, tmp_path),
    ]
    client = redis.Redis.from_url(own_redis.url)
    try:
        wait_for(
            lambda: _sweep_results(client) >= 3 * len(SWEEPS),
            timeout=120,
            what="several sweeps to run",
        )
        stop(processes.pop())  # the beat: no more sweeps are published
        # the workers finish what was published
        wait_for(
            lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0,
            timeout=60,
            what="the workers to drain the queue",
        )
    finally:
        for process in processes:
            stop(process)
        client.close()
    ran = {task.name: task.total_run_count for task in PeriodicTask.objects.filter(name__in=SWEEPS)}
    assert all(count > 1 for count in ran.values()), ran
    # Every due reminder went out (a sweep now finds none left), each exactly once.
    reminded = Reminder.objects.filter(obligation__in=obligations)
    assert {r.obligation_id for r in reminded} >= {o.pk for o in obligations if o.unit_id}
    assert reminded.filter(kind="escalation").exists()
    assert RectificationReminder.objects.exists()
    assert reminder_sweep() == 0
    assert rectification_reminder_sweep() == 0
    assert_each_reminder_once()
