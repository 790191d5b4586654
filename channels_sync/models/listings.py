"""SKU listings: how a channel names one of our products."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel


class Listing(TimeStampedModel):
    """One of our products as listed on one channel, with the channel's own ids for it.

    `last_pushed_*` is what the channel acknowledged last: the compare value for the next
    compare-and-set push and the baseline the reconciliation compares against.
    """

    channel = models.ForeignKey(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="listings"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    channel_sku = models.CharField(max_length=64, blank=True, help_text="Seller SKU on the channel")
    external_product_id = models.CharField(max_length=64, blank=True)
    external_variant_id = models.CharField(max_length=64, blank=True)
    external_listing_id = models.CharField(max_length=64, blank=True, help_text="ASIN / listing id")
    external_inventory_item_id = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    last_pushed_quantity = models.IntegerField(null=True, blank=True)
    last_pushed_version = models.BigIntegerField(default=0)
    last_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel", "product"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "product"], name="listing_channel_product"),
            models.UniqueConstraint(
                fields=["channel", "external_variant_id"],
                condition=~Q(external_variant_id=""),
                name="listing_channel_variant",
            ),
            models.UniqueConstraint(
                fields=["channel", "channel_sku"],
                condition=~Q(channel_sku=""),
                name="listing_channel_sku",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.channel_sku or self.product_id}"
