"""Constant vocabularies of the OMS (TextChoices, backed by CheckConstraints on the models)."""

from django.db import models


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class FulfilledBy(models.TextChoices):
    MERCHANT = "merchant", "Us (our warehouses)"
    CHANNEL = "channel", "The channel (marketplace-fulfilled)"


class LineKind(models.TextChoices):
    PRODUCT = "product", "Product"
    CUSTOM = "custom", "Custom item"
    GIFT_CARD = "gift_card", "Gift card"
    TIP = "tip", "Tip"
    FEE = "fee", "Fee"


PAID_STATUSES = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED})


class HoldKind(models.TextChoices):
    PAYMENT = "payment", "Payment not authorised"
    FRAUD = "fraud", "Fraud review"
    ADDRESS = "address", "Address validation"
    MANUAL = "manual", "Manual"
    UNKNOWN_SKU = "unknown_sku", "Unknown SKU"
    EXCHANGE = "exchange", "Exchange waits for the return"
    # A channel update that can no longer be applied as it stands (docs/orders.md,
    # "Later updates from the channel"): ops choose on the exceptions queue.
    LATE_CANCEL = "late_cancel", "Cancel requested after pick"
    LATE_CHANGE = "late_change", "Channel change after pack"


# Holds that resolve themselves (payment captured, score re-checked, return received).
AUTO_RESOLVING_HOLDS = frozenset({HoldKind.PAYMENT, HoldKind.FRAUD, HoldKind.EXCHANGE})


class HoldScope(models.TextChoices):
    ORDER = "order", "Whole order"
    LINES = "lines", "Some lines"
    FULFILLMENT_REQUEST = "fulfillment_request", "One fulfillment request"


class EventKind(models.TextChoices):
    CREATED = "created", "Order received"
    STATUS_CHANGED = "status_changed", "Status changed"
    HOLD_PLACED = "hold_placed", "Hold placed"
    HOLD_RELEASED = "hold_released", "Hold released"
    ROUTED = "routed", "Routing decision"
    ALLOCATED = "allocated", "Stock allocated"
    BACKORDERED = "backordered", "Backordered"
    FR_STATUS = "fr_status", "Fulfillment request status"
    MOVED = "moved", "Moved to another warehouse"
    PICKED = "picked", "Picked"
    SHORT_PICKED = "short_picked", "Short pick"
    WEIGHT_OVERRIDE = "weight_override", "Weight override at packing"
    SHIPPED = "shipped", "Shipped"
    TRACKING = "tracking", "Tracking update"
    CANCELLED = "cancelled", "Cancelled"
    EDITED = "edited", "Edited"
    ADDRESS_CHANGED = "address_changed", "Address changed"
    PAYMENT = "payment", "Payment status"
    RESERVATION_CONVERTED = "reservation_converted", "Cart reservation converted"
    RETURN = "return", "Return"
    NOTE = "note", "Note"
    NOTIFICATION = "notification", "Customer e-mail"
    CHANNEL_UPDATE = "channel_update", "Channel update"


class RoutingStrategy(models.TextChoices):
    PRIORITY = "priority", "Warehouse priority"
    NEAREST = "nearest", "Nearest warehouse"
    FEWEST_SHIPMENTS = "fewest_shipments", "Fewest shipments"


class ShortagePolicy(models.TextChoices):
    BACKORDER = "backorder", "Backorder what cannot be allocated"
    REFUSE = "refuse", "Refuse orders that cannot be allocated in full"


class RoutingTrigger(models.TextChoices):
    CAPTURE = "capture", "Order placed"
    HOLD_RELEASED = "hold_released", "Hold released"
    BACKORDER = "backorder", "Backorder allocation"
    SHORT_PICK = "short_pick", "Short pick"
    MOVE = "move", "Moved by a person or rule"
    EDIT = "edit", "Order edited"


class CartReservationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CONVERTED = "converted", "Converted to an order"
    EXPIRED = "expired", "Expired"
    RELEASED = "released", "Released"


class Disposition(models.TextChoices):
    RESTOCK = "restock", "Restock to sellable stock"
    QUARANTINE = "quarantine", "Quarantine"
    DAMAGED = "damaged", "Damaged"


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", "In flight"
    COMPLETED = "completed", "Completed"
