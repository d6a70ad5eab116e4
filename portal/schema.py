"""The OpenAPI schema's view of the API: every operation gets a summary and a description of its
own, so that generated clients and the docs can tell operations apart, and lists the errors it
can answer, each with the one error body of portal.exceptions (the `Error` component)."""

import inspect
from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "title": "错误 Error",
    "description": "The body of every error answer of the API.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable machine code: invalid, parse_error, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "not_acceptable, unsupported_media_type, conflict, throttled, unavailable, "
            "bad_request, too_large, server_error. It never changes with the language.",
        },
        "message": {
            "type": "string",
            "description": "For people, in the language asked for with Accept-Language "
            "(Chinese by default); for 400, a summary of the field messages.",
        },
        "fields": {
            "type": "object",
            "description": "Messages per submitted field (`non_field_errors` for those not about "
            "one field; nested fields as `lines.0.amount`); empty when the error is not about "
            "the submitted data.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "fields"],
}
ERROR_DESCRIPTIONS = {
    "400": "The query or the submitted data is invalid (`invalid`, `parse_error`).",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The caller may not do this (read-only API clients, other roles).",
    "404": "Not found, or outside the caller's scope; also a page number beyond the last.",
    "409": "Refused because of the current state of the data (`conflict`).",
    "415": "The body is in a media type the operation does not read.",
    "429": "Too many requests from this caller; see Retry-After (`throttled`).",
    "503": "A service the portal needs (the database) is unreachable; see Retry-After.",
}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# API downloads (minutes, vouchers, attachments, generated documents) are bytes of this type,
# whatever their own, as the schema says (generated clients read no other type): the file name in
# Content-Disposition tells what they are.
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"


def answers_conflict(view_method: Callable) -> Callable:
    """Marks an API action whose service may refuse with ConflictError (409), for the schema."""
    view_method.answers_conflict = True  # type: ignore[attr-defined]
    return view_method


def _own_doc(function: Any) -> str:
    """The docstring written on the view's own function: not one of DRF's mixins or of the
    portal's building blocks (portal.api), which speak to developers."""
    function = getattr(function, "__func__", function)
    if function is None or not getattr(function, "__doc__", None):
        return ""
    if getattr(function, "__module__", "").startswith(("rest_framework", "portal.api")):
        return ""
    return inspect.cleandoc(function.__doc__)


_ACTION_DESCRIPTIONS = {
    "list": "The {plural} the caller may see, a page at a time.",
    "retrieve": "One {noun} the caller may see; 404 for one outside the caller's scope.",
    "create": "Adds a {noun}; 403 for callers who may not.",
    "update": "Replaces every field of a {noun}.",
    "partial_update": "Changes the fields given of a {noun}.",
    "destroy": "Deletes a {noun}.",
    "history": "Who changed which fields of the {noun}, when and from which request (the "
    "request id), newest first; for whoever may see the {noun}.",
}

_ACTION_SUMMARIES = {
    "retrieve": "Read one {noun}",
    "create": "Add a {noun}",
    "update": "Replace a {noun}",
    "partial_update": "Change some fields of a {noun}",
    "destroy": "Delete a {noun}",
    "history": "The audit trail of a {noun}, newest first",
}


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _resource(path: str) -> str:
    segments = path.strip("/").split("/")
    before_id = [s for i, s in enumerate(segments[:-1]) if segments[i + 1].startswith("{")]
    return (before_id or segments)[-1].replace("-", " ")


class PortalAutoSchema(AutoSchema):
    def get_description(self) -> str:
        """The action's own docstring, or a sentence made from the action and the resource, then
        the view class's own docstring: never one inherited from a mixin or base class."""
        action = getattr(self.view, "action", None) or self.method.lower()
        method = getattr(self.view, action, None)
        resource = _resource(self.path)
        template = _ACTION_DESCRIPTIONS.get(action, "")
        first = (
            _own_doc(method)
            or template.format(noun=_singular(resource), plural=resource)
            # an action with neither: its summary, which is its own (see get_summary)
            or f"{self.get_summary() or ''}."
        )
        view_doc = self.view.__class__.__dict__.get("__doc__") or ""
        if self.view.__class__.__module__.startswith("portal.api"):
            view_doc = ""
        return "\n\n".join(part for part in (first, inspect.cleandoc(view_doc)) if part)

    def _error_statuses(self) -> list[str]:
        method = getattr(self.view, getattr(self.view, "action", None) or "", None)
        has_query = (
            bool(self.get_filter_backends())
            or self._is_list_view()
            or any(parameter["in"] == "query" for parameter in self._get_parameters())
        )
        statuses = []
        if self.method in BODY_METHODS or has_query:
            statuses.append("400")
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            statuses += ["401", "403"]
        if "{" in self.path or self._is_list_view():
            statuses.append("404")
        if getattr(getattr(method, "__func__", method), "answers_conflict", False):
            statuses.append("409")
        if self.method in BODY_METHODS:
            statuses.append("415")
        if self.view.get_throttles():
            statuses.append("429")
        statuses.append("503")
        return statuses

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name=ERROR_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_COMPONENT,
            schema=ERROR_SCHEMA,
        )
        self.registry.register_on_missing(component)
        content = {
            media_type: {"schema": component.ref} for media_type in self.map_renderers("media_type")
        }
        for status in self._error_statuses():
            responses.setdefault(
                status, {"content": content, "description": ERROR_DESCRIPTIONS[status]}
            )
        return responses

    def get_summary(self) -> str | None:
        """A summary given with `extend_schema` wins; otherwise one made from the action and the
        resource in the path (`/api/v1/art-teams/{id}/` → "Read one art team")."""
        given = super().get_summary()
        if given:
            return given
        template = _ACTION_SUMMARIES.get(getattr(self.view, "action", None) or "")
        if template is None:
            return None
        noun = _singular(_resource(self.path))
        summary = template.format(noun=noun)
        if noun.startswith(("a", "e", "i", "o", "u", "honour")):
            summary = summary.replace(f" a {noun}", f" an {noun}")
        return summary


# What OpenAPI 3.0 validators and generated clients read as "null or this object": the `nullable`
# next to a lone `allOf` applies to no type (OpenAPI 3.0.3), so a null answer failed the schema.
# The outer `nullable` stays, for generators that look only there.
_NULL = {"type": "object", "nullable": True, "enum": [None]}


def _clarified(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_clarified(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _clarified(value) for key, value in schema.items()}
    if schema.get("nullable") and len(schema.get("allOf", [])) == 1 and "type" not in schema:
        schema["oneOf"] = [schema.pop("allOf")[0], _NULL]
    # Django's URLField takes and gives IRIs (https://x.cn/动态): "uri" would refuse them.
    if schema.get("format") == "uri":
        schema["format"] = "iri"
    # A blank string matched both branches of drf-spectacular's "URL (or e-mail…) or blank",
    # which `oneOf` forbids: either branch will do.
    one_of = schema.get("oneOf", [])
    if len(one_of) == 2 and one_of[1] == {"type": "string", "maxLength": 0}:
        schema["anyOf"] = schema.pop("oneOf")
    return schema


def postprocess_nullable_and_blank(result: dict, generator: Any, request: Any, public: bool):
    """Rewrites nullable references and "format or blank" strings in a form that validators
    and generated clients agree on."""
    result["paths"] = _clarified(result["paths"])
    result["components"] = _clarified(result.get("components", {}))
    return result
