"""gunicorn settings of `make bench` / `make load` (`gunicorn -c devtools/bench/gunicorn_conf.py`).

A worker readies Django before it takes its first request: without this the first request of
each worker imports every view (the URLconf is imported lazily), loads the translation catalogues
and compiles the templates it meets, and costs 1-1.5 s instead of milliseconds. Each worker also
logs how long its first request took, so the run can show that it is cheap.

gunicorn reads this file in the master before Django is set up: Django is imported inside the
hooks, which run in a worker after the application (portal.wsgi, django.setup()) was loaded.
"""

from __future__ import annotations

import os
import time

FIRST_REQUEST_LOG = "first request of worker"


def post_worker_init(worker) -> None:
    worker.first_request_logged = False
    # BENCH_COLD_WORKERS=1 (scripts/load.py --cold-workers) measures what the warm-up saves.
    if os.environ.get("BENCH_COLD_WORKERS") == "1":
        return
    from devtools.bench.warm import worker_warm

    started = time.perf_counter()
    readied = worker_warm()
    worker.log.info(
        "worker %s warm in %.0f ms: %s", worker.pid, (time.perf_counter() - started) * 1000, readied
    )


def pre_request(worker, request) -> None:
    worker.request_started = time.perf_counter()


def post_request(worker, request, environ, response) -> None:
    if getattr(worker, "first_request_logged", True):
        return
    worker.first_request_logged = True
    took_ms = (time.perf_counter() - worker.request_started) * 1000
    worker.log.info("%s %s: %s %.1f ms", FIRST_REQUEST_LOG, worker.pid, request.path, took_ms)
