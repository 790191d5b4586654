"""DRF authentication by per-channel API token: `Authorization: Token ch_…`."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from audit.throttling import (
    api_token_failure_count,
    api_token_is_blocked,
    api_token_limits,
    client_ip,
)
from channels_sync.models import Channel, ChannelToken


class ChannelClient:
    """The request's principal when a channel token authenticated it (not a Django user)."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, channel: Channel, token: ChannelToken) -> None:
        self.channel = channel
        self.token = token

    def get_username(self) -> str:
        return f"channel:{self.channel.code}"

    def __str__(self) -> str:
        return self.get_username()


class ChannelTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        # Guessing tokens is throttled per client address, before any lookup (audit/throttling)
        ip = client_ip(request)
        if api_token_is_blocked(ip=ip):
            raise exceptions.Throttled(wait=api_token_limits()[1])
        try:
            return self._authenticate_token(header)
        except exceptions.AuthenticationFailed:
            api_token_failure_count(ip=ip)
            raise

    def _authenticate_token(self, header):  # type: ignore[no-untyped-def]
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        token = (
            ChannelToken.objects.select_related("channel")
            .filter(key_hash=ChannelToken.hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.channel.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return ChannelClient(token.channel, token), token

    def authenticate_header(self, request) -> str:  # type: ignore[no-untyped-def]
        return self.keyword


class ChannelTokenScheme(OpenApiAuthenticationExtension):
    target_class = "channels_sync.auth.ChannelTokenAuthentication"
    name = "channelToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Per-channel API token: `Token ch_…`",
        }


def request_channel(request) -> Channel | None:  # type: ignore[no-untyped-def]
    """The channel a request acts for, if it authenticated with a channel token."""
    return getattr(request.user, "channel", None)
