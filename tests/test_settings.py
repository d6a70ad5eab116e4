import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "-production-secret-key-for-the-test-only-" + "x" * 20


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    # a fresh production process: none of the test run's own settings
    skipped = {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in skipped}
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings.production", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_production_settings_refuse_a_missing_secret_key():
    result = _run("manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = _run("manage.py", "check", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.cn",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Only a fact about the machine may be reported, as Info: slow PDF font subsetting where the
    # system lacks libharfbuzz-subset (CI installs it; a fresh developer machine may not have it).
    reported = re.findall(r"\?: \(([\w.]+)\)", result.stdout + result.stderr)
    assert set(reported) <= {"reporting.I002"}, result.stdout + result.stderr
    assert "no issues" in result.stdout or reported
