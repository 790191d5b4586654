"""Bin control: block and unblock (stock in a blocked bin is unavailable and unpickable)."""

from __future__ import annotations

from django.db import transaction

from common.types import Actor
from inventory import services as inventory_services
from warehouse.locks import bin_for_update
from warehouse.models import Bin


@transaction.atomic
def bin_set_blocked(*, bin_id: int, blocked: bool, actor: Actor, reason: str = "") -> Bin:
    """Block (count hold, damage, maintenance) or unblock a bin, re-booking its stock's availability."""
    bin = bin_for_update(bin_id)
    if bin.is_blocked == blocked:
        return bin
    was_unavailable = bin.is_unavailable
    bin.is_blocked = blocked
    bin.block_reason = reason[:200] if blocked else ""
    bin.save(update_fields=["is_blocked", "block_reason", "updated_at"])
    inventory_services.bin_availability_change(bin=bin, was_unavailable=was_unavailable)
    return bin
