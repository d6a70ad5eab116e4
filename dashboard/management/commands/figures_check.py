"""Compare every unit's stored figures with the figures computed now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboard.services import unit_figures_differences


class Command(BaseCommand):
    help = (
        "Recompute every unit's figures in memory and list where the stored row differs "
        "(unit, field, stored, computed); exit 1 when any does. --fix stores them again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Store the differing rows again.")

    def handle(self, *args: Any, fix: bool = False, **options: Any) -> None:
        differences = unit_figures_differences(fix=fix)
        for unit_id, field, stored, computed in differences:
            self.stdout.write(f"{unit_id}\t{field}\t{stored!r}\t{computed!r}")
        units = len({unit_id for unit_id, *_rest in differences})
        if differences and not fix:
            raise CommandError(f"{len(differences)} differences in {units} units.", returncode=1)
        self.stdout.write(f"{len(differences)} differences in {units} units.")
