"""Return receipt and disposition on the warehouse floor.

Returned units enter the ledger in a quarantine bin (on hand, not sellable) when they are
received; inspection then moves them to sellable stock (restock), keeps them in quarantine, or
moves them to a damaged bin. The OMS (orders.services.returns) records each step on the RMA and
the order timeline in the same transaction. Restocked units wake backorders after commit.
"""

from __future__ import annotations

from django.db import transaction

from common.exceptions import Conflict
from common.types import Actor
from inventory import services as inventory_services
from inventory.choices import MovementReason
from orders.choices import Disposition
from orders.models import ReturnAuthorization
from orders.services import backorders_allocate
from orders.services import returns as orders_returns
from warehouse.choices import BinType
from warehouse.models import Bin


class NoBinForReturns(Conflict):
    """The warehouse has no bin of the type this step needs."""

    code = "no_bin_for_returns"


def _bin(warehouse_id: int, *types: str) -> Bin:
    found = (
        Bin.objects.filter(warehouse_id=warehouse_id, bin_type__in=types, is_blocked=False)
        .order_by("pick_sequence", "code")
        .first()
    )
    if found is None:
        raise NoBinForReturns(f"Warehouse {warehouse_id} has no {' or '.join(types)} bin.")
    return found


@transaction.atomic(durable=True)
def return_receive(
    *, rma_id: int, warehouse_id: int, lines: list[tuple[int, int]], actor: Actor
) -> ReturnAuthorization:
    """Receive returned units into the warehouse's quarantine bin and mark the RMA received.

    `lines` are (return line id, quantity). Raises NoBinForReturns, InvalidTransition,
    QuantityExceeded.
    """
    rma = ReturnAuthorization.objects.get(pk=rma_id)
    by_id = {line.pk: line for line in rma.lines.select_related("order_line")}
    dock = _bin(warehouse_id, BinType.QUARANTINE)
    rma = orders_returns.return_mark_received(
        rma_id=rma_id, warehouse_id=warehouse_id, lines=lines, actor=actor
    )
    for line_id, qty in lines:
        inventory_services.stock_receive(
            product_id=by_id[line_id].order_line.product_id,
            bin=dock,
            quantity=qty,
            actor=actor,
            reason=MovementReason.RETURN,
            document_type="return",
            document_ref=rma.number,
        )
    return rma


@transaction.atomic(durable=True)
def return_disposition(
    *, rma_id: int, lines: list[tuple[int, str, str]], actor: Actor
) -> ReturnAuthorization:
    """Inspect and disposition received units: (return line id, condition, disposition).

    restock → the first pickable bin (sellable again; backorders are retried after commit);
    quarantine → stays in quarantine; damaged → a damaged bin.
    """
    rma = orders_returns.return_mark_inspected(rma_id=rma_id, lines=lines, actor=actor)
    by_id = {line.pk: line for line in rma.lines.select_related("order_line")}
    dock = _bin(rma.warehouse_id, BinType.QUARANTINE)
    restocked: set[int] = set()
    for line_id, _condition, disposition in lines:
        line = by_id[line_id]
        qty = line.quantity_received
        if not qty or disposition == Disposition.QUARANTINE:
            continue
        if disposition == Disposition.RESTOCK:
            target = _bin(rma.warehouse_id, BinType.PICK_FACE, BinType.RESERVE)
            reason = MovementReason.RETURN
            restocked.add(line.order_line.product_id)
        else:
            target = _bin(rma.warehouse_id, BinType.DAMAGED)
            reason = MovementReason.DAMAGE
        inventory_services.stock_move(
            product_id=line.order_line.product_id,
            from_bin=dock,
            to_bin=target,
            quantity=qty,
            actor=actor,
            reason=reason,
            document_type="return",
            document_ref=rma.number,
        )
    rma = orders_returns.return_mark_dispositioned(rma_id=rma_id, actor=actor)
    if restocked:
        transaction.on_commit(
            lambda: backorders_allocate(product_ids=sorted(restocked), actor=actor)
        )
    return rma
