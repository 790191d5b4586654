"""Edge input checks for every request, before any view, form or serializer sees it."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

from common.validation import NUL, NUL_MESSAGE, has_nul

_JSON_NUL = (b"\\u0000", b"\\U0000")


def _nul_fields(request: HttpRequest) -> list[str]:
    fields = [key for key, values in request.GET.lists() if has_nul(key) or has_nul(values)]
    if NUL in request.path:
        fields.append("path")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return fields
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if content_type == "multipart/form-data" and request.path_info.startswith("/api/"):
            # API views parse the body themselves and signed webhooks hash it: read it first
            # (within Django's own limit) so that parsing the form here leaves it readable.
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return fields
            request.body  # noqa: B018 - caches the raw body
        # text fields only: an uploaded file may be binary
        fields += [k for k, values in request.POST.lists() if has_nul(k) or has_nul(values)]
    elif content_type.endswith("json"):
        body = request.body
        if b"\x00" in body or any(marker in body for marker in _JSON_NUL):
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if isinstance(data, dict):
                fields += [k for k, v in data.items() if has_nul(k) or has_nul(v)] or ["body"]
            else:
                fields.append("body")
    return fields


class EdgeInputMiddleware:
    """Refuse NUL characters in the path, any query parameter, form field or JSON body.

    400 in the API's JSON error shape under /api/ (naming each field), a short page elsewhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = _nul_fields(request)
        if not fields:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "invalid",
                        "message": f"The request is not valid: {NUL_MESSAGE}",
                        "fields": {name: [NUL_MESSAGE] for name in fields},
                    }
                },
                status=400,
            )
        names = ", ".join(escape(name.replace(NUL, "\\0")) for name in fields)
        return HttpResponseBadRequest(
            f"<!doctype html><title>Bad request</title><h1>Bad request</h1>"
            f"<p>{NUL_MESSAGE} Remove them from: {names}.</p>"
        )
