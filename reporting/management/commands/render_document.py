"""Render a registered document (reporting.documents) to a file, without the web or a worker:

python manage.py render_document summary-report --unit 3 --format pdf --out report.pdf
python manage.py render_document inspection-letter --unit 3 --param inspection=7 \\
    --user office --out letter.docx --format docx

Who may have it is decided as for the pages and the API (reporting.services.document_access):
with `--user`, as that user; without, only what every reader of the unit may read, so an
inspection letter not yet sent (a draft, C7) needs `--user` of the programme's office.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from reporting.documents import FORMATS, DocumentError, document_kinds
from reporting.services import document_render_for


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(text)
    return name, value


class Command(BaseCommand):
    help = "Render a document (e.g. summary-report) as PDF or Word to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.slug for kind in document_kinds()])
        parser.add_argument("--unit", type=int, help="id of the creation unit")
        parser.add_argument(
            "--param",
            type=_param,
            action="append",
            default=[],
            help="another parameter of the document, e.g. inspection=7 (repeatable)",
        )
        parser.add_argument(
            "--user", help="username whose rights decide (default: any reader of the unit)"
        )
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="e.g. zh-hans (default) or en"
        )

    def handle(self, *args, **options) -> None:
        params: dict = {
            name: int(value) if value.isdigit() else value for name, value in options["param"]
        }
        if options["unit"] is not None:
            params["unit"] = options["unit"]
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        with translation.override(options["language"]):
            try:
                rendered = document_render_for(
                    user=user, kind=options["kind"], params=params, format=options["format"]
                )
            except (DocumentError, PermissionDenied) as error:
                raise CommandError(str(error)) from error
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        out = Path(options["out"])
        out.write_bytes(rendered.content)
        self.stdout.write(f"{out} ({len(rendered.content)} bytes): {rendered.filename}")
