"""Stock figures: per bin (and lot), and per warehouse.

`StockLevel` is physical stock in one bin; `reserved` is what waves reserved there for picks.
`InventoryBalance` is the warehouse-level view that the OMS commits against: it is maintained in
the same transaction as every StockLevel change, so `on_hand == sum(stock levels)` and
`unavailable == sum(stock in damaged/quarantine/blocked bins)` always hold (check_inventory).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from inventory.choices import LotHoldKind, LotStatus


class StockLevel(TimeStampedModel):
    """Units of one product (and lot) in one bin."""

    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="stock_levels"
    )
    bin = models.ForeignKey("warehouse.Bin", on_delete=models.PROTECT, related_name="stock_levels")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    expiry_date = models.DateField(null=True, blank=True)
    # Held or expired lots are on hand but unavailable (booked in InventoryBalance.unavailable
    # like stock in a quarantine bin) and never reserved or picked (docs/inventory.md).
    lot_status = models.CharField(
        max_length=10, choices=LotStatus.choices, default=LotStatus.SELLABLE
    )
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "bin", "lot"], name="stocklevel_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stocklevel_on_hand_nonneg"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stocklevel_reserved_nonneg"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stocklevel_reserved_lte_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(lot_status__in=LotStatus.values), name="stocklevel_lot_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse"]),
            models.Index(fields=["expiry_date", "lot_status"]),
        ]

    def __str__(self) -> str:
        lot = f" lot {self.lot}" if self.lot else ""
        return f"{self.product_id}@{self.bin_id}{lot}: {self.on_hand}"

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_lot_sellable(self) -> bool:
        return self.lot_status == LotStatus.SELLABLE


class InventoryBalance(TimeStampedModel):
    """One product in one warehouse: on hand, committed to orders, unavailable, incoming.

    available = on_hand − committed − unavailable, never below zero: a CHECK constraint
    (`balance_committed_unavail_lte_on_hand`) holds `committed + unavailable ≤ on_hand`.
    """

    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="balances"
    )
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    on_hand = models.IntegerField(default=0)
    committed = models.IntegerField(default=0)
    unavailable = models.IntegerField(default=0)
    incoming = models.IntegerField(default=0)
    # Bumped on every change: channels use it as a version so stale pushes never win.
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="balance_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="balance_on_hand_nonneg"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="balance_committed_nonneg"),
            models.CheckConstraint(condition=Q(unavailable__gte=0), name="balance_unavail_nonneg"),
            models.CheckConstraint(condition=Q(incoming__gte=0), name="balance_incoming_nonneg"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("on_hand")), name="balance_committed_lte_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(unavailable__lte=F("on_hand")), name="balance_unavail_lte_on_hand"
            ),
            # The stock rule itself: what is promised to orders plus what cannot be sold never
            # exceeds what is on the shelves, so available is never below zero (issue 10 item 4).
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("committed") + F("unavailable")),
                name="balance_committed_unavail_lte_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@wh{self.warehouse_id}"

    @property
    def available(self) -> int:
        # No max(0, …): the constraint keeps this ≥ 0, and a negative figure must show, not hide.
        return self.on_hand - self.committed - self.unavailable


class LotHold(TimeStampedModel):
    """A hold or recall of one lot of a product, in every warehouse, placed and lifted by people.

    The row is never deleted: with who placed it, why and when, and who released it, it is the
    trace of the lot's state change (an audit entry is written too). While a hold is active
    (`released_at` is null) every stock level of the lot is `lot_status=held`.
    """

    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=LotHoldKind.choices, default=LotHoldKind.HOLD)
    reason = models.CharField(max_length=255)
    placed_by = models.CharField(max_length=150)
    quantity_held = models.IntegerField(default=0, help_text="Units on hand when placed")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)
    release_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "lot"],
                condition=Q(released_at__isnull=True),
                name="lothold_one_active_per_lot",
            ),
            models.CheckConstraint(condition=~Q(lot=""), name="lothold_lot_not_empty"),
            models.CheckConstraint(condition=~Q(reason=""), name="lothold_reason_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=LotHoldKind.values), name="lothold_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} lot {self.lot}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
