"""Reads for the ops dashboard: stock alerts."""

from __future__ import annotations

from django.db.models import F, QuerySet

from inventory.models import InventoryBalance

LOW_STOCK_UNITS = 5


def stock_alerts(*, low_units: int = LOW_STOCK_UNITS) -> QuerySet[InventoryBalance]:
    """Balances of active products whose available units (on hand − committed − unavailable)
    are at or below `low_units`, lowest first, with product and warehouse joined."""
    return (
        InventoryBalance.objects.filter(product__is_active=True)
        .annotate(available_units=F("on_hand") - F("committed") - F("unavailable"))
        .filter(available_units__lte=low_units)
        .select_related("product", "warehouse")
        .order_by("available_units", "product__sku")
    )
