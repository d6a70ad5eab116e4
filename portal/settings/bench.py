"""`make bench` and `make load`: the production settings (DEBUG off, whitenoise, manifest static
files, the same middleware) on a local machine: a local SECRET_KEY, plain HTTP on 127.0.0.1, the
development tools (seed_scale, seed_demo), and a URL configuration that adds one bare JSON view
to compare the API with."""

import os

# production.py refuses to start without a real key; the bench database holds generated data only.
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60)

from portal.settings.production import *  # noqa: F403
from portal.settings.production import ALLOWED_HOSTS, INSTALLED_APPS

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # the in-process figures use the test client
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# seed_scale / seed_demo and the bench URLs, which production.py does not install.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
ROOT_URLCONF = "devtools.bench.urls"

# The bench measures the server, not the ceiling on one client (portal.throttling).
API_THROTTLE_RATE = None
