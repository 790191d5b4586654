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

__all__ = [
    "DrainResult",
    "channel_reconcile",
    "inbound_order_ingest",
    "inbound_webhook_ingest",
    "marketplace_poll",
    "outbox_drain",
    "outbox_message_retry",
    "webhook_signature",
]
