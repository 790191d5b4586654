"""Landing page, health check, and the helper the pages' POST actions share."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from common.access import home_url_for
from common.exceptions import DomainError
from common.types import Actor


def act_and_redirect(
    request: HttpRequest, call: Callable[[Actor], Any], success: str, to: str
) -> HttpResponse:
    """Run a page action's service call as the signed-in user, say how it went, go to `to`.

    A refusal by the domain (DomainError) is shown as the error message; nothing else is caught.
    """
    try:
        call(Actor.for_user(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(to)


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
