"""The API's JSON renderer, which sends an answer already written as JSON (`JSONText`) as it is.

The status answers are stored written out with their unit's figures (dashboard.models
.UnitFigures): decoding one from the database and encoding it again cost the status API about a
tenth of its time. Asked to indent (`Accept: application/json; indent=4`, the browsable API), the
renderer writes such an answer out again, indented.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import renderers


class JSONText(str):
    """A JSON document already written out, which the renderer sends unchanged."""


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, JSONText):
            if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
                return data.encode()
            data = json.loads(data)
        return super().render(data, accepted_media_type, renderer_context)
