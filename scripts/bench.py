"""`make bench`: the portal's performance figures on PostgreSQL and Redis with the generated data
(seed_scale: 5,000 units, 10 years, seed 1), one JSON object per line on stdout:

    {"name": "...", "value": 0.0, "unit": "...", "goal": "...", "ok": true, ...details}

then a summary line. Progress goes to stderr. Exit status 0 when every figure was measured
(whether or not it meets its goal), 1 when one could not be measured.

    .venv/bin/python scripts/bench.py                 # pgserver + embedded redis unless
    DATABASE_URL=... REDIS_URL=... scripts/bench.py   # these are set
    scripts/bench.py --no-seed                        # the database as it is (e.g. seed_demo)

How each figure is measured: README.md, "Benchmarks".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from devtools.bench import servers  # noqa: E402


def emit(result: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


class Run:
    """Collects the figures as they are printed."""

    def __init__(self, only: list[str] | None = None) -> None:
        self.figures: list[dict[str, Any]] = []
        self.unmeasured: list[str] = []
        self.only = set(only or [])

    def measure(self, name: str, function: Callable[[], Any]) -> Any:
        if self.only and name not in self.only:
            return None
        servers.say(f"measuring {name}")
        try:
            result = function()
        except Exception as error:
            import traceback

            traceback.print_exc()
            self.unmeasured.append(name)
            emit({"name": name, "error": f"{type(error).__name__}: {error}"})
            return None
        for item in result if isinstance(result, list) else [result]:
            self.figures.append(item)
            emit(item)
        return result

    def summary(self) -> dict[str, Any]:
        goals = [f for f in self.figures if f["goal"]]
        return {
            "summary": f"{sum(f['ok'] for f in goals)}/{len(goals)} goals met",
            "missed": [f["name"] for f in goals if not f["ok"]],
            "unmeasured": self.unmeasured,
        }


def export_figure(env: dict[str, str], rows: int) -> dict[str, Any]:
    """CSV and Excel, each in a fresh process (its RSS high-water mark is the figure); the
    figure is the larger of the two, and meets its goal when each download also took no longer
    than its seconds (EXPORT_SECONDS_GOALS)."""
    from devtools.bench.figures import EXPORT_SECONDS_GOALS, figure

    children = {
        fmt: subprocess.Popen(  # noqa: S603 - this script
            [sys.executable, __file__, "--export-child", fmt, "--export-rows", str(rows)],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        for fmt in ("csv", "xlsx")  # side by side: each is its own process and memory
    }
    results = {}
    for fmt, child in children.items():
        output, _ = child.communicate()
        if child.returncode:
            raise RuntimeError(f"the {fmt} export exited with {child.returncode}")
        results[fmt] = json.loads(output.strip().splitlines()[-1])
    worst = max(results.values(), key=lambda r: r["value"])
    measured = figure(
        "export_600k_peak_mb",
        worst["value"],
        rows=worst["rows"],
        what=worst["what"] + " (RSS high-water mark of the process)",
        csv_seconds=results["csv"]["seconds"],
        xlsx_seconds=results["xlsx"]["seconds"],
        seconds_goal=", ".join(f"{fmt} <= {s:g} s" for fmt, s in EXPORT_SECONDS_GOALS.items()),
        **{
            f"{fmt}_{key}": result[key]
            for fmt, result in results.items()
            for key in ("value", "baseline_mb", "bytes")
        },
    )
    in_time = all(results[fmt]["seconds"] <= s for fmt, s in EXPORT_SECONDS_GOALS.items())
    measured["ok"] = measured["ok"] and in_time
    return measured


def status_ratio_figure(host: str, plan: Path, users: int, seconds: int) -> dict[str, Any]:
    """The figure is the steady state: every status read once before (warm_status_cache). The
    first run, on statuses nobody has read since the last write, is printed as `cold_…`."""
    from devtools.bench.figures import GOALS, figure

    def run(target: str, name: str):
        return servers.run_locust(
            host=host, target=target, plan=plan, users=users, seconds=seconds, name=name
        )

    cold = run("status", "status_cold")
    pages = servers.warm_status_cache(host, plan)
    status = run("status", "status")
    ping = run("ping", "ping")
    if not status.requests or not ping.rps:
        raise RuntimeError("locust made no requests")
    measured = figure(
        "status_rps_ratio",
        status.rps / ping.rps,
        status_rps=round(status.rps, 1),
        ping_rps=round(ping.rps, 1),
        status_failures=status.failures + cold.failures,
        ping_failures=ping.failures,
        status_p50_ms=status.p50_ms,
        status_p99_ms=status.p99_ms,
        cold_ratio=round(cold.rps / ping.rps, 3),
        cold_status_rps=round(cold.rps, 1),
        cold_status_p50_ms=cold.p50_ms,
        warmed_pages=pages,
        users=users,
        seconds=seconds,
    )
    # The goal holds warm and cold: the figure meets it only when the cold ratio does too.
    _op, goal, _unit = GOALS["status_rps_ratio"]
    measured["ok"] = measured["ok"] and measured["cold_ratio"] >= goal
    return measured


def dashboard_figure(host: str, cookie: str, requests: int = 60) -> dict[str, Any]:
    """Sequential GETs of /dashboard/ as the office reviewer (5 warm-up requests not counted),
    each rendered (Cache-Control: no-cache, as after a write: portal.page_cache); the same
    replayed from the page cache is printed beside it."""
    from devtools.bench.figures import figure, percentile

    def times_of(headers: dict[str, str]) -> list[float]:
        times = []
        for number in range(requests + 5):
            request = urllib.request.Request(  # noqa: S310 - our own server
                f"{host}/dashboard/", headers={"Cookie": f"sessionid={cookie}", **headers}
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()
                if response.status != 200 or response.url.rstrip("/").endswith("login"):
                    raise RuntimeError(f"/dashboard/ answered {response.status} {response.url}")
            if number >= 5:
                times.append((time.perf_counter() - start) * 1000)
        return times

    rendered = times_of({"Cache-Control": "no-cache"})
    replayed = times_of({})
    return figure(
        "dashboard_p95_ms",
        percentile(rendered, 95),
        p50_ms=round(percentile(rendered, 50), 1),
        max_ms=round(max(rendered), 1),
        requests=len(rendered),
        replayed_p95_ms=round(percentile(replayed, 95), 1),
        replayed_p50_ms=round(percentile(replayed, 50), 1),
    )


def export_child(fmt: str, rows: int) -> None:
    import django

    django.setup()
    from devtools.bench.figures import export_figure_in_process

    emit(export_figure_in_process(fmt, rows))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-seed", action="store_true", help="do not run seed_scale")
    parser.add_argument(
        "--demo", action="store_true", help="seed_demo instead of seed_scale (small data)"
    )
    parser.add_argument("--users", type=int, default=10, help="locust users for the rps ratio")
    parser.add_argument("--seconds", type=int, default=20, help="locust run per measurement")
    parser.add_argument("--export-rows", type=int, default=600_000)
    parser.add_argument(
        "--only", action="append", metavar="FIGURE", help="measure only this figure (repeatable)"
    )
    parser.add_argument("--export-child", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child, args.export_rows)
        return 0

    run = Run(args.only)
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
        from devtools.bench import figures

        run.measure("max_queries", figures.max_queries_figure)
        run.measure("scoring_seconds", figures.scoring_figures)
        run.measure("reminder_sweep_seconds", figures.reminder_figures)
        run.measure("pdf_10_pages_seconds", figures.pdf_figure)
        run.measure("bulletin_5000_seconds", figures.bulletin_figure)
        run.measure("export_600k_peak_mb", lambda: export_figure(env, args.export_rows))
        servers.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        plan_path = servers.BENCH_DIR / "plan.json"
        try:
            plan = figures.write_plan(plan_path)
        except Exception as error:
            for name in ("status_rps_ratio", "dashboard_p95_ms"):
                run.unmeasured.append(name)
                emit({"name": name, "error": f"no users or units to load: {error}"})
            plan = None
        from django.db import connection

        connection.close()  # the server's workers get their own connections
        if plan is not None:
            with servers.gunicorn(env, workers=2) as server:
                host = server.url
                run.measure(
                    "status_rps_ratio",
                    lambda: status_ratio_figure(host, plan_path, args.users, args.seconds),
                )
                run.measure(
                    "dashboard_p95_ms",
                    lambda: dashboard_figure(host, plan["sessions"]["office"]),
                )
    emit(run.summary())
    return 1 if run.unmeasured else 0


if __name__ == "__main__":
    sys.exit(main())
