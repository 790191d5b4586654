"""Landing page and health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from dashboard.access import home_url_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page; a user without a role gets an explanation."""
    url = home_url_for(request.user)
    if url:
        return redirect(url)
    return render(request, "home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
