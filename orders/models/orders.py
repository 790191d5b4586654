"""Orders and their lines."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Lower, Right, Upper

from common.models import AmountField, TimeStampedModel
from orders.choices import FulfilledBy, LineKind, PaymentStatus
from orders.states import OrderStatus


class Order(TimeStampedModel):
    """One customer order from one channel (unique per channel by its external id)."""

    channel = models.ForeignKey(
        "channels_sync.Channel",
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,  # (channel, id) below serves it
    )
    external_id = models.CharField(max_length=100)
    number = models.CharField(max_length=24, unique=True)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED
    )
    customer_email = models.EmailField(blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    customer_phone = models.CharField(max_length=40, blank=True)
    customer_phone_digits = models.CharField(
        max_length=40, blank=True, help_text="Digits of the phone number, for search"
    )
    shipping_address = models.JSONField(default=dict)
    billing_address = models.JSONField(default=dict, blank=True)
    # Money as the channel charged it (docs/orders.md, "Money"): amounts in the shop currency,
    # exact for every ISO 4217 exponent (four decimal places hold them all; common.money).
    currency = models.CharField(max_length=3, default="USD", help_text="Shop currency")
    presentment_currency = models.CharField(
        max_length=3, blank=True, help_text="The buyer's currency, when it differs"
    )
    prices_include_tax = models.BooleanField(default=False)
    items_total = AmountField(help_text="Lines before discounts")
    subtotal = AmountField(help_text="Lines after discounts")
    discount_total = AmountField(help_text="Line + shipping")
    shipping_total = AmountField(help_text="Before discounts")
    shipping_discount_total = AmountField()
    tax_total = AmountField()
    duties_total = AmountField()
    tip_total = AmountField()
    total = AmountField()
    money = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "The breakdown: discount_applications, shipping_lines, tax_lines, duties, "
            "presentment (totals in the buyer's currency), current (after edits and refunds)"
        ),
    )
    fulfilled_by = models.CharField(
        max_length=12,
        choices=FulfilledBy.choices,
        default=FulfilledBy.MERCHANT,
        help_text="channel: the marketplace ships it (Amazon AFN); recorded, never fulfilled here",
    )
    service_level = models.CharField(max_length=40, blank=True, default="standard")
    promised_ship_by = models.DateTimeField(null=True, blank=True)
    promised_delivery_by = models.DateTimeField(null=True, blank=True)
    payment_status = models.CharField(
        max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    priority = models.SmallIntegerField(default=0, help_text="Higher is more urgent")
    placed_at = models.DateTimeField()
    fraud_score = models.PositiveSmallIntegerField(default=0)
    channel_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The channel's own updated_at / version of the newest update applied",
    )
    exchange_for = models.ForeignKey(
        "orders.ReturnAuthorization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_orders",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="order_channel_external_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_status__in=PaymentStatus.values),
                name="order_payment_status_valid",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_nonneg"),
        ]
        # The order list (orders.selectors.order_list_page) pages newest first by id, or by
        # (placed_at, id) / (promised_ship_by, id) / (created_at, id) for a window on that
        # time; each filter has an index that yields its rows in that order (docs/orders.md).
        # Customer-service lookups (orders.selectors.order_search) use one index per kind:
        # number (unique), the expression indexes below, and on Postgres two name indexes
        # (migrations 0003 and 0004, Postgres only): LOWER(customer_name) text_pattern_ops for
        # names starting with the typed text, pg_trgm GIN on UPPER(customer_name) for the rest.
        indexes = [
            models.Index(fields=["status", "id"], name="order_status_id"),
            models.Index(fields=["channel", "id"], name="order_channel_id"),
            models.Index(fields=["placed_at", "id"], name="order_placed_id"),
            models.Index(fields=["promised_ship_by", "id"], name="order_promised_id"),
            models.Index(Upper("external_id"), name="order_external_id_upper"),
            models.Index(Lower("customer_email"), name="order_email_lower"),
            models.Index(Right("customer_phone_digits", 8), name="order_phone_tail8"),
            # Fraud velocity (orders.services.holds): same e-mail (order_email_lower) OR same
            # address line 1 + postcode, both indexed, so the count is a BitmapOr, not a scan.
            models.Index(
                KeyTransform("line1", "shipping_address"),
                KeyTransform("postal_code", "shipping_address"),
                name="order_ship_line1_postal",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def ship_country(self) -> str:
        return str((self.shipping_address or {}).get("country", "")).upper()

    @property
    def is_cancellable(self) -> bool:
        """Cheap UI guard; the service re-checks under lock."""
        return self.status in {
            OrderStatus.RECEIVED,
            OrderStatus.ON_HOLD,
            OrderStatus.READY,
            OrderStatus.ALLOCATED,
            OrderStatus.PARTIALLY_ALLOCATED,
            OrderStatus.BACKORDERED,
            OrderStatus.RELEASED,
            OrderStatus.IN_FULFILLMENT,
        }

    @property
    def is_editable(self) -> bool:
        return self.is_cancellable and self.status != OrderStatus.IN_FULFILLMENT


class OrderLine(TimeStampedModel):
    """One product on an order with every quantity the OMS tracks for it.

    quantity = cancelled + allocated + backordered + unrouted (waiting: held or unknown SKU);
    picked ≤ allocated; shipped ≤ picked; returned ≤ shipped.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    external_line_id = models.CharField(max_length=100, blank=True)
    sku = models.CharField(max_length=64, help_text="As ordered")
    product = models.ForeignKey(
        "inventory.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=LineKind.choices, default=LineKind.PRODUCT)
    requires_shipping = models.BooleanField(
        default=True, help_text="False: kept for the money only (no stock, no pick, no commitment)"
    )
    unit_price = AmountField()
    quantity = models.PositiveIntegerField()
    line_subtotal = AmountField(
        help_text="Price × quantity as the channel charged it, before discounts",
    )
    discount_total = AmountField()
    tax_total = AmountField()
    discount_allocations = models.JSONField(default=list, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)
    presentment = models.JSONField(
        default=dict,
        blank=True,
        help_text="unit_price, discount_total, tax_total in the buyer's currency",
    )
    quantity_allocated = models.PositiveIntegerField(default=0)
    quantity_backordered = models.PositiveIntegerField(default=0)
    quantity_picked = models.PositiveIntegerField(default=0)
    quantity_shipped = models.PositiveIntegerField(default=0)
    quantity_cancelled = models.PositiveIntegerField(default=0)
    quantity_returned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "line_number"], name="orderline_number_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_qty_positive"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("quantity_cancelled")
                    + F("quantity_allocated")
                    + F("quantity_backordered")
                ),
                name="orderline_qty_accounted",
            ),
            models.CheckConstraint(
                condition=Q(quantity_picked__lte=F("quantity_allocated")),
                name="orderline_picked_lte_allocated",
            ),
            models.CheckConstraint(
                condition=Q(quantity_shipped__lte=F("quantity_picked")),
                name="orderline_shipped_lte_picked",
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__lte=F("quantity_shipped")),
                name="orderline_returned_lte_shipped",
            ),
        ]
        # ?sku= on the order list: the orders of a SKU newest first, from the index alone
        indexes = [models.Index(fields=["sku", "order"], name="orderline_sku_order")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_number} {self.quantity}× {self.sku}"

    @property
    def quantity_open(self) -> int:
        """Units neither cancelled nor yet allocated or backordered (waiting for routing)."""
        return (
            self.quantity
            - self.quantity_cancelled
            - self.quantity_allocated
            - self.quantity_backordered
        )

    @property
    def quantity_active(self) -> int:
        return self.quantity - self.quantity_cancelled

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity_active
