"""Hostile uploads through the real pages and the API: a file whose content is not what its
field accepts or not what its name says, too large, with a path or control characters in its name,
or a Word/Excel zip bomb is refused with a clear message, in Chinese and in English, and nothing
is stored."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from creation.models import Meeting
from creation.tests.factories import PDF_BYTES
from funds.models import Expenditure
from portal.uploads import DocumentUploadValidator
from reporting.models import Submission
from reporting.tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


# English message, and the start of it (before any placeholder) to look for in either language.
TYPE = "Upload a file of one of these types: %(kinds)s. This file's content is not one of them."
SIZE = "The file is %(size).1f MB; at most %(max)d MB is allowed."
NAME = (
    "The file name may not contain '..', slashes, backslashes, NUL or other control characters. "
    "Rename the file and upload it again."
)
EXTENSION = (
    "The file's name ends in “%(extension)s” but its content is %(kind)s: give it the extension "
    "of its type."
)
BOMB = (
    "This Office file would unpack to far more than its size (at most %(max)d MB and "
    "%(members)d parts are allowed); it is refused as a possible zip bomb."
)

CASES = {
    # name, content, message
    "exe named .pdf": ("纪要.pdf", EXE_BYTES, TYPE),
    "png named .pdf": ("纪要.pdf", PNG_BYTES, EXTENSION),
    "pdf named .png": ("纪要.png", PDF_BYTES, EXTENSION),
    "text named .docx": ("纪要.docx", b"PK\x03\x04 not really a zip", TYPE),
    "zip of no Word named .docx": ("纪要.docx", _zip({"hello.txt": b"hello"}), TYPE),
    "docx zip bomb": (
        "纪要.docx",
        _docx({"word/media/zeros.bin": b"\0" * (12 * 1024 * 1024)}),
        BOMB,
    ),
    "too large": ("纪要.pdf", PDF_BYTES + b"0" * int(1.2 * 1024 * 1024), SIZE),
    "dots in the name": ("纪要..pdf", PDF_BYTES, NAME),
}


def _expected(message: str, language: str) -> str:
    """The message's text before its first placeholder, as the given language shows it."""
    with translation.override(language):
        text = translation.gettext(message)
    for mark in ("%(", "“"):
        text = text.split(mark)[0]
    return text.strip()[:24]


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.MINUTES_MAX_UPLOAD_MB = 1
    settings.UPLOAD_ZIP_MAX_UNPACKED_MB = 10


