from django.db import models


class ChannelKind(models.TextChoices):
    SHOPIFY = "shopify", "Shopify-style storefront"
    WOOCOMMERCE = "woocommerce", "WooCommerce-style storefront"
    AMAZON = "amazon", "Amazon-style marketplace"
    CUSTOM = "custom", "Custom storefront (REST API)"


class OutboxTopic(models.TextChoices):
    STOCK = "stock", "Available-to-sell"
    ORDER_STATUS = "order_status", "Order status"
    SHIPMENT = "shipment", "Shipment with tracking"
    CANCELLATION = "cancellation", "Cancellation"


class InboundSource(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    POLL = "poll", "Poll"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CAPTURED = "captured", "Order captured"
    DUPLICATE_ORDER = "duplicate_order", "Order already captured"
    STALE = "stale", "Older than a delivery already seen"
    FAILED = "failed", "Capture failed"
    AWAITING_ADDRESS = "awaiting_address", "Waiting for the buyer's address (retried each poll)"
    UPDATED = "updated", "Update applied to the order"
    DEFERRED = "deferred", "Update kept until its order is created"


class ChannelUpdateStatus(models.TextChoices):
    PENDING = "pending", "Pending (waits for its order, or to be applied)"
    APPLIED = "applied", "Applied"
    SUPERSEDED = "superseded", "Superseded by a newer update"
    OLDER = "older", "Older than the update applied"
    DUPLICATE = "duplicate", "Same version as the update applied"
