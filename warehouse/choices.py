from django.db import models


class BinType(models.TextChoices):
    RECEIVING = "receiving", "Receiving"
    RESERVE = "reserve", "Reserve"
    PICK_FACE = "pick_face", "Pick face"
    PACKING = "packing", "Packing"
    SHIPPING = "shipping", "Shipping"
    QUARANTINE = "quarantine", "Quarantine"
    DAMAGED = "damaged", "Damaged"


# Stock in these bins is on hand but never available to sell.
UNAVAILABLE_BIN_TYPES = frozenset({BinType.QUARANTINE, BinType.DAMAGED})
# Bins that waves may reserve and pickers may pick from.
PICKABLE_BIN_TYPES = frozenset({BinType.PICK_FACE, BinType.RESERVE})


class ZoneKind(models.TextChoices):
    FAST = "fast", "Fast movers (A)"
    MEDIUM = "medium", "Medium movers (B)"
    SLOW = "slow", "Slow movers (C)"
    DOCK = "dock", "Dock / staging"
    HOLD = "hold", "Quarantine / damaged"


class InboundKind(models.TextChoices):
    ASN = "asn", "Advance shipping notice"
    PO = "po", "Purchase order"


class DiscrepancyKind(models.TextChoices):
    OVER = "over", "Over-received"
    SHORT = "short", "Short-received"
    DAMAGED = "damaged", "Damaged"


class TaskKind(models.TextChoices):
    PUTAWAY = "putaway", "Putaway"
    PICK = "pick", "Pick"
    PACK = "pack", "Pack"
    MOVE = "move", "Move"
    COUNT = "count", "Cycle count"
    REPLENISH = "replenish", "Replenish"
    RECEIVE = "receive", "Receive"


class CountTrigger(models.TextChoices):
    SCHEDULE = "schedule", "ABC schedule"
    SHORT_PICK = "short_pick", "Short pick"
    NOT_EMPTY = "not_empty", "Bin should be empty but is not"
    EMPTIED = "emptied", "Bin just emptied"
    MANUAL = "manual", "Manual"
