import pytest

from channels_sync.models import Channel, Listing
from channels_sync.services import channel_reconcile, outbox_drain
from channels_sync.services.demo import channels_connect_mocks
from common.types import Actor
from tests.factories.channels_sync import channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db


def test_demo_channels_are_pointed_at_the_mocks_and_synced(shopify, amazon, warehouse, pick_bin):
    # given demo channels without a base URL, one already configured, and stock
    demo = channel_with_warehouses(warehouse, code="demo-shop", kind="shopify")
    market = channel_with_warehouses(warehouse, code="demo-amz", kind="amazon")
    configured = channel_with_warehouses(
        warehouse, code="real", kind="shopify", base_url="https://real.example"
    )
    product = ProductFactory()
    stocked(product, pick_bin, 4)

    # when connected twice (idempotent) and reconciled
    urls = {"shopify": shopify.url, "amazon": amazon.url}
    first = channels_connect_mocks(urls=urls, actor=Actor.system("t"))
    second = channels_connect_mocks(urls=urls, actor=Actor.system("t"))
    for channel in (demo, market):
        channel_reconcile(channel_id=channel.pk)
        outbox_drain(channel_id=channel.pk)

    # then the demo channels list the product and hold its stock at the mocks
    assert sorted(first) == ["demo-amz", "demo-shop"]
    assert second == []
    assert Channel.objects.get(pk=configured.pk).base_url == "https://real.example"
    assert not Listing.objects.filter(channel=configured).exists()
    assert shopify.app.inventory[str(300000 + product.pk)] == 4
    assert amazon.app.stock[product.sku] == 4
