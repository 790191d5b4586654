"""Receiving against inbound shipments (ASN / PO).

Invariants: the open quantity of every line of an open shipment is counted in
InventoryBalance.incoming (added at creation, taken off as units arrive or when the shipment is
closed); every received unit enters the ledger through `inventory_services.stock_receive`, good
units into a receiving bin (with a putaway task), damaged units into the damaged bin.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import MovementReason
from inventory.exceptions import InvalidQuantity
from warehouse.choices import BinType, DiscrepancyKind, TaskKind
from warehouse.exceptions import InvalidTransition, ShipmentClosed, UnknownCode
from warehouse.locks import inbound_line_for_update, inbound_shipment_for_update
from warehouse.models import InboundLine, InboundShipment, ReceiptDiscrepancy
from warehouse.selectors import bin_get_by_code, bin_of_type, putaway_suggest
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_create
from warehouse.states import INBOUND_TRANSITIONS, InboundStatus, can_transition


def _inbound_set_status(*, shipment: InboundShipment, status: str, actor: Actor) -> None:
    """The single writer of InboundShipment.status (caller holds the row lock)."""
    if shipment.status == status:
        return
    if not can_transition(INBOUND_TRANSITIONS, shipment.status, status):
        raise InvalidTransition(
            f"Shipment {shipment.number} is {shipment.get_status_display().lower()}."
        )
    fields: dict = {"status": status, "updated_at": timezone.now()}
    if status in (InboundStatus.CLOSED, InboundStatus.CANCELLED):
        fields.update(closed_at=timezone.now(), closed_by=actor.label[:150])
    InboundShipment.objects.filter(pk=shipment.pk).update(**fields)
    for key, value in fields.items():
        setattr(shipment, key, value)


@transaction.atomic(durable=True)
def inbound_create(
    *,
    warehouse_id: int,
    number: str,
    lines: list[dict],
    actor: Actor,
    kind: str = "asn",
    supplier: str = "",
    expected_at: dt.datetime | None = None,
) -> InboundShipment:
    """Register an expected delivery; its quantities become incoming stock.

    `lines`: [{"sku": code or barcode, "quantity": n, "lot"?: str, "expiry_date"?: date}].
    Raises UnknownCode for an unknown SKU, InvalidQuantity for a non-positive quantity.
    """
    shipment = InboundShipment.objects.create(
        warehouse_id=warehouse_id,
        number=number,
        kind=kind,
        supplier=supplier,
        expected_at=expected_at,
    )
    for raw in lines:
        product = inventory_selectors.product_get_by_code(code=str(raw.get("sku", "")))
        if product is None:
            raise UnknownCode(f"Unknown SKU {raw.get('sku')!r} on inbound line.")
        qty = raw.get("quantity")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise InvalidQuantity(f"Quantity for {product.sku} must be a positive whole number.")
        line, created = InboundLine.objects.get_or_create(
            shipment=shipment,
            product=product,
            lot=raw.get("lot", "") or "",
            defaults={"quantity_expected": qty, "expiry_date": raw.get("expiry_date")},
        )
        if not created:
            InboundLine.objects.filter(pk=line.pk).update(
                quantity_expected=F("quantity_expected") + qty
            )
        inventory_services.incoming_adjust(
            product_id=product.pk, warehouse_id=warehouse_id, delta=qty
        )
    return shipment


@transaction.atomic(durable=True)
def inbound_receive_scan(
    *,
    shipment_id: int,
    item_code: str,
    quantity: int,
    actor: Actor,
    bin_code: str = "",
    damaged: bool = False,
    lot: str = "",
    expiry_date: dt.date | None = None,
    scan_id: str | None = None,
) -> NextStep:
    """Receive scanned units of an item on a shipment into a receiving bin (or damaged bin).

    Units beyond the expected quantity are recorded as an "over" discrepancy, damaged units as
    "damaged" and put in the damaged bin. Good units get a putaway task with a suggested bin.
    Raises ShipmentClosed, UnknownCode, InvalidQuantity, ScanReused.
    """
    content = fingerprint(
        shipment=shipment_id, item=item_code, qty=quantity, bin=bin_code, damaged=damaged, lot=lot
    )
    shipment = inbound_shipment_for_update(shipment_id)
    if (replay := scan_replay(scan_id=scan_id, action="receive", content_hash=content)) is not None:
        return replay
    if shipment.status not in (InboundStatus.OPEN, InboundStatus.RECEIVING):
        raise ShipmentClosed(
            f"Shipment {shipment.number} is {shipment.get_status_display().lower()}; nothing received."
        )
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity(f"Quantity must be a positive whole number, got {quantity!r}.")
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is None:
        raise UnknownCode(f"No item has the code {item_code!r}.")
    warehouse_id = shipment.warehouse_id
    if damaged:
        target = bin_of_type(warehouse_id=warehouse_id, bin_type=BinType.DAMAGED)
    elif bin_code:
        target = bin_get_by_code(warehouse_id=warehouse_id, code=bin_code)
        if target.bin_type != BinType.RECEIVING:
            raise UnknownCode(f"{bin_code} is not a receiving bin.", code="not_a_receiving_bin")
    else:
        target = bin_of_type(warehouse_id=warehouse_id, bin_type=BinType.RECEIVING)
    _inbound_set_status(shipment=shipment, status=InboundStatus.RECEIVING, actor=actor)

    line = InboundLine.objects.filter(shipment=shipment, product=product, lot=lot).first()
    if line is None:
        line = InboundLine.objects.create(
            shipment=shipment, product=product, lot=lot, expiry_date=expiry_date
        )
    line = inbound_line_for_update(line.pk)
    from_open = min(quantity, line.open_quantity)
    over = quantity - from_open
    field = "quantity_damaged" if damaged else "quantity_received"
    InboundLine.objects.filter(pk=line.pk).update(**{field: F(field) + quantity})
    if from_open:
        inventory_services.incoming_adjust(
            product_id=product.pk, warehouse_id=warehouse_id, delta=-from_open
        )
    inventory_services.stock_receive(
        product_id=product.pk,
        bin=target,
        quantity=quantity,
        actor=actor,
        lot=lot,
        expiry_date=expiry_date or line.expiry_date,
        reason=MovementReason.DAMAGE if damaged else MovementReason.RECEIPT,
        document_type="inbound",
        document_ref=shipment.number,
    )
    if damaged:
        _discrepancy(shipment, line, DiscrepancyKind.DAMAGED, quantity, actor)
    if over:
        _discrepancy(shipment, line, DiscrepancyKind.OVER, over, actor)
    data: dict = {
        "shipment": shipment.number,
        "sku": product.sku,
        "bin": target.code,
        "received": quantity,
        "over": over,
        "damaged": quantity if damaged else 0,
    }
    if not damaged:
        suggestion = putaway_suggest(
            warehouse_id=warehouse_id, product_id=product.pk, quantity=quantity
        )
        task = task_create(
            warehouse_id=warehouse_id,
            kind=TaskKind.PUTAWAY,
            product_id=product.pk,
            lot=lot,
            from_bin=target,
            to_bin=suggestion,
            quantity=quantity,
            document_type="inbound_line",
            document_ref=str(line.pk),
        )
        data.update(putaway_task_id=task.pk, suggested_bin=suggestion.code if suggestion else "")
    step = NextStep(
        step="scan_item",
        message=f"Received {quantity}× {product.sku} into {target.code}. Scan the next item.",
        data=data,
    )
    scan_remember(scan_id=scan_id, action="receive", content_hash=content, step=step)
    return step


def _discrepancy(
    shipment: InboundShipment, line: InboundLine, kind: str, quantity: int, actor: Actor
) -> None:
    ReceiptDiscrepancy.objects.create(
        shipment=shipment,
        line=line,
        product_id=line.product_id,
        kind=kind,
        quantity=quantity,
        actor=actor.label[:150],
    )


@transaction.atomic(durable=True)
def inbound_close(*, shipment_id: int, actor: Actor, note: str = "") -> InboundShipment:
    """Close a shipment with its differences: open quantities become "short" discrepancies and
    stop counting as incoming. Raises InvalidTransition when already closed or cancelled.
    """
    shipment = inbound_shipment_for_update(shipment_id)
    if shipment.status in (InboundStatus.CLOSED, InboundStatus.CANCELLED):
        raise InvalidTransition(
            f"Shipment {shipment.number} is already {shipment.get_status_display().lower()}."
        )
    for line in shipment.lines.order_by("pk"):
        short = line.open_quantity
        if short:
            _discrepancy(shipment, line, DiscrepancyKind.SHORT, short, actor)
            inventory_services.incoming_adjust(
                product_id=line.product_id, warehouse_id=shipment.warehouse_id, delta=-short
            )
    _inbound_set_status(shipment=shipment, status=InboundStatus.CLOSED, actor=actor)
    if note:
        InboundShipment.objects.filter(pk=shipment.pk).update(note=note[:255])
    return shipment
