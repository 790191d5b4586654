"""Reads for the ops dashboard: stock alerts and units moved per hour."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncHour

from inventory.models import InventoryBalance, StockMovement

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


def units_moved_per_hour(*, since: datetime, reason: str) -> list[dict[str, Any]]:
    """[{hour, units, movements}] of ledger movements with `reason` since `since` (one grouped
    query; a confirmed pick is one "pick" movement, written when it is confirmed)."""
    return list(
        StockMovement.objects.filter(reason=reason, created_at__gte=since)
        .annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(units=Sum("quantity"), movements=Count("id"))
        .order_by("hour")
    )
