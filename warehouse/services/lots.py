"""Lots leave sale: the warehouse side of holds, recalls and expiry.

`inventory.services` books a held or expired lot's units as unavailable, and refuses
(`LotOvercommitted`) when they are needed for committed orders, because
`committed + unavailable ≤ on_hand` must hold. These entry points first give those units back:
the newest committed lines of the product in that warehouse that no pick list has taken yet are
reported short to the OMS (`orders.services.fulfillment_line_short`: it releases the commitment
and re-routes the units to another warehouse or backorders them), each in its own short
transaction, in the documented lock order (order → lines → commitment → balance). Then the lot is
taken out of sale in one transaction (stock levels → balances). Units already on a pick list are
left to the picker: the pick refuses a held or expired lot and the short pick re-allocates from
sellable stock. Design: docs/inventory.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from common.exceptions import Conflict, DomainError
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import LotHoldKind
from inventory.clock import today
from orders import selectors as order_selectors
from orders import services as order_services

if TYPE_CHECKING:
    from inventory.models import LotHold

log = logging.getLogger(__name__)


def _give_back(*, shortfalls: dict[tuple[int, int], int], actor: Actor) -> int:
    """Report short, newest first, enough not-yet-picking committed units; return units given."""
    given = 0
    for (product_id, warehouse_id), need in sorted(shortfalls.items()):
        for line in order_selectors.fulfillment_lines_not_yet_picking(
            product_id=product_id, warehouse_id=warehouse_id
        ):
            if need <= 0:
                break
            qty = min(need, line.quantity_open)
            try:
                order_services.fulfillment_line_short(line_id=line.pk, quantity=qty, actor=actor)
            except DomainError as exc:  # changed meanwhile (picked, cancelled): next line
                log.info("lot out of sale: line %s not given back: %s", line.pk, exc)
                continue
            need -= qty
            given += qty
    return given


def stock_leaving_sale_make_room(
    *, product_id: int, warehouse_id: int, units: int, actor: Actor
) -> int:
    """`units` sellable units of a product are about to become unavailable (damaged, quarantined,
    a held lot): give back, through the OMS, the commitments they covered that no pick list has
    taken yet. Call it OUTSIDE any transaction, before the move. Returns the units given back."""
    if units <= 0:
        return 0
    available = inventory_selectors.sku_available(
        product_ids=[product_id], warehouse_ids=[warehouse_id]
    )[product_id]
    if units <= available:
        return 0
    return _give_back(shortfalls={(product_id, warehouse_id): units - available}, actor=actor)


def lot_hold(
    *, product_id: int, lot: str, actor: Actor, reason: str, kind: str = LotHoldKind.HOLD
) -> LotHold:
    """Hold or recall a lot everywhere: orders waiting for its units (not yet on a pick list) are
    re-routed or backordered, then the lot leaves available-to-sell.

    Raises what `inventory_services.lot_hold_place` raises; LotOvercommitted only when the units
    are on pick lists already (short those picks, then hold again).
    """
    lot = (lot or "").strip()
    # Refusals that need no stock come first, so no order gives units back for nothing.
    if not lot or not (reason or "").strip() or kind not in LotHoldKind.values:
        return inventory_services.lot_hold_place(
            product_id=product_id, lot=lot, actor=actor, reason=reason, kind=kind
        )  # raises InvalidInput
    if inventory_selectors.lot_holds_active().filter(product_id=product_id, lot=lot).exists():
        raise Conflict(f"Lot {lot} is already on hold.", code="lot_held")
    shortfalls = inventory_selectors.lot_hold_shortfalls(product_id=product_id, lot=lot)
    if shortfalls:
        _give_back(shortfalls=shortfalls, actor=actor)
    return inventory_services.lot_hold_place(
        product_id=product_id, lot=lot, actor=actor, reason=reason, kind=kind
    )


def lots_expire(*, on: dt.date | None = None, actor: Actor | None = None):  # type: ignore[no-untyped-def]
    """Take lots past their expiry date out of sale (the periodic task): orders waiting for their
    units are re-routed or backordered first. Returns inventory's ExpiryRun."""
    on = on or today()
    actor = actor or Actor.system("lot-expiry")
    shortfalls = inventory_selectors.lot_expiry_shortfalls(on=on)
    if shortfalls:
        _give_back(shortfalls=shortfalls, actor=actor)
    run = inventory_services.lots_expire(on=on, actor=actor)
    for item in run.overcommitted:
        log.warning("expired lot left in sale for now (units on pick lists): %s", item)
    return run
