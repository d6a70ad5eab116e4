"""Imported by the fault tests and by the worker processes they start (`celery worker -I
tests.faults_hooks`): the real summary report under another name, whose rendering waits, when
FAULTS_HOLD_DIR is set, until the test lets it go. The test can then kill the worker in the
middle of a real document job."""

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from reporting.documents import document_kind_get, document_kind_register

SLOW_SUMMARY = "faults-slow-summary"


def _held_context(params: dict[str, Any]) -> dict[str, Any]:
    hold = os.environ.get("FAULTS_HOLD_DIR")
    if hold:
        directory = Path(hold)
        (directory / f"rendering-{os.getpid()}").touch()
        deadline = time.monotonic() + 120
        while not (directory / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    return document_kind_get("summary-report").context(params)


document_kind_register(
    replace(document_kind_get("summary-report"), slug=SLOW_SUMMARY, context=_held_context)
)
