"""Concurrent deliveries of one channel order, on real Postgres connections: the order row
lock serialises them and the newest version wins, whatever order they commit in."""

import json
import threading

import pytest
from django.db import connection

from channels_sync.models import ChannelOrderUpdate
from channels_sync.services import inbound_webhook_ingest
from channels_sync.services.inbound import webhook_signature
from orders.models import Order
from tests.channels_sync.conftest import listed, shopify_channel
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _ingest(channel, order, topic, event_id):
    body = json.dumps({k: v for k, v in order.items() if not k.startswith("_")}).encode()
    return inbound_webhook_ingest(
        channel=channel,
        headers={
            "X-Shopify-Hmac-Sha256": webhook_signature(secret=channel.webhook_secret, body=body),
            "X-Shopify-Topic": topic,
            "X-Shopify-Event-Id": event_id,
        },
        body=body,
    )


def test_concurrent_updates_and_their_create_end_on_the_newest(shopify):
    wh = small_warehouse("CCU")
    shop = shopify_channel(shopify, wh)
    product = listed(shop)
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    app = shopify.app
    made = app.make_order(
        {"line_items": [{"variant_id": 8000 + product.pk, "quantity": 1, "price": "9.00"}]}
    )
    live = app.orders[str(made["id"])]
    docs = [("orders/create", dict(live))]
    for n in range(6):
        app.apply_event(live, "orders/updated", {"shipping_address": {"address1": f"{n} Elm St"}})
        docs.append(("orders/updated", json.loads(json.dumps(live))))
    # every delivery twice, all at once (the create among them)
    jobs = [(topic, doc, f"e-{i}") for i, (topic, doc) in enumerate(docs)] * 2
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        topic, doc, event_id = job
        try:
            barrier.wait(timeout=60)
            _ingest(shop, doc, topic, event_id)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors
    order = Order.objects.get(channel=shop)
    assert order.shipping_address["line1"] == "5 Elm St"
    assert order.channel_updated_at.isoformat()[:19] == live["updated_at"][:19]
    assert not ChannelOrderUpdate.objects.filter(status="pending").exists()
