"""Every answer under /api/ is JSON, whatever produced it and whatever DEBUG says.

DRF's exception handler shapes the errors of API views, and handler404/handler500 shape the
ones Django makes with DEBUG off. With DEBUG on, Django answers unmatched URLs and crashes with
its HTML debug pages instead (they bypass the handlers), and middleware such as CommonMiddleware
can answer before any view runs. This middleware, outside all of them, turns any non-JSON
error answer under /api/ into the API's error shape, keeping the status and the headers a
client acts on. Crashes are still logged by Django before the answer is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
_MESSAGES = {
    404: "No API endpoint at this address.",
    500: "Something went wrong on our side.",
}
_KEPT_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate", "Vary")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


def api_error_response(status: int) -> JsonResponse:
    """The API's JSON error shape for a bare HTTP status."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code = _CODES.get(status, "server_error" if status >= 500 else "error")
    return JsonResponse(
        {"error": {"code": code, "message": _MESSAGES.get(status, f"{phrase}.")}}, status=status
    )


class ApiJsonErrorsMiddleware:
    """Replace any non-JSON error answer (4xx/5xx) under /api/ by the JSON error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not getattr(response, "streaming", False)
            and not _is_json(response)
        ):
            replacement = api_error_response(response.status_code)
            for header in _KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response
