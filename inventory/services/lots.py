"""Lots out of sale: holds and recalls (by people) and expiry (by date).

A held or expired lot stays on hand but its units count as `unavailable` on the warehouse
balance, exactly as if they sat in a quarantine bin: `StockLevel.lot_status` says which levels,
and every stock service books a level's units as unavailable when its bin is unavailable *or* its
lot is not sellable. So available-to-sell stays one set-based formula over balances
(`on_hand − committed − unavailable`), the CHECK constraint `committed + unavailable ≤ on_hand`
still holds, and the balance change writes the channels' outbox row (ATS push) in the same
transaction as the lot leaves sale. Design: docs/inventory.md ("Held and expired lots").

Lock order (docs/contracts.md): the hold row, then stock levels, then balances, each in pk order.
A lot whose units are needed for committed orders is refused (`LotOvercommitted`, nothing
changed): `warehouse.services.lots` first gives back the commitments of orders not yet on a pick
list (the OMS re-routes or backorders them), each in its own transaction, then calls these.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.services import audit_record
from common.exceptions import Conflict, InvalidInput
from common.types import Actor
from inventory.choices import LotHoldKind, LotStatus
from inventory.clock import is_expired, today
from inventory.exceptions import InsufficientStock, LotOvercommitted
from inventory.locks import lot_hold_for_update, stock_levels_with_bins_for_update
from inventory.models import LotHold, Product, StockLevel
from inventory.services._balances import balance_apply


def _unavailable_units(level: StockLevel, lot_status: str) -> int:
    if level.bin.is_unavailable or lot_status != LotStatus.SELLABLE:
        return level.on_hand
    return 0


def _levels_set_lot_status(*, levels: list[StockLevel], status_of, sku: str, lot: str) -> int:  # type: ignore[no-untyped-def]
    """Give each locked level the status `status_of(level)` and book the unavailable change per
    warehouse (conditional UPDATE: refused with LotOvercommitted when it would leave less
    sellable stock than committed). Returns the units that left (+) or re-entered (−) sale."""
    delta: dict[tuple[int, int], int] = defaultdict(int)
    changed: dict[str, list[int]] = defaultdict(list)
    for level in levels:
        new = status_of(level)
        if new == level.lot_status:
            continue
        changed[new].append(level.pk)
        delta[(level.product_id, level.warehouse_id)] += _unavailable_units(
            level, new
        ) - _unavailable_units(level, level.lot_status)
    for status, ids in changed.items():
        StockLevel.objects.filter(pk__in=ids).update(lot_status=status, updated_at=timezone.now())
    for (product_id, warehouse_id), units in sorted(delta.items()):
        if not units:
            continue
        try:
            balance_apply(
                product_id=product_id,
                warehouse_id=warehouse_id,
                unavailable=units,
                require_available=max(units, 0),
            )
        except InsufficientStock as exc:
            available = exc.extra.get("available", 0)
            raise LotOvercommitted(
                f"Lot {lot} of {sku}: {units} unit(s) would leave sale in warehouse "
                f"{warehouse_id}, but only {available} unit(s) there are not committed to orders. "
                "Re-route or cancel the orders waiting for them (or short their picks) first.",
                warehouse_id=warehouse_id,
                units=units,
                available=available,
                shortfall=units - available,
            ) from exc
    return sum(delta.values())


def _lot_level_ids(product_id: int, lot: str) -> list[int]:
    return list(
        StockLevel.objects.filter(product_id=product_id, lot=lot).values_list("pk", flat=True)
    )


@transaction.atomic(durable=True)
def lot_hold_place(
    *, product_id: int, lot: str, actor: Actor, reason: str, kind: str = LotHoldKind.HOLD
) -> LotHold:
    """Hold (or recall) a lot of a product in every warehouse: its units leave available-to-sell
    and are never reserved, allocated or picked until the hold is released.

    Raises InvalidInput (no lot or reason, unknown kind), Conflict (the lot is already held),
    LotOvercommitted (its units are committed to orders: nothing is changed).
    """
    lot, reason = (lot or "").strip(), (reason or "").strip()
    if not lot:
        raise InvalidInput("Name the lot to hold.", code="lot_required")
    if not reason:
        raise InvalidInput("Say why the lot is held (shown to everyone who sees it).")
    if kind not in LotHoldKind.values:
        raise InvalidInput(f"Unknown hold kind {kind!r}.")
    product = Product.objects.get(pk=product_id)
    try:
        with transaction.atomic():
            hold = LotHold.objects.create(
                product_id=product_id,
                lot=lot,
                kind=kind,
                reason=reason[:255],
                placed_by=actor.label[:150],
            )
    except IntegrityError as exc:
        raise Conflict(f"Lot {lot} of {product.sku} is already on hold.", code="lot_held") from exc
    levels = stock_levels_with_bins_for_update(_lot_level_ids(product_id, lot))
    _levels_set_lot_status(
        levels=levels, status_of=lambda _lv: LotStatus.HELD, sku=product.sku, lot=lot
    )
    hold.quantity_held = sum(lv.on_hand for lv in levels)
    hold.save(update_fields=["quantity_held", "updated_at"])
    audit_record(
        action=AuditAction.OTHER,
        actor=actor,
        object_type="lot_hold",
        object_id=hold.pk,
        summary=f"{hold.get_kind_display()} placed on lot {lot} of {product.sku}: {reason}",
        data={
            "event": "lot_hold_placed",
            "product_id": product_id,
            "sku": product.sku,
            "lot": lot,
            "kind": kind,
            "reason": reason,
            "units": hold.quantity_held,
        },
    )
    return hold


@transaction.atomic(durable=True)
def lot_hold_release(*, hold_id: int, actor: Actor, reason: str) -> LotHold:
    """Lift a hold: the lot's units are sellable again, unless the lot has expired meanwhile.

    Raises InvalidInput (no reason), Conflict (already released).
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the hold is lifted.")
    hold = lot_hold_for_update(hold_id)
    if hold.released_at is not None:
        raise Conflict("This hold was already released.", code="lot_hold_released")
    on = today()
    levels = stock_levels_with_bins_for_update(_lot_level_ids(hold.product_id, hold.lot))
    sku = Product.objects.values_list("sku", flat=True).get(pk=hold.product_id)
    _levels_set_lot_status(
        levels=levels,
        status_of=lambda lv: (
            LotStatus.EXPIRED if is_expired(lv.expiry_date, on=on) else LotStatus.SELLABLE
        ),
        sku=sku,
        lot=hold.lot,
    )
    hold.released_at = timezone.now()
    hold.released_by = actor.label[:150]
    hold.release_reason = reason[:255]
    hold.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
    audit_record(
        action=AuditAction.OTHER,
        actor=actor,
        object_type="lot_hold",
        object_id=hold.pk,
        summary=f"Hold on lot {hold.lot} of {sku} released: {reason}",
        data={"event": "lot_hold_released", "product_id": hold.product_id, "lot": hold.lot},
    )
    return hold


