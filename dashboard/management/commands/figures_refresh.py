"""Compute and store the figures of every unit (or of the units given)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dashboard.services import unit_figures_refresh


class Command(BaseCommand):
    help = "Compute and store the figures of every unit, or of the unit ids given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit_ids", nargs="*", type=int)

    def handle(self, *args: Any, unit_ids: list[int], **options: Any) -> None:
        started = time.monotonic()
        rows = unit_figures_refresh(unit_ids or None)
        self.stdout.write(f"{len(rows)} units in {time.monotonic() - started:.1f} s.")
