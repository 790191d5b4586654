"""OMS API shapes: <Resource>Serializer for output, <Command>InputSerializer for input."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from common import money
from orders.choices import Disposition, FulfilledBy, HoldKind, HoldScope, LineKind, PaymentStatus
from orders.models import (
    CartReservation,
    FulfillmentRequest,
    FulfillmentRequestLine,
    Hold,
    Order,
    OrderEvent,
    OrderLine,
    ReturnAuthorization,
    ReturnLine,
)
from orders.states import OrderStatus

AMOUNT_HELP = (
    'Amount as a decimal string with the currency\'s ISO 4217 exponent (USD "25.00", '
    'JPY "2500", KWD "2.500")'
)


def _amount_in(**kwargs):  # type: ignore[no-untyped-def]
    """An amount in a request: exact, up to four decimals here; the service checks the
    currency's own exponent (a USD amount with three decimals is refused)."""
    kwargs.setdefault("required", False)
    kwargs["help_text"] = (kwargs.get("help_text", "") + " " + AMOUNT_HELP).strip()
    return serializers.DecimalField(max_digits=19, decimal_places=4, **kwargs)


class AmountField(serializers.CharField):
    """An amount in a response, written with its currency's exponent (read-only)."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", AMOUNT_HELP)
        super().__init__(**kwargs)

    def get_attribute(self, instance):  # type: ignore[no-untyped-def]
        value = super().get_attribute(instance)
        if isinstance(instance, dict):
            currency = instance.get("currency", "")
        elif hasattr(instance, "currency"):
            currency = instance.currency
        else:
            currency = instance.order.currency
        return money.fmt(value, currency)

    def to_representation(self, value):  # type: ignore[no-untyped-def]
        return value


# --- input ---------------------------------------------------------------------------------


class PostalAddressInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(max_length=60, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.CharField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class CustomerInputSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class TaxLineInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    rate = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, help_text="0.2 for 20 %"
    )
    amount = _amount_in(required=True)


class DiscountAllocationInputSerializer(serializers.Serializer):
    amount = _amount_in(required=True, min_value=0)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    code = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="discount_code, automatic, …"
    )


class ShippingLineInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    code = serializers.CharField(max_length=100, required=False, allow_blank=True)
    price = _amount_in(required=True, min_value=0, help_text="Before discounts")
    discount = _amount_in(min_value=0)
    tax_total = _amount_in()
    tax_lines = TaxLineInputSerializer(many=True, required=False)


class DutyInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    amount = _amount_in(required=True, min_value=0)


class DiscountApplicationInputSerializer(serializers.Serializer):
    type = serializers.CharField(max_length=40, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    code = serializers.CharField(max_length=100, required=False, allow_blank=True)
    value = serializers.CharField(max_length=40, required=False, allow_blank=True)
    value_type = serializers.CharField(max_length=40, required=False, allow_blank=True)
    allocation_method = serializers.CharField(max_length=40, required=False, allow_blank=True)
    target_type = serializers.CharField(max_length=40, required=False, allow_blank=True)


class OrderLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Required for lines that need shipping; an unknown SKU is kept and held",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = _amount_in(min_value=0, default=0)
    external_line_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=LineKind.choices, default=LineKind.PRODUCT)
    requires_shipping = serializers.BooleanField(
        default=True,
        help_text="false: gift cards, tips, services: kept for the money, never picked",
    )
    line_subtotal = _amount_in(min_value=0, help_text="unit_price × quantity (checked)")
    discount_total = _amount_in(min_value=0, help_text="Σ discount_allocations (checked)")
    discount_allocations = DiscountAllocationInputSerializer(many=True, required=False)
    tax_total = _amount_in(help_text="Σ tax_lines (checked)")
    tax_lines = TaxLineInputSerializer(many=True, required=False)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("requires_shipping", True) and not attrs.get("sku"):
            raise serializers.ValidationError({"sku": ["required for a line that needs shipping"]})
        return attrs


class OrderCreateInputSerializer(serializers.Serializer):
    channel = serializers.CharField(
        required=False,
        help_text="Channel code; only for staff clients (a channel token implies it)",
    )
    external_id = serializers.CharField(max_length=100)
    customer = CustomerInputSerializer(required=False)
    shipping_address = PostalAddressInputSerializer()
    billing_address = PostalAddressInputSerializer(required=False)
    currency = serializers.CharField(min_length=3, max_length=3, default="USD")
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=500)
    service_level = serializers.CharField(max_length=40, required=False, default="standard")
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, default="pending")
    priority = serializers.IntegerField(min_value=-100, max_value=100, default=0)
    placed_at = serializers.DateTimeField(required=False)
    promised_ship_by = serializers.DateTimeField(required=False, allow_null=True)
    promised_delivery_by = serializers.DateTimeField(required=False, allow_null=True)
    presentment_currency = serializers.CharField(
        min_length=3, max_length=3, required=False, help_text="The buyer's currency if different"
    )
    prices_include_tax = serializers.BooleanField(default=False)
    fulfilled_by = serializers.ChoiceField(
        choices=FulfilledBy.choices,
        default=FulfilledBy.MERCHANT,
        help_text="channel: marketplace-fulfilled, recorded and never fulfilled here",
    )
    items_total = _amount_in(min_value=0, help_text="Σ line_subtotal (checked)")
    subtotal = _amount_in(min_value=0, help_text="items_total − line discounts (checked)")
    discount_total = _amount_in(min_value=0, help_text="Line + shipping discounts (checked)")
    shipping_total = _amount_in(min_value=0, help_text="Σ shipping_lines.price (checked)")
    shipping_discount_total = _amount_in(min_value=0, help_text="Σ shipping_lines.discount")
    tax_total = _amount_in(min_value=0, help_text="Σ line and shipping taxes (checked)")
    duties_total = _amount_in(min_value=0, help_text="Σ duties (checked)")
    tip_total = _amount_in(min_value=0)
    total = _amount_in(
        min_value=0,
        help_text="subtotal + shipping − shipping discounts + tax (unless prices include it) "
        "+ duties + tips; a body whose parts do not add up is refused (400, naming the fields)",
    )
    shipping_lines = ShippingLineInputSerializer(many=True, required=False)
    discount_applications = DiscountApplicationInputSerializer(many=True, required=False)
    tax_lines = TaxLineInputSerializer(many=True, required=False)
    duties = DutyInputSerializer(many=True, required=False)
    presentment = serializers.DictField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="Totals in the presentment currency (subtotal, total, …)",
    )
    reservation_token = serializers.CharField(max_length=40, required=False, allow_blank=True)


class LineQuantityInputSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class OrderCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    lines = LineQuantityInputSerializer(
        many=True, required=False, help_text="Omit to cancel the whole order"
    )


class OrderAddressInputSerializer(serializers.Serializer):
    shipping_address = PostalAddressInputSerializer()
    billing_address = PostalAddressInputSerializer(required=False)


class LineChangeInputSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=0, help_text="New quantity; 0 cancels the line")


class LineAddInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)


class OrderLinesEditInputSerializer(serializers.Serializer):
    changes = LineChangeInputSerializer(many=True, required=False)
    add = LineAddInputSerializer(many=True, required=False)


class HoldPlaceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HoldKind.choices, default=HoldKind.MANUAL)
    reason = serializers.CharField(max_length=500)
    scope = serializers.ChoiceField(choices=HoldScope.choices, default=HoldScope.ORDER)
    line_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    fulfillment_request = serializers.CharField(
        required=False, help_text="Fulfillment request number (scope fulfillment_request)"
    )


class HoldReleaseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)


class PaymentInputSerializer(serializers.Serializer):
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)


class FulfillmentMoveInputSerializer(serializers.Serializer):
    warehouse = serializers.CharField(help_text="Target warehouse code")
    lines = LineQuantityInputSerializer(
        many=True, required=False, help_text="Request line ids and quantities; omit to move all"
    )
    reason = serializers.CharField(max_length=500, required=False, default="")


class ReservationLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class ReservationCreateInputSerializer(serializers.Serializer):
    channel = serializers.CharField(required=False, help_text="Channel code (staff clients only)")
    lines = ReservationLineInputSerializer(many=True, allow_empty=False)
    ttl_seconds = serializers.IntegerField(min_value=1, max_value=7200, default=900)


class SkuQuantityInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1)


class ReturnRequestInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    lines = LineQuantityInputSerializer(many=True, allow_empty=False)
    exchange_lines = SkuQuantityInputSerializer(
        many=True, required=False, help_text="Replacement items (an exchange)"
    )


class ReturnReceiveLineInputSerializer(serializers.Serializer):
    return_line_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class ReturnReceiveInputSerializer(serializers.Serializer):
    warehouse = serializers.CharField(help_text="Warehouse code")
    lines = ReturnReceiveLineInputSerializer(many=True, allow_empty=False)


class ReturnDispositionLineInputSerializer(serializers.Serializer):
    return_line_id = serializers.IntegerField()
    condition = serializers.CharField(max_length=200, required=False, default="")
    disposition = serializers.ChoiceField(choices=Disposition.choices)


class ReturnDispositionInputSerializer(serializers.Serializer):
    lines = ReturnDispositionLineInputSerializer(many=True, allow_empty=False)


# --- output --------------------------------------------------------------------------------


class TaxLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    rate = serializers.CharField(help_text="Decimal fraction (0.2 = 20 %), empty if unknown")
    amount = serializers.CharField(help_text=AMOUNT_HELP)


class DiscountAllocationSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text=AMOUNT_HELP)
    title = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)


class ShippingLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    code = serializers.CharField()
    price = serializers.CharField(help_text="Before discounts. " + AMOUNT_HELP)
    discount = serializers.CharField(help_text=AMOUNT_HELP)
    tax_total = serializers.CharField(help_text=AMOUNT_HELP)
    tax_lines = TaxLineSerializer(many=True)


class DutySerializer(serializers.Serializer):
    title = serializers.CharField()
    amount = serializers.CharField(help_text=AMOUNT_HELP)


class OrderLineSerializer(serializers.ModelSerializer):
    unit_price = AmountField()
    line_subtotal = AmountField(help_text="Price × quantity before discounts. " + AMOUNT_HELP)
    discount_total = AmountField()
    tax_total = AmountField()
    discount_allocations = DiscountAllocationSerializer(many=True, read_only=True)
    tax_lines = TaxLineSerializer(many=True, read_only=True)
    presentment = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="In the presentment currency"
    )

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "line_number",
            "sku",
            "name",
            "kind",
            "requires_shipping",
            "external_line_id",
            "unit_price",
            "line_subtotal",
            "discount_total",
            "discount_allocations",
            "tax_total",
            "tax_lines",
            "presentment",
            "quantity",
            "quantity_allocated",
            "quantity_backordered",
            "quantity_picked",
            "quantity_shipped",
            "quantity_cancelled",
            "quantity_returned",
        ]


class HoldSerializer(serializers.ModelSerializer):
    line_ids = serializers.SerializerMethodField()
    fulfillment_request = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hold
        fields = [
            "id",
            "kind",
            "scope",
            "reason",
            "details",
            "line_ids",
            "fulfillment_request",
            "placed_by",
            "created_at",
            "is_active",
            "released_at",
            "released_by",
            "release_note",
        ]

    def get_line_ids(self, obj: Hold) -> list[int]:
        return [line.pk for line in obj.lines.all()]

    def get_fulfillment_request(self, obj: Hold) -> int | None:
        return obj.fulfillment_request_id


class FulfillmentRequestLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = FulfillmentRequestLine
        fields = [
            "id",
            "order_line",
            "product",
            "quantity",
            "quantity_picked",
            "quantity_shipped",
            "quantity_short",
            "quantity_cancelled",
        ]


class FulfillmentRequestSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    order = serializers.CharField(source="order.number")
    lines = FulfillmentRequestLineSerializer(many=True)

    class Meta:
        model = FulfillmentRequest
        fields = [
            "id",
            "number",
            "order",
            "warehouse",
            "status",
            "priority",
            "ship_by",
            "service_level",
            "released_at",
            "closed_at",
            "lines",
        ]


class OrderFulfillmentRequestSerializer(FulfillmentRequestSerializer):
    class Meta(FulfillmentRequestSerializer.Meta):
        fields = [f for f in FulfillmentRequestSerializer.Meta.fields if f != "order"]


class CustomerSerializer(serializers.Serializer):
    email = serializers.CharField(source="customer_email")
    name = serializers.CharField(source="customer_name")
    phone = serializers.CharField(source="customer_phone")


class OrderSerializer(serializers.ModelSerializer):
    channel = serializers.CharField(source="channel.code")
    items_total = AmountField(help_text="Lines before discounts. " + AMOUNT_HELP)
    subtotal = AmountField(help_text="Lines after their discounts. " + AMOUNT_HELP)
    discount_total = AmountField(help_text="Line and shipping discounts. " + AMOUNT_HELP)
    shipping_total = AmountField(help_text="Shipping before discounts. " + AMOUNT_HELP)
    shipping_discount_total = AmountField()
    tax_total = AmountField()
    duties_total = AmountField()
    tip_total = AmountField()
    total = AmountField()
    shipping_lines = ShippingLineSerializer(
        source="money.shipping_lines", many=True, read_only=True, default=list
    )
    tax_lines = TaxLineSerializer(source="money.tax_lines", many=True, read_only=True, default=list)
    duties = DutySerializer(source="money.duties", many=True, read_only=True, default=list)
    discount_applications = serializers.ListField(
        source="money.discount_applications",
        child=serializers.DictField(),
        read_only=True,
        default=list,
        help_text="The channel's discount applications / coupon lines (code, title, value, …)",
    )
    presentment = serializers.DictField(
        source="money.presentment",
        child=serializers.CharField(),
        read_only=True,
        default=dict,
        help_text="Totals in presentment_currency (the buyer's), when it differs",
    )
    current = serializers.DictField(
        source="money.current",
        child=serializers.CharField(),
        read_only=True,
        default=dict,
        help_text="The channel's current totals (after edits and refunds), when it reports them",
    )
    customer = CustomerSerializer(source="*")
    lines = OrderLineSerializer(many=True)
    holds = serializers.SerializerMethodField(help_text="Active holds")
    fulfillment_requests = OrderFulfillmentRequestSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "external_id",
            "channel",
            "status",
            "customer",
            "shipping_address",
            "billing_address",
            "currency",
            "presentment_currency",
            "prices_include_tax",
            "fulfilled_by",
            "items_total",
            "subtotal",
            "discount_total",
            "shipping_total",
            "shipping_discount_total",
            "tax_total",
            "duties_total",
            "tip_total",
            "total",
            "discount_applications",
            "shipping_lines",
            "tax_lines",
            "duties",
            "presentment",
            "current",
            "service_level",
            "promised_ship_by",
            "promised_delivery_by",
            "payment_status",
            "priority",
            "fraud_score",
            "placed_at",
            "created_at",
            "updated_at",
            "lines",
            "holds",
            "fulfillment_requests",
        ]

    @extend_schema_field(HoldSerializer(many=True))
    def get_holds(self, obj: Order) -> list[dict]:
        holds = getattr(obj, "active_holds", None)
        if holds is None:
            holds = list(obj.holds.filter(released_at__isnull=True).prefetch_related("lines"))
        return HoldSerializer(holds, many=True).data


class OrderListCustomerSerializer(serializers.Serializer):
    email = serializers.CharField(source="customer_email")
    name = serializers.CharField(source="customer_name")
    phone = serializers.CharField(source="customer_phone")


class OrderListItemSerializer(serializers.Serializer):
    """One row of the order list: what a list row shows. Lines, holds and fulfillment are on
    the order's own endpoint (`GET /orders/{number}/`)."""

    number = serializers.CharField()
    external_id = serializers.CharField()
    channel = serializers.CharField(help_text="Channel code")
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    customer = OrderListCustomerSerializer(source="*")
    currency = serializers.CharField()
    total = AmountField()
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    service_level = serializers.CharField()
    priority = serializers.IntegerField()
    placed_at = serializers.DateTimeField()
    promised_ship_by = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(many=False)  # the page object itself, not a list of pages
class OrderListPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null")
    previous = serializers.URLField(allow_null=True, help_text="The previous (newer) page")
    results = OrderListItemSerializer(many=True)


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["id", "kind", "message", "data", "actor", "actor_kind", "created_at"]


class AtsItemSerializer(serializers.Serializer):
    sku = serializers.CharField()
    available_to_sell = serializers.IntegerField()


class AtsResponseSerializer(serializers.Serializer):
    channel = serializers.CharField()
    items = AtsItemSerializer(many=True)
    unknown_skus = serializers.ListField(child=serializers.CharField())


class ReservationLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="product.sku")
    warehouse = serializers.CharField(source="warehouse.code")
    quantity = serializers.IntegerField()


class ReservationSerializer(serializers.ModelSerializer):
    lines = ReservationLineSerializer(many=True)
    order = serializers.CharField(source="order.number", allow_null=True, default=None)

    class Meta:
        model = CartReservation
        fields = ["token", "status", "expires_at", "created_at", "order", "lines"]


class ReturnLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnLine
        fields = [
            "id",
            "order_line",
            "quantity",
            "reason",
            "quantity_received",
            "condition",
            "disposition",
        ]


class ReturnSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")
    lines = ReturnLineSerializer(many=True)
    replacement_orders = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="number"
    )

    class Meta:
        model = ReturnAuthorization
        fields = [
            "number",
            "order",
            "status",
            "reason",
            "is_exchange",
            "received_at",
            "created_at",
            "lines",
            "replacement_orders",
        ]


class OrderBulkInputSerializer(serializers.Serializer):
    channel = serializers.CharField(
        required=False,
        help_text="Channel code; only for staff clients (a channel token implies it)",
    )
    orders = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=1000,
        help_text="Up to 1,000 order bodies, each as POST /orders/ takes it (without `channel`)",
    )


class OrderBulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the body in `orders`")
    status = serializers.IntegerField(
        help_text="201 created, 200 this external_id already existed, 400 invalid, 409 refused"
    )
    external_id = serializers.CharField(allow_blank=True)
    number = serializers.CharField(required=False, help_text="The order's number (200/201)")
    order_status = serializers.CharField(required=False, help_text="The order's status (200/201)")
    error = serializers.DictField(required=False, help_text="code, message, extra (400/409)")


class OrderBulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = OrderBulkResultSerializer(many=True)
