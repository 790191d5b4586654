from rest_framework import mixins, viewsets

from common.api.pagination import CreatedCursorPagination
from common.api.permissions import IsAnyStaffRole
from inventory.api.serializers import (
    BalanceSerializer,
    MovementSerializer,
    ProductSerializer,
    StockLevelSerializer,
)
from inventory.filters import (
    BalanceFilterSet,
    MovementFilterSet,
    ProductFilterSet,
    StockLevelFilterSet,
)
from inventory.models import InventoryBalance, Product, StockLevel, StockMovement


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The catalog: SKUs with barcodes, dimensions and velocity class."""

    queryset = Product.objects.prefetch_related("barcodes").order_by("sku")
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    permission_classes = [IsAnyStaffRole]


class BalanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Warehouse-level stock: on hand, committed, unavailable, incoming, available."""

    queryset = InventoryBalance.objects.select_related("product", "warehouse").order_by(
        "product__sku", "warehouse__code"
    )
    serializer_class = BalanceSerializer
    filterset_class = BalanceFilterSet
    permission_classes = [IsAnyStaffRole]


class StockLevelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stock per bin and lot."""

    queryset = (
        StockLevel.objects.select_related("product", "bin", "warehouse")
        .filter(on_hand__gt=0)
        .order_by("pk")
    )
    serializer_class = StockLevelSerializer
    filterset_class = StockLevelFilterSet
    permission_classes = [IsAnyStaffRole]


class MovementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The stock ledger (read-only)."""

    queryset = StockMovement.objects.select_related("product", "from_bin", "to_bin")
    serializer_class = MovementSerializer
    filterset_class = MovementFilterSet
    pagination_class = CreatedCursorPagination
    permission_classes = [IsAnyStaffRole]
