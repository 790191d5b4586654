"""Picking by scan: bin → item → quantity → tote, and the short-pick loop.

Each step is a service that takes what was scanned and answers the next expected step.
`pick_scan_bin` and `pick_scan_item` only check (nothing changes, a wrong scan is refused with a
clear message); `pick_confirm` moves the units with `inventory_services.stock_pick` from the bin
into the packing bin (where the totes go) and tells the OMS (`fulfillment_line_picked`). A
repeated request with the same scan id answers the same and changes nothing.

A short pick: units the picker finds are picked; the rest is un-reserved in that bin, the bin
gets a count task, a pick face that ran dry gets a replenishment task, the units are
re-reserved in other bins (new pick lines on the same list), the stops still to walk are
re-routed from the short bin with the replacement bins among them (warehouse.routing), and only
what no bin can give is reported short to the OMS (`fulfillment_line_short`), which re-routes or
backorders it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.exceptions import InsufficientStock, InvalidQuantity
from orders import services as order_services
from warehouse.choices import BinType, CountTrigger
from warehouse.exceptions import NothingToDo, WrongBin, WrongItem, WrongTote
from warehouse.locks import pick_line_for_update, pick_list_for_update, wave_for_update
from warehouse.models import Bin, PickLine, PickList
from warehouse.routing import route_plan
from warehouse.routing.geometry import tour_length
from warehouse.selectors import bin_of_type, bin_units, layout_for, location_of
from warehouse.services.counts import cycle_count_create
from warehouse.services.replenishment import replenishment_plan
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_finish, task_progress, task_start
from warehouse.services.waves import _wave_set_status, pick_candidates
from warehouse.states import PickLineStatus, TaskStatus, WaveStatus


def _line_step(line: PickLine, message: str = "") -> NextStep:
    return NextStep(
        step="scan_bin",
        message=message or f"Go to {line.bin.code}.",
        data={
            "pick_list_id": line.pick_list_id,
            "pick_line_id": line.pk,
            "bin": line.bin.code,
            "sku": line.product.sku,
            "name": line.product.name,
            "lot": line.lot,
            "quantity": line.open_quantity,
            "tote": line.tote_code,
        },
    )


def pick_list_next(*, pick_list_id: int, message: str = "") -> NextStep:
    """The next pick of a list in walking order, or "done"."""
    line = (
        PickLine.objects.filter(pick_list_id=pick_list_id, status=PickLineStatus.OPEN)
        .select_related("bin", "product")
        .order_by("sequence", "pk")
        .first()
    )
    if line is None:
        return NextStep(
            step="done",
            message=(message + " Pick list complete.").strip(),
            data={"pick_list_id": pick_list_id},
        )
    return _line_step(line, message)


def _open_line(pick_line_id: int) -> PickLine:
    line = PickLine.objects.select_related("bin", "product").get(pk=pick_line_id)
    if line.status != PickLineStatus.OPEN:
        raise NothingToDo(f"This pick is already {line.get_status_display().lower()}.")
    return line


def _check_bin(line: PickLine, bin_code: str) -> None:
    if (bin_code or "").strip() != line.bin.code:
        raise WrongBin(f"Wrong bin: you scanned {bin_code!r}, pick from {line.bin.code}.")


def _check_item(line: PickLine, item_code: str) -> None:
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is None or product.pk != line.product_id:
        raise WrongItem(f"Wrong item: {item_code!r} is not {line.product.sku}.")


def pick_scan_bin(*, pick_line_id: int, bin_code: str) -> NextStep:
    """Check the scanned bin. Raises WrongBin (nothing changes)."""
    line = _open_line(pick_line_id)
    _check_bin(line, bin_code)
    return NextStep(
        step="scan_item",
        message=f"Scan {line.product.sku}.",
        data={"pick_line_id": line.pk, "sku": line.product.sku, "quantity": line.open_quantity},
    )


def pick_scan_item(*, pick_line_id: int, bin_code: str, item_code: str) -> NextStep:
    """Check the scanned item. Raises WrongBin, WrongItem (nothing changes)."""
    line = _open_line(pick_line_id)
    _check_bin(line, bin_code)
    _check_item(line, item_code)
    return NextStep(
        step="enter_quantity",
        message=f"Take {line.open_quantity} and put them in tote {line.tote_code}.",
        data={"pick_line_id": line.pk, "quantity": line.open_quantity, "tote": line.tote_code},
    )


def _pick_units(line: PickLine, quantity: int, actor: Actor) -> None:
    staging = bin_of_type(warehouse_id=line.bin.warehouse_id, bin_type=BinType.PACKING)
    inventory_services.stock_pick(
        bin_reservation_id=line.bin_reservation_id,
        quantity=quantity,
        to_bin=staging,
        actor=actor,
        document_type="pick_list",
        document_ref=str(line.pick_list_id),
    )
    PickLine.objects.filter(pk=line.pk).update(quantity_picked=F("quantity_picked") + quantity)
    line.quantity_picked += quantity
    order_services.fulfillment_line_picked(
        line_id=line.fulfillment_line_id, quantity=quantity, actor=actor
    )
    pick_list = PickList.objects.get(pk=line.pick_list_id)
    if pick_list.task_id:
        task_progress(task_id=pick_list.task_id, quantity=quantity, actor=actor)


def _after_bin_touched(line: PickLine, actor: Actor) -> None:
    """A bin that just emptied gets a zero count; a pick face below min gets replenished."""
    if bin_units(bin_id=line.bin_id) == 0:
        cycle_count_create(bin_id=line.bin_id, actor=actor, trigger=CountTrigger.EMPTIED)
    if line.bin.bin_type == BinType.PICK_FACE:
        replenishment_plan(
            warehouse_id=line.bin.warehouse_id, actor=actor, product_ids=[line.product_id]
        )


def _close_line_if_done(line: PickLine) -> None:
    line.refresh_from_db(fields=["quantity_picked", "quantity_short"])
    if line.open_quantity == 0:
        status = PickLineStatus.SHORT if line.quantity_short else PickLineStatus.PICKED
        PickLine.objects.filter(pk=line.pk, status=PickLineStatus.OPEN).update(status=status)
        line.status = status


def _finish_list_if_done(pick_list_id: int, actor: Actor) -> None:
    pick_list = pick_list_for_update(pick_list_id)
    if PickLine.objects.filter(pick_list_id=pick_list_id, status=PickLineStatus.OPEN).exists():
        return
    if pick_list.task_id:
        task_finish(task_id=pick_list.task_id, actor=actor)
    PickList.objects.filter(pk=pick_list.pk).update(status=TaskStatus.DONE)
    wave = wave_for_update(pick_list.wave_id)
    if (
        wave.status == WaveStatus.RELEASED
        and not PickList.objects.filter(wave=wave).exclude(status=TaskStatus.DONE).exists()
    ):
        _wave_set_status(wave=wave, status=WaveStatus.PICKED, completed_at=timezone.now())


@transaction.atomic(durable=True)
def pick_confirm(
    *,
    pick_line_id: int,
    bin_code: str,
    item_code: str,
    quantity: int,
    tote_code: str,
    actor: Actor,
    scan_id: str | None = None,
) -> NextStep:
    """Confirm a pick: scanned bin, item, quantity and tote. Answers the next pick.

    Fewer units than asked leave the rest open (report them with `pick_short`).
    Raises WrongBin, WrongItem, WrongTote, InvalidQuantity, NothingToDo, ScanReused; on any of
    them nothing changes.
    """
    content = fingerprint(
        line=pick_line_id, bin=bin_code, item=item_code, qty=quantity, tote=tote_code
    )
    line = pick_line_for_update(pick_line_id)
    # Lock order (docs/contracts.md): the order before any stock row this pick will move.
    order_services.fulfillment_line_lock(line_id=line.fulfillment_line_id)
    if (replay := scan_replay(scan_id=scan_id, action="pick", content_hash=content)) is not None:
        return replay
    if line.status != PickLineStatus.OPEN:
        raise NothingToDo(f"This pick is already {line.get_status_display().lower()}.")
    _check_bin(line, bin_code)
    _check_item(line, item_code)
    if (tote_code or "").strip() != line.tote_code:
        raise WrongTote(f"Wrong tote: put these in {line.tote_code}, not {tote_code!r}.")
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not (0 < quantity <= line.open_quantity)
    ):
        raise InvalidQuantity(f"Pick between 1 and {line.open_quantity} unit(s).")
    pick_list = PickList.objects.get(pk=line.pick_list_id)
    if pick_list.task_id:
        task_start(task_id=pick_list.task_id, actor=actor)
    _pick_units(line, quantity, actor)
    _close_line_if_done(line)
    _after_bin_touched(line, actor)
    _finish_list_if_done(line.pick_list_id, actor)
    step = pick_list_next(
        pick_list_id=line.pick_list_id,
        message=f"Picked {quantity}× {line.product.sku} into {line.tote_code}.",
    )
    scan_remember(scan_id=scan_id, action="pick", content_hash=content, step=step)
    return step


def _reroute_open_lines(*, pick_list_id: int, here: Bin) -> None:
    """Re-sequence the open lines of a pick list along the shortest walk from `here` (the bin
    the picker stands at) through every open stop, ending at the depot.

    The shortest closed tour over `here` and the open stops (`route_plan`, exact on one block)
    is cut open at `here`; of its two directions the shorter walk to the depot is taken. Done
    lines keep their sequence; open ones follow them.
    """
    pick_list_for_update(pick_list_id)  # one re-sequencing at a time per list
    lines = list(
        PickLine.objects.filter(pick_list_id=pick_list_id, status=PickLineStatus.OPEN)
        .select_related("bin")
        .order_by("sequence", "pk")
    )
    if not lines:
        return
    layout = layout_for(here.warehouse)
    start = location_of(layout, here)
    tour = route_plan(layout, [start] + [location_of(layout, ln.bin) for ln in lines]).order
    i = tour.index(start)
    onward = tour[i + 1 :] + tour[:i]
    backward = list(reversed(onward))
    # tour_length(depot → here → … → depot) differs between the two only by the part after here
    best = min(onward, backward, key=lambda walk: tour_length(layout, [start, *walk]))
    rank = {loc: n for n, loc in enumerate([start, *best])}
    lines.sort(key=lambda ln: (rank[location_of(layout, ln.bin)], ln.bin.code, ln.tote_code, ln.pk))
    done_max = (
        PickLine.objects.filter(pick_list_id=pick_list_id)
        .exclude(status=PickLineStatus.OPEN)
        .aggregate(m=Max("sequence"))["m"]
        or 0
    )
    for n, ln in enumerate(lines, start=done_max + 1):
        ln.sequence = n
    PickLine.objects.bulk_update(lines, ["sequence"])


@transaction.atomic(durable=True)
def pick_short(
    *,
    pick_line_id: int,
    bin_code: str,
    quantity_found: int,
    actor: Actor,
    scan_id: str | None = None,
) -> NextStep:
    """The bin holds fewer units than the pick asks for: close the loop (see module docstring).

    `quantity_found` units (0 allowed) are picked into the line's tote. Answers the next pick,
    with `data.reallocated` (units re-reserved elsewhere) and `data.short` (reported to the OMS).
    Raises WrongBin, InvalidQuantity, NothingToDo.
    """
    content = fingerprint(line=pick_line_id, bin=bin_code, found=quantity_found)
    line = pick_line_for_update(pick_line_id)
    order_services.fulfillment_line_lock(line_id=line.fulfillment_line_id)
    if (replay := scan_replay(scan_id=scan_id, action="short", content_hash=content)) is not None:
        return replay
    if line.status != PickLineStatus.OPEN:
        raise NothingToDo(f"This pick is already {line.get_status_display().lower()}.")
    _check_bin(line, bin_code)
    if not isinstance(quantity_found, int) or not (0 <= quantity_found < line.open_quantity):
        raise InvalidQuantity(
            f"Report between 0 and {line.open_quantity - 1} unit(s) found (all found = confirm)."
        )
    pick_list = PickList.objects.get(pk=line.pick_list_id)
    if pick_list.task_id:
        task_start(task_id=pick_list.task_id, actor=actor)
    if quantity_found:
        _pick_units(line, quantity_found, actor)
    missing = line.open_quantity
    # 1. the bin: un-reserve what is not there, count it
    inventory_services.bin_reservation_release(
        bin_reservation_id=line.bin_reservation_id, actor=actor, quantity=missing
    )
    PickLine.objects.filter(pk=line.pk).update(quantity_short=F("quantity_short") + missing)
    _close_line_if_done(line)
    cycle_count_create(
        bin_id=line.bin_id, actor=actor, trigger=CountTrigger.SHORT_PICK, priority=90
    )
    # 2. re-allocate from other bins holding the item
    reallocated = 0
    next_seq = (
        PickLine.objects.filter(pick_list_id=line.pick_list_id).aggregate(m=Max("sequence"))["m"]
        or 0
    )
    for level in pick_candidates(
        warehouse_id=line.bin.warehouse_id,
        product_id=line.product_id,
        exclude_bin_ids=[line.bin_id],
    ):
        need = missing - reallocated
        if need == 0:
            break
        qty = min(need, level.on_hand - level.reserved)
        try:
            with transaction.atomic():
                reservation = inventory_services.bin_reservation_create(
                    commitment_id=line.commitment_id,
                    stock_level_id=level.pk,
                    quantity=qty,
                    actor=actor,
                    document_type="fulfillment_line",
                    document_ref=str(line.fulfillment_line_id),
                )
        except InsufficientStock:
            continue
        next_seq += 1
        PickLine.objects.create(
            pick_list_id=line.pick_list_id,
            wave_request_id=line.wave_request_id,
            sequence=next_seq,
            fulfillment_line_id=line.fulfillment_line_id,
            commitment_id=line.commitment_id,
            bin_reservation_id=reservation.pk,
            product_id=line.product_id,
            bin=level.bin,
            lot=level.lot,
            tote_code=line.tote_code,
            quantity=qty,
        )
        reallocated += qty
    if reallocated:
        PickLine.objects.filter(pk=line.pk).update(quantity_reallocated=reallocated)
        _reroute_open_lines(pick_list_id=line.pick_list_id, here=line.bin)
    # 3. a pick face that ran dry is replenished
    if line.bin.bin_type == BinType.PICK_FACE:
        replenishment_plan(
            warehouse_id=line.bin.warehouse_id, actor=actor, product_ids=[line.product_id]
        )
    # 4. only now: what nobody has is short for the OMS (it re-routes or backorders)
    short = missing - reallocated
    if short:
        order_services.fulfillment_line_short(
            line_id=line.fulfillment_line_id, quantity=short, actor=actor
        )
    _finish_list_if_done(line.pick_list_id, actor)
    message = f"{missing} unit(s) missing in {line.bin.code}; count task created."
    if reallocated:
        message += f" {reallocated} re-allocated to another bin."
    if short:
        message += f" {short} reported short to the order system."
    step = pick_list_next(pick_list_id=line.pick_list_id, message=message)
    step.data.update(reallocated=reallocated, short=short, found=quantity_found)
    scan_remember(scan_id=scan_id, action="short", content_hash=content, step=step)
    return step
