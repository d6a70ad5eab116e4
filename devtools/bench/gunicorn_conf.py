"""gunicorn settings of `make bench` / `make load` (`gunicorn -c devtools/bench/gunicorn_conf.py`):
the portal's own (portal/gunicorn_conf.py: each worker warm before its first request, its garbage
collector set for a web worker), and each worker logs how long its first request took, so that
the run can show that it is cheap.

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
    from portal.gunicorn_conf import worker_ready

    worker_ready(worker)


def pre_request(worker, request) -> None:
    worker.request_started = time.perf_counter()


def post_request(worker, request, environ, response) -> None:
    if getattr(worker, "first_request_logged", True):
        return
    worker.first_request_logged = True
    took_ms = (time.perf_counter() - worker.request_started) * 1000
    worker.log.info("%s %s: %s %.1f ms", FIRST_REQUEST_LOG, worker.pid, request.path, took_ms)