@dataclass
class ExpiryRun:
    """What one expiry run did: units taken out of sale, and what it had to leave for later."""

    expired_units: int = 0
    expired_levels: int = 0
    overcommitted: list[dict] = field(default_factory=list)


def lots_expire(*, on: dt.date | None = None, actor: Actor | None = None) -> ExpiryRun:
    """Take every lot whose expiry date has passed out of sale (the periodic task calls it; the
    wave release and the pick refuse expired lots by date even before it has run).

    One short transaction per (product, warehouse); one set-based query finds them. A product
    whose expired units are needed for committed orders is left for the next run and reported
    (`overcommitted`): `warehouse.services.lots.lots_expire` frees those commitments first.
    """
    on = on or today()
    actor = actor or Actor.system("lot-expiry")
    run = ExpiryRun()
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, product_id, warehouse_id in StockLevel.objects.filter(
        lot_status=LotStatus.SELLABLE, expiry_date__lt=on
    ).values_list("pk", "product_id", "warehouse_id"):
        groups[(product_id, warehouse_id)].append(pk)
    for (product_id, warehouse_id), ids in sorted(groups.items()):
        try:
            with transaction.atomic():
                levels = [
                    lv
                    for lv in stock_levels_with_bins_for_update(ids)
                    if lv.lot_status == LotStatus.SELLABLE and is_expired(lv.expiry_date, on=on)
                ]
                if not levels:
                    continue
                sku = Product.objects.values_list("sku", flat=True).get(pk=product_id)
                units = _levels_set_lot_status(
                    levels=levels,
                    status_of=lambda _lv: LotStatus.EXPIRED,
                    sku=sku,
                    lot=", ".join(sorted({lv.lot for lv in levels})) or "(no lot)",
                )
                audit_record(
                    action=AuditAction.OTHER,
                    actor=actor,
                    object_type="stock_level",
                    object_id=",".join(str(lv.pk) for lv in levels)[:64],
                    summary=f"{sku}: {units} unit(s) of expired lot(s) out of sale in "
                    f"warehouse {warehouse_id}",
                    data={
                        "event": "lots_expired",
                        "product_id": product_id,
                        "warehouse_id": warehouse_id,
                        "lots": sorted({lv.lot for lv in levels}),
                        "units": units,
                        "on": on.isoformat(),
                    },
                )
        except LotOvercommitted as exc:
            run.overcommitted.append({"product_id": product_id, **exc.extra})
            continue
        run.expired_units += units
        run.expired_levels += len(levels)
    return run
