"""One body for every error the API answers, whatever raised it (DRF, the services' model
validation, Django's URL resolver, a lost database):

    {"code": "<stable machine code>", "message": "<human message>", "fields": {"<field>": [...]}}

`code` is DRF's own code where it has one (`invalid`, `not_found`, `throttled`, …) and never
changes with the language; `message` is in the language the client asked for (Accept-Language,
Chinese by default); `fields` is always there, empty unless the error is about the submitted
fields (those not about one field are under `non_field_errors`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class ConflictError(DjangoValidationError):
    """A write refused because of the state it met, not because of what was submitted (a decision
    already taken, an entry already reversed): a ValidationError for pages and forms, 409 for
    the API."""


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the data.")
    default_code = "conflict"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("The service is temporarily unavailable; try again shortly.")
    default_code = "unavailable"


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": force_str(message), "fields": fields or {}}


def error_response(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    """The error body for answers made outside DRF (URL not found, lost database)."""
    return JsonResponse(
        error_body(code, message), status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _field_messages(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}; nested fields get dotted names
    (`lines.0.amount`)."""
    if isinstance(detail, dict):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(_field_messages(value, name))
        return found
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        found = {}
        for index, item in enumerate(detail):
            if item:
                found.update(_field_messages(item, f"{prefix}.{index}" if prefix else str(index)))
        return found
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD_ERRORS: [force_str(message) for message in messages]}


def _as_api_exception(error: Exception) -> Exception:
    if isinstance(error, ConflictError):
        return Conflict(" ".join(error.messages))
    if isinstance(error, DjangoValidationError):
        # Model validation (full_clean in the services) is a 400 like a serializer's own.
        detail = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        return serializers.ValidationError(detail)
    if isinstance(error, Http404):
        # Django's message names the model ("No CreationUnit matches the given query.").
        return exceptions.NotFound()
    return error


def exception_handler(error: Exception, context: dict) -> Any:
    response = drf_exception_handler(_as_api_exception(error), context)
    if response is None:
        return None  # not an API error: a server error, or a lost database (portal.middleware)
    detail = response.data
    if isinstance(error, DjangoValidationError | exceptions.ValidationError) and not isinstance(
        error, ConflictError
    ):
        response.data = error_body(
            "invalid",
            _("The submitted data is invalid; check the fields marked."),
            _field_messages(detail),
        )
        return response
    message = detail.get("detail", "") if isinstance(detail, dict) else detail
    code = getattr(message, "code", None) or "error"
    response.data = error_body(code, force_str(message))
    return response
