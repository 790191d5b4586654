"""Waves: batches of released fulfillment requests, reserved at bin level and routed.

* `wave_plan` picks released, unheld requests by the rules: carrier cut-off (ship-by) first,
  then priority, then age; at most `max_orders` requests and `max_lines` lines; optionally
  only requests that one zone can serve in full.
* `wave_release` reserves every request line at bin level under the line's commitment
  (`inventory_services.bin_reservation_create`): pick faces first, then reserve locations;
  earliest expiry first (FEFO), then oldest stock (FIFO); held, recalled and expired lots are
  never reserved (by today's date, `inventory_selectors.sellable_stock_levels`). A request that cannot be reserved in
  full stays released for a later wave (its savepoint is rolled back). Requests are put in
  totes, totes on carts (`WMS_TOTES_PER_CART`), and each cart's picks are ordered along the
  shortest walking route (warehouse.routing) — the pick list stores that length, the S-shape
  length and the best-known length (whether the route is proven optimal). Pick faces the wave would leave below min get replenishment tasks.

`_wave_set_status` is the only writer of Wave.status.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from common.db import insert_rows, update_rows
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.models import StockLevel
from orders import selectors as order_selectors
from orders import services as order_services
from warehouse.choices import PICKABLE_BIN_TYPES, BinType, TaskKind
from warehouse.conf import wms_setting
from warehouse.exceptions import InvalidTransition, NothingToDo
from warehouse.locks import warehouse_for_update, wave_for_update
from warehouse.models import PickLine, PickList, Tote, Warehouse, Wave, WaveRequest
from warehouse.routing import route_plan
from warehouse.selectors import layout_for, location_of
from warehouse.services.replenishment import replenishment_plan
from warehouse.services.tasks import tasks_create_many
from warehouse.states import WAVE_TRANSITIONS, WaveStatus, can_transition


def _wave_set_status(*, wave: Wave, status: str, **fields) -> None:
    """The single writer of Wave.status (caller holds the wave row lock)."""
    if wave.status == status:
        return
    if not can_transition(WAVE_TRANSITIONS, wave.status, status):
        raise InvalidTransition(
            f"Wave {wave.number} cannot go from {wave.get_status_display().lower()} to {WaveStatus(status).label.lower()}."
        )
    fields.update(status=status, updated_at=timezone.now())
    Wave.objects.filter(pk=wave.pk, status=wave.status).update(**fields)
    for key, value in fields.items():
        setattr(wave, key, value)


def _wave_number_allocate(warehouse_id: int) -> str:
    """The warehouse's next wave number (W000001, W000002 … per warehouse).

    One conditional UPDATE of the warehouse's counter, read back in the same transaction: the
    UPDATE holds the row until COMMIT, so two planners of one warehouse get different numbers
    and planners of two warehouses never touch each other's counter (the number used to come
    from the global max wave id under a per-warehouse lock, and two warehouses collided). The
    caller holds the warehouse row already (lock order: warehouse first, docs/contracts.md).
    """
    Warehouse.objects.filter(pk=warehouse_id).update(wave_counter=F("wave_counter") + 1)
    counter = Warehouse.objects.filter(pk=warehouse_id).values_list("wave_counter", flat=True)
    return f"W{counter.get():06d}"


def _in_open_waves(warehouse_id: int) -> set[int]:
    return set(
        WaveRequest.objects.filter(
            wave__warehouse_id=warehouse_id, wave__status=WaveStatus.PLANNED
        ).values_list("fulfillment_request_id", flat=True)
    )


def _free_levels(
    *, warehouse_id: int, product_ids: set[int], zone_id: int | None
) -> QuerySet[StockLevel]:
    """Pickable stock with free units of some products (in a zone, if given)."""
    # Held and expired lots never (by today's date, even before the expiry task has run).
    qs = inventory_selectors.sellable_stock_levels().filter(
        warehouse_id=warehouse_id,
        product_id__in=product_ids,
        bin__bin_type__in=PICKABLE_BIN_TYPES,
        bin__is_blocked=False,
        on_hand__gt=F("reserved"),
    )
    if zone_id is not None:
        qs = qs.filter(bin__zone_id=zone_id)
    return qs


def _preference(level: StockLevel) -> tuple:
    # Pick faces first; then earliest expiry (FEFO); then oldest stock (FIFO); then walk order.
    return (
        level.bin.bin_type != BinType.PICK_FACE,
        level.expiry_date is None,
        level.expiry_date or timezone.now().date(),
        level.created_at,
        level.bin.pick_sequence,
        level.pk,
    )


@transaction.atomic(durable=True)
def wave_plan(
    *,
    warehouse_id: int,
    actor: Actor,
    max_orders: int = 50,
    max_lines: int = 400,
    zone_id: int | None = None,
) -> Wave | None:
    """Plan one wave from the released requests of a warehouse (None when there are none).

    Planning and release are serialised per warehouse (warehouse row lock), so two planners
    never put the same request in two waves.
    """
    warehouse_for_update(warehouse_id)
    taken = _in_open_waves(warehouse_id)
    candidates = (
        order_selectors.fulfillment_requests_for_wave(warehouse_id=warehouse_id)
        .prefetch_related(None)
        .prefetch_related("lines")
    )
    chosen = []
    lines_total = 0
    free = None
    # Small chunks: each chunk prefetches its requests' lines, and a wave takes only a few.
    chunk = max(20, min(500, max_orders or 500))
    for request in candidates.iterator(chunk_size=chunk):
        if request.pk in taken:
            continue
        open_lines = [ln for ln in request.lines.all() if ln.quantity_open > 0]
        if not open_lines:
            continue
        if max_lines and chosen and lines_total + len(open_lines) > max_lines:
            break
        if zone_id is not None:
            if free is None:
                free = _zone_free(warehouse_id, zone_id)
            if any(free.get(ln.product_id, 0) < ln.quantity_open for ln in open_lines):
                continue
            for ln in open_lines:
                free[ln.product_id] -= ln.quantity_open
        chosen.append((request, len(open_lines)))
        lines_total += len(open_lines)
        if max_orders and len(chosen) >= max_orders:
            break
    if not chosen:
        return None
    wave = Wave.objects.create(
        warehouse_id=warehouse_id,
        number=_wave_number_allocate(warehouse_id),
        zone_id=zone_id,
        max_orders=max_orders,
        max_lines=max_lines,
        created_by=actor.label[:150],
    )
    WaveRequest.objects.bulk_create(
        [
            WaveRequest(
                wave=wave,
                fulfillment_request_id=request.pk,
                request_number=request.number,
                order_number=request.order.number,
                ship_by=request.ship_by,
                priority=request.priority,
                lines_count=n,
            )
            for request, n in chosen
        ]
    )
    return wave


def _zone_free(warehouse_id: int, zone_id: int) -> dict[int, int]:
    free: dict[int, int] = defaultdict(int)
    for row in (
        inventory_selectors.sellable_stock_levels()
        .filter(
            warehouse_id=warehouse_id,
            bin__zone_id=zone_id,
            bin__bin_type__in=PICKABLE_BIN_TYPES,
            bin__is_blocked=False,
            on_hand__gt=F("reserved"),
        )
        .values("product_id", "on_hand", "reserved")
    ):
        free[row["product_id"]] += row["on_hand"] - row["reserved"]
    return free


def _totes(warehouse_id: int, needed: int) -> list[Tote]:
    free = list(
        Tote.objects.filter(warehouse_id=warehouse_id, wave_request__isnull=True).order_by("code")[
            :needed
        ]
    )
    if len(free) < needed:
        start = Tote.objects.filter(warehouse_id=warehouse_id).count()
        new = [
            Tote(warehouse_id=warehouse_id, code=f"T{start + k + 1:05d}")
            for k in range(needed - len(free))
        ]
        Tote.objects.bulk_create(new)
        free += list(Tote.objects.filter(warehouse_id=warehouse_id, code__in=[t.code for t in new]))
    return free


@transaction.atomic(durable=True)
def wave_release(*, wave_id: int, actor: Actor) -> Wave:
    """Reserve, tote, cart and route a planned wave, and tell the OMS its requests started.

    Set-based (issue 12 item 2): the requests' orders are locked at once (pk order), the
    requests re-read under those locks (one cancelled or held meanwhile leaves the wave), every
    bin reservation planned in memory on the locked commitments and stock levels and written
    with one UPDATE and one INSERT (`inventory_services.bin_reservations_create_many`), and the
    kept requests started as one batch (`order_services.fulfillment_requests_start_many`).

    Raises InvalidTransition when the wave is not planned, NothingToDo when no request of the
    wave could be reserved (the wave is then cancelled).
    """
    warehouse_id = Wave.objects.values_list("warehouse_id", flat=True).get(pk=wave_id)
    warehouse = warehouse_for_update(warehouse_id)
    wave = wave_for_update(wave_id)
    if wave.status != WaveStatus.PLANNED:
        raise InvalidTransition(f"Wave {wave.number} is {wave.get_status_display().lower()}.")
    members = {wr.fulfillment_request_id: wr for wr in wave.wave_requests.all()}
    # Lock order: warehouse → wave → orders → commitments → stock levels (docs/contracts.md).
    order_services.fulfillment_requests_lock(request_ids=list(members))
    requests = list(
        order_selectors.fulfillment_requests_for_wave(warehouse_id=wave.warehouse_id)
        .filter(pk__in=list(members))
        # only the lines' own columns are read here: no order, product or order line rows
        .select_related(None)
        .prefetch_related(None)
        .prefetch_related("lines")
    )
    rank = {pk: i for i, pk in enumerate(members)}
    requests.sort(key=lambda r: rank[r.pk])
    product_ids = {ln.product_id for r in requests for ln in r.lines.all()}
    # The candidates' ids only: their rows (with bins) are read once, locked, by inventory.
    candidate_ids = list(
        _free_levels(
            warehouse_id=wave.warehouse_id, product_ids=product_ids, zone_id=wave.zone_id
        ).values_list("pk", flat=True)
    )
    candidates: dict[int, StockLevel] = {}
    # (request id, fulfillment line id, commitment id, stock level id, quantity), plan order
    planned: list[tuple[int, int, int, int, int]] = []
    kept_ids: list[int] = []

    def plan(unreserved: dict[int, int], levels: list[StockLevel]) -> list[tuple]:
        by_product: dict[int, list[StockLevel]] = defaultdict(list)
        for level in levels:
            candidates[level.pk] = level
            by_product[level.product_id].append(level)
        for group in by_product.values():
            group.sort(key=_preference)
        picks, kept = wave_reservations_plan(
            requests=[
                (
                    r.pk,
                    [
                        (ln.pk, ln.commitment_id, ln.product_id, ln.quantity_open)
                        for ln in r.lines.all()
                    ],
                )
                for r in requests
            ],
            unreserved=unreserved,
            free={lv.pk: lv.on_hand - lv.reserved for lv in levels},
            levels={p: [lv.pk for lv in group] for p, group in by_product.items()},
        )
        planned.extend(picks)
        kept_ids.extend(kept)
        return [(c, lv, q, "fulfillment_line", str(line)) for _, line, c, lv, q in picks]

    commitment_ids = {
        ln.commitment_id for r in requests for ln in r.lines.all() if ln.commitment_id
    }
    reservations = inventory_services.bin_reservations_create_many(
        commitment_ids=commitment_ids, stock_level_ids=candidate_ids, plan=plan, actor=actor
    )
    kept = [members[pk] for pk in kept_ids]
    dropped = [pk for pk in members if pk not in set(kept_ids)]
    if dropped:
        WaveRequest.objects.filter(wave=wave, fulfillment_request_id__in=dropped).delete()
    if not kept:
        _wave_set_status(wave=wave, status=WaveStatus.CANCELLED)
        raise NothingToDo(f"No request of wave {wave.number} could be reserved at bin level.")
    order_services.fulfillment_requests_start_many(request_ids=kept_ids, actor=actor)
    by_wr = {wr.fulfillment_request_id: wr for wr in kept}
    # (wave request, fulfillment line, commitment, stock level, quantity, reservation id)
    picks = [
        (by_wr[request_id], line_id, commitment_id, candidates[level_id], qty, res.pk)
        for (request_id, line_id, commitment_id, level_id, qty), res in zip(
            planned, reservations, strict=True
        )
    ]

    layout = layout_for(warehouse)
    per_cart = max(1, int(wms_setting("WMS_TOTES_PER_CART")))
    totes = _totes(wave.warehouse_id, len(kept))
    for wr, tote in zip(kept, totes, strict=True):
        tote.wave_request = wr
        wr.tote_code = tote.code
    update_rows(model=Tote, fields=["wave_request"], objs=totes)
    route_total = s_total = best_total = 0.0
    carts = [kept[start : start + per_cart] for start in range(0, len(kept), per_cart)]
    pick_lists: list[PickList] = []
    cart_rows: list[list[tuple]] = []
    for cart_no, cart in enumerate(carts, start=1):
        ids = {wr.pk for wr in cart}
        cart_picks = [p for p in picks if p[0].pk in ids]
        plan_ = route_plan(layout, [location_of(layout, p[3].bin) for p in cart_picks])
        order = {loc: i for i, loc in enumerate(plan_.order)}
        cart_picks.sort(
            key=lambda p: (order[location_of(layout, p[3].bin)], p[3].bin.code, p[0].tote_code)
        )
        pick_lists.append(
            PickList(
                wave=wave,
                number=f"{wave.number}-{cart_no:02d}",
                route_length_m=plan_.length_m,
                sshape_length_m=plan_.sshape_length_m,
                route_method=plan_.method,
                best_known_length_m=plan_.best_known_length_m,
                route_optimal=plan_.optimal,
                stops=len(plan_.order),
            )
        )
        cart_rows.append(cart_picks)
        route_total += plan_.length_m
        s_total += plan_.sshape_length_m
        best_total += plan_.best_known_length_m
    PickList.objects.bulk_create(pick_lists)
    tasks = tasks_create_many(
        warehouse_id=wave.warehouse_id,
        kind=TaskKind.PICK,
        documents=[
            ("pick_list", str(pl.pk), sum(p[4] for p in rows))
            for pl, rows in zip(pick_lists, cart_rows, strict=True)
        ],
    )
    for pick_list, task in zip(pick_lists, tasks, strict=True):
        pick_list.task = task
    update_rows(model=PickList, fields=["task"], objs=pick_lists)
    insert_rows(
        objs=[
            PickLine(
                pick_list=pick_list,
                wave_request=wr,
                sequence=seq,
                fulfillment_line_id=line_id,
                commitment_id=commitment_id,
                bin_reservation_id=reservation_id,
                product_id=level.product_id,
                bin=level.bin,
                lot=level.lot,
                tote_code=wr.tote_code,
                quantity=qty,
            )
            for pick_list, rows in zip(pick_lists, cart_rows, strict=True)
            for seq, (wr, line_id, commitment_id, level, qty, reservation_id) in enumerate(
                rows, start=1
            )
        ]
    )
    for pick_list, cart in zip(pick_lists, carts, strict=True):
        for wr in cart:
            wr.pick_list = pick_list
    update_rows(model=WaveRequest, fields=["tote_code", "pick_list"], objs=kept)
    replenishment_plan(
        warehouse_id=wave.warehouse_id,
        actor=actor,
        product_ids=sorted({p[3].product_id for p in picks}),
    )
    _wave_set_status(
        wave=wave,
        status=WaveStatus.RELEASED,
        released_at=timezone.now(),
        route_length_m=round(route_total, 3),
        sshape_length_m=round(s_total, 3),
        best_known_length_m=round(best_total, 3),
    )
    return wave


def wave_reservations_plan(
    *,
    requests: list[tuple[int, list[tuple[int, int | None, int, int]]]],
    unreserved: dict[int, int],
    free: dict[int, int],
    levels: dict[int, list[int]],
) -> tuple[list[tuple[int, int, int, int, int]], list[int]]:
    """Pure: plan a wave's bin reservations, request by request, all or nothing.

    `requests` are (request id, [(line id, commitment id, product id, open units)]) in wave
    order; `unreserved` the commitments' units not yet in a bin; `free` each stock level's free
    units; `levels` each product's usable stock level ids in preference order (pick faces,
    FEFO, FIFO). Returns the picks (request, line, commitment, level, quantity) and the ids of
    the requests reserved in full; a request that falls short takes nothing (its units go back
    to the later requests) and stays released for a later wave.
    """
    free = dict(free)
    room = dict(unreserved)
    picks: list[tuple[int, int, int, int, int]] = []
    kept: list[int] = []
    for request_id, lines in requests:
        mine: list[tuple[int, int, int, int, int]] = []
        ok = True
        for line_id, commitment_id, product_id, need in lines:
            if need <= 0:
                continue
            if not commitment_id or room.get(commitment_id, 0) < need:
                ok = False
                break
            for level_id in levels.get(product_id, ()):
                if need == 0:
                    break
                qty = min(need, free[level_id])
                if qty <= 0:
                    continue
                free[level_id] -= qty
                room[commitment_id] -= qty
                need -= qty
                mine.append((request_id, line_id, commitment_id, level_id, qty))
            if need:
                ok = False
                break
        if not ok:
            for _, _, commitment_id, level_id, qty in mine:
                free[level_id] += qty
                room[commitment_id] += qty
            continue
        picks.extend(mine)
        kept.append(request_id)
    return picks, kept


def pick_candidates(
    *, warehouse_id: int, product_id: int, exclude_bin_ids: list[int]
) -> list[StockLevel]:
    """Other pickable stock of a product with free units, in reservation preference order."""
    levels = (
        inventory_selectors.sellable_stock_levels()
        .filter(
            warehouse_id=warehouse_id,
            product_id=product_id,
            bin__bin_type__in=PICKABLE_BIN_TYPES,
            bin__is_blocked=False,
            on_hand__gt=F("reserved"),
        )
        .exclude(bin_id__in=exclude_bin_ids)
        .select_related("bin")
    )
    return sorted(levels, key=_preference)
