"""Statement budgets of the WMS hot paths (issue 12 item 2, docs/warehouse.md "Statement counts").

A 200-line wave release takes at most 3 statements per line (it took about 15 before the wave
was reserved and started as one set), and a pick confirmation or a pack scan costs a fixed
number of statements per scan, whatever the size of the wave. Counted on Postgres, where the
row locks and `RETURNING` are real.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels_sync.models import OutboxMessage
from inventory.selectors import inventory_mismatches
from orders import services as order_services
from orders.choices import EventKind
from orders.models import FulfillmentRequest, Order, OrderEvent
from shipping import services as shipping_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, box_types, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.choices import PICKABLE_BIN_TYPES
from warehouse.models import Bin, Package, PickLine, PickList, WaveRequest
from warehouse.services.packing import pack_scan_item, pack_start
from warehouse.services.picking import pick_confirm, pick_list_next
from warehouse.services.waves import wave_plan, wave_release

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# The per-scan figures stated in docs/warehouse.md.
PICK_CONFIRM_STATEMENTS = 70
PACK_SCAN_STATEMENTS = 20


def _wave(orders: int, lines_per_order: int):
    """`orders` orders of `lines_per_order` SKUs each, on a channel the outbox pushes to, all
    stocked in pick faces of one warehouse; one wave planned for all of them."""
    wh = make_warehouse()
    wh.address_line1, wh.city, wh.postal_code = "1 Dock Rd", "Newark", "07101"
    wh.save()
    ch = channel_with_warehouses(wh, kind="shopify", base_url="http://shop.test")
    bins = list(Bin.objects.filter(warehouse=wh, bin_type__in=PICKABLE_BIN_TYPES).order_by("code"))
    skus = [product(f"QC-{i:03d}", barcode=f"99{i:05d}") for i in range(40)]
    for i, p in enumerate(skus):
        stocked(p, bins[i % len(bins)], 400)
    for n in range(orders):
        lines = [
            (skus[(n + k * 7) % len(skus)].sku, 1 + (n + k) % 3) for k in range(lines_per_order)
        ]
        order_services.order_capture(channel_id=ch.pk, data=payload(lines), actor=SYSTEM)
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM, max_orders=orders, max_lines=10_000)
    return wh, wave


def test_a_200_line_wave_release_takes_at_most_3_statements_per_line():
    wh, wave = _wave(50, 4)
    assert sum(wr.lines_count for wr in wave.wave_requests.all()) == 200
    OutboxMessage.objects.all().delete()
    events_before = OrderEvent.objects.count()

    with CaptureQueriesContext(connection) as ctx:
        wave_release(wave_id=wave.pk, actor=SYSTEM)

    print("wave release", len(ctx.captured_queries))
    assert len(ctx.captured_queries) <= 600, len(ctx.captured_queries)
    # every behaviour of the per-request release holds: all 50 requests started, their orders
    # in fulfillment, one request-status and one order-status timeline row each, one outbox
    # row per order, 200 pick lines under their commitments, the books in step
    requests = FulfillmentRequest.objects.filter(warehouse=wh)
    assert set(requests.values_list("status", flat=True)) == {"in_progress"}
    assert set(Order.objects.values_list("status", flat=True)) == {"in_fulfillment"}
    new = OrderEvent.objects.order_by("pk")[events_before:]
    kinds = [e.kind for e in new]
    assert kinds.count(EventKind.FR_STATUS) == 50
    assert kinds.count(EventKind.STATUS_CHANGED) == 50
    started = next(e for e in new if e.kind == EventKind.FR_STATUS)
    assert (started.data["from"], started.data["to"], started.actor) == (
        "released",
        "in_progress",
        SYSTEM.label,
    )
    assert started.message.endswith("at WH1: Released to warehouse → In progress")
    assert OrderEvent.objects.filter(data__to="in_fulfillment").count() == 50
    assert OutboxMessage.objects.filter(topic="order_status").count() == 50
    assert PickLine.objects.filter(pick_list__wave=wave).count() == 200
    assert WaveRequest.objects.filter(wave=wave, pick_list__isnull=False).count() == 50
    assert inventory_mismatches() == []


def test_a_pick_confirmation_and_a_pack_scan_cost_a_fixed_number_of_statements():
    wh, wave = _wave(12, 3)
    shipping_services.carriers_ensure_defaults()
    box_types()
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    pick_list = PickList.objects.filter(wave=wave).first()
    counts = []
    for _ in range(3):
        step = pick_list_next(pick_list_id=pick_list.pk)
        d = step.data
        with CaptureQueriesContext(connection) as ctx:
            pick_confirm(
                pick_line_id=d["pick_line_id"],
                bin_code=d["bin"],
                item_code=d["sku"],
                quantity=d["quantity"],
                tote_code=d["tote"],
                actor=SYSTEM,
                scan_id=f"qc-{d['pick_line_id']}",
            )
        counts.append(len(ctx.captured_queries))
    print("pick confirm", counts)
    assert max(counts) <= PICK_CONFIRM_STATEMENTS, counts

    # pick the rest of the list, then pack its first tote
    while (step := pick_list_next(pick_list_id=pick_list.pk)).step == "scan_bin":
        d = step.data
        pick_confirm(
            pick_line_id=d["pick_line_id"],
            bin_code=d["bin"],
            item_code=d["sku"],
            quantity=d["quantity"],
            tote_code=d["tote"],
            actor=SYSTEM,
            scan_id=f"qc-{d['pick_line_id']}",
        )
    tote = PickLine.objects.filter(pick_list=pick_list).first().tote_code
    step = pack_start(warehouse_id=wh.pk, code=tote, actor=SYSTEM)
    package_id = step.data["package_id"]
    item = step.data["items"][0]
    with CaptureQueriesContext(connection) as ctx:
        pack_scan_item(package_id=package_id, item_code=item["sku"], actor=SYSTEM)
    print("pack scan", len(ctx.captured_queries))
    assert len(ctx.captured_queries) <= PACK_SCAN_STATEMENTS, len(ctx.captured_queries)
    assert Package.objects.get(pk=package_id).items.exists()
