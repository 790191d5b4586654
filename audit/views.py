"""The sign-in page, throttled: too many failed attempts → 429 with a clear message."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults

from audit.throttling import client_ip, login_is_blocked, login_limits, login_lockout_message


def throttled_sign_in(request: HttpRequest) -> HttpResponse:
    """429 page for a client whose failed sign-ins are over the limit."""
    response = TemplateResponse(
        request,
        "audit/login_throttled.html",
        {"throttle_message": login_lockout_message()},
        status=429,
    )
    response["Retry-After"] = str(login_limits()[1])
    return response


def _blocked(request: HttpRequest) -> bool:
    return request.method == "POST" and login_is_blocked(
        ip=client_ip(request), username=str(request.POST.get("username", ""))
    )


class ThrottledLoginView(auth_views.LoginView):
    """Django's LoginView; a client over the failed sign-in limit gets 429 (audit/auth.py
    counts the failures, for every way to sign in)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        if _blocked(request):
            return throttled_sign_in(request)
        return super().post(request, *args, **kwargs)


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's sign-in under the same limit as the sign-in page."""
    if _blocked(request):
        return throttled_sign_in(request)
    return admin.site.login(request, extra_context)


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
