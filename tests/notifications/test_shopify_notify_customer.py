"""Shopify e-mails the buyer (notify_customer) only when its channel is set to notify its own
buyers; otherwise we do, so the buyer never hears twice."""

import json

import pytest

from channels_sync import outbox
from channels_sync.services import inbound_webhook_ingest, outbox_drain
from channels_sync.services.inbound import webhook_signature
from notifications.models import ChannelNotificationSettings
from orders.models import Order
from tests.channels_sync.conftest import (  # noqa: F401 - fixtures
    listed,
    pick_bin,
    shopify,
    shopify_channel,
    shopify_server,
    warehouse,
)
from tests.channels_sync.test_order_pushes import _shipment
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "channel_notifies", "notify_customer"),
    [("we e-mail the buyer", False, False), ("Shopify e-mails the buyer", True, True)],
)
def test_shopify_fulfillment_asks_shopify_to_notify_only_when_it_notifies_its_buyers(
    shopify,  # noqa: F811
    warehouse,  # noqa: F811
    pick_bin,  # noqa: F811
    _case,
    channel_notifies,
    notify_customer,
):
    # given a Shopify order, with the channel set to notify its buyers or not
    shop = shopify_channel(shopify, warehouse)
    ChannelNotificationSettings.objects.create(
        channel=shop, channel_notifies_buyers=channel_notifies
    )
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
            "X-Shopify-Event-Id": "n-1",
        },
        body=body,
    )
    order = Order.objects.get(pk=captured.order_id)
    shipment = _shipment(order, warehouse, "1ZSHOPNOTE1")

    # when the shipment is pushed to Shopify
    outbox.shipment_confirmed(order_id=order.pk, channel_id=shop.pk, shipment_id=shipment.pk)
    outbox_drain(channel_id=shop.pk)

    # then Shopify is asked to notify exactly when we do not
    [fulfillment] = shopify.app.fulfillments
    assert fulfillment["tracking_number"] == "1ZSHOPNOTE1"
    assert fulfillment["notify_customer"] is notify_customer
