"""The project's AutoSchema: every operation documents the errors it can answer.

drf-spectacular documents what each view declares; the errors that come from shared machinery
(authentication, permissions, throttles, pagination, filters, the NUL/date edge checks) were
declared per view or not at all, so the schema lied (issue 10 item 11: 403 for channel tokens on
15 GET operations, 404 `Invalid cursor`, 400 on list filters, 429 everywhere). `ProjectAutoSchema`
adds each of them, with the project's JSON error shape (`common.api.serializers.
ErrorResponseSerializer`), from what the view is made of:

* 401 and 403: the view needs a permission other than `AllowAny` (not signed in; a role or a
  channel token the view refuses, or a missing CSRF token);
* 429: the view has throttles, or authenticates API tokens (bad tokens are limited per address);
* 404: the path has a parameter, or the list is cursor-paginated (`Invalid cursor`);
* 400: the operation takes query parameters, a body or list filters (shape, NUL, date range).

A view's own declaration of a code wins (its description says more). Fields rendered with
`default=None` (the idiom for "the related row may be missing": `CharField(source="bin.code",
default=None)`) are documented as nullable in responses.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny

from common.api.serializers import ErrorResponseSerializer

COMMON_ERRORS = {
    400: "Invalid input (body, query parameters or filters): messages in error.fields",
    401: "Not authenticated",
    403: "Not allowed for this role or channel token (or the CSRF token is missing)",
    404: "Not found",
    429: "Rate limited: retry after the `Retry-After` seconds",
}


class ProjectAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):  # type: ignore[no-untyped-def]
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for code in self._common_error_codes(operation):
            if str(code) not in responses:
                description = COMMON_ERRORS[code]
                if code == 404 and "{" not in self.path:
                    description = "Invalid cursor (follow `next` / `previous` as given)"
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorResponseSerializer, description=description),
                    str(code),
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _common_error_codes(self, operation: dict[str, Any]) -> list[int]:
        view = self.view
        codes: list[int] = []
        parameters = operation.get("parameters", [])
        if (
            any(p.get("in") == "query" for p in parameters)
            or "requestBody" in operation
            or (self._is_list_view() and self.get_filter_backends())
        ):
            codes.append(400)
        permissions = view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions):
            codes += [401, 403]
        paginator = self._get_paginator()
        if "{" in self.path or (self._is_list_view() and isinstance(paginator, CursorPagination)):
            codes.append(404)
        token_auth = any(
            type(a).__name__ == "ChannelTokenAuthentication" for a in view.get_authenticators()
        )
        if view.get_throttles() or token_auth:
            codes.append(429)
        return codes

    def _get_serializer_field_meta(self, field, direction):  # type: ignore[no-untyped-def]
        meta = super()._get_serializer_field_meta(field, direction)
        if (
            direction == "response"
            and isinstance(field, serializers.Field)
            and field.default is None
        ):
            meta["nullable"] = True
        return meta
