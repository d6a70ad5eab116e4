from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_manifest, backup_restore


class Command(BaseCommand):
    help = "Put the database and the uploaded files back as they were in a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the current data."
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            manifest = backup_manifest(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not options["yes"]:
            answer = input(
                f"This replaces ALL current data with the backup of {manifest['created_at']}. "
                "Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            backup_restore(path=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']} from {archive}")
