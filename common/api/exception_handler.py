"""One place that turns errors into JSON: {"error": {"code", "message", "fields"?, "extra"?}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.exceptions import DomainError

logger = logging.getLogger(__name__)


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        body = exc.as_dict()
        if isinstance(exc.extra.get("fields"), dict):
            # field messages from a service (e.g. money that does not add up) sit where a
            # serializer's would, as well as in extra
            body = {**body, "fields": exc.extra["fields"]}
        return Response({"error": body}, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = drf_exceptions.ValidationError(fields)
    elif isinstance(exc, (Http404, ObjectDoesNotExist)):  # a .get() on a made-up id → 404
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        response.data = {
            "error": {"code": "invalid", "message": "The request is not valid.", "fields": detail}
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", str(exc))
        response.data = {"error": {"code": str(code), "message": str(_flatten(detail))}}
    return response
