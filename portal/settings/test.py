"""The test suite: development settings with a fast password hasher and a test database that a
worker process started by a test can open too."""

import os

from portal.settings.dev import *  # noqa: F403
from portal.settings.dev import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client's login() authenticates without a request, which django-axes refuses; the
# throttling tests put its backend back (tests/test_login_throttling.py).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# One cache per test process, emptied before each test (conftest.py): a cache shared through Redis
# would outlive the rolled-back rows of the test that filled it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than memory, so that a Celery worker process can share it; one per test
    # run, so that two runs on one machine do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one PostgreSQL server, each with its own test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# No request ceiling: the API fuzz and matrix tests send thousands of requests as one user; the
# throttling test sets a rate of its own.
API_THROTTLE_RATE = None
# Pages are counted as their first reader sees them, so that a test of a page's queries does not
# depend on what an earlier request kept; the tests of the keep turn it on.
OPEN_TASKS_KEPT_SECONDS = 0
ROLES_KEPT_SECONDS = 0