def _client(client, world, language):
    client.cookies["django_language"] = language
    client.force_login(world.users["unit_staff"])
    return client


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _no_files_stored(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(
        path.is_file() and "minutes/meeting" in str(path) for path in media.rglob("*")
    )


MEETING = {
    "kind": "regular",
    "held_on": "2026-04-10",
    "title": "恶意上传测试例会",
    "attendees": "组长及成员",
    "agenda": "部署工作",
    "decisions": "按期推进",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_meeting_page_refuses_the_upload_and_keeps_the_form(
    client, world, settings, case, language
):
    name, content, message = CASES[case]
    unit = world.objects["units"]["own"]
    before = Meeting.objects.count()
    response = _client(client, world, language).post(
        reverse("creation:meeting-create", kwargs={"pk": unit.pk}),
        {**MEETING, "minutes": _upload(name, content)},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["minutes"])
    assert _expected(message, language) in errors, errors
    assert "恶意上传测试例会" in response.content.decode()  # what was typed is kept
    assert Meeting.objects.count() == before
    assert not Meeting.objects.filter(title="恶意上传测试例会").exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", ["exe named .pdf", "png named .pdf", "docx zip bomb", "too large"])
def test_meeting_api_refuses_the_upload(api_client, world, case, language):
    name, content, message = CASES[case]
    api_client.force_authenticate(world.users["unit_staff"])
    response = api_client.post(
        reverse("api:meeting-list"),
        {
            **MEETING,
            "unit": world.objects["units"]["own"].pk,
            "minutes": _upload(name, content),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    assert _expected(message, language) in " ".join(response.json()["fields"]["minutes"])
    assert not Meeting.objects.filter(title="恶意上传测试例会").exists()


@pytest.mark.parametrize("case", ["exe named .pdf", "pdf named .png", "too large"])
def test_expenditure_page_refuses_a_bad_voucher(client, world, case):
    name, content, message = CASES[case]
    unit = world.objects["units"]["own"]
    line = world.objects["budget_lines"]["own/filed"]
    before = Expenditure.objects.count()
    response = _client(client, world, "en").post(
        reverse("funds:expenditure-create", kwargs={"pk": unit.pk}),
        {
            "line": line.pk,
            "spent_on": "2026-04-02",
            "amount": "100.00",
            "payee": "长沙市群众艺术馆",
            "description": "社区文艺汇演",
            "voucher": _upload(name, content),
        },
    )
    assert response.status_code == 200
    assert _expected(message, "en") in " ".join(response.context["form"].errors["voucher"])
    assert Expenditure.objects.count() == before


@pytest.mark.parametrize("case", ["exe named .pdf", "docx zip bomb", "dots in the name"])
def test_report_page_refuses_a_bad_attachment(client, world, case):
    name, content, message = CASES[case]
    start = date(2031, 1, 1)
    obligation = ObligationFactory(
        unit=world.objects["units"]["own"], period_start=start, period_end=start
    )
    response = _client(client, world, "zh-hans").post(
        reverse("reporting:submission-edit", kwargs={"pk": obligation.pk}),
        {
            "action": "save",
            "title": "工作动态",
            "body": "正文",
            "attachments": [_upload(name, content)],
        },
    )
    assert response.status_code == 200
    assert _expected(message, "zh-hans") in str(response.context["form"].errors["attachments"])
    assert not Submission.objects.filter(obligation=obligation).exists()


def test_a_path_in_the_uploaded_name_never_reaches_the_disk(client, world, settings):
    """Django's multipart parser keeps only the last part of a name ('../../x.pdf' arrives as
    'x.pdf', NUL and other control characters are dropped); the stored name is made by the portal
    and the original name is kept only for display."""
    unit = world.objects["units"]["own"]
    response = _client(client, world, "en").post(
        reverse("creation:meeting-create", kwargs={"pk": unit.pk}),
        {**MEETING, "minutes": _upload("../../../etc/纪\x00要.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="恶意上传测试例会")
    assert meeting.minutes_name == "纪要.pdf"
    assert meeting.minutes.name.startswith("minutes/meeting/")
    stored = Path(meeting.minutes.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


@pytest.mark.parametrize(
    "name",
    ["../纪要.pdf", "a/纪要.pdf", "a\\纪要.pdf", "纪要\x00.pdf", "纪要\x1b.pdf", "纪要\x7f.pdf"],
)
def test_validator_refuses_paths_and_control_characters_in_names(name):
    validator = DocumentUploadValidator(("pdf",), "MINUTES_MAX_UPLOAD_MB")
    upload = _upload("x.pdf", PDF_BYTES)
    upload._name = name  # as a service could hand it over, past UploadedFile's own basename()
    with pytest.raises(ValidationError) as error:
        validator(upload)
    assert error.value.code == "name"


def test_validator_refuses_an_archive_of_too_many_parts(settings):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 50
    validator = DocumentUploadValidator(("docx",), "MINUTES_MAX_UPLOAD_MB")
    content = _docx({f"word/part{index}.xml": b"<x/>" for index in range(60)})
    with pytest.raises(ValidationError) as error:
        validator(_upload("纪要.docx", content))
    assert error.value.code == "zip_bomb"


def test_validator_accepts_real_office_files_and_images():
    validator = DocumentUploadValidator(("pdf", "docx", "png"), "MINUTES_MAX_UPLOAD_MB")
    for name, content in (("a.pdf", PDF_BYTES), ("b.docx", _docx()), ("c.PNG", PNG_BYTES)):
        validator(_upload(name, content))
