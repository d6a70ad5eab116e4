"""The OpenAPI schema's view of the API: every operation gets a summary of its own, so that
generated clients and the docs can tell operations apart."""

from typing import Any

from drf_spectacular.openapi import AutoSchema

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


class PortalAutoSchema(AutoSchema):
    def get_summary(self) -> str | None:
        """A summary given with `extend_schema` wins; otherwise one made from the action and the
        resource in the path (`/api/v1/art-teams/{id}/` → "Read one art team")."""
        given = super().get_summary()
        if given:
            return given
        template = _ACTION_SUMMARIES.get(getattr(self.view, "action", None) or "")
        if template is None:
            return None
        segments = self.path.strip("/").split("/")
        before_id = [s for i, s in enumerate(segments[:-1]) if segments[i + 1].startswith("{")]
        resource = (before_id or segments)[-1]
        noun = _singular(resource.replace("-", " "))
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
