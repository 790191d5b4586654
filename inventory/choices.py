from django.db import models


class AbcClass(models.TextChoices):
    A = "A", "A (fast)"
    B = "B", "B (medium)"
    C = "C", "C (slow)"


class BarcodeKind(models.TextChoices):
    GTIN = "gtin", "GTIN-13/EAN"
    UPC = "upc", "UPC-A"
    INTERNAL = "internal", "Internal"


class MovementReason(models.TextChoices):
    RECEIPT = "receipt", "Received"
    PUTAWAY = "putaway", "Put away"
    MOVE = "move", "Moved"
    REPLENISH = "replenish", "Replenished"
    PICK = "pick", "Picked"
    SHIP = "ship", "Shipped"
    ADJUST = "adjust", "Adjusted"
    COUNT = "count", "Cycle count"
    DAMAGE = "damage", "Damaged"
    RETURN = "return", "Returned"
    QUARANTINE = "quarantine", "Quarantined"


class ReservationStatus(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Released"
    CONSUMED = "consumed", "Consumed"


class LotStatus(models.TextChoices):
    """Whether the units of a stock level's lot may be sold (StockLevel.lot_status)."""

    SELLABLE = "sellable", "Sellable"
    HELD = "held", "Held (hold or recall)"
    EXPIRED = "expired", "Expired"


class LotHoldKind(models.TextChoices):
    HOLD = "hold", "Quality hold"
    RECALL = "recall", "Recall"
