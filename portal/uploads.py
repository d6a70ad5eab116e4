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
# Office files are zip archives: refuse archives that would unpack to more than this (zip bombs).
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DOCX_MAX_MEMBERS = 5000


def _bad_name(name: str) -> bool:
    return "\x00" in name or "/" in name or "\\" in name or ".." in name


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


def _office_kind(upload: Any) -> str | None:
    """'docx' or 'xlsx' for a well-formed Office archive of a sane unpacked size, else None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > DOCX_MAX_MEMBERS:
                return None
            if sum(member.file_size for member in members) > DOCX_MAX_UNPACKED_BYTES:
                return None
            names = set(archive.namelist())
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
                _("The file name may not contain '..', slashes or NUL characters."), code="name"
            )
        max_mb = getattr(settings, self.max_setting)
        if upload.size > max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size).1f MB; at most %(max)d MB is allowed."),
                code="size",
                params={"size": upload.size / 1024 / 1024, "max": max_mb},
            )
        kind = detect_kind(upload)
        if kind not in self.kinds:
            raise ValidationError(
                _(
                    "Upload a file of one of these types: %(kinds)s. This file's content is not one of them."
                ),
                code="type",
                params={"kinds": ", ".join(KIND_LABELS[k] for k in self.kinds)},
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
