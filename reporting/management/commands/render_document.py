"""Render a registered document (reporting.documents) to a file, without the web or a worker.
Each kind takes its own options (`render_document KIND --help` lists them):

python manage.py render_document summary-report --unit 3 --format pdf --out report.pdf
python manage.py render_document inspection-letter --unit 3 --inspection 7 \\
    --user office --out letter.docx --format docx
python manage.py render_document publicity-bulletin --bulletin 2 --out bulletin.pdf

Who may have it is decided as for the pages and the API (reporting.services.document_access):
with `--user`, as that user; without, only what every reader of the unit may read, so an
inspection letter not yet sent (a draft, C7) needs `--user` of the programme's office.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from reporting.documents import FORMATS, DocumentError, DocumentKind, document_kinds
from reporting.services import document_render_for


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(text)
    return name, value


def _options(kind: DocumentKind) -> str:
    return ", ".join(f"--{param.name}" for param in kind.params) or "no options"


class Command(BaseCommand):
    help = "Render a document (e.g. summary-report) as PDF or Word to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument(
            "--param",
            type=_param,
            action="append",
            default=[],
            help="a parameter of the document as name=id, e.g. unit=3 (repeatable)",
        )
        common.add_argument(
            "--user", help="username whose rights decide (default: any reader of the unit)"
        )
        common.add_argument("--format", choices=FORMATS, default="pdf")
        common.add_argument("--out", required=True, help="file to write")
        common.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="e.g. zh-hans (default) or en"
        )
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="KIND", parser_class=CommandParser
        )
        every = {param.name for kind in document_kinds() for param in kind.params}
        for kind in document_kinds():
            sub = kinds.add_parser(
                kind.slug,
                parents=[common],
                help=f"{kind.title} ({_options(kind)})",
                description=f"{kind.title}: takes {_options(kind)}.",
                called_from_command_line=getattr(parser, "called_from_command_line", False),
            )
            for param in kind.params:
                sub.add_argument(f"--{param.name}", type=int, help=param.help)
            # Other kinds' options are read but not listed, so that handle() can say which
            # options this kind takes rather than argparse's bare "unrecognized arguments".
            for name in sorted(every - {param.name for param in kind.params}):
                sub.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        kind = next(k for k in document_kinds() if k.slug == options["kind"])
        takes = {param.name for param in kind.params}
        # Options of other kinds (possible through call_command) and --param names alike.
        every = {param.name for other in document_kinds() for param in other.params}
        given = {name for name in every if options.get(name) is not None}
        given |= {name for name, _value in options["param"]}
        unknown = sorted(given - takes)
        if unknown:
            raise CommandError(
                f"{kind.slug} does not take {', '.join(f'--{name}' for name in unknown)}: "
                f"it takes {_options(kind)}."
            )
        params: dict = {
            name: int(value) if value.isdigit() else value for name, value in options["param"]
        }
        params.update({name: options[name] for name in takes if options.get(name) is not None})
        missing = sorted(takes - set(params))
        if missing:
            raise CommandError(f"{kind.slug} needs {', '.join(f'--{name}' for name in missing)}.")
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
