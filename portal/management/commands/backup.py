from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write an archive of the database and the uploaded files (var/backups/ by default)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="Where to write the .tar.gz archive.")

    def handle(self, *args, **options):
        try:
            result = backup_create(out=options["out"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written: {result.path} ({result.engine} database, "
            f"{result.media_files} uploaded files)"
        )
