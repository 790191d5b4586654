"""Screen-test scenarios built through the real services (shared by tests/screens and tests/e2e)."""

from __future__ import annotations

from dataclasses import dataclass

from orders import services as order_services
from orders.models import Order
from shipping import services as shipping_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, box_types, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickList, Wave
from warehouse.services.waves import wave_plan, wave_release


@dataclass
class Floor:
    warehouse: object
    channel: object
    orders: list[Order]
    wave: Wave | None = None
    pick_list: PickList | None = None


def shipping_warehouse(code: str = "WH1"):
    """A small laid-out warehouse with an address, default carriers and box types."""
    wh = make_warehouse(code=code)
    wh.address_line1, wh.city, wh.postal_code = "1 Dock Rd", "Newark", "07101"
    wh.save()
    shipping_services.carriers_ensure_defaults()
    box_types()
    return wh


def order(channel, lines, **overrides) -> Order:
    created, _ = order_services.order_capture(
        channel_id=channel.pk, data=payload(lines, **overrides), actor=SYSTEM
    )
    created.refresh_from_db()
    return created


def released_batch() -> Floor:
    """Two orders in one released wave (one pick list, one tote per order).

    TEE (barcode 4000000000017) in A-01-01-1, MUG in A-02-01-1, CAP in A-03-01-1 with only the
    units ordered, so a short CAP pick cannot be re-allocated and is reported to the OMS.
    """
    wh = shipping_warehouse()
    ch = channel_with_warehouses(wh, code="web")
    tee = product("TEE", barcode="4000000000017", abc="A")
    mug = product("MUG", abc="B", weight_g=400, dims=(120, 100, 100))
    cap = product("CAP", abc="C", weight_g=100, dims=(150, 150, 80))
    stocked(tee, bin_of(wh, "A-01-01-1"), 10)
    stocked(mug, bin_of(wh, "A-02-01-1"), 10)
    stocked(cap, bin_of(wh, "A-03-01-1"), 2)
    first = order(
        ch, [("TEE", 2), ("MUG", 1)], customer={"email": "ada@example.com", "name": "Ada Lovelace"}
    )
    second = order(
        ch, [("TEE", 1), ("CAP", 2)], customer={"email": "alan@example.com", "name": "Alan Turing"}
    )
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    return Floor(wh, ch, [first, second], wave, PickList.objects.get(wave=wave))


def picked_order() -> Floor:
    """One order (TEE×2) released, waved and fully picked into its tote, ready to pack."""
    from warehouse.services.picking import pick_confirm, pick_list_next

    wh = shipping_warehouse()
    ch = channel_with_warehouses(wh, code="web")
    tee = product("TEE", barcode="4000000000017", abc="A")
    stocked(tee, bin_of(wh, "A-01-01-1"), 10)
    first = order(ch, [("TEE", 2)], customer={"email": "ada@example.com", "name": "Ada Lovelace"})
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    pick_list = PickList.objects.get(wave=wave)
    step = pick_list_next(pick_list_id=pick_list.pk)
    while step.step == "scan_bin":
        d = step.data
        step = pick_confirm(
            pick_line_id=d["pick_line_id"],
            bin_code=d["bin"],
            item_code=d["sku"],
            quantity=d["quantity"],
            tote_code=d["tote"],
            actor=SYSTEM,
        )
    return Floor(wh, ch, [first], wave, pick_list)


def shipped_and_open_orders() -> tuple[Order, Order, str]:
    """Ada's order picked, packed, labelled and shipped (returns its tracking number) and
    Alan's order released but not picked yet."""
    from warehouse.models import Package
    from warehouse.services.packing import (
        pack_close,
        pack_record_weight,
        pack_scan_item,
        pack_start,
        ship_confirm,
    )

    floor = picked_order()
    shipped = floor.orders[0]
    step = pack_start(warehouse_id=floor.warehouse.pk, code=shipped.number, actor=SYSTEM)
    package_id = step.data["package_id"]
    for item in step.data["items"]:
        for _ in range(item["expected"]):
            pack_scan_item(package_id=package_id, item_code=item["sku"], actor=SYSTEM)
    package = Package.objects.get(pk=package_id)
    pack_record_weight(package_id=package_id, weight_g=package.expected_weight_g, actor=SYSTEM)
    label = pack_close(package_id=package_id, actor=SYSTEM)
    ship_confirm(package_id=package_id, actor=SYSTEM)
    unpicked = order(
        floor.channel, [("TEE", 1)], customer={"email": "alan@example.com", "name": "Alan Turing"}
    )
    shipped.refresh_from_db()
    return shipped, unpicked, label.data["tracking_number"]
