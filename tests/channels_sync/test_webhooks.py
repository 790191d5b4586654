import base64
import hashlib
import hmac
import json

import pytest
from django.apps import apps

from channels_sync.models import InboundEvent
from tests.channels_sync.conftest import listed, shopify_channel, woo_channel
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")
Hold = apps.get_model("orders", "Hold")


def _sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _shopify_post(
    client, channel, body, *, event_id="evt-1", signature=None, topic="orders/create"
):
    return client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=signature or _sign(channel.webhook_secret, body),
        HTTP_X_SHOPIFY_EVENT_ID=event_id,
        HTTP_X_SHOPIFY_TOPIC=topic,
    )


def _woo_post(client, channel, body, *, topic="order.created"):
    return client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=body,
        content_type="application/json",
        HTTP_X_WC_WEBHOOK_SIGNATURE=_sign(channel.webhook_secret, body),
        HTTP_X_WC_WEBHOOK_TOPIC=topic,
    )


def _public(order):
    return json.dumps({k: v for k, v in order.items() if not k.startswith("_")}).encode()


@pytest.fixture
def shop_and_product(shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)
    stocked(product, pick_bin, 10)
    return shop, product


def _shopify_order(shopify, product, **extra):
    return shopify.app.make_order(
        {
            "line_items": [
                {"variant_id": 8000 + product.pk, "sku": "", "quantity": 2, "price": "19.99"}
            ],
            **extra,
        }
    )


def test_valid_shopify_webhook_captures_one_order(anon_client, shopify, shop_and_product):
    shop, product = shop_and_product
    order = _shopify_order(shopify, product, email="ada@example.com")

    response = _shopify_post(anon_client, shop, _public(order))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "captured"
    captured = Order.objects.get(channel=shop)
    assert captured.external_id == str(order["id"])
    assert captured.customer_email == "ada@example.com"
    assert captured.shipping_address["postal_code"] == "62701"
    line = captured.lines.get()
    assert (line.sku, line.quantity, str(line.unit_price)) == (product.sku, 2, "19.99")
    event = InboundEvent.objects.get()
    assert (event.status, event.order_id, event.dedupe_key) == (
        "captured",
        captured.pk,
        "event:evt-1",
    )
    assert json.loads(event.body)["id"] == order["id"]


def test_bad_signature_is_401_and_writes_nothing(anon_client, shopify, shop_and_product):
    shop, product = shop_and_product
    body = _public(_shopify_order(shopify, product))

    response = _shopify_post(anon_client, shop, body, signature=_sign("wrong-secret", body))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not InboundEvent.objects.exists()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("_case", "body", "reason"),
    [
        ("not json", b"{not json", "not JSON"),
        ("no line items", json.dumps({"id": 5, "line_items": []}).encode(), "line_items"),
        (
            "bad quantity",
            json.dumps({"id": 5, "line_items": [{"sku": "A", "quantity": "x"}]}).encode(),
            "quantity",
        ),
        ("no id", json.dumps({"line_items": [{"sku": "A", "quantity": 1}]}).encode(), "order.id"),
    ],
)
def test_malformed_body_is_400_with_reason_and_writes_nothing(
    anon_client, shop_and_product, _case, body, reason
):
    shop, _ = shop_and_product

    response = _shopify_post(anon_client, shop, body)

    assert response.status_code == 400
    assert reason in response.json()["error"]["message"]
    assert not InboundEvent.objects.exists()
    assert not Order.objects.exists()


def test_duplicate_and_out_of_order_deliveries_make_one_order(
    anon_client, shopify, shop_and_product
):
    shop, product = shop_and_product
    order = _shopify_order(shopify, product, financial_status="pending")
    created = _public(order)
    live = shopify.app.orders[str(order["id"])]
    shopify.app.apply_event(live, "orders/paid", {})  # updated_at moves on
    updated = _public(live)

    # the update arrives first, then the create, then the create again
    r1 = _shopify_post(anon_client, shop, updated, event_id="e-2", topic="orders/updated")
    r2 = _shopify_post(anon_client, shop, created, event_id="e-1")
    r3 = _shopify_post(anon_client, shop, created, event_id="e-1")

    assert [r.status_code for r in (r1, r2, r3)] == [200, 200, 200]
    # the update is kept until its create, then applied on top of it (docs/channels.md)
    assert [r.json()["status"] for r in (r1, r2, r3)] == ["deferred", "captured", "captured"]
    assert r3.json()["duplicate_delivery"] is True
    assert Order.objects.filter(channel=shop).count() == 1
    assert Order.objects.get(channel=shop).payment_status == "captured"
    assert InboundEvent.objects.count() == 2
    assert set(InboundEvent.objects.values_list("status", flat=True)) == {"updated", "captured"}


def test_unknown_sku_puts_the_order_on_hold(anon_client, shopify, shop_and_product):
    shop, _ = shop_and_product
    order = shopify.app.make_order(
        {"line_items": [{"variant_id": 1, "sku": "NOPE-404", "quantity": 1, "price": "5.00"}]}
    )

    response = _shopify_post(anon_client, shop, _public(order))

    assert response.status_code == 200
    captured = Order.objects.get(channel=shop)
    hold = Hold.objects.get(order=captured, kind="unknown_sku")
    assert "NOPE-404" in hold.reason


def test_woocommerce_dedupes_on_order_id_and_modification_time(
    anon_client, woo, warehouse, pick_bin
):
    channel = woo_channel(woo, warehouse)
    product = listed(channel, external_variant_id="")
    stocked(product, pick_bin, 5)
    order = woo.app.make_order(
        {
            "line_items": [{"product_id": 9000 + product.pk, "quantity": 1, "price": 12.5}],
            "date_modified_gmt": "2026-11-22T08:00:00",
        }
    )
    newer = dict(order, date_modified_gmt="2026-11-22T08:09:00", status="completed")

    responses = [
        _woo_post(anon_client, channel, _public(order)),
        _woo_post(anon_client, channel, _public(order)),
        _woo_post(anon_client, channel, _public(newer), topic="order.updated"),
        _woo_post(anon_client, channel, _public(order)),
    ]

    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json()["duplicate_delivery"] for r in responses] == [False, True, False, True]
    assert Order.objects.filter(channel=channel).count() == 1
    assert Order.objects.get().lines.get().sku == product.sku
    assert InboundEvent.objects.count() == 2


def test_woocommerce_bad_signature_and_ping(anon_client, woo, warehouse):
    channel = woo_channel(woo, warehouse)
    body = b'{"id": 1}'
    bad = anon_client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=body,
        content_type="application/json",
        HTTP_X_WC_WEBHOOK_SIGNATURE=_sign("nope", body),
    )
    ping_body = b"webhook_id=12"
    ping = anon_client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=ping_body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_WC_WEBHOOK_SIGNATURE=_sign(channel.webhook_secret, ping_body),
    )

    assert bad.status_code == 401
    assert (ping.status_code, ping.json()["status"]) == (200, "ping")
    assert not InboundEvent.objects.exists()


def test_unknown_channel_is_404(anon_client):
    response = anon_client.post(
        "/api/v1/channel-webhooks/nope/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404
