"""gunicorn settings of the portal's web server (the Dockerfile's `gunicorn --config
portal/gunicorn_conf.py`; `make bench` and `make load` run it too, through
devtools/bench/gunicorn_conf.py, which adds their timing).

A worker readies Django before it takes its first request (portal.warm): without this the first
request of each worker imports every view (the URLconf is imported lazily), loads the translation
catalogues and compiles the templates it meets, and costs 1-1.5 s instead of milliseconds.

Then it sets the garbage collector for a web worker. What the worker has loaded (Django, the
URLconf, the compiled templates: several hundred thousand objects that live as long as it does)
is frozen out of the collector's reach, so that a full collection no longer walks it again; and
the youngest generation is collected after 50,000 new objects rather than Python's 700, since a
page that reads a few hundred rows and renders a template makes tens of thousands, nearly all
freed by reference counting when the request ends. Together they take the collector from about
6 % of a worker's processor time to under 2 % (a mix of the reviewers' pages at 5,000 units).

gunicorn reads this file in the master before Django is set up: Django is imported inside the
hook, which runs in a worker after the application (portal.wsgi, django.setup()) was loaded.
"""

from __future__ import annotations

import gc
import time

# gc.set_threshold: the youngest generation after 50,000 allocations, each older one after 20
# collections of the one below it (Python's defaults: 700, 10, 10).
WORKER_GC_THRESHOLDS = (50_000, 20, 20)


def worker_ready(worker) -> None:
    """Ready the worker for its first request and set its garbage collector (module text)."""
    from portal.warm import worker_warm

    started = time.perf_counter()
    readied = worker_warm()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    worker.log.info(
        "worker %s warm in %.0f ms: %s; %s objects frozen",
        worker.pid,
        (time.perf_counter() - started) * 1000,
        readied,
        gc.get_freeze_count(),
    )


def post_worker_init(worker) -> None:
    worker_ready(worker)
