"""Packing at one station, and shipping confirmation.

pack_start (scan a tote or an order) → pack_scan_item for every unit (wrong or extra items are
refused) → box (suggested: the smallest configured box the items fit in by dimensions and
weight; overridable) → weight (outside the tolerance it blocks the label until the package is
re-weighed within it, or a supervisor overrides with a reason: `pack_weight_override`, recorded
on the order's timeline) → pack_close (buys the label from
shipping/ and marks the package packed) → ship_confirm (consumes the stock with
`inventory_services.stock_consume` per request-line commitment, marks the shipment shipped and
reports carrier, tracking number and lines to the OMS).

`_package_set_status` is the only writer of Package.status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from common import roles
from common.exceptions import InvalidInput, PermissionDenied
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.exceptions import InvalidQuantity
from inventory.models import Product
from orders import selectors as order_selectors
from orders import services as order_services
from shipping import services as shipping_services
from warehouse.choices import BinType, TaskKind
from warehouse.conf import wms_setting
from warehouse.exceptions import (
    ChannelExceptionOpen,
    InvalidTransition,
    NothingToDo,
    PackingIncomplete,
    UnknownCode,
    WeightOutOfTolerance,
    WrongItem,
)
from warehouse.locks import package_for_update
from warehouse.models import BoxType, Package, PackedItem, PickLine, Tote, WaveRequest
from warehouse.selectors import bin_of_type
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_create, task_finish, task_progress, task_start
from warehouse.states import PACKAGE_TRANSITIONS, PackageStatus, PickLineStatus, can_transition


def _package_set_status(*, package: Package, status: str, **fields) -> None:
    """The single writer of Package.status (caller holds the package row lock)."""
    if package.status == status:
        return
    if not can_transition(PACKAGE_TRANSITIONS, package.status, status):
        raise InvalidTransition(
            f"Package {package.number} is {package.get_status_display().lower()}."
        )
    fields.update(status=status, updated_at=timezone.now())
    Package.objects.filter(pk=package.pk, status=package.status).update(**fields)
    for key, value in fields.items():
        setattr(package, key, value)


# ---------------------------------------------------------------- box choice


@dataclass(frozen=True)
class _Item:
    dims: tuple[int, int, int]
    weight_g: int


def box_suggest(*, items: list[tuple[Product, int]]) -> BoxType | None:
    """The smallest active box (by volume) that holds the items by dimensions and weight.

    A box fits when the total weight plus the box's own weight is within its limit, every item
    fits inside it in some orientation, and the items' total volume is at most 85 % of the box's
    (room for packing material; a practical stand-in for full 3-D bin packing).
    """
    units = [
        _Item(tuple(sorted((p.length_mm, p.width_mm, p.height_mm), reverse=True)), p.weight_g)
        for p, n in items
        for _ in range(n)
    ]
    volume = sum(u.dims[0] * u.dims[1] * u.dims[2] for u in units)
    weight = sum(u.weight_g for u in units)
    boxes = sorted(BoxType.objects.filter(is_active=True), key=lambda b: (b.volume_mm3, b.code))
    for box in boxes:
        inner = tuple(sorted((box.length_mm, box.width_mm, box.height_mm), reverse=True))
        if weight + box.tare_weight_g > box.max_weight_g:
            continue
        if any(any(d > i for d, i in zip(u.dims, inner, strict=True)) for u in units):
            continue
        if volume > 0.85 * box.volume_mm3:
            continue
        return box
    return None


def _expected_weight(package: Package, box: BoxType | None) -> int:
    items = package.items.select_related("product")
    return sum(it.product.weight_g * it.quantity_expected for it in items) + (
        box.tare_weight_g if box else 0
    )


# ---------------------------------------------------------------- station flow


def _find_wave_request(warehouse_id: int, code: str) -> WaveRequest:
    code = (code or "").strip()
    tote = Tote.objects.filter(warehouse_id=warehouse_id, code=code).first()
    if tote is not None:
        if tote.wave_request_id is None:
            raise NothingToDo(f"Tote {code} is empty.")
        return tote.wave_request
    wr = (
        WaveRequest.objects.filter(wave__warehouse_id=warehouse_id)
        .filter(Q(order_number=code) | Q(request_number=code))
        .exclude(wave__status="cancelled")
        .order_by("-pk")
        .first()
    )
    if wr is None:
        raise UnknownCode(f"No tote or order {code!r} to pack here.")
    return wr


def _package_step(package: Package, message: str = "") -> NextStep:
    items = list(package.items.select_related("product").order_by("pk"))
    remaining = sum(it.quantity_expected - it.quantity_verified for it in items)
    data = {
        "package_id": package.pk,
        "package": package.number,
        "order_number": package.order_number,
        "items": [
            {
                "sku": it.product.sku,
                "expected": it.quantity_expected,
                "verified": it.quantity_verified,
            }
            for it in items
        ],
        "suggested_box": package.suggested_box.code if package.suggested_box else "",
        "box": package.box.code if package.box else "",
        "remaining": remaining,
        "weight_g": package.weight_g,
        "expected_weight_g": package.expected_weight_g,
        "weight_flagged": package.weight_flagged,
        "weight_overridden": package.weight_override_at is not None,
    }
    if remaining:
        return NextStep(step="scan_item", message=message or "Scan each item.", data=data)
    if package.weight_g is None:
        return NextStep(
            step="weigh",
            message=(
                message + " All items verified: choose the box and weigh the package."
            ).strip(),
            data=data,
        )
    if _weight_blocks_label(package):
        return NextStep(
            step="reweigh",
            message=message
            or (
                f"Weight {package.weight_g} g is out of tolerance (expected about "
                f"{package.expected_weight_g} g): check the contents and re-weigh, "
                "or a supervisor overrides."
            ),
            data=data,
        )
    return NextStep(step="close", message=message or "Print the label.", data=data)


def _refuse_while_channel_exception(order_id: int, number: str) -> None:
    """Never ship silently what the channel cancelled or changed after pick (docs/orders.md)."""
    hold = order_selectors.order_channel_exception(order_id=order_id)
    if hold is not None:
        raise ChannelExceptionOpen(
            f"Order {number}: {hold.get_kind_display()} — {hold.reason} Ops decide on the "
            "exceptions queue before it is packed or shipped.",
            hold_id=hold.pk,
        )


def _weight_blocks_label(package: Package) -> bool:
    return package.weight_flagged and package.weight_override_at is None


@transaction.atomic(durable=True)
def pack_start(*, warehouse_id: int, code: str, actor: Actor) -> NextStep:
    """Open (or resume) the package of a tote or an order at the packing station.

    Raises UnknownCode, PackingIncomplete (picks still open), NothingToDo (nothing picked).
    """
    wr = _find_wave_request(warehouse_id, code)
    live = (
        Package.objects.filter(fulfillment_request_id=wr.fulfillment_request_id)
        .exclude(status=PackageStatus.CANCELLED)
        .first()
    )
    if live is not None:
        if live.status != PackageStatus.OPEN:
            raise NothingToDo(
                f"Order {wr.order_number} is already {live.get_status_display().lower()}."
            )
        return _package_step(live, "Resumed packing.")
    lines = PickLine.objects.filter(wave_request=wr)
    if lines.filter(status=PickLineStatus.OPEN).exists():
        raise PackingIncomplete(f"Order {wr.order_number} is still being picked.")
    picked = (
        lines.filter(quantity_picked__gt=0)
        .values("fulfillment_line_id", "commitment_id", "product_id", "lot")
        .annotate(n=Sum("quantity_picked"))
        .order_by("fulfillment_line_id", "lot")
    )
    if not picked:
        raise NothingToDo(f"Nothing was picked for order {wr.order_number}.")
    task = task_create(
        warehouse_id=warehouse_id,
        kind=TaskKind.PACK,
        quantity=sum(r["n"] for r in picked),
        document_type="fulfillment_request",
        document_ref=str(wr.fulfillment_request_id),
    )
    task_start(task_id=task.pk, actor=actor)
    package = Package.objects.create(
        warehouse_id=warehouse_id,
        number=f"PKG-{wr.request_number or wr.fulfillment_request_id}",
        fulfillment_request_id=wr.fulfillment_request_id,
        order_number=wr.order_number,
        wave_request=wr,
        task=task,
    )
    PackedItem.objects.bulk_create(
        [
            PackedItem(
                package=package,
                fulfillment_line_id=r["fulfillment_line_id"],
                commitment_id=r["commitment_id"],
                product_id=r["product_id"],
                lot=r["lot"],
                quantity_expected=r["n"],
            )
            for r in picked
        ]
    )
    counts: dict[int, int] = defaultdict(int)
    for r in picked:
        counts[r["product_id"]] += r["n"]
    products = Product.objects.in_bulk(list(counts))
    box = box_suggest(items=[(products[pid], n) for pid, n in counts.items()])
    Package.objects.filter(pk=package.pk).update(
        suggested_box=box, box=box, expected_weight_g=_expected_weight(package, box)
    )
    package.refresh_from_db()
    return _package_step(package, f"Packing order {wr.order_number}.")


@transaction.atomic(durable=True)
def pack_scan_item(
    *, package_id: int, item_code: str, actor: Actor, scan_id: str | None = None
) -> NextStep:
    """Verify one scanned unit against the order. Raises WrongItem (nothing changes)."""
    content = fingerprint(package=package_id, item=item_code)
    package = package_for_update(package_id)
    if (
        replay := scan_replay(scan_id=scan_id, action="pack_item", content_hash=content)
    ) is not None:
        return replay
    if package.status != PackageStatus.OPEN:
        raise NothingToDo(f"Package {package.number} is {package.get_status_display().lower()}.")
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is None:
        raise UnknownCode(f"No item has the code {item_code!r}.")
    item = (
        package.items.filter(product=product, quantity_verified__lt=F("quantity_expected"))
        .order_by("pk")
        .first()
    )
    if item is None:
        if package.items.filter(product=product).exists():
            raise WrongItem(f"Extra item: every {product.sku} of this order is already packed.")
        raise WrongItem(f"Wrong item: {product.sku} is not part of order {package.order_number}.")
    PackedItem.objects.filter(pk=item.pk, quantity_verified__lt=F("quantity_expected")).update(
        quantity_verified=F("quantity_verified") + 1
    )
    if package.task_id:
        task_progress(task_id=package.task_id, quantity=1, actor=actor)
    step = _package_step(package, f"{product.sku} OK.")
    scan_remember(scan_id=scan_id, action="pack_item", content_hash=content, step=step)
    return step


_NO_OVERRIDE = {"weight_override_by": "", "weight_override_reason": "", "weight_override_at": None}


@transaction.atomic(durable=True)
def pack_set_box(*, package_id: int, box_code: str, actor: Actor) -> NextStep:
    """Use another box than the suggested one (scan its code). Raises UnknownCode."""
    package = package_for_update(package_id)
    if package.status != PackageStatus.OPEN:
        raise NothingToDo(f"Package {package.number} is {package.get_status_display().lower()}.")
    box = BoxType.objects.filter(code=(box_code or "").strip(), is_active=True).first()
    if box is None:
        raise UnknownCode(f"No box type {box_code!r}.", code="unknown_box")
    Package.objects.filter(pk=package.pk).update(
        box=box,
        expected_weight_g=_expected_weight(package, box),
        weight_g=None,
        weight_flagged=False,
        **_NO_OVERRIDE,
    )
    package.refresh_from_db()
    return _package_step(package, f"Box {box.code}.")


@transaction.atomic(durable=True)
def pack_record_weight(*, package_id: int, weight_g: int, actor: Actor) -> NextStep:
    """Record the scale's weight; flag it when off the expected weight by more than the
    tolerance (`WMS_WEIGHT_TOLERANCE_RATIO` of expected, at least `WMS_WEIGHT_TOLERANCE_G`).
    A flagged weight answers "reweigh" and blocks `pack_close`; every weighing clears an
    earlier supervisor override. Raises PackingIncomplete (items not all verified),
    InvalidQuantity.
    """
    package = package_for_update(package_id)
    if package.status != PackageStatus.OPEN:
        raise NothingToDo(f"Package {package.number} is {package.get_status_display().lower()}.")
    if package.items.filter(quantity_verified__lt=F("quantity_expected")).exists():
        raise PackingIncomplete("Scan every item before weighing.")
    if not isinstance(weight_g, int) or weight_g <= 0:
        raise InvalidQuantity("Weight must be a positive whole number of grams.")
    expected = package.expected_weight_g
    tolerance = max(
        wms_setting("WMS_WEIGHT_TOLERANCE_G"), expected * wms_setting("WMS_WEIGHT_TOLERANCE_RATIO")
    )
    flagged = abs(weight_g - expected) > tolerance
    Package.objects.filter(pk=package.pk).update(
        weight_g=weight_g, weight_flagged=flagged, **_NO_OVERRIDE
    )
    package.refresh_from_db()
    return _package_step(
        package,
        f"Weight {weight_g} g is out of tolerance (expected about {expected} g): check the "
        "contents and re-weigh, or a supervisor overrides."
        if flagged
        else "Weight OK.",
    )


def _is_supervisor(actor: Actor) -> bool:
    from django.contrib.auth import get_user_model

    if actor.user_id is None:
        return False
    user = get_user_model().objects.filter(pk=actor.user_id, is_active=True).first()
    return user is not None and roles.has_role(user, roles.WAREHOUSE_SUPERVISOR, *roles.OPS_ROLES)


@transaction.atomic(durable=True)
def pack_weight_override(*, package_id: int, reason: str, actor: Actor) -> NextStep:
    """A supervisor lets an out-of-tolerance weight go to labelling; the reason, the weights
    and who decided are recorded on the order's timeline.

    Raises PermissionDenied (not a warehouse supervisor or ops), InvalidInput (no reason),
    NothingToDo (package not open, or its weight is not out of tolerance).
    """
    if not _is_supervisor(actor):
        raise PermissionDenied(
            "Only a warehouse supervisor can override the weight check.", code="supervisor_only"
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give the reason for the override.", code="reason_required")
    package = package_for_update(package_id)
    if package.status != PackageStatus.OPEN:
        raise NothingToDo(f"Package {package.number} is {package.get_status_display().lower()}.")
    if not _weight_blocks_label(package):
        raise NothingToDo(f"Package {package.number} has no out-of-tolerance weight to override.")
    fields = {
        "weight_override_by": actor.label[:150],
        "weight_override_reason": reason[:500],
        "weight_override_at": timezone.now(),
    }
    Package.objects.filter(pk=package.pk).update(**fields)
    for key, value in fields.items():
        setattr(package, key, value)
    order_services.fulfillment_request_weight_override(
        request_id=package.fulfillment_request_id,
        weight_g=package.weight_g,
        expected_g=package.expected_weight_g,
        reason=reason[:300],
        actor=actor,
    )
    return _package_step(package, f"Weight override recorded ({reason[:80]}).")


def pack_close(*, package_id: int, actor: Actor) -> NextStep:
    """Buy the label from shipping/ and mark the package packed; answers "print_label".

    The carrier call happens outside any transaction (docs/contracts.md); buying is idempotent
    per fulfillment request, so a retry after a failure never buys twice.
    Raises PackingIncomplete, WeightOutOfTolerance (flagged weight, no override), shipping
    errors (NoServiceMeetsPromise, CarrierUnavailable …).
    """
    package = Package.objects.select_related("box").get(pk=package_id)
    if package.status == PackageStatus.PACKED:
        return _label_step(package)
    if package.status != PackageStatus.OPEN:
        raise NothingToDo(f"Package {package.number} is {package.get_status_display().lower()}.")
    if package.items.filter(quantity_verified__lt=F("quantity_expected")).exists():
        raise PackingIncomplete("Scan every item before closing the package.")
    if package.box is None:
        raise PackingIncomplete("Choose a box first (no configured box fits these items).")
    if package.weight_g is None:
        raise PackingIncomplete("Weigh the package first.")
    if _weight_blocks_label(package):
        raise WeightOutOfTolerance(
            f"Weight {package.weight_g} g is out of tolerance (expected about "
            f"{package.expected_weight_g} g): re-weigh, or a supervisor overrides."
        )
    order = order_selectors.order_for_fulfillment_request(request_id=package.fulfillment_request_id)
    if order is None:
        raise UnknownCode("The order of this package no longer exists.")
    _refuse_while_channel_exception(order.pk, order.number)
    shipment = shipping_services.shipment_create_with_label(
        fulfillment_request_id=package.fulfillment_request_id,
        warehouse_id=package.warehouse_id,
        ship_to={
            **order.shipping_address,
            "name": order.shipping_address.get("name") or order.customer_name,
            "email": order.customer_email,
        },
        packages=[
            {
                "weight_g": package.weight_g,
                "length_mm": package.box.length_mm,
                "width_mm": package.box.width_mm,
                "height_mm": package.box.height_mm,
            }
        ],
        service_level=order.service_level,
        promised_by=order.promised_delivery_by,
        actor=actor,
        order_id=order.pk,
        channel_id=order.channel_id,
        reference=order.number,
    )
    return _pack_mark_packed(package_id=package.pk, shipment=shipment, actor=actor)


@transaction.atomic(durable=True)
def _pack_mark_packed(*, package_id: int, shipment, actor: Actor) -> NextStep:
    package = package_for_update(package_id)
    if package.status == PackageStatus.OPEN:
        _package_set_status(
            package=package,
            status=PackageStatus.PACKED,
            shipment_id=shipment.pk,
            carrier_code=shipment.carrier_code,
            tracking_number=shipment.tracking_number,
            label_zpl=shipment.label_zpl or "",
            packed_at=timezone.now(),
        )
        if package.task_id:
            task_finish(task_id=package.task_id, actor=actor)
    return _label_step(package)


def _label_step(package: Package) -> NextStep:
    return NextStep(
        step="print_label",
        message=f"Label {package.carrier_code} {package.tracking_number}: stick it on and ship.",
        data={
            "package_id": package.pk,
            "package": package.number,
            "carrier": package.carrier_code,
            "tracking_number": package.tracking_number,
            "shipment_id": package.shipment_id,
            "weight_flagged": package.weight_flagged,
        },
    )


@transaction.atomic(durable=True)
def ship_confirm(*, package_id: int, actor: Actor) -> NextStep:
    """The package left the building: consume its stock, mark the shipment shipped, and report
    carrier, tracking number and lines to the OMS. Idempotent. Raises InvalidTransition.
    """
    package = package_for_update(package_id)
    if package.status == PackageStatus.SHIPPED:
        return NextStep(
            step="done",
            message=f"{package.number} already shipped.",
            data={"package": package.number},
        )
    if package.status != PackageStatus.PACKED:
        raise InvalidTransition(
            f"Package {package.number} is {package.get_status_display().lower()}, not packed."
        )
    order = order_selectors.order_for_fulfillment_request(request_id=package.fulfillment_request_id)
    if order is not None:
        _refuse_while_channel_exception(order.pk, order.number)
    staging = bin_of_type(warehouse_id=package.warehouse_id, bin_type=BinType.PACKING)
    lines: dict[int, int] = defaultdict(int)
    for item in package.items.order_by("pk"):
        inventory_services.stock_consume(
            commitment_id=item.commitment_id,
            from_bin=staging,
            quantity=item.quantity_verified,
            actor=actor,
            lot=item.lot,
            document_type="package",
            document_ref=package.number,
        )
        lines[item.fulfillment_line_id] += item.quantity_verified
    shipping_services.shipment_mark_shipped_in_tx(shipment_id=package.shipment_id, actor=actor)
    order_services.fulfillment_request_shipped(
        request_id=package.fulfillment_request_id,
        shipment_id=package.shipment_id,
        carrier=package.carrier_code,
        tracking_number=package.tracking_number,
        lines=sorted(lines.items()),
        actor=actor,
    )
    _package_set_status(package=package, status=PackageStatus.SHIPPED, shipped_at=timezone.now())
    Tote.objects.filter(wave_request_id=package.wave_request_id).update(wave_request=None)
    return NextStep(
        step="done",
        message=f"{package.number} shipped with {package.carrier_code} {package.tracking_number}.",
        data={"package": package.number, "tracking_number": package.tracking_number},
    )


def pack_return_to_stock(*, warehouse_id: int, code: str, actor: Actor) -> NextStep:
    """Stop at pack: put the picked units of an order (tote or order number) back into the bins
    they were picked from — only for an order whose channel cancelled it after pick and where
    ops chose “stop at pack” on the exceptions queue. A label already bought is voided first
    (outside any transaction: it calls the carrier). The OMS un-picks and cancels the units,
    releasing their commitments, and settles the order. Raises UnknownCode, NothingToDo,
    HoldNotActive (no stopped exception), carrier errors from voiding.
    """
    wr = _find_wave_request(warehouse_id, code)
    package = (
        Package.objects.filter(fulfillment_request_id=wr.fulfillment_request_id)
        .exclude(status=PackageStatus.CANCELLED)
        .first()
    )
    if package is not None and package.status == PackageStatus.SHIPPED:
        raise NothingToDo(f"Order {wr.order_number} has already shipped.")
    if package is not None and package.shipment_id:
        shipping_services.shipment_void(shipment_id=package.shipment_id, actor=actor)
    return _return_to_stock(wr_id=wr.pk, package_id=package.pk if package else None, actor=actor)


@transaction.atomic(durable=True)
def _return_to_stock(*, wr_id: int, package_id: int | None, actor: Actor) -> NextStep:
    wr = WaveRequest.objects.select_related("wave").get(pk=wr_id)
    if package_id is not None:
        package = package_for_update(package_id)
        if package.status == PackageStatus.SHIPPED:
            raise NothingToDo(f"Package {package.number} has already shipped.")
        _package_set_status(package=package, status=PackageStatus.CANCELLED)
        if package.task_id:
            task_finish(task_id=package.task_id, actor=actor, cancelled=True)
    picked = list(
        PickLine.objects.filter(wave_request=wr, quantity_picked__gt=0)
        .select_related("bin")
        .order_by("pk")
    )
    per_line: dict[int, int] = defaultdict(int)
    for line in picked:
        per_line[line.fulfillment_line_id] += line.quantity_picked
    if not per_line:
        raise NothingToDo(f"Nothing picked for order {wr.order_number} is waiting at packing.")
    # lock order: WMS documents (above), then the order and its commitments, then stock
    order_services.fulfillment_request_return_to_stock(
        request_id=wr.fulfillment_request_id, lines=sorted(per_line.items()), actor=actor
    )
    staging = bin_of_type(warehouse_id=wr.wave.warehouse_id, bin_type=BinType.PACKING)
    for line in picked:
        inventory_services.stock_move(
            product_id=line.product_id,
            from_bin=staging,
            to_bin=line.bin,
            quantity=line.quantity_picked,
            actor=actor,
            lot=line.lot,
            document_type="fulfillment_request",
            document_ref=str(wr.fulfillment_request_id),
            note="returned to stock: cancelled at the channel after pick",
        )
    Tote.objects.filter(wave_request_id=wr.pk).update(wave_request=None)
    units = sum(per_line.values())
    return NextStep(
        step="done",
        message=f"{units} unit(s) of order {wr.order_number} returned to their bins.",
        data={"order_number": wr.order_number, "returned": units},
    )
