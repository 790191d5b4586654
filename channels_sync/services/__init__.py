"""Public services of channels_sync (one import path for callers)."""

from channels_sync.services.inbound import (
    inbound_order_ingest,
    inbound_webhook_ingest,
    marketplace_poll,
    webhook_signature,
)
from channels_sync.services.sync import (
    DrainResult,
    channel_reconcile,
    outbox_drain,
    outbox_message_retry,
)
from channels_sync.services.tokens import channel_token_create, channel_token_revoke

__all__ = [
    "DrainResult",
    "channel_reconcile",
    "channel_token_create",
    "channel_token_revoke",
    "inbound_order_ingest",
    "inbound_webhook_ingest",
    "marketplace_poll",
    "outbox_drain",
    "outbox_message_retry",
    "webhook_signature",
]
