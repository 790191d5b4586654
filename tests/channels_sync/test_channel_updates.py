"""Later channel updates, applied in the channel's own order (issue 11 item 3).

Every sequence goes through the real entry point — the signed webhook endpoint (Shopify,
WooCommerce) or the marketplace poller against the Amazon mock — with the documents the mocks
write, each delivered three times, in shuffled order (an update may come before its create).
"""

import json
import random
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from channels_sync.models import ChannelOrderUpdate, InboundEvent, OutboxMessage
from channels_sync.services import marketplace_poll, outbox_drain
from channels_sync.services.inbound import webhook_signature
from common import roles
from common.types import Actor
from shipping import services as shipping_services
from tests.channels_sync.conftest import amazon_channel, listed, shopify_channel, woo_channel
from tests.factories.accounts import UserFactory
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")
Hold = apps.get_model("orders", "Hold")
Commitment = apps.get_model("inventory", "Commitment")
FulfillmentRequest = apps.get_model("orders", "FulfillmentRequest")
Notification = apps.get_model("notifications", "Notification")
SYSTEM = Actor.system("test")
ORDERS = ["shuffle-1", "shuffle-2", "reverse"]


def _public(order):
    return json.dumps({k: v for k, v in order.items() if not k.startswith("_")}).encode()


def _x3(deliveries, how):
    """Each delivery three times, in `how` order (reverse puts every update before its create)."""
    queue = [d for d in deliveries for _ in range(3)]
    if how == "reverse":
        return list(reversed(queue))
    random.Random(how).shuffle(queue)
    return queue


def _post(client, channel, delivery):
    body, headers = delivery
    response = client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )
    assert response.status_code == 200, response.content
    return response.json()


def _deliver(client, channel, deliveries, how):
    return [_post(client, channel, d) for d in _x3(deliveries, how)]


class Shop:
    """The Shopify mock's order as the shop changes it; each state is one signed delivery."""

    def __init__(self, server, channel, product, **extra):
        self.app, self.channel = server.app, channel
        made = server.app.make_order(
            {
                "line_items": [
                    {"variant_id": 8000 + product.pk, "sku": "", "quantity": 2, "price": "19.99"}
                ],
                **extra,
            }
        )
        self.id = str(made["id"])
        self.n = 0

    @property
    def live(self):
        return self.app.orders[self.id]

    def delivery(self, topic, body=None):
        self.n += 1
        body = body or _public(self.live)
        return body, {
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": webhook_signature(
                secret=self.channel.webhook_secret, body=body
            ),
            "X-Shopify-Event-Id": f"{self.id}-{self.n}",
            "X-Shopify-Webhook-Id": f"w-{self.id}-{self.n}",
        }

    def event(self, topic, **changes):
        payload = self.app.apply_event(self.live, topic, changes)
        return self.delivery(topic, json.dumps(payload).encode() if payload else None)


@pytest.fixture
def shop(shopify, warehouse, pick_bin):
    channel = shopify_channel(shopify, warehouse)
    product = listed(channel)
    stocked(product, pick_bin, 10)
    return channel, product


def _order(channel):
    return Order.objects.get(channel=channel)


def _messages(order):
    return [e.message for e in order.events.order_by("pk")]


def _open_commitments(order):
    return sum(
        c.quantity
        for c in Commitment.objects.filter(document_ref=order.number)
        if c.status == "open"
    )


@pytest.mark.parametrize("how", ORDERS)
def test_created_then_paid_releases_the_payment_hold(anon_client, shopify, shop, how):
    channel, _ = shop
    sale = Shop(shopify, channel, shop[1], financial_status="pending")
    create = sale.delivery("orders/create")
    paid = sale.event("orders/paid")

    _deliver(anon_client, channel, [create, paid], how)

    order = _order(channel)
    assert Order.objects.filter(channel=channel).count() == 1
    assert order.payment_status == "captured"
    assert not order.holds.filter(kind="payment", released_at__isnull=True).exists()
    assert order.status == "released"
    assert FulfillmentRequest.objects.filter(order=order, status="released").count() == 1
    assert any("orders/paid" in m and "applied" in m for m in _messages(order))
    assert order.channel_updated_at.isoformat().startswith(sale.live["updated_at"][:19])


