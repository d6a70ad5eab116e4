"""`make load`: the portal as an installation runs it (gunicorn with the bench settings, a Celery
worker and the beat, on the bench database of `make bench`) under 200 concurrent clients for 60 s
on a deadline day: reads of the main pages and the status API, and about 5 % writes. Prints the
figures as JSON lines (p50, p95, p99, requests, errors, the share of writes; goals p95 <= 300 ms,
p99 <= 800 ms, 0 errors), then a summary. Exit status 1 when a request failed.

Clients (scripts/locustfile.py, 1-3 s of think time between requests): office reviewers
(dashboard, unit list, review queue, funds, claims, gauges, inspections, unit home and calendar;
they accept or return submitted reports and verify or reject adoption claims), provincial
reviewers, unit staff (their unit's pages; they save and submit reports and claim adoptions) and
API clients (status of a unit, status list, unit list). Writes post the real forms with their
CSRF token, on targets prepared in the plan (devtools/bench/write_targets.py) so that each is one
the portal accepts; a refused write is an error of the run. Sessions are logged in beforehand
(force_login), so the run neither hashes 200 passwords nor posts login forms that django-axes
would count.

The worker and the beat run as Procfile.dev and docker-compose.yml run them (same settings and
broker); the tasks the worker did during the run are printed. Each gunicorn worker is warmed
before its first request (devtools/bench/gunicorn_conf.py); the first request of each is printed
(`--cold-workers` leaves them cold, to compare).

Before measuring, every unit's status is read once through the status list (as a client that
pulls them all does) and each list page is requested once per kind of user
(scripts/load_pages.py): the run measures a portal in use, whose figures have been read since the
last write, not one just started (the first reading of the dashboard or the veto gauges at 5,000
units takes seconds; the warm-up's time is printed). The pages of single units are not warmed.

    .venv/bin/python scripts/load.py [--users 200] [--seconds 60] [--workers 3] [--no-seed]
    .venv/bin/python scripts/load.py --demo --users 20 --seconds 15   # a smoke run on demo data
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from devtools.bench import servers  # noqa: E402
from scripts.load_pages import API_LISTS, OFFICE_PAGES, PROVINCE_PAGES, UNIT_PAGES  # noqa: E402


def warm_up(host: str, plan_path: Path) -> tuple[int, int, float]:
    """Every unit's status once (through the status list), then each list page once per kind of
    user: the status pages and list pages read, and the seconds it took."""
    started = time.perf_counter()
    status_pages = servers.warm_status_cache(host, plan_path)
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    sessions = plan["sessions"]
    requests = [(API_LISTS.values(), {"Authorization": f"Token {plan['token']}"})]
    for role, pages in (("office", OFFICE_PAGES.values()), ("province", PROVINCE_PAGES.values())):
        if role in sessions:
            requests.append((pages, {"Cookie": f"sessionid={sessions[role]}"}))
    if "unit" in sessions:
        unit_pages = [page.format(plan["staff_unit_id"]) for page in UNIT_PAGES.values()]
        requests.append((unit_pages, {"Cookie": f"sessionid={sessions['unit']}"}))
    count = 0
    for pages, headers in requests:
        for page in pages:
            request = urllib.request.Request(host + page, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
                answer.read()
            count += 1
    return status_pages, count, time.perf_counter() - started


def page_replays(path: Path) -> dict:
    """How many of the pages asked for (GETs of signed-in users, not the API, which is never
    stored) the page cache answered (portal.page_cache marks them), overall and per page, the
    pages read most first: what the cache earns under this load."""
    counts = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    pages = {name: n for name, n in counts.items() if not name.startswith("/api/")}
    replayed = sum(n[0] for n in pages.values())
    asked = sum(n[1] for n in pages.values())
    return {
        "share_pct": round(100 * replayed / asked, 1) if asked else 0.0,
        "detail": {
            "replayed": replayed,
            "pages_asked": asked,
            "by_page": {
                name: [n[0], n[1]] for name, n in sorted(pages.items(), key=lambda kv: -kv[1][1])
            },
        },
    }


def probe_first_requests(server: servers.Gunicorn, workers: int, seconds: float = 10) -> dict:
    """Concurrent requests of the bare view until every worker has logged its first request (the
    bench's gunicorn config logs it): worker pid -> (path, ms). One worker's first request may be
    the health check that told the server was up."""
    ping = f"{server.url}/bench/ping/"

    def get(_: int) -> None:
        with urllib.request.urlopen(ping, timeout=60) as answer:  # noqa: S310 - our own server
            answer.read()

    deadline = time.monotonic() + seconds
    found = server.first_requests_ms()
    with ThreadPoolExecutor(max_workers=workers * 4) as pool:
        while len(found) < workers and time.monotonic() < deadline:
            list(pool.map(get, range(workers * 4)))
            time.sleep(0.2)  # the log is written after the answer
            found = server.first_requests_ms()
    return found


def write_figures(rows: list[servers.LocustRow]) -> dict:
    """The share of writes (posted forms) among all requests, and requests and errors of each
    kind of write."""
    total = sum(row.requests for row in rows)
    writes = [row for row in rows if row.method == "POST"]
    return {
        "share_pct": round(100 * sum(row.requests for row in writes) / total, 2) if total else 0,
        "writes": sum(row.requests for row in writes),
        "by_kind": {row.name: {"requests": row.requests, "errors": row.failures} for row in writes},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60, help="time at full concurrency")
    parser.add_argument("--spawn-rate", type=int, default=50, help="users started per second")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers (the Dockerfile runs 3)"
    )
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-seed", action="store_true", help="do not run seed_scale")
    parser.add_argument(
        "--demo", action="store_true", help="seed_demo instead of seed_scale (small data)"
    )
    parser.add_argument(
        "--cold-workers",
        action="store_true",
        help="gunicorn workers not warmed before their first request (to compare)",
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="no writes by the clients (the worker and the beat still run), to compare",
    )
    args = parser.parse_args()

    with servers.database() as database_url, servers.redis() as redis_url:
        env = servers.bench_env(database_url, redis_url)
        os.environ.update(env)
        if args.no_seed or args.demo:
            servers.manage(env, "migrate", "--noinput", "-v0")
            if args.demo:
                servers.manage(env, "seed_demo")
            servers.collectstatic(env)
        else:
            servers.prepare(env, units=args.units, years=args.years, seed=args.seed)

        import django

        django.setup()
        from django.db import connection

        from devtools.bench.figures import figure, info, write_plan

        servers.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        plan_path = servers.BENCH_DIR / "load-plan.json"
        plan = write_plan(plan_path)
        if args.reads_only:
            plan.pop("staff")  # the clients then only read (scripts/locustfile.py)
            plan_path.write_text(json.dumps(plan), encoding="utf-8")
        connection.close()
        ramp = math.ceil(args.users / args.spawn_rate)
        with (
            servers.celery(env) as celery,
            servers.gunicorn(env, workers=args.workers, warm=not args.cold_workers) as server,
        ):
            first_requests = probe_first_requests(server, args.workers)
            servers.say(
                "first request of each worker: "
                + ", ".join(f"{path} {ms:.0f} ms" for path, ms in first_requests.values())
            )
            status_pages, warmed, warm_seconds = warm_up(server.url, plan_path)
            servers.say(
                f"warm-up: {status_pages} pages of statuses and {warmed} list pages "
                f"in {warm_seconds:.1f} s"
            )
            tasks_before = celery.counts()
            stats = servers.run_locust(
                host=server.url,
                target="load",
                plan=plan_path,
                users=args.users,
                seconds=args.seconds + ramp,
                spawn_rate=args.spawn_rate,
                name="load",
            )
            tasks = celery.counts()
    replays = page_replays(servers.BENCH_DIR / "load_replays.json")
    rows = servers.read_locust_rows(servers.BENCH_DIR / "load_stats.csv")
    failures = servers.read_locust_failures(servers.BENCH_DIR / "load_failures.csv")
    writes = write_figures(rows)
    errors_by_kind = {row.name: row.failures for row in rows if row.failures}
    first_ms = max((ms for _path, ms in first_requests.values()), default=float("nan"))
    during_run = {key: tasks[key] - tasks_before[key] for key in tasks}
    lines = [
        figure(
            "load_errors",
            stats.failures,
            requests=stats.requests,
            rps=round(stats.rps, 1),
            by_kind=errors_by_kind,
            reasons=[f"{name}: {error} ({n})" for name, error, n in failures[:10]],
        ),
        figure("load_p95_ms", stats.p95_ms, p50_ms=stats.p50_ms, requests=stats.requests),
        figure("load_p99_ms", stats.p99_ms, p50_ms=stats.p50_ms, p95_ms=stats.p95_ms),
        info(
            "load_write_share",
            writes["share_pct"],
            "%",
            writes=writes["writes"],
            by_kind=writes["by_kind"],
            staff_units=len(plan.get("staff", [])),
        ),
        info(
            "load_first_request_ms",
            first_ms,
            "ms",
            workers={str(pid): [path, ms] for pid, (path, ms) in first_requests.items()},
            warm=not args.cold_workers,
        ),
        info(
            "load_celery_tasks",
            during_run["succeeded"],
            "tasks",
            during_run=during_run,
            since_start=tasks,
        ),
        info("load_page_replays", replays["share_pct"], "%", **replays["detail"]),
        info(
            "load_warm_up_seconds",
            warm_seconds,
            "s",
            pages=warmed,
            status_pages=status_pages,
        ),
    ]
    for line in lines:
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    goals = [line for line in lines if line["goal"]]
    missed = [line["name"] for line in goals if not line["ok"]]
    summary = {"summary": f"{len(goals) - len(missed)}/{len(goals)} goals met", "missed": missed}
    sys.stdout.write(json.dumps(summary) + "\n")
    sys.stdout.write(
        f"load: {args.users} clients, {args.seconds} s (+{ramp} s ramp), {args.workers} gunicorn "
        f"workers, a Celery worker and the beat ({during_run['succeeded']} tasks done during the "
        f"run): {stats.requests} requests, {writes['share_pct']} % writes, {stats.failures} "
        f"errors, p50 {stats.p50_ms:.0f} ms, p95 {stats.p95_ms:.0f} ms, p99 {stats.p99_ms:.0f} "
        "ms (per endpoint: var/bench/load_stats.csv)\n"
    )
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
