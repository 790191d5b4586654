"""Shipments and cancellations reach the channel that sold the order, in its own wire format."""

import datetime as dt
import json

import httpx
import pytest
from django.apps import apps

from channels_sync import outbox
from channels_sync.models import OutboxMessage
from channels_sync.services import inbound_webhook_ingest, marketplace_poll, outbox_drain
from channels_sync.services.inbound import webhook_signature
from shipping import services as shipping_services
from tests.channels_sync.conftest import amazon_channel, listed, shopify_channel, woo_channel
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")
Shipment = apps.get_model("shipping", "Shipment")
Carrier = apps.get_model("shipping", "Carrier")


def _shipment(order, warehouse, tracking):
    shipping_services.carriers_ensure_defaults()
    carrier = Carrier.objects.order_by("pk").first()
    return Shipment.objects.create(
        carrier=carrier,
        service_level=carrier.services.order_by("pk").first(),
        service="GROUND",
        warehouse=warehouse,
        fulfillment_request_id=1,
        order_id=order.pk,
        channel_id=order.channel_id,
        tracking_number=tracking,
        rate_amount="5.00",
        ship_date=dt.date(2026, 11, 22),
        label_pdf=b"%PDF",
        label_zpl="^XA^XZ",
    )


def _woo_order(woo, channel, product):
    order = woo.app.make_order(
        {"line_items": [{"product_id": 9000 + product.pk, "quantity": 1, "price": 9.5}]}
    )
    body = json.dumps({k: v for k, v in order.items() if not k.startswith("_")}).encode()
    result = inbound_webhook_ingest(
        channel=channel,
        headers={
            "X-WC-Webhook-Signature": webhook_signature(secret=channel.webhook_secret, body=body),
            "X-WC-Webhook-Topic": "order.created",
        },
        body=body,
    )
    return order, Order.objects.get(pk=result.order_id)


def test_woocommerce_gets_a_tracking_note_and_completed_status_once(woo, warehouse, pick_bin):
    channel = woo_channel(woo, warehouse)
    product = listed(channel, external_variant_id="")
    stocked(product, pick_bin, 3)
    woo_order, order = _woo_order(woo, channel, product)
    shipment = _shipment(order, warehouse, "1ZWOO0001")

    outbox.shipment_confirmed(order_id=order.pk, channel_id=channel.pk, shipment_id=shipment.pk)
    outbox_drain(channel_id=channel.pk)
    # a redelivered push (lost acknowledgement) must not add a second note
    OutboxMessage.objects.filter(topic="shipment").update(sent_version=0)
    outbox_drain(channel_id=channel.pk)

    held = woo.app.orders[str(woo_order["id"])]
    assert held["status"] == "completed"
    assert [n["note"] for n in woo.app.notes[str(woo_order["id"])]] == [
        f"Shipped with {shipment.carrier.code}, tracking 1ZWOO0001"
    ]
    assert {m["key"]: m["value"] for m in held["meta_data"]}["_tracking_number"] == "1ZWOO0001"


def test_amazon_gets_a_shipment_confirmation_with_its_order_items(amazon, warehouse, pick_bin):
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-1")
    stocked(product, pick_bin, 3)
    placed = httpx.post(
        f"{amazon.url}/_mock/orders", json={"items": [{"SellerSKU": "AMZ-1", "QuantityOrdered": 2}]}
    ).json()
    marketplace_poll(channel_id=channel.pk)
    order = Order.objects.get(channel=channel)
    shipment = _shipment(order, warehouse, "1ZAMZ0001")

    outbox.shipment_confirmed(order_id=order.pk, channel_id=channel.pk, shipment_id=shipment.pk)
    outbox_drain(channel_id=channel.pk)

    (confirmation,) = amazon.app.confirmations
    assert confirmation["order_id"] == placed["order"]["AmazonOrderId"]
    assert confirmation["trackingNumber"] == "1ZAMZ0001"
    assert confirmation["orderItems"] == [
        {"orderItemId": placed["items"][0]["OrderItemId"], "quantity": 2}
    ]
    assert amazon.app.orders[order.external_id]["OrderStatus"] == "Shipped"


def test_shopify_cancellation_and_woocommerce_status(shopify, woo, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)
    stocked(product, pick_bin, 3)
    shop_order = shopify.app.make_order(
        {"line_items": [{"variant_id": 8000 + product.pk, "quantity": 1, "price": "3.00"}]}
    )
    body = json.dumps({k: v for k, v in shop_order.items() if not k.startswith("_")}).encode()
    captured = inbound_webhook_ingest(
        channel=shop,
        headers={
            "X-Shopify-Hmac-Sha256": webhook_signature(secret=shop.webhook_secret, body=body),
            "X-Shopify-Event-Id": "c-1",
        },
        body=body,
    )

    outbox.order_cancelled(order_id=captured.order_id, channel_id=shop.pk)
    outbox_drain(channel_id=shop.pk)

    assert shopify.app.orders[str(shop_order["id"])]["cancelled_at"] is not None

    channel = woo_channel(woo, warehouse)
    woo_product = listed(channel, external_variant_id="")
    stocked(woo_product, pick_bin, 3)
    woo_order, order = _woo_order(woo, channel, woo_product)
    outbox.order_status_changed(order_id=order.pk, channel_id=channel.pk, status="on_hold")
    outbox_drain(channel_id=channel.pk)
    assert woo.app.orders[str(woo_order["id"])]["status"] == "on-hold"


def test_order_unknown_to_the_channel_is_parked_dead_with_a_reason(shopify, warehouse):
    shop = shopify_channel(shopify, warehouse)

    outbox.order_cancelled(order_id=987654, channel_id=shop.pk)
    outbox_drain(channel_id=shop.pk)

    row = OutboxMessage.objects.get(topic="cancellation")
    assert row.is_dead
    assert "not imported" in row.last_error
