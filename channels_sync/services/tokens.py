"""Channel API tokens: created and revoked only here, each one written to the audit log."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.services import audit_record
from channels_sync.models import Channel, ChannelToken
from common.exceptions import Conflict, InvalidInput
from common.types import Actor


@transaction.atomic
def channel_token_create(
    *, channel_id: int, name: str, actor: Actor, key: str | None = None
) -> tuple[ChannelToken, str]:
    """Create an API token for one channel; returns the token and its key, which is shown
    once and never stored (only its hash is). `key` is for fixed demo keys only."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A token needs a name.", code="invalid", fields={"name": ["required"]})
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise InvalidInput(f"Unknown channel {channel_id}.", code="unknown_channel")
    key = key or ChannelToken.generate_key()
    token = ChannelToken.objects.create(
        channel=channel, name=name[:80], prefix=key[:10], key_hash=ChannelToken.hash_key(key)
    )
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=actor,
        object_type="channel_token",
        object_id=token.pk,
        summary=f"API token {token.prefix}… '{token.name}' created for channel {channel.code}",
        data={"channel": channel.code, "prefix": token.prefix, "name": token.name},
    )
    return token, key


@transaction.atomic
def channel_token_revoke(*, token_id: int, actor: Actor) -> ChannelToken:
    """Revoke a token at once (its key stops working on the next request)."""
    token = ChannelToken.objects.select_related("channel").filter(pk=token_id).first()
    if token is None:
        raise InvalidInput(f"Unknown token {token_id}.", code="unknown_token")
    now = timezone.now()
    # Conditional update: of two concurrent revocations exactly one wins and is audited.
    if not ChannelToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    ):
        raise Conflict(f"Token {token.prefix}… is already revoked.", code="already_revoked")
    token.revoked_at = now
    audit_record(
        action=AuditAction.TOKEN_REVOKE,
        actor=actor,
        object_type="channel_token",
        object_id=token.pk,
        summary=f"API token {token.prefix}… revoked for channel {token.channel.code}",
        data={"channel": token.channel.code, "prefix": token.prefix},
    )
    return token
