from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(error, context):
    """Model validation (full_clean in the services) answers 400 with its messages, like a
    serializer's own validation."""
    if isinstance(error, DjangoValidationError):
        detail = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages}
        )
        error = serializers.ValidationError(detail)
    return drf_exception_handler(error, context)
