"""The sign-in page, throttled: too many failed attempts → 429 with a clear message."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults

from audit.throttling import (
    login_failure_count,
    login_is_blocked,
    login_limits,
    login_success_reset,
)


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ThrottledLoginView(auth_views.LoginView):
    """Django's LoginView with a failed-attempt limit per (IP, username) and per IP."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        ip = _client_ip(request)
        username = str(request.POST.get("username", ""))
        if login_is_blocked(ip=ip, username=username):
            window = login_limits()[1]
            response = TemplateResponse(
                request,
                "audit/login_throttled.html",
                {
                    "throttle_message": (
                        "Too many failed sign-in attempts. Wait "
                        f"{max(1, window // 60)} minutes and try again, "
                        "or ask an ops admin to reset your password."
                    )
                },
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            login_success_reset(ip=ip, username=username)
        else:
            login_failure_count(ip=ip, username=username)
        return response


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for any URL no pattern matched: JSON under /api/ (the API's error shape), else HTML."""
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "No API endpoint at this address."}},
            status=404,
        )
    return defaults.page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    """500 outside DRF's handler (middleware, URL resolving): JSON under /api/, else HTML."""
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Something went wrong on our side."}},
            status=500,
        )
    return defaults.server_error(request)
