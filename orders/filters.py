"""FilterSets shared by the API and the ops screens."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.db.models.functions import Lower

from orders.models import FulfillmentRequest, Order, OrderLine, ReturnAuthorization
from orders.states import FulfillmentRequestStatus, OrderStatus, ReturnStatus


class OrderFilterSet(django_filters.FilterSet):
    # a column of the order itself: no join, so no DISTINCT (which costs a sort of every row)
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, distinct=False)
    channel = django_filters.CharFilter(method="filter_channel", help_text="Channel code")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    placed_after = django_filters.IsoDateTimeFilter(field_name="placed_at", lookup_expr="gte")
    placed_before = django_filters.IsoDateTimeFilter(field_name="placed_at", lookup_expr="lt")
    sku = django_filters.CharFilter(method="filter_sku", help_text="Orders with a line of this SKU")
    email = django_filters.CharFilter(method="filter_email", help_text="Customer e-mail (any case)")
    number = django_filters.CharFilter(method="filter_number", help_text="Order number (any case)")
    external_id = django_filters.CharFilter(field_name="external_id")

    class Meta:
        model = Order
        fields = ["status", "channel", "sku", "email", "number", "external_id"]

    def filter_channel(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # The channel's id as a literal, not a join on its code: the planner then knows from the
        # column statistics how few orders a small channel has and reads them through the
        # channel index, instead of walking every order newest first (170 ms at 200,000 orders
        # for a channel with none). A channel without orders has no id to find here: empty.
        found = list(
            Order.objects.filter(channel__code=value)
            .order_by()
            .values_list("channel_id", flat=True)[:1]
        )
        return queryset.filter(channel_id=found[0]) if found else queryset.none()

    def filter_email(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # Matches the LOWER(customer_email) index; `iexact` would compile to UPPER() = UPPER().
        return queryset.alias(email_lower=Lower("customer_email")).filter(
            email_lower=value.strip().lower()
        )

    def filter_number(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # Order numbers are issued upper-case: an exact match on the unique index.
        return queryset.filter(number=value.strip().upper())

    def filter_sku(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # A subquery, not a join: no duplicate orders and no DISTINCT over wide rows.
        return queryset.filter(pk__in=OrderLine.objects.filter(sku=value).values("order_id"))


class FulfillmentRequestFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FulfillmentRequestStatus.choices)
    warehouse = django_filters.CharFilter(field_name="warehouse__code")
    order = django_filters.CharFilter(field_name="order__number")

    class Meta:
        model = FulfillmentRequest
        fields = ["status", "warehouse", "order"]


class ReturnFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReturnStatus.choices)
    order = django_filters.CharFilter(field_name="order__number")

    class Meta:
        model = ReturnAuthorization
        fields = ["status", "order"]
