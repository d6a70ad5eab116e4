"""Render a registered document (reporting.documents) to a file, without the web or a worker:

python manage.py render_document summary-report --unit 3 --format pdf --out report.pdf
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from reporting.documents import FORMATS, DocumentError, document_kinds, document_render


class Command(BaseCommand):
    help = "Render a document (e.g. summary-report) as PDF or Word to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.slug for kind in document_kinds()])
        parser.add_argument("--unit", type=int, help="id of the creation unit")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="e.g. zh-hans (default) or en"
        )

    def handle(self, *args, **options) -> None:
        params = {"unit": options["unit"]} if options["unit"] is not None else {}
        with translation.override(options["language"]):
            try:
                rendered = document_render(
                    kind=options["kind"], params=params, format=options["format"]
                )
            except DocumentError as error:
                raise CommandError(str(error)) from error
        out = Path(options["out"])
        out.write_bytes(rendered.content)
        self.stdout.write(f"{out} ({len(rendered.content)} bytes): {rendered.filename}")
