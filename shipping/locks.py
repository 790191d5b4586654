"""Row locks for shipping, by name (STYLE.md B5). select_for_update is a no-op on SQLite."""

from __future__ import annotations

from django.db.models import QuerySet

from shipping.models import Shipment


def shipments_for_update() -> QuerySet[Shipment]:
    """Shipments locked FOR NO KEY UPDATE (call inside a transaction), ordered by pk."""
    return Shipment.objects.order_by("pk").select_for_update(of=("self",), no_key=True)
