"""FilterSets shared by the API and the ops screens."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from common.api.filters import FilterSet
from orders import selectors as orders_selectors
from orders.choices import HoldKind
from orders.models import FulfillmentRequest, Order, ReturnAuthorization
from orders.states import FulfillmentRequestStatus, OrderStatus, ReturnStatus


class OrderFilterSet(FilterSet):
    """The order list's filters (API and screens). Each has an index that yields its rows in
    the list's order, for the first page and deep in history; `orders.selectors.order_list_page`
    reads the pages, `order_list_filter` applies them (see docs/orders.md)."""

    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, help_text="Repeatable: any of these statuses"
    )
    channel = django_filters.CharFilter(help_text="Channel code")
    warehouse = django_filters.CharFilter(
        help_text="Warehouse code: orders with a fulfillment request there"
    )
    created_after = django_filters.IsoDateTimeFilter()
    created_before = django_filters.IsoDateTimeFilter()
    placed_after = django_filters.IsoDateTimeFilter(help_text="Pages by placed_at, newest first")
    placed_before = django_filters.IsoDateTimeFilter()
    promised_after = django_filters.IsoDateTimeFilter(
        help_text="Promised ship-by window; pages by promised_ship_by, latest first"
    )
    promised_before = django_filters.IsoDateTimeFilter()
    hold_kind = django_filters.ChoiceFilter(
        choices=HoldKind.choices, help_text="Orders with an active hold of this kind"
    )
    sku = django_filters.CharFilter(help_text="Orders with a line of this SKU")
    email = django_filters.CharFilter(help_text="Customer e-mail (any case)")
    number = django_filters.CharFilter(help_text="Order number (any case)")
    external_id = django_filters.CharFilter(help_text="The channel's order id (any case)")

    class Meta:
        model = Order
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Order]) -> QuerySet[Order]:
        return orders_selectors.order_list_filter(queryset=queryset, filters=self.form.cleaned_data)


class FulfillmentRequestFilterSet(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FulfillmentRequestStatus.choices)
    warehouse = django_filters.CharFilter(field_name="warehouse__code")
    order = django_filters.CharFilter(field_name="order__number")

    class Meta:
        model = FulfillmentRequest
        fields = ["status", "warehouse", "order"]


class ReturnFilterSet(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReturnStatus.choices)
    order = django_filters.CharFilter(field_name="order__number")

    class Meta:
        model = ReturnAuthorization
        fields = ["status", "order"]