@pytest.mark.parametrize("how", ORDERS)
def test_cancelled_before_pick_releases_everything_and_restores_ats_at_the_shop(
    anon_client, shopify, shop, how
):
    channel, product = shop
    item = str(7000 + product.pk)
    sale = Shop(shopify, channel, product)
    create = sale.delivery("orders/create")
    cancel = sale.event("orders/cancelled", reason="customer")

    _deliver(anon_client, channel, [create, cancel], how)
    outbox_drain(channel_id=channel.pk)

    order = _order(channel)
    assert order.status == "cancelled"
    assert _open_commitments(order) == 0
    assert not FulfillmentRequest.objects.filter(order=order).exclude(status="cancelled").exists()
    # the shop holds every unit again, and is not told to cancel what it cancelled itself
    assert shopify.app.inventory[item] == 10
    assert not OutboxMessage.objects.filter(topic="cancellation").exists()
    assert any("cancelled at the channel" in m for m in _messages(order))


def _pick(warehouse):
    from warehouse.models import PickLine, PickList
    from warehouse.services.picking import (
        pick_confirm,
        pick_list_next,
        pick_scan_bin,
        pick_scan_item,
    )
    from warehouse.services.waves import wave_plan, wave_release

    wave = wave_plan(warehouse_id=warehouse.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    step = pick_list_next(pick_list_id=PickList.objects.get(wave=wave).pk)
    while step.step == "scan_bin":
        d = step.data
        line = PickLine.objects.get(pk=d["pick_line_id"])
        pick_scan_bin(pick_line_id=line.pk, bin_code=d["bin"])
        pick_scan_item(pick_line_id=line.pk, bin_code=d["bin"], item_code=d["sku"])
        step = pick_confirm(
            pick_line_id=line.pk,
            bin_code=d["bin"],
            item_code=d["sku"],
            quantity=d["quantity"],
            tote_code=d["tote"],
            actor=SYSTEM,
            scan_id=f"pick-{line.pk}",
        )


def _pack(warehouse, order, *, close=True):
    from warehouse.models import Package
    from warehouse.services.packing import (
        pack_close,
        pack_record_weight,
        pack_scan_item,
        pack_start,
    )

    step = pack_start(warehouse_id=warehouse.pk, code=order.number, actor=SYSTEM)
    package_id = step.data["package_id"]
    for item in step.data["items"]:
        for _ in range(item["expected"] - item["verified"]):
            pack_scan_item(package_id=package_id, item_code=item["sku"], actor=SYSTEM)
    package = Package.objects.get(pk=package_id)
    pack_record_weight(package_id=package_id, weight_g=package.expected_weight_g, actor=SYSTEM)
    if close:
        pack_close(package_id=package_id, actor=SYSTEM)
    return Package.objects.get(pk=package_id)


@pytest.fixture
def floor(warehouse):
    from tests.warehouse.builders import box_types

    warehouse.address_line1, warehouse.city, warehouse.postal_code = "1 Dock Rd", "Newark", "07101"
    warehouse.save()
    shipping_services.carriers_ensure_defaults()
    box_types()
    return warehouse


def _ops():
    client = Client()
    client.force_login(UserFactory(username="ops-updates", roles=[roles.OPS_MANAGER]))
    return client


@pytest.mark.parametrize("how", ORDERS)
def test_cancelled_after_pick_is_an_exception_and_never_ships(
    anon_client, shopify, shop, floor, how
):
    from warehouse.exceptions import ChannelExceptionOpen
    from warehouse.services.packing import pack_close

    channel, product = shop
    sale = Shop(shopify, channel, product)
    create = sale.delivery("orders/create")
    _post(anon_client, channel, create)
    order = _order(channel)
    _pick(floor)
    cancel = sale.event("orders/cancelled", reason="customer")

    # the cancel (and late copies of the create) arrive after the pick
    _deliver(anon_client, channel, [create, cancel], how)

    order.refresh_from_db()
    assert order.status == "in_fulfillment"
    (hold,) = order.holds.filter(kind="late_cancel", released_at__isnull=True)
    assert hold.details["options"] == ["stop", "ship"]
    page = _ops().get("/dashboard/exceptions/")
    assert page.status_code == 200
    assert f'data-testid="channel-{order.number}"' in page.content.decode()
    assert "Stop at pack, return to stock" in page.content.decode()
    assert "Ship, the channel refunds" in page.content.decode()
    package = _pack(floor, order, close=False)
    with pytest.raises(ChannelExceptionOpen):
        pack_close(package_id=package.pk, actor=SYSTEM)
    order.refresh_from_db()
    assert order.status == "in_fulfillment"
    assert not order.lines.filter(quantity_shipped__gt=0).exists()
    assert any("deferred to ops" in m for m in _messages(order))


def test_ops_stop_or_ship_a_cancel_after_pick(anon_client, shopify, shop, floor):
    channel, product = shop
    sale = Shop(shopify, channel, product)
    _post(anon_client, channel, sale.delivery("orders/create"))
    order = _order(channel)
    _pick(floor)
    _post(anon_client, channel, sale.event("orders/cancelled"))
    hold = order.holds.get(kind="late_cancel")
    ops = _ops()

    answer = ops.post(f"/dashboard/exceptions/holds/{hold.pk}/late-cancel/", {"decision": "ship"})

    assert answer.status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert "the channel refunds" in hold.release_note
    package = _pack(floor, order)  # packing goes on once ops decided
    assert package.status == "packed"


def test_ops_stop_at_pack_returns_the_picked_units_to_stock(
    anon_client, shopify, shop, floor, pick_bin
):
    from inventory.selectors import inventory_mismatches
    from tests.warehouse.builders import on_hand

    channel, product = shop
    item = str(7000 + product.pk)
    sale = Shop(shopify, channel, product)
    _post(anon_client, channel, sale.delivery("orders/create"))
    order = _order(channel)
    _pick(floor)
    _pack(floor, order, close=False)  # the packer had started on it
    _post(anon_client, channel, sale.event("orders/cancelled"))
    hold = order.holds.get(kind="late_cancel")
    ops = _ops()

    ops.post(f"/dashboard/exceptions/holds/{hold.pk}/late-cancel/", {"decision": "stop"})
    page = ops.get("/dashboard/exceptions/").content.decode()
    assert f"Return picked units of {order.number} to stock" in page
    answer = ops.post(f"/dashboard/exceptions/orders/{order.pk}/return-to-stock/")

    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert _open_commitments(order) == 0
    assert on_hand(product, pick_bin) == 10
    assert not inventory_mismatches()
    hold.refresh_from_db()
    assert hold.released_at is not None
    outbox_drain(channel_id=channel.pk)
    assert shopify.app.inventory[item] == 10
    assert any("returned to stock" in m for m in _messages(order))


@pytest.mark.parametrize("how", ORDERS)
def test_address_change_before_pack_is_applied(anon_client, shopify, shop, how):
    channel, product = shop
    sale = Shop(shopify, channel, product)
    create = sale.delivery("orders/create")
    moved = sale.event("orders/updated", shipping_address={"address1": "9 Elm St", "zip": "62702"})

    _deliver(anon_client, channel, [create, moved], how)

    order = _order(channel)
    assert order.shipping_address["line1"] == "9 Elm St"
    assert order.shipping_address["postal_code"] == "62702"
    assert not order.holds.filter(released_at__isnull=True).exists()
    assert any("Address changed: changed at the channel" in m for m in _messages(order))


@pytest.mark.parametrize("how", ORDERS)
def test_address_change_after_pack_is_an_exception(anon_client, shopify, shop, floor, how):
    from warehouse.exceptions import ChannelExceptionOpen
    from warehouse.services.packing import ship_confirm

    channel, product = shop
    sale = Shop(shopify, channel, product)
    create = sale.delivery("orders/create")
    _post(anon_client, channel, create)
    order = _order(channel)
    _pick(floor)
    package = _pack(floor, order)
    moved = sale.event("orders/updated", shipping_address={"address1": "9 Elm St"})

    _deliver(anon_client, channel, [create, moved], how)

    order.refresh_from_db()
    assert order.shipping_address["line1"] == "1 Main St"
    (hold,) = order.holds.filter(kind="late_change", released_at__isnull=True)
    assert hold.details["address"]["line1"] == "9 Elm St"
    with pytest.raises(ChannelExceptionOpen):
        ship_confirm(package_id=package.pk, actor=SYSTEM)
    assert any("Address change at the channel deferred" in m for m in _messages(order))


def test_an_update_before_its_create_is_kept_and_applied(anon_client, shopify, shop):
    channel, product = shop
    sale = Shop(shopify, channel, product, financial_status="pending")
    create = sale.delivery("orders/create")
    paid = sale.event("orders/paid")

    first = _post(anon_client, channel, paid)

    assert first["status"] == "deferred"
    assert not Order.objects.exists()
    (kept,) = ChannelOrderUpdate.objects.all()
    assert (kept.status, kept.early) == ("pending", True)

    second = _post(anon_client, channel, create)

    assert second["status"] == "captured"
    order = _order(channel)
    assert order.payment_status == "captured"
    assert order.status == "released"
    kept.refresh_from_db()
    assert kept.status == "applied"
    assert InboundEvent.objects.get(pk=first["event_id"]).status == "updated"
    assert any("received before the order was created" in m for m in _messages(order))


def test_an_older_update_after_a_newer_one_changes_nothing(anon_client, shopify, shop):
    channel, product = shop
    sale = Shop(shopify, channel, product)
    create = sale.delivery("orders/create")
    first_move = sale.event("orders/updated", shipping_address={"address1": "2 Oak St"})
    second_move = sale.event("orders/updated", shipping_address={"address1": "3 Pine St"})

    for delivery in (create, second_move, first_move, first_move):
        _post(anon_client, channel, delivery)

    order = _order(channel)
    assert order.shipping_address["line1"] == "3 Pine St"
    assert sum("ignored: the newer one" in m for m in _messages(order)) == 1
    assert ChannelOrderUpdate.objects.get(status="older").topic == "orders/updated"


def test_a_line_edit_goes_through_the_edit_rules(anon_client, shopify, shop, pick_bin):
    channel, product = shop
    sale = Shop(shopify, channel, product)
    _post(anon_client, channel, sale.delivery("orders/create"))
    line_id = sale.live["line_items"][0]["id"]

    edit = sale.event("orders/edited", quantities={str(line_id): 1})
    updated = sale.delivery("orders/updated")
    for delivery in _x3([edit, updated], "shuffle-1"):
        _post(anon_client, channel, delivery)

    order = _order(channel)
    line = order.lines.get()
    assert line.quantity - line.quantity_cancelled == 1
    assert _open_commitments(order) == 1
    assert any("Lines edited: edited at the channel" in m for m in _messages(order))
    # and the money is the shop's own figures after the edit, to the cent
    assert order.total == Decimal(sale.live["total_price"])
    assert order.subtotal == Decimal(sale.live["subtotal_price"])
    assert Decimal(order.money["current"]["total"]) == Decimal(sale.live["current_total_price"])


def test_fulfilled_elsewhere_withdraws_our_open_work(anon_client, shopify, shop):
    channel, product = shop
    sale = Shop(shopify, channel, product)
    _post(anon_client, channel, sale.delivery("orders/create"))

    for delivery in _x3([sale.event("orders/fulfilled")], "shuffle-2"):
        _post(anon_client, channel, delivery)

    order = _order(channel)
    assert _open_commitments(order) == 0
    assert not FulfillmentRequest.objects.filter(order=order, status="released").exists()
    assert any("fulfilled elsewhere withdrawn" in m for m in _messages(order))
    # the buyer got the parcel from the channel: no "cancelled" e-mail from us
    assert not Notification.objects.filter(order=order, kind="cancelled").exists()


# --- WooCommerce ----------------------------------------------------------------------------


def _woo_delivery(channel, order, topic):
    body = _public(order)
    return body, {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Signature": webhook_signature(secret=channel.webhook_secret, body=body),
    }


@pytest.mark.parametrize("how", ORDERS)
def test_woocommerce_processing_then_cancelled(anon_client, woo, warehouse, pick_bin, how):
    channel = woo_channel(woo, warehouse)
    product = listed(channel, external_variant_id="")
    stocked(product, pick_bin, 5)
    made = woo.app.make_order(
        {
            "status": "on-hold",
            "set_paid": False,
            "line_items": [{"product_id": 9000 + product.pk, "quantity": 2, "price": 12.5}],
        }
    )
    live = woo.app.orders[str(made["id"])]
    created = _woo_delivery(channel, live, "order.created")
    woo.app.update_order(live, {"status": "processing"})
    paid = _woo_delivery(channel, live, "order.updated")
    woo.app.update_order(live, {"status": "cancelled"})
    cancelled = _woo_delivery(channel, live, "order.updated")

    _deliver(anon_client, channel, [created, paid, cancelled], how)

    order = _order(channel)
    assert order.status == "cancelled"
    assert order.payment_status == "captured"
    assert _open_commitments(order) == 0


def test_woocommerce_processing_releases_the_payment_hold(anon_client, woo, warehouse, pick_bin):
    channel = woo_channel(woo, warehouse)
    product = listed(channel, external_variant_id="")
    stocked(product, pick_bin, 5)
    made = woo.app.make_order(
        {
            "status": "on-hold",
            "set_paid": False,
            "line_items": [{"product_id": 9000 + product.pk, "quantity": 1, "price": 12.5}],
        }
    )
    live = woo.app.orders[str(made["id"])]
    created = _woo_delivery(channel, live, "order.created")
    woo.app.update_order(live, {"status": "processing"})
    paid = _woo_delivery(channel, live, "order.updated")

    _deliver(anon_client, channel, [created, paid], "shuffle-1")

    order = _order(channel)
    assert order.payment_status == "captured"
    assert not order.holds.filter(released_at__isnull=True).exists()
    assert order.status == "released"


# --- Amazon: polling by LastUpdatedAfter -------------------------------------------------------


def test_amazon_pending_then_unshipped_then_canceled(amazon, warehouse, pick_bin):
    import httpx

    channel = amazon_channel(amazon, warehouse)
    product = listed(channel)
    stocked(product, pick_bin, 5)
    placed = httpx.post(
        f"{amazon.url}/_mock/orders",
        json={
            "OrderStatus": "Pending",
            "items": [{"SellerSKU": product.sku, "QuantityOrdered": 2, "Amount": "30.00"}],
        },
    ).json()
    order_id = placed["order"]["AmazonOrderId"]

    def poll_x3():
        for _ in range(3):
            Order.objects.filter(channel=channel).exists()
            marketplace_poll(channel_id=channel.pk)
            channel.refresh_from_db()
            # a poll of the same window again: redeliveries change nothing
            type(channel).objects.filter(pk=channel.pk).update(poll_cursor="")

    poll_x3()
    assert not Order.objects.filter(channel=channel).exists()  # Pending: no prices yet

    httpx.post(f"{amazon.url}/_mock/orders/{order_id}/events", json={"OrderStatus": "Unshipped"})
    poll_x3()
    order = Order.objects.get(channel=channel, external_id=order_id)
    assert order.status == "released"
    assert _open_commitments(order) == 2

    httpx.post(f"{amazon.url}/_mock/orders/{order_id}/events", json={"OrderStatus": "Canceled"})
    poll_x3()
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert _open_commitments(order) == 0
    assert any("Canceled at the marketplace" in m for m in _messages(order))


@pytest.mark.parametrize("how", ORDERS)
def test_woocommerce_address_and_line_changes(anon_client, woo, warehouse, pick_bin, how):
    channel = woo_channel(woo, warehouse)
    product = listed(channel, external_variant_id="")
    stocked(product, pick_bin, 5)
    made = woo.app.make_order(
        {
            "status": "processing",
            "line_items": [{"product_id": 9000 + product.pk, "quantity": 2, "price": 12.5}],
        }
    )
    live = woo.app.orders[str(made["id"])]
    created = _woo_delivery(channel, live, "order.created")
    line_id = live["line_items"][0]["id"]
    woo.app.update_order(
        live,
        {"shipping": {"address_1": "7 Birch Rd"}, "line_items": [{"id": line_id, "quantity": 1}]},
    )
    changed = _woo_delivery(channel, live, "order.updated")

    _deliver(anon_client, channel, [created, changed], how)

    order = _order(channel)
    assert order.shipping_address["line1"] == "7 Birch Rd"
    line = order.lines.get()
    assert line.quantity - line.quantity_cancelled == 1
    assert _open_commitments(order) == 1
    assert order.status == "released"


def test_amazon_address_change_reaches_an_unpacked_order(amazon, warehouse, pick_bin):
    import httpx

    channel = amazon_channel(amazon, warehouse)
    product = listed(channel)
    stocked(product, pick_bin, 5)
    placed = httpx.post(
        f"{amazon.url}/_mock/orders",
        json={"items": [{"SellerSKU": product.sku, "QuantityOrdered": 1, "Amount": "30.00"}]},
    ).json()
    order_id = placed["order"]["AmazonOrderId"]
    marketplace_poll(channel_id=channel.pk)
    order = Order.objects.get(channel=channel, external_id=order_id)
    before = dict(order.shipping_address)

    httpx.post(
        f"{amazon.url}/_mock/orders/{order_id}/events",
        json={"ShippingAddress": {"AddressLine1": "5 New Rd"}},
    ).raise_for_status()
    for _ in range(3):
        marketplace_poll(channel_id=channel.pk)

    order.refresh_from_db()
    assert order.shipping_address["line1"] == "5 New Rd"
    assert order.shipping_address["postal_code"] == before["postal_code"]
    assert sum("Address changed: changed at the channel" in m for m in _messages(order)) == 1


def test_an_unpaid_order_cancelled_at_the_shop_leaves_no_hold_on_the_queue(
    anon_client, shopify, shop
):
    channel, product = shop
    sale = Shop(shopify, channel, product, financial_status="pending")
    create = sale.delivery("orders/create")
    cancel = sale.event("orders/cancelled")

    _deliver(anon_client, channel, [create, cancel], "shuffle-1")

    order = _order(channel)
    assert order.status == "cancelled"
    assert not order.holds.filter(released_at__isnull=True).exists()
    page = _ops().get("/dashboard/exceptions/").content.decode()
    assert order.number not in page
