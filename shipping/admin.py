"""Admin: carriers and service levels are reference data; shipments, tracking and manifests are
read-only (written by services), with actions that call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from common.exceptions import DomainError
from common.types import Actor
from shipping import selectors, services
from shipping.models import (
    Carrier,
    Manifest,
    ServiceLevel,
    Shipment,
    ShipmentPackage,
    ShipmentStatusChange,
    TrackingEvent,
)


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0
    fields = ["code", "name", "tier", "transit_days", "base_cost", "cost_per_kg", "is_active"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "base_url", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    inlines = [ServiceLevelInline]
    actions = ["poll_tracking", "close_day"]

    @admin.action(description="Poll tracking now for every open shipment")
    def poll_tracking(self, request, queryset):  # type: ignore[no-untyped-def]
        summary = services.tracking_poll_all(actor=Actor.for_user(request.user))
        self.message_user(
            request,
            f"Polled {summary.polled} shipments: {summary.events} new events, "
            f"{summary.failed} failed.",
        )

    @admin.action(description="Close the day: manifest every warehouse's open shipments")
    def close_day(self, request, queryset):  # type: ignore[no-untyped-def]
        for carrier in queryset:
            for warehouse_id in selectors.warehouses_with_unmanifested_shipments(
                carrier_id=carrier.pk
            ):
                try:
                    manifest = services.manifest_create(
                        carrier_id=carrier.pk,
                        warehouse_id=warehouse_id,
                        actor=Actor.for_user(request.user),
                    )
                except DomainError as exc:
                    self.message_user(request, f"{carrier.code}: {exc.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{manifest}: {manifest.shipment_count} shipments, "
                        f"{manifest.package_count} packages.",
                    )


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = [
        "carrier",
        "code",
        "name",
        "tier",
        "transit_days",
        "base_cost",
        "cost_per_kg",
        "is_active",
    ]
    list_filter = ["carrier", "tier", "is_active"]


class PackageInline(admin.TabularInline):
    model = ShipmentPackage
    extra = 0
    can_delete = False
    readonly_fields = ["sequence", "weight_g", "length_mm", "width_mm", "height_mm"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "status",
        "description",
        "location",
        "occurred_at",
        "source",
        "carrier_event_id",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class StatusChangeInline(admin.TabularInline):
    model = ShipmentStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "note", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_number",
        "carrier",
        "service",
        "status",
        "fulfillment_request_id",
        "order_id",
        "ship_date",
        "manifest",
    ]
    list_filter = ["status", "carrier", "ship_date"]
    search_fields = ["tracking_number", "reference", "=fulfillment_request_id", "=order_id"]
    exclude = ["label_pdf", "label_zpl"]
    readonly_fields = [
        f.name for f in Shipment._meta.concrete_fields if f.name not in {"label_pdf", "label_zpl"}
    ] + ["labels"]
    inlines = [PackageInline, TrackingEventInline, StatusChangeInline]
    actions = ["mark_shipped", "void", "poll_tracking"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .select_related("carrier", "manifest")
            .defer("label_pdf", "label_zpl")
        )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description="Labels")
    def labels(self, obj: Shipment) -> str:
        if not obj.pk:
            return "-"
        return format_html(
            '<a href="/api/v1/shipments/{}/label-pdf/">PDF</a> · <a href="/api/v1/shipments/{}/label-zpl/">ZPL</a>',
            obj.pk,
            obj.pk,
        )

    def _each(self, request, queryset, fn, verb: str) -> None:  # type: ignore[no-untyped-def]
        done = 0
        for shipment in queryset:
            try:
                fn(shipment_id=shipment.pk, actor=Actor.for_user(request.user))
                done += 1
            except DomainError as exc:
                self.message_user(
                    request, f"{shipment.tracking_number}: {exc.message}", messages.ERROR
                )
        self.message_user(request, f"{verb} {done} shipment(s).")

    @admin.action(description="Mark shipped (handed to carrier)")
    def mark_shipped(self, request, queryset):  # type: ignore[no-untyped-def]
        self._each(request, queryset, services.shipment_mark_shipped, "Marked shipped")

    @admin.action(description="Void label (refund)")
    def void(self, request, queryset):  # type: ignore[no-untyped-def]
        self._each(request, queryset, services.shipment_void, "Voided")

    @admin.action(description="Poll tracking now")
    def poll_tracking(self, request, queryset):  # type: ignore[no-untyped-def]
        self._each(request, queryset, services.tracking_poll_shipment, "Polled")


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["shipment", "status", "description", "occurred_at", "source"]
    list_filter = ["status", "source"]
    search_fields = ["shipment__tracking_number"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Manifest)
class ManifestAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "carrier",
        "warehouse",
        "ship_date",
        "shipment_count",
        "package_count",
        "files",
    ]
    list_filter = ["carrier", "ship_date"]
    exclude = ["pdf", "csv_text"]
    readonly_fields = [
        "carrier",
        "warehouse",
        "ship_date",
        "carrier_manifest_id",
        "shipment_count",
        "package_count",
        "total_weight_g",
        "actor",
        "files",
    ]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .select_related("carrier", "warehouse")
            .defer("pdf", "csv_text")
        )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description="Files")
    def files(self, obj: Manifest) -> str:
        return format_html(
            '<a href="/api/v1/manifests/{}/pdf/">PDF</a> · <a href="/api/v1/manifests/{}/csv/">CSV</a>',
            obj.pk,
            obj.pk,
        )
