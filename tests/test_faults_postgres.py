"""PostgreSQL restarted: while it is down a page answers a clean bilingual 503 and the API a JSON
503, both with Retry-After; once it is back both answer 200 again, from the same server process
(its connections reconnect). The test runs its own PostgreSQL cluster (initdb on a free port)
and a real server process on it, never the shared server the rest of the suite uses."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.faults import PostgresServer, free_port, postgres_bin_dir, stop, wait_for
from tests.test_worker import BASE_DIR

pytestmark = pytest.mark.worker

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
user = get_user_model().objects.create_user("faults", password="x")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()})
session.create()
print(Token.objects.create(user=user).key, session.session_key)
"""


@pytest.fixture
def own_postgres():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    server = PostgresServer(bin_dir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except urllib.error.URLError:  # not listening yet
        return 0, {}, ""


def test_pages_and_api_answer_503_while_postgresql_is_down_and_200_once_it_is_back(
    own_postgres, tmp_path: Path
):
    own_postgres.create_database("faults")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": own_postgres.url("faults"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env,
                   check=True, timeout=300)  # fmt: skip
    token, session = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True, timeout=120,
        capture_output=True, text=True,
    ).stdout.split()[-2:]  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    page = (f"{base}/notifications/", {"Cookie": f"sessionid={session}"})
    api = (f"{base}/api/v1/programmes/", {"Authorization": f"Token {token}"})
    try:
        wait_for(lambda: _get(*page)[0] == 200, timeout=60, what="the server to answer the page")
        assert _get(*api)[0] == 200

        own_postgres.stop()
        status, headers, body = _get(*page)
        assert (status, headers["Retry-After"]) == (503, "30")
        assert headers["Content-Type"].startswith("text/html")
        assert body.index("服务暂时不可用") < body.index("Service temporarily unavailable")
        status, headers, body = _get(*api)
        assert (status, headers["Retry-After"]) == (503, "30")
        assert json.loads(body)["code"] == "unavailable"
        assert "数据库" in json.loads(body)["message"]

        own_postgres.start()
        wait_for(lambda: _get(*page)[0] == 200, timeout=60, what="the page to recover")
        assert _get(*api)[0] == 200
    finally:
        stop(server)
