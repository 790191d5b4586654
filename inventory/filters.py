import django_filters

from common.api.filters import FilterSet
from inventory.models import InventoryBalance, Product, StockLevel, StockMovement


class ProductFilterSet(FilterSet):
    sku = django_filters.CharFilter(lookup_expr="iexact")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    barcode = django_filters.CharFilter(field_name="barcodes__code")

    class Meta:
        model = Product
        fields = ["sku", "abc_class", "is_active"]


class BalanceFilterSet(FilterSet):
    sku = django_filters.CharFilter(field_name="product__sku")
    warehouse = django_filters.CharFilter(field_name="warehouse__code")

    class Meta:
        model = InventoryBalance
        fields = ["sku", "warehouse"]


class StockLevelFilterSet(FilterSet):
    sku = django_filters.CharFilter(field_name="product__sku")
    bin = django_filters.CharFilter(field_name="bin__code")
    warehouse = django_filters.CharFilter(field_name="warehouse__code")

    class Meta:
        model = StockLevel
        fields = ["sku", "bin", "warehouse", "lot"]


class MovementFilterSet(FilterSet):
    sku = django_filters.CharFilter(field_name="product__sku")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = StockMovement
        fields = ["sku", "reason", "document_type", "document_ref"]
