"""`make load`: 200 concurrent clients for 60 s against the main pages and the status API of the
portal under gunicorn on 127.0.0.1 (bench settings, the bench database of `make bench`), then the
total requests, errors, p50 and p99 latency. Exit status 1 when a request failed.

Clients (scripts/locustfile.py, 1-3 s of think time between requests): office reviewers
(dashboard, unit list, review queue, funds, claims, gauges, inspections, unit home and calendar),
provincial reviewers, unit staff and API clients (status of a unit, status list, unit list).
Sessions are logged in beforehand (force_login), so the run neither hashes 200 passwords nor
posts login forms that django-axes would count.

Before measuring, every unit's status is read once through the status list (as a client that
pulls them all does) and each list page is requested once per kind of user
(scripts/load_pages.py): the run measures a portal in use, whose figures have been read since the
last write, not one just started (the first reading of the dashboard or the veto gauges at 5,000
units takes seconds; the warm-up's time is printed). The pages of single units are not warmed.

    .venv/bin/python scripts/load.py [--users 200] [--seconds 60] [--workers 3] [--no-seed]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import urllib.request
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

        from devtools.bench.figures import figure, write_plan

        servers.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        plan = servers.BENCH_DIR / "load-plan.json"
        write_plan(plan)
        connection.close()
        ramp = math.ceil(args.users / args.spawn_rate)
        with servers.gunicorn(env, workers=args.workers) as host:
            status_pages, warmed, warm_seconds = warm_up(host, plan)
            servers.say(
                f"warm-up: {status_pages} pages of statuses and {warmed} list pages "
                f"in {warm_seconds:.1f} s"
            )
            stats = servers.run_locust(
                host=host,
                target="load",
                plan=plan,
                users=args.users,
                seconds=args.seconds + ramp,
                spawn_rate=args.spawn_rate,
                name="load",
            )
    for line in (
        figure("load_errors", stats.failures, requests=stats.requests, rps=round(stats.rps, 1)),
        figure(
            "load_p99_ms",
            stats.p99_ms,
            p50_ms=stats.p50_ms,
            p95_ms=stats.p95_ms,
            warm_up_pages=warmed,
            warm_up_status_pages=status_pages,
            warm_up_seconds=round(warm_seconds, 1),
        ),
    ):
        sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.write(
        f"load: {args.users} clients, {args.seconds} s (+{ramp} s ramp), {args.workers} gunicorn "
        f"workers: {stats.requests} requests, {stats.failures} errors, p50 {stats.p50_ms:.0f} ms, "
        f"p99 {stats.p99_ms:.0f} ms (per endpoint: var/bench/load_stats.csv)\n"
    )
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
