"""Checks on uploaded files: the type is read from the content, never trusted from the name."""

from __future__ import annotations

import zipfile
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "png": "PNG",
    "jpg": "JPEG",
}

# The name's extension must say what the content is.
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
}


def _bad_name(name: str) -> bool:
    """A name with a path in it ('..', '/', '\\'), NUL or another control character."""
    return (
        "/" in name
        or "\\" in name
        or ".." in name
        or any(ord(char) < 32 or ord(char) == 127 for char in name)
    )


class ZipBomb(ValueError):
    """An Office file (a zip archive) that would unpack to far more than it weighs."""


def detect_kind(upload: Any) -> str | None:
    """'pdf', 'docx', 'png', 'jpg' or None, from the file's first bytes (and, for .docx, its
    archive directory)."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    kind = guessed.extension if guessed else None
    if kind in ("zip", "docx", "xlsx"):
        kind = _office_kind(upload)
    upload.seek(position)
    return kind


def _check_archive(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from the archive's directory alone, without unpacking anything: too many
    members, too large once unpacked, or compressed too well (limits UPLOAD_ZIP_* in settings)."""
    max_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    max_unpacked = settings.UPLOAD_ZIP_MAX_UNPACKED_MB * 1024 * 1024
    max_ratio = settings.UPLOAD_ZIP_MAX_RATIO
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if len(members) > max_members or unpacked > max_unpacked:
        raise ZipBomb
    # Small archives are left alone: a few kilobytes of XML compress very well too.
    if unpacked > 1024 * 1024 and unpacked > max_ratio * max(packed, 1):
        raise ZipBomb
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise ZipBomb


def _office_kind(upload: Any) -> str | None:
    """'docx' or 'xlsx' for a well-formed Office archive, else None; ZipBomb for an archive that
    would unpack to far more than it weighs."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _check_archive(members)
            names = {member.filename for member in members}
    except ZipBomb:
        raise
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


@deconstructible
class DocumentUploadValidator:
    """Accept only the given kinds, up to `settings.<max_setting>` megabytes."""

    def __init__(self, kinds: tuple[str, ...], max_setting: str) -> None:
        self.kinds = tuple(kinds)
        self.max_setting = max_setting

    def __call__(self, upload: Any) -> None:
        if getattr(upload, "_committed", False):
            return  # a file already stored, checked when it was uploaded
        if _bad_name(getattr(upload, "name", "") or ""):
            raise ValidationError(
                _(
                    "The file name may not contain '..', slashes, backslashes, NUL or other "
                    "control characters. Rename the file and upload it again."
                ),
                code="name",
            )
        max_mb = getattr(settings, self.max_setting)
        if upload.size > max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size).1f MB; at most %(max)d MB is allowed."),
                code="size",
                params={"size": upload.size / 1024 / 1024, "max": max_mb},
            )
        try:
            kind = detect_kind(upload)
        except ZipBomb:
            raise ValidationError(
                _(
                    "This Office file would unpack to far more than its size (at most %(max)d MB "
                    "and %(members)d parts are allowed); it is refused as a possible zip bomb."
                ),
                code="zip_bomb",
                params={
                    "max": settings.UPLOAD_ZIP_MAX_UNPACKED_MB,
                    "members": settings.UPLOAD_ZIP_MAX_MEMBERS,
                },
            ) from None
        if kind not in self.kinds:
            raise ValidationError(
                _(
                    "Upload a file of one of these types: %(kinds)s. This file's content is not one of them."
                ),
                code="type",
                params={"kinds": ", ".join(KIND_LABELS[k] for k in self.kinds)},
            )
        name = upload.name or ""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if EXTENSIONS.get(extension) != kind:
            raise ValidationError(
                _(
                    "The file's name ends in “%(extension)s” but its content is %(kind)s: give "
                    "it the extension of its type."
                ),
                code="extension",
                params={
                    "extension": f".{extension}" if extension else "",
                    "kind": KIND_LABELS[kind],
                },
            )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DocumentUploadValidator)
            and self.kinds == other.kinds
            and self.max_setting == other.max_setting
        )


validate_minutes_upload = DocumentUploadValidator(
    ("pdf", "docx", "png", "jpg"), "MINUTES_MAX_UPLOAD_MB"
)
