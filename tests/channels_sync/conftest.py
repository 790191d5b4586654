import time

import httpx
import pytest
import time_machine
from django.utils import timezone

from channels_sync import ratelimit
from channels_sync.mock_servers import AmazonMock, MockServer, ShopifyMock, WooCommerceMock
from channels_sync.models import Listing
from tests.factories.channels_sync import channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse


@pytest.fixture(scope="session")
def shopify_server():
    server = MockServer(ShopifyMock()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def woo_server():
    server = MockServer(WooCommerceMock()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def amazon_server():
    server = MockServer(AmazonMock()).start()
    yield server
    server.stop()


@pytest.fixture
def shopify(shopify_server):
    shopify_server.app.reset()
    return shopify_server


@pytest.fixture
def woo(woo_server):
    woo_server.app.reset()
    return woo_server


@pytest.fixture
def amazon(amazon_server):
    amazon_server.app.reset()
    return amazon_server


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Channel ids repeat between tests (SQLite reuses them after a rollback): start every test
    # with full buckets, locally and in Redis.
    ratelimit._local = ratelimit._LocalBucket()
    client = ratelimit._redis()
    if client is not None:
        keys = list(client.scan_iter("chsync:rl:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def clock():
    """Frozen time that the test moves itself (`clock.shift(seconds)`), so no test waits on the
    wall clock: Django's now() (outbox `next_attempt_at`) follows it through time-machine, and
    the rate-limit buckets (local and Redis) read it through their injected clock."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ratelimit.rate_limit_clock_set(lambda: time.time())
        try:
            yield traveller
        finally:
            ratelimit.rate_limit_clock_set(None)


@pytest.fixture(autouse=True)
def _fast_sync(settings):
    settings.CHANNELS_SYNC_BACKOFF_BASE = 0.01
    settings.CHANNELS_SYNC_BACKOFF_CAP = 0.05
    settings.CHANNELS_SYNC_HTTP_TIMEOUT = 2.0


def fail(server, mode, count=1, **extra):
    httpx.post(f"{server.url}/_mock/fail", json={"mode": mode, "count": count, **extra})


@pytest.fixture
def warehouse(db):
    return small_warehouse("CH1", aisles=1, bays=2, levels=1)


@pytest.fixture
def pick_bin(warehouse):
    return bin_of(warehouse, "A-01-01-1")


def shopify_channel(server, warehouse, code="shop-a", **kwargs):
    return channel_with_warehouses(
        warehouse,
        code=code,
        kind="shopify",
        base_url=server.url,
        credentials={"access_token": "shpat_test", "location_id": "1"},
        webhook_secret="shpss_secret",
        **kwargs,
    )


def woo_channel(server, warehouse, code="woo-a", **kwargs):
    return channel_with_warehouses(
        warehouse,
        code=code,
        kind="woocommerce",
        base_url=server.url,
        credentials={"consumer_key": "ck_1", "consumer_secret": "cs_1"},
        webhook_secret="woo_secret",
        **kwargs,
    )


def amazon_channel(server, warehouse, code="amz-a", **kwargs):
    return channel_with_warehouses(
        warehouse,
        code=code,
        kind="amazon",
        base_url=server.url,
        credentials={
            "access_token": "Atza|x",
            "seller_id": "S1",
            "marketplace_id": "ATVPDKIKX0DER",
        },
        **kwargs,
    )


def listed(channel, product=None, n=0, **kwargs):
    product = product or ProductFactory()
    defaults = {
        "channel_sku": product.sku,
        "external_product_id": str(9000 + product.pk),
        "external_variant_id": str(8000 + product.pk),
        "external_inventory_item_id": str(7000 + product.pk),
    }
    defaults.update(kwargs)
    Listing.objects.create(channel=channel, product=product, **defaults)
    return product
