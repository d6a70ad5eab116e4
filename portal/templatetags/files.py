"""A stored file on a review page: its preview (an image, or a PDF in a frame) and its link."""

from __future__ import annotations

from typing import Any

from django import template

from portal.files import file_kind, preview_kind
from portal.uploads import KIND_LABELS

register = template.Library()


@register.inclusion_tag("portal/includes/_file.html")
def stored_file(url: str, name: str, field: Any = None, preview: bool = True) -> dict[str, Any]:
    """A link with the file's name, size and type, and under it the preview of a PDF or image.
    The preview is read through `url`, the permission-checked download view."""
    stored_name = getattr(field, "name", "") or name
    try:
        size = field.size if field else None
    except (FileNotFoundError, OSError):
        size = None
    return {
        "url": url,
        "name": name or stored_name.rsplit("/", 1)[-1],
        "size": size,
        "type": KIND_LABELS.get(file_kind(stored_name), ""),
        "preview": preview_kind(stored_name) if preview else "",
    }
