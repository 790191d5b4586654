"""Outbound adapters, one per channel kind, behind `ChannelAdapter` (base.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels_sync.adapters.amazon import AmazonAdapter
from channels_sync.adapters.base import ChannelAdapter
from channels_sync.adapters.shopify import ShopifyAdapter
from channels_sync.adapters.woocommerce import WooCommerceAdapter
from channels_sync.choices import ChannelKind

if TYPE_CHECKING:
    from channels_sync.models import Channel

ADAPTERS = {
    ChannelKind.SHOPIFY: ShopifyAdapter,
    ChannelKind.WOOCOMMERCE: WooCommerceAdapter,
    ChannelKind.AMAZON: AmazonAdapter,
}


def adapter_for(channel: Channel) -> ChannelAdapter | None:
    """The adapter for a channel, or None when nothing is pushed to it (custom, no base URL)."""
    cls = ADAPTERS.get(channel.kind)
    if cls is None or not channel.base_url:
        return None
    return cls(base_url=channel.base_url, credentials=channel.credentials or {})
