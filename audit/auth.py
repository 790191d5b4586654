"""Sign-in throttling at the authentication layer, so one limit covers every way to sign in.

Django's `authenticate()` is what the sign-in page, `/admin/login/` and any other login form
call; this backend refuses while the client's failures are over the limit (even with the right
password), counts each failure and clears the per-account counter on success
(audit/throttling.py holds the counters). The pages answer 429 before the form is even read.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from audit.throttling import (
    client_ip,
    login_failure_count,
    login_is_blocked,
    login_success_reset,
)


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if request is None:  # e.g. a management command: no client to throttle
            return super().authenticate(request, username=username, password=password, **kwargs)
        ip = client_ip(request)
        name = str(username or kwargs.get("email") or "")
        if login_is_blocked(ip=ip, username=name):
            raise PermissionDenied("too many failed sign-in attempts")  # stops authenticate()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_count(ip=ip, username=name)
        else:
            login_success_reset(ip=ip, username=name)
        return user
