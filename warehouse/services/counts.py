"""Cycle counts as a closed loop.

* Scheduled by ABC class (`WMS_COUNT_DAYS`) and triggered by exceptions (short pick, a bin that
  should be empty but is not, a bin that just emptied).
* Blind: the operator submits what they counted; the expected quantities never leave this
  module (answers carry only the next step).
* Variance ratio = Σ|counted − expected| / Σ expected, value = Σ|counted − expected| × unit
  cost. Beyond the warehouse's tolerance (more units off than `count_tolerance_units` and a ratio
  above `WMS_COUNT_RECOUNT_RATIO`, or a value above `count_tolerance_value`) the count asks for
  a recount, which another person must do; if the recount is still beyond it (ratio above
  `WMS_COUNT_APPROVAL_RATIO`, or the value), a supervisor who counted neither must approve.
  The approval posts exactly the variance of each (product, lot) line (`count_review` shows it).
* Stock that moved in or out of the bin after the count started (a ledger row newer than
  `ledger_mark`) voids the count: expectations are re-taken and a recount is asked for.
* Applied variances post `inventory_services.stock_adjust` with reason "count".

`_count_set_status` is the only writer of CycleCount.status.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import MovementReason
from inventory.exceptions import InvalidQuantity
from inventory.models import StockLevel, StockMovement
from warehouse.choices import CountTrigger, TaskKind
from warehouse.conf import wms_setting
from warehouse.exceptions import (
    ApprovalRequired,
    InvalidTransition,
    LotRequired,
    NothingToDo,
    RecountByAnother,
    UnknownCode,
)
from warehouse.locks import bin_for_update, cycle_count_for_update
from warehouse.models import Bin, CycleCount, CycleCountLine
from warehouse.selectors import STORAGE_BIN_TYPES
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_create, task_finish, task_start
from warehouse.states import COUNT_TRANSITIONS, CountStatus, can_transition

OPEN_COUNT = (CountStatus.OPEN, CountStatus.RECOUNT, CountStatus.PENDING_APPROVAL)


def _count_set_status(*, count: CycleCount, status: str, **fields) -> None:
    """The single writer of CycleCount.status (caller holds the count row lock)."""
    if count.status != status and not can_transition(COUNT_TRANSITIONS, count.status, status):
        raise InvalidTransition(
            f"Count {count.pk} cannot go from {count.get_status_display().lower()} to {CountStatus(status).label.lower()}."
        )
    fields.update(status=status, updated_at=timezone.now())
    CycleCount.objects.filter(pk=count.pk).update(**fields)
    for key, value in fields.items():
        setattr(count, key, value)


def _ledger_mark() -> int:
    return StockMovement.objects.aggregate(m=Max("pk"))["m"] or 0


def _snapshot(count: CycleCount) -> None:
    """(Re)take the expected quantities of every product and lot in the bin."""
    levels = {
        (lv.product_id, lv.lot): lv.on_hand for lv in StockLevel.objects.filter(bin_id=count.bin_id)
    }
    existing = {(ln.product_id, ln.lot): ln for ln in count.lines.all()}
    for key, on_hand in levels.items():
        line = existing.pop(key, None)
        if line is None:
            CycleCountLine.objects.create(
                count=count, product_id=key[0], lot=key[1], expected_quantity=on_hand
            )
        else:
            CycleCountLine.objects.filter(pk=line.pk).update(
                expected_quantity=on_hand, counted_quantity=None
            )
    for line in existing.values():
        CycleCountLine.objects.filter(pk=line.pk).update(expected_quantity=0, counted_quantity=None)


def _bin_abc(bin_id: int) -> str:
    best = StockLevel.objects.filter(bin_id=bin_id, on_hand__gt=0).aggregate(
        c=Min("product__abc_class")
    )["c"]
    return best or "C"


@transaction.atomic
def cycle_count_create(
    *, bin_id: int, actor: Actor, trigger: str = CountTrigger.MANUAL, priority: int = 0
) -> CycleCount:
    """Open a count of a bin (returns the open one if the bin already has one)."""
    bin = bin_for_update(bin_id)
    existing = CycleCount.objects.filter(bin=bin, status__in=OPEN_COUNT).first()
    if existing is not None:
        return existing
    task = task_create(
        warehouse_id=bin.warehouse_id,
        kind=TaskKind.COUNT,
        from_bin=bin,
        document_type="cycle_count",
        priority=priority,
        note=trigger,
    )
    count = CycleCount.objects.create(
        warehouse_id=bin.warehouse_id,
        bin=bin,
        zone_id=bin.zone_id,
        abc_class=_bin_abc(bin.pk),
        trigger=trigger,
        ledger_mark=_ledger_mark(),
        task=task,
    )
    task.document_ref = str(count.pk)
    task.save(update_fields=["document_ref", "updated_at"])
    _snapshot(count)
    return count


@transaction.atomic(durable=True)
def cycle_count_request(
    *, warehouse_id: int, bin_code: str, actor: Actor, trigger: str = CountTrigger.MANUAL
) -> CycleCount:
    """Ask for a count of a bin by its code (e.g. "this bin should be empty but is not")."""
    bin = Bin.objects.filter(warehouse_id=warehouse_id, code=bin_code).first()
    if bin is None:
        raise UnknownCode(f"No bin {bin_code!r} in this warehouse.", code="unknown_bin")
    return cycle_count_create(bin_id=bin.pk, actor=actor, trigger=trigger, priority=40)


@transaction.atomic(durable=True)
def cycle_counts_schedule(
    *, warehouse_id: int, actor: Actor, today: dt.date | None = None, limit: int | None = None
) -> list[CycleCount]:
    """Open the counts that the ABC schedule says are due (bins holding stock, by class)."""
    today = today or timezone.localdate()
    days = wms_setting("WMS_COUNT_DAYS")
    last_applied = dict(
        CycleCount.objects.filter(warehouse_id=warehouse_id, status=CountStatus.APPLIED)
        .values("bin_id")
        .annotate(last=Max("applied_at"))
        .values_list("bin_id", "last")
    )
    open_bins = set(
        CycleCount.objects.filter(warehouse_id=warehouse_id, status__in=OPEN_COUNT).values_list(
            "bin_id", flat=True
        )
    )
    rows = (
        StockLevel.objects.filter(
            warehouse_id=warehouse_id, on_hand__gt=0, bin__bin_type__in=STORAGE_BIN_TYPES
        )
        .values("bin_id")
        .annotate(abc=Min("product__abc_class"))
        .order_by("abc", "bin_id")
    )
    created = []
    for row in rows:
        if row["bin_id"] in open_bins:
            continue
        last = last_applied.get(row["bin_id"])
        interval = int(days.get(row["abc"] or "C", 365))
        if last is not None and (today - timezone.localdate(last)).days < interval:
            continue
        created.append(
            cycle_count_create(bin_id=row["bin_id"], actor=actor, trigger=CountTrigger.SCHEDULE)
        )
        if limit and len(created) >= limit:
            break
    return created


def _moved_since_start(count: CycleCount) -> bool:
    return (
        StockMovement.objects.filter(pk__gt=count.ledger_mark)
        .filter(Q(from_bin_id=count.bin_id) | Q(to_bin_id=count.bin_id))
        .exists()
    )


def _restart(count: CycleCount, actor: Actor) -> NextStep:
    _snapshot(count)
    _count_set_status(
        count=count, status=CountStatus.RECOUNT, ledger_mark=_ledger_mark(), recount_not_by=""
    )
    return NextStep(
        step="recount",
        message="Stock moved in or out of this bin during the count. Count it again.",
        data={"count_id": count.pk, "bin": count.bin.code},
    )


@transaction.atomic(durable=True)
def cycle_count_submit(
    *,
    count_id: int,
    counted: list[dict],
    actor: Actor,
    scan_id: str | None = None,
) -> NextStep:
    """Submit a blind count: [{"code": sku or barcode, "quantity": n, "lot"?: str}].

    Products not listed count as zero. The answer says what to do next ("done", "recount",
    "awaiting_approval") and never reveals expected quantities.
    Raises NothingToDo, UnknownCode, InvalidQuantity, InsufficientStock (a decrease that would cut
    into units reserved for picks).
    """
    content = fingerprint(count=count_id, counted=counted)
    count = cycle_count_for_update(count_id)
    if (replay := scan_replay(scan_id=scan_id, action="count", content_hash=content)) is not None:
        return replay
    if count.status not in (CountStatus.OPEN, CountStatus.RECOUNT):
        raise NothingToDo(f"Count {count.pk} is {count.get_status_display().lower()}.")
    if count.recount_not_by and actor.label == count.recount_not_by:
        raise RecountByAnother(
            f"This recount must be done by another person than {count.recount_not_by}, "
            "who counted the bin first."
        )
    if count.task_id:
        task_start(task_id=count.task_id, actor=actor)
    if _moved_since_start(count):
        step = _restart(count, actor)
        scan_remember(scan_id=scan_id, action="count", content_hash=content, step=step)
        return step
    totals = count_entries_resolve(counted=counted)
    lines = {(ln.product_id, ln.lot): ln for ln in count.lines.select_related("product")}
    for key in totals.keys() - lines.keys():
        lines[key] = CycleCountLine.objects.create(
            count=count, product_id=key[0], lot=key[1], expected_quantity=0
        )
    costs = dict(
        inventory_selectors.products_by_ids(ids=[k[0] for k in lines]).values_list(
            "pk", "unit_cost"
        )
    )
    expected = variance = 0
    value = Decimal("0")
    for key, line in lines.items():
        line.counted_quantity = totals.get(key, 0)
        line.save(update_fields=["counted_quantity"])
        expected += line.expected_quantity
        variance += abs(line.variance)
        value += abs(line.variance) * costs.get(key[0], Decimal("0"))
    attempt = count.attempt + 1
    warehouse = count.warehouse
    recounted = count.status == CountStatus.RECOUNT and bool(count.recount_not_by)
    over_recount = _beyond_tolerance(
        warehouse, variance, expected, value, wms_setting("WMS_COUNT_RECOUNT_RATIO")
    )
    over_approval = _beyond_tolerance(
        warehouse, variance, expected, value, wms_setting("WMS_COUNT_APPROVAL_RATIO")
    )
    common = {"attempt": attempt, "counted_by": actor.label[:150]}
    if over_recount and not recounted:
        _count_set_status(
            count=count,
            status=CountStatus.RECOUNT,
            first_counted_by=actor.label[:150],
            recount_not_by=actor.label[:150],
            **common,
        )
        step = NextStep(
            step="recount",
            message="The count differs from the records. Another person must count this bin again.",
            data={"count_id": count.pk, "bin": count.bin.code},
        )
    elif over_approval:
        _count_set_status(count=count, status=CountStatus.PENDING_APPROVAL, **common)
        step = NextStep(
            step="awaiting_approval",
            message="Count recorded; a supervisor must approve the difference.",
            data={"count_id": count.pk, "bin": count.bin.code},
        )
    else:
        count.attempt = attempt
        _apply(count, lines.values(), actor, **common)
        step = NextStep(
            step="done",
            message="Count recorded.",
            data={"count_id": count.pk, "bin": count.bin.code},
        )
    scan_remember(scan_id=scan_id, action="count", content_hash=content, step=step)
    return step


def _beyond_tolerance(
    warehouse, variance: int, expected: int, value: Decimal, ratio_limit: float
) -> bool:  # type: ignore[no-untyped-def]
    """Is this variance beyond what the warehouse accepts without a second look?"""
    if not variance:
        return False
    if warehouse.count_tolerance_value is not None and value > warehouse.count_tolerance_value:
        return True
    ratio = variance / expected if expected else 1.0
    return variance > warehouse.count_tolerance_units and ratio > ratio_limit


def count_entries_resolve(*, counted: list[dict]) -> dict[tuple[int, str], int]:
    """{(product id, lot): units} from scanned entries [{"code", "quantity", "lot"?}].

    Raises UnknownCode (no item has the code), LotRequired (a lot-tracked item without its lot),
    InvalidQuantity. Reads only: the count screen calls it at each scan.
    """
    totals: dict[tuple[int, str], int] = {}
    for entry in counted:
        code = str(entry.get("code", "")).strip()
        product = inventory_selectors.product_get_by_code(code=code)
        if product is None:
            raise UnknownCode(f"No item has the code {entry.get('code')!r}.")
        qty = entry.get("quantity")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
            raise InvalidQuantity("Counted quantities are whole numbers ≥ 0.")
        lot = str(entry.get("lot", "") or "").strip()
        if product.is_lot_tracked and not lot:
            raise LotRequired(f"{product.sku} is lot-tracked: enter the lot printed on it.")
        key = (product.pk, lot)
        totals[key] = totals.get(key, 0) + qty
    return totals


def _apply(count: CycleCount, lines, actor: Actor, **fields) -> None:
    expected = variance = accurate = total = 0
    for line in sorted(lines, key=lambda ln: (ln.product_id, ln.lot)):
        if line.counted_quantity is None:
            raise ApprovalRequired(f"Count {count.pk} has an uncounted line; count it again.")
        delta = line.variance
        total += 1
        expected += line.expected_quantity
        variance += abs(delta)
        if delta == 0:
            accurate += 1
            continue
        inventory_services.stock_adjust(
            product_id=line.product_id,
            bin=count.bin,
            delta=delta,
            actor=actor,
            reason=MovementReason.COUNT,
            lot=line.lot,
            document_type="cycle_count",
            document_ref=str(count.pk),
        )
    _count_set_status(
        count=count,
        status=CountStatus.APPLIED,
        applied_at=timezone.now(),
        expected_units=expected,
        variance_units=variance,
        lines_total=total,
        lines_accurate=accurate,
        **fields,
    )
    if count.task_id:
        task_finish(task_id=count.task_id, actor=actor)


@transaction.atomic(durable=True)
def cycle_count_approve(*, count_id: int, actor: Actor, approve: bool = True) -> NextStep:
    """A supervisor approves (posts each line's variance exactly) or rejects (asks for a
    recount by another person) a count. Whoever counted the bin may not approve it.

    If stock moved since the count started, the count is re-taken instead of applied.
    Raises ApprovalRequired when the count is not waiting for approval or the approver counted it.
    """
    count = cycle_count_for_update(count_id)
    if count.status != CountStatus.PENDING_APPROVAL:
        raise ApprovalRequired(
            f"Count {count.pk} is not waiting for approval (now: {count.get_status_display()})."
        )
    if actor.label in {count.counted_by, count.first_counted_by}:
        raise ApprovalRequired(
            f"{actor.label} counted this bin; another supervisor must approve the count."
        )
    if _moved_since_start(count):
        return _restart(count, actor)
    if not approve:
        _count_set_status(
            count=count, status=CountStatus.RECOUNT, recount_not_by=count.counted_by[:150]
        )
        return NextStep(
            step="recount",
            message="Count rejected; another person must count the bin again.",
            data={"count_id": count.pk},
        )
    _apply(count, list(count.lines.all()), actor, approved_by=actor.label[:150])
    return NextStep(step="done", message="Count approved and applied.", data={"count_id": count.pk})
