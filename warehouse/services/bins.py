"""Bin control: block and unblock, and change a bin's type. Both re-book the bin's stock.

Whether a bin's stock counts as unavailable (InventoryBalance.unavailable) depends on the bin's
type and its blocked flag (`Bin.is_unavailable`), so these are the only writers of
`Bin.is_blocked` and `Bin.bin_type` on an existing bin: each locks the bin, saves the new state
and calls `inventory_services.bin_availability_change` in the same transaction, which refuses
(nothing changed) a change that would leave a warehouse with more committed than sellable.
"""

from __future__ import annotations

from django.db import transaction

from common.exceptions import InvalidInput
from common.types import Actor
from inventory import services as inventory_services
from warehouse.choices import BinType
from warehouse.locks import bin_for_update
from warehouse.models import Bin


@transaction.atomic
def bin_set_blocked(*, bin_id: int, blocked: bool, actor: Actor, reason: str = "") -> Bin:
    """Block (count hold, damage, maintenance) or unblock a bin, re-booking its stock's availability.

    Raises BinNotUsable when blocking would make committed stock unavailable.
    """
    bin = bin_for_update(bin_id)
    if bin.is_blocked == blocked:
        return bin
    was_unavailable = bin.is_unavailable
    bin.is_blocked = blocked
    bin.block_reason = reason[:200] if blocked else ""
    bin.save(update_fields=["is_blocked", "block_reason", "updated_at"])
    inventory_services.bin_availability_change(bin=bin, was_unavailable=was_unavailable)
    return bin


@transaction.atomic
def bin_type_change(*, bin_id: int, bin_type: str, actor: Actor) -> Bin:
    """Change a bin's type (e.g. reserve → quarantine), moving its stock between available and
    unavailable in the same transaction.

    Raises InvalidInput for a type that does not exist, BinNotUsable when the change would make
    committed stock unavailable (nothing is changed).
    """
    if bin_type not in BinType.values:
        raise InvalidInput(f"No bin type is called {bin_type!r}.")
    bin = bin_for_update(bin_id)
    if bin.bin_type == bin_type:
        return bin
    was_unavailable = bin.is_unavailable
    bin.bin_type = bin_type
    bin.save(update_fields=["bin_type", "updated_at"])
    inventory_services.bin_availability_change(bin=bin, was_unavailable=was_unavailable)
    return bin
