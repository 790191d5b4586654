from django.contrib import admin

from inventory.models import (
    Barcode,
    BinReservation,
    Commitment,
    InventoryBalance,
    LotHold,
    Product,
    StockLevel,
    StockMovement,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: visible, never editable here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BarcodeInline(admin.TabularInline):
    model = Barcode
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "abc_class", "weight_g", "is_lot_tracked", "is_active"]
    list_filter = ["abc_class", "is_lot_tracked", "is_expiry_tracked", "is_active"]
    search_fields = ["sku", "name", "barcodes__code"]
    inlines = [BarcodeInline]


@admin.register(Barcode)
class BarcodeAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "product"]
    list_filter = ["kind"]
    search_fields = ["code", "product__sku"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]


@admin.register(InventoryBalance)
class InventoryBalanceAdmin(ReadOnlyAdmin):
    list_display = [
        "product",
        "warehouse",
        "on_hand",
        "committed",
        "unavailable",
        "incoming",
        "available",
    ]
    list_filter = ["warehouse"]
    search_fields = ["product__sku"]
    list_select_related = ["product", "warehouse"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["product", "bin", "lot", "expiry_date", "lot_status", "on_hand", "reserved"]
    list_filter = ["warehouse", "bin__bin_type", "lot_status"]
    search_fields = ["product__sku", "bin__code", "lot"]
    list_select_related = ["product", "bin"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "reason",
        "product",
        "lot",
        "from_bin",
        "to_bin",
        "quantity",
        "document_type",
        "document_ref",
        "actor",
    ]
    list_filter = ["reason", "document_type"]
    search_fields = ["product__sku", "document_ref", "from_bin__code", "to_bin__code", "actor"]
    list_select_related = ["product", "from_bin", "to_bin"]
    date_hierarchy = "created_at"


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "product",
        "warehouse",
        "quantity",
        "original_quantity",
        "status",
        "document_type",
        "document_ref",
        "expires_at",
    ]
    list_filter = ["status", "warehouse", "document_type"]
    search_fields = ["product__sku", "document_ref"]
    list_select_related = ["product", "warehouse"]


@admin.register(BinReservation)
class BinReservationAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "stock_level",
        "quantity",
        "original_quantity",
        "status",
        "document_type",
        "document_ref",
    ]
    list_filter = ["status"]
    search_fields = ["document_ref"]


@admin.register(LotHold)
class LotHoldAdmin(ReadOnlyAdmin):
    """Holds and recalls are placed and released on /dashboard/lots/ (services); read-only here."""

    list_display = [
        "created_at",
        "product",
        "lot",
        "kind",
        "reason",
        "placed_by",
        "quantity_held",
        "released_at",
        "released_by",
    ]
    list_filter = ["kind", "released_at"]
    search_fields = ["product__sku", "lot", "reason"]
    list_select_related = ["product"]
