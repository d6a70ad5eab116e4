"""What the demo contributors share: the accounts' password, the context that each contributor
reads and adds to, and a stand-in PDF for scanned documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from creation.models import CreationUnit, Programme

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo accounts, printed by the command


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    token: str = ""


@dataclass
class DemoContext:
    """Filled by the first contributor (programmes, units, accounts) and read by the later ones;
    a contributor adds here only what a later contributor needs."""

    programmes: dict[str, Programme] = field(default_factory=dict)
    national: Programme | None = None
    units: dict[str, CreationUnit] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def minutes_pdf(title: str) -> ContentFile:
    """A one-page PDF standing in for scanned minutes (ASCII text: no font needed)."""
    text = f"Minutes: {title.encode('ascii', 'ignore').decode() or 'meeting'}"
    stream = f"BT /F1 12 Tf 40 160 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj" % number + content + b"endobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return ContentFile(body, name="minutes.pdf")
