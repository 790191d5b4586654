"""API and sign-in throttling.

The DRF classes read their rates from settings at request time (DRF's own classes bind
DEFAULT_THROTTLE_RATES at import, so settings overrides in tests would not reach them). Rates
come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set from the environment in
config/settings/base.py. Counters live in the default cache (Redis in production), so every web
process shares them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


class ApiAnonThrottle(_SettingsRateThrottle):
    """Unauthenticated API requests, per client IP."""

    scope = "anon"

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiUserThrottle(_SettingsRateThrottle):
    """Signed-in staff, per user."""

    scope = "user"

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated) or getattr(user, "channel", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class ApiChannelThrottle(_SettingsRateThrottle):
    """API clients authenticated by a channel token, per channel (all its tokens together)."""

    scope = "channel"

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        channel = getattr(request.user, "channel", None)
        if channel is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": channel.pk}


# --- sign-in ------------------------------------------------------------------------------


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    """The client's address: REMOTE_ADDR only (X-Forwarded-For is client-controlled unless a
    trusted proxy rewrites it)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def login_lockout_message() -> str:
    """What a paused client is told: the truth (only waiting lifts the pause)."""
    minutes = max(1, login_limits()[1] // 60)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts from this address. "
        f"Wait {minutes} {unit} and try again; the pause ends by itself."
    )


def login_limits() -> tuple[int, int]:
    """(failures allowed, window in seconds) for the sign-in form."""
    return (
        int(getattr(settings, "LOGIN_THROTTLE_FAILURES", 5)),
        int(getattr(settings, "LOGIN_THROTTLE_WINDOW", 900)),
    )


def _login_keys(*, ip: str, username: str) -> list[str]:
    # Per (IP, username) stops guessing one account; per IP (looser) stops spraying many.
    return [f"login-fail:ipuser:{ip}:{username.lower()[:150]}", f"login-fail:ip:{ip}"]


def login_is_blocked(*, ip: str, username: str) -> bool:
    """True when this client has used up its failed sign-ins for the window."""
    limit, _ = login_limits()
    per_pair, per_ip = (cache.get(k, 0) for k in _login_keys(ip=ip, username=username))
    return per_pair >= limit or per_ip >= limit * 4


def login_failure_count(*, ip: str, username: str) -> None:
    """Count one failed sign-in (the window starts at the first failure)."""
    _, window = login_limits()
    for key in _login_keys(ip=ip, username=username):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def login_success_reset(*, ip: str, username: str) -> None:
    """A successful sign-in clears the per-account counter (not the per-IP one)."""
    cache.delete(_login_keys(ip=ip, username=username)[0])


# --- API tokens ---------------------------------------------------------------------------


def api_token_limits() -> tuple[int, int]:
    """(invalid tokens allowed per client address, window in seconds)."""
    return (
        int(getattr(settings, "API_TOKEN_THROTTLE_FAILURES", 20)),
        int(getattr(settings, "API_TOKEN_THROTTLE_WINDOW", 300)),
    )


def _token_key(ip: str) -> str:
    return f"api-token-fail:ip:{ip}"


def api_token_is_blocked(*, ip: str) -> bool:
    """True when this address has sent too many invalid API tokens within the window."""
    return cache.get(_token_key(ip), 0) >= api_token_limits()[0]


def api_token_failure_count(*, ip: str) -> None:
    """Count one invalid API token from this address (the window starts at the first)."""
    window = api_token_limits()[1]
    key = _token_key(ip)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
