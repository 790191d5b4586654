"""The two levels of reservation.

`Commitment` — the OMS commits stock in a warehouse to an order line when it allocates.
`BinReservation` — the WMS reserves units in a specific bin (and lot) when it releases work to the
floor; it belongs to a commitment. Open quantities add up to InventoryBalance.committed and
StockLevel.reserved respectively (check_inventory proves it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from inventory.choices import ReservationStatus


class Commitment(TimeStampedModel):
    """Warehouse-level stock promised to one document (an order line, a cart)."""

    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField(help_text="Open quantity still committed")
    original_quantity = models.IntegerField()
    document_type = models.CharField(max_length=40)
    document_ref = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.OPEN
    )
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="commitment_qty_nonneg"),
            models.CheckConstraint(
                condition=Q(quantity__lte=models.F("original_quantity")),
                name="commitment_qty_lte_original",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(quantity__gt=0), name="commitment_open_has_qty"
            ),
        ]
        indexes = [
            models.Index(fields=["document_type", "document_ref"]),
            models.Index(fields=["product", "warehouse", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.quantity}× {self.product_id} for {self.document_type}:{self.document_ref}"


class BinReservation(TimeStampedModel):
    """Units reserved in one bin (and lot) for a pick, under a commitment."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="bin_reservations"
    )
    stock_level = models.ForeignKey(
        "inventory.StockLevel", on_delete=models.PROTECT, related_name="reservations"
    )
    quantity = models.IntegerField(help_text="Open quantity still reserved")
    original_quantity = models.IntegerField()
    document_type = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.OPEN
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="binres_qty_nonneg"),
            models.CheckConstraint(
                condition=Q(quantity__lte=models.F("original_quantity")),
                name="binres_qty_lte_original",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(quantity__gt=0), name="binres_open_has_qty"
            ),
        ]
        indexes = [models.Index(fields=["document_type", "document_ref"])]

    def __str__(self) -> str:
        return f"{self.quantity}× at {self.stock_level_id}"
