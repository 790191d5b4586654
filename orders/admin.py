"""Ops admin for orders: everything about an order on one page (lines, holds, fulfillment
requests, shipments, returns, timeline), the filters ops use, and actions that call services.

Orders are written only by services: every field and inline here is read-only, orders cannot be
added or deleted in the admin, and each action calls the owning app's service per order and
reports what it did (or the service's own message when it refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from channels_sync import selectors as channels_selectors
from channels_sync.services import sync as channels_sync_services
from common.exceptions import DomainError
from common.types import Actor
from orders import services as orders_services
from orders.models import (
    FulfillmentRequest,
    Hold,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    ReturnAuthorization,
)
from orders.services import edits as order_edits
from orders.ui_selectors import CLOSED_STATUSES
from warehouse import ui_selectors as warehouse_ui
from warehouse.services import waves as wave_services

ORDER_TOPICS = ("order_status", "shipment", "cancellation")


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = (
        "line_number",
        "sku",
        "name",
        "quantity",
        "quantity_allocated",
        "quantity_backordered",
        "quantity_picked",
        "quantity_shipped",
        "quantity_cancelled",
        "quantity_returned",
        "unit_price",
    )
    ordering = ("line_number",)


class HoldInline(_ReadOnlyInline):
    model = Hold
    fields = readonly_fields = (
        "kind",
        "scope",
        "reason",
        "placed_by",
        "created_at",
        "released_at",
        "released_by",
        "release_note",
    )
    ordering = ("created_at",)


class FulfillmentRequestInline(_ReadOnlyInline):
    model = FulfillmentRequest
    fields = readonly_fields = (
        "number",
        "warehouse",
        "status",
        "priority",
        "ship_by",
        "released_at",
        "closed_at",
    )
    ordering = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[FulfillmentRequest]:
        return super().get_queryset(request).select_related("warehouse")


class OrderShipmentInline(_ReadOnlyInline):
    model = OrderShipment
    fields = readonly_fields = ("carrier", "tracking_number", "request", "shipped_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderShipment]:
        return super().get_queryset(request).select_related("request")


class ReturnInline(_ReadOnlyInline):
    model = ReturnAuthorization
    fields = readonly_fields = ("number", "status", "reason", "is_exchange", "received_at")


class TimelineInline(_ReadOnlyInline):
    model = OrderEvent
    verbose_name = "timeline event"
    verbose_name_plural = "timeline"
    fields = readonly_fields = ("created_at", "kind", "message", "actor")
    ordering = ("created_at", "id")


class LateFilter(admin.SimpleListFilter):
    title = "late against promise"
    parameter_name = "late"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Late"), ("no", "On time")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        late = Q(promised_ship_by__lt=timezone.now()) & ~Q(status__in=CLOSED_STATUSES)
        if self.value() == "yes":
            return queryset.filter(late)
        if self.value() == "no":
            return queryset.exclude(late)
        return queryset


class OnHoldFilter(admin.SimpleListFilter):
    title = "on hold"
    parameter_name = "on_hold"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "On hold"), ("no", "Not on hold")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        held = Exists(Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True))
        if self.value() == "yes":
            return queryset.filter(held)
        if self.value() == "no":
            return queryset.exclude(held)
        return queryset


class BackorderedFilter(admin.SimpleListFilter):
    title = "backordered"
    parameter_name = "backordered"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has backordered units"), ("no", "Nothing backordered")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        backordered = Exists(
            OrderLine.objects.filter(order=OuterRef("pk"), quantity_backordered__gt=0)
        )
        if self.value() == "yes":
            return queryset.filter(backordered)
        if self.value() == "no":
            return queryset.exclude(backordered)
        return queryset


class WarehouseFilter(admin.SimpleListFilter):
    title = "warehouse"
    parameter_name = "warehouse"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(wh.pk), wh.code) for wh in warehouse_ui.warehouses_active()[:100]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if not self.value():
            return queryset
        return queryset.filter(
            Exists(
                FulfillmentRequest.objects.filter(order=OuterRef("pk"), warehouse_id=self.value())
            )
        )


def _each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    orders: QuerySet[Order],
    call: Callable[[Order, Actor], Any],
    done: str,
) -> None:
    """Run `call` per order; report successes in one message and each refusal in its own."""
    actor = Actor.for_user(request.user)
    ok = 0
    for order in orders.order_by("pk"):
        try:
            call(order, actor)
        except DomainError as exc:
            modeladmin.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, f"{done}: {ok} order(s).", messages.SUCCESS)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "status",
        "channel",
        "external_id",
        "customer_name",
        "placed_at",
        "promised_ship_by",
        "is_late",
        "active_holds",
        "total",
    )
    list_filter = (
        "status",
        "channel",
        WarehouseFilter,
        LateFilter,
        OnHoldFilter,
        BackorderedFilter,
        "payment_status",
        "service_level",
    )
    search_fields = (
        "=number",
        "=external_id",
        "=customer_email",
        "customer_name",
        "customer_phone",
        "=shipments__tracking_number",
    )
    list_select_related = ("channel",)
    date_hierarchy = "placed_at"
    ordering = ("-placed_at", "-id")
    list_per_page = 50
    show_full_result_count = False
    inlines = (
        OrderLineInline,
        HoldInline,
        FulfillmentRequestInline,
        OrderShipmentInline,
        ReturnInline,
        TimelineInline,
    )
    actions = (
        "release_holds",
        "cancel_orders",
        "reroute_orders",
        "create_waves",
        "retry_dead_syncs",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return (
            super()
            .get_queryset(request)
            .annotate(_holds=Count("holds", filter=Q(holds__released_at__isnull=True)))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders come in through order capture (API, channels)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="holds", ordering="_holds")
    def active_holds(self, obj: Order) -> int:
        return getattr(obj, "_holds", 0)

    @admin.display(description="late", boolean=True)
    def is_late(self, obj: Order) -> bool:
        return bool(
            obj.promised_ship_by
            and obj.promised_ship_by < timezone.now()
            and obj.status not in CLOSED_STATUSES
        )

    @admin.action(description="Release holds of the selected orders")
    def release_holds(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        def release(order: Order, actor: Actor) -> None:
            holds = list(order.holds.filter(released_at__isnull=True).order_by("pk"))
            if not holds:
                raise DomainError("no open hold.")
            for hold in holds:
                orders_services.order_hold_release(
                    hold_id=hold.pk, actor=actor, note="Released by ops in the admin"
                )

        _each(self, request, queryset, release, "Holds released")

    @admin.action(description="Cancel the selected orders")
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda order, actor: order_edits.order_cancel(
                order_id=order.pk, actor=actor, reason="Cancelled by ops in the admin"
            ),
            "Cancelled",
        )

    @admin.action(description="Re-route the selected orders")
    def reroute_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda order, actor: orders_services.order_reroute(order_id=order.pk, actor=actor),
            "Re-routed",
        )

    @admin.action(description="Create and release a wave in the warehouses of the selected orders")
    def create_waves(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = Actor.for_user(request.user)
        warehouse_ids = sorted(
            set(
                FulfillmentRequest.objects.filter(
                    order__in=queryset, status="released"
                ).values_list("warehouse_id", flat=True)
            )
        )
        if not warehouse_ids:
            self.message_user(
                request, "None of these orders has work released to a warehouse.", messages.WARNING
            )
            return
        for warehouse_id in warehouse_ids:
            try:
                wave = wave_services.wave_plan(warehouse_id=warehouse_id, actor=actor)
                if wave is None:
                    self.message_user(request, "Nothing to wave.", messages.WARNING)
                    continue
                wave = wave_services.wave_release(wave_id=wave.pk, actor=actor)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"Wave {wave.number} released ({wave.status}).", messages.SUCCESS
                )

    @admin.action(description="Retry dead channel sync messages of the selected orders")
    def retry_dead_syncs(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = Actor.for_user(request.user)
        keys = {str(pk) for pk in queryset.values_list("pk", flat=True)}
        retried = 0
        for message in channels_selectors.outbox_messages_dead():
            if message.topic in ORDER_TOPICS and message.key in keys:
                try:
                    channels_sync_services.outbox_message_retry(message_id=message.pk, actor=actor)
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    retried += 1
        self.message_user(request, f"{retried} dead sync message(s) queued again.", messages.INFO)


@admin.register(FulfillmentRequest)
class FulfillmentRequestAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "warehouse", "status", "priority", "ship_by", "released_at")
    list_filter = ("status", "warehouse")
    search_fields = ("=number", "=order__number")
    list_select_related = ("order", "warehouse")
    ordering = ("-created_at",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in FulfillmentRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
