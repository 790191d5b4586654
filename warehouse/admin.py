from django.contrib import admin, messages

from common.exceptions import DomainError
from common.types import Actor
from warehouse.choices import BinType
from warehouse.models import (
    Bin,
    BoxType,
    CycleCount,
    CycleCountLine,
    InboundLine,
    InboundShipment,
    Package,
    PackedItem,
    PickFace,
    PickLine,
    PickList,
    ReceiptDiscrepancy,
    Task,
    Tote,
    Warehouse,
    Wave,
    WaveRequest,
    Zone,
)
from warehouse.services.bins import bin_set_blocked, bin_type_change
from warehouse.services.counts import cycle_count_approve
from warehouse.services.receiving import inbound_close
from warehouse.services.tasks import task_finish


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "city",
        "country",
        "region",
        "timezone",
        "shipping_cutoff",
        "is_active",
    ]
    list_filter = ["country", "is_active"]
    search_fields = ["code", "name", "city"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "warehouse", "kind"]
    list_filter = ["warehouse", "kind"]
    search_fields = ["code", "name"]


def _bin_type_action(bin_type: str, label: str):  # type: ignore[no-untyped-def]
    """An admin action that changes the type of the selected bins through the service."""

    def action(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
        changed = 0
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                bin_type_change(bin_id=pk, bin_type=bin_type, actor=Actor.for_user(request.user))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                changed += 1
        if changed:
            messages.success(request, f"{changed} bin(s) are now {label}.")

    action.__name__ = f"make_{bin_type}"
    action.short_description = f"Change type of selected bins to {label}"  # type: ignore[attr-defined]
    return action


@admin.register(Bin)
class BinAdmin(admin.ModelAdmin):
    """Bins. The type and the blocked flag of an existing bin decide whether its stock can be
    sold, so they change only through the actions (services that re-book the stock and refuse
    a change that would leave committed stock unavailable); the form shows them read-only."""

    list_display = [
        "code",
        "warehouse",
        "zone",
        "bin_type",
        "aisle",
        "bay",
        "level",
        "pick_sequence",
        "capacity_units",
        "is_blocked",
    ]
    list_filter = ["warehouse", "bin_type", "is_blocked", "zone__kind"]
    search_fields = ["code"]
    list_select_related = ["warehouse", "zone"]
    readonly_fields = ["is_blocked", "block_reason"]
    actions = [
        "block_bins",
        "unblock_bins",
        *(_bin_type_action(value, label) for value, label in BinType.choices),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # a new bin holds no stock yet: its type may be chosen freely
            fields.append("bin_type")
        return fields

    @admin.action(description="Block selected bins (count hold)")
    def block_bins(self, request, queryset):
        blocked = 0
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                bin_set_blocked(
                    bin_id=pk,
                    blocked=True,
                    actor=Actor.for_user(request.user),
                    reason="blocked in admin",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                blocked += 1
        if blocked:
            messages.success(request, f"{blocked} bin(s) blocked.")

    @admin.action(description="Unblock selected bins")
    def unblock_bins(self, request, queryset):
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            bin_set_blocked(bin_id=pk, blocked=False, actor=Actor.for_user(request.user))
        messages.success(request, "Bins unblocked.")


# ---------------------------------------------------------------- WMS flows (read-mostly)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only: visible, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InboundLineInline(_ReadOnlyInline):
    model = InboundLine
    fields = ["product", "lot", "quantity_expected", "quantity_received", "quantity_damaged"]
    readonly_fields = fields


class DiscrepancyInline(_ReadOnlyInline):
    model = ReceiptDiscrepancy
    fields = ["product", "kind", "quantity", "actor", "created_at"]
    readonly_fields = fields


@admin.register(InboundShipment)
class InboundShipmentAdmin(_ReadOnlyAdmin):
    list_display = ["number", "warehouse", "kind", "supplier", "status", "expected_at"]
    list_filter = ["warehouse", "status", "kind"]
    search_fields = ["number", "supplier"]
    inlines = [InboundLineInline, DiscrepancyInline]
    actions = ["close_shipments"]

    @admin.action(description="Close selected shipments with their differences")
    def close_shipments(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            inbound_close(shipment_id=pk, actor=Actor.for_user(request.user))
        messages.success(request, "Shipments closed.")


@admin.register(Task)
class TaskAdmin(_ReadOnlyAdmin):
    list_display = [
        "id",
        "warehouse",
        "kind",
        "status",
        "priority",
        "assignee",
        "product",
        "from_bin",
        "to_bin",
        "quantity",
        "quantity_done",
        "started_at",
        "finished_at",
    ]
    list_filter = ["warehouse", "kind", "status"]
    search_fields = ["document_ref", "product__sku", "assignee__username"]
    list_select_related = ["warehouse", "assignee", "product", "from_bin", "to_bin"]
    actions = ["cancel_tasks"]

    @admin.action(description="Cancel selected tasks")
    def cancel_tasks(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            task_finish(task_id=pk, actor=Actor.for_user(request.user), cancelled=True)
        messages.success(request, "Tasks cancelled.")


class WaveRequestInline(_ReadOnlyInline):
    model = WaveRequest
    fields = ["order_number", "request_number", "ship_by", "priority", "tote_code", "pick_list"]
    readonly_fields = fields


@admin.register(Wave)
class WaveAdmin(_ReadOnlyAdmin):
    list_display = [
        "number",
        "warehouse",
        "status",
        "released_at",
        "route_length_m",
        "sshape_length_m",
    ]
    list_filter = ["warehouse", "status"]
    search_fields = ["number"]
    inlines = [WaveRequestInline]


class PickLineInline(_ReadOnlyInline):
    model = PickLine
    fields = [
        "sequence",
        "bin",
        "product",
        "lot",
        "quantity",
        "quantity_picked",
        "quantity_short",
        "tote_code",
        "status",
    ]
    readonly_fields = fields


@admin.register(PickList)
class PickListAdmin(_ReadOnlyAdmin):
    list_display = ["number", "wave", "status", "route_method", "route_length_m", "sshape_length_m"]
    list_filter = ["status", "route_method"]
    search_fields = ["number"]
    inlines = [PickLineInline]


@admin.register(Tote)
class ToteAdmin(admin.ModelAdmin):
    list_display = ["code", "warehouse", "wave_request"]
    list_filter = ["warehouse"]
    search_fields = ["code"]
    readonly_fields = ["wave_request"]


@admin.register(BoxType)
class BoxTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "length_mm",
        "width_mm",
        "height_mm",
        "max_weight_g",
        "tare_weight_g",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


class PackedItemInline(_ReadOnlyInline):
    model = PackedItem
    fields = ["product", "lot", "quantity_expected", "quantity_verified"]
    readonly_fields = fields


@admin.register(Package)
class PackageAdmin(_ReadOnlyAdmin):
    list_display = [
        "number",
        "warehouse",
        "order_number",
        "status",
        "box",
        "weight_g",
        "expected_weight_g",
        "weight_flagged",
        "carrier_code",
        "tracking_number",
    ]
    list_filter = ["warehouse", "status", "weight_flagged"]
    search_fields = ["number", "order_number", "tracking_number"]
    inlines = [PackedItemInline]


class CountLineInline(_ReadOnlyInline):
    model = CycleCountLine
    fields = ["product", "lot", "expected_quantity", "counted_quantity"]
    readonly_fields = fields


@admin.register(CycleCount)
class CycleCountAdmin(_ReadOnlyAdmin):
    list_display = [
        "id",
        "warehouse",
        "bin",
        "zone",
        "abc_class",
        "trigger",
        "status",
        "attempt",
        "applied_at",
        "variance_units",
    ]
    list_filter = ["warehouse", "status", "trigger", "abc_class"]
    search_fields = ["bin__code"]
    list_select_related = ["warehouse", "bin", "zone"]
    inlines = [CountLineInline]
    actions = ["approve_counts"]

    @admin.action(description="Approve selected counts (post the variances)")
    def approve_counts(self, request, queryset):
        for pk in queryset.filter(status="pending_approval").values_list("pk", flat=True):
            cycle_count_approve(count_id=pk, actor=Actor.for_user(request.user))
        messages.success(request, "Counts approved.")


@admin.register(PickFace)
class PickFaceAdmin(admin.ModelAdmin):
    list_display = ["bin", "product", "min_quantity", "max_quantity"]
    search_fields = ["bin__code", "product__sku"]
    list_select_related = ["bin", "product"]
    raw_id_fields = ["bin", "product"]
