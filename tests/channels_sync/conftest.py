import time

import httpx
import pytest
import time_machine
from django.utils import timezone

from channels_sync import ratelimit
from channels_sync.adapters import amazon as amazon_adapter
from channels_sync.mock_servers import AmazonMock, MockServer, ShopifyMock, WooCommerceMock
from channels_sync.mock_servers import amazon as amazon_mock
from channels_sync.mock_servers import shopify as shopify_mock
from channels_sync.mock_servers import woocommerce as woo_mock
from channels_sync.models import Listing
from tests.factories.channels_sync import channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse

SHOPIFY_TOKEN = "shpat_test"
WOO_KEYS = {"ck_1": "cs_1"}
LWA_CLIENT = ("amzn1.application-oa2-client.test", "lwa-test-secret")
LWA_REFRESH = "Atzr|test-refresh"


def shopify_mock_app(**kwargs):
    return ShopifyMock(access_tokens=[SHOPIFY_TOKEN, shopify_mock.DEMO_ACCESS_TOKEN], **kwargs)


def woo_mock_app(**kwargs):
    return WooCommerceMock(keys={**WOO_KEYS, **woo_mock.DEMO_KEYS}, **kwargs)


def amazon_mock_app(**kwargs):
    return AmazonMock(
        lwa_clients={
            LWA_CLIENT[0]: LWA_CLIENT[1],
            amazon_mock.DEMO_LWA_CLIENT_ID: amazon_mock.DEMO_LWA_CLIENT_SECRET,
        },
        refresh_tokens=[LWA_REFRESH, amazon_mock.DEMO_REFRESH_TOKEN],
        **kwargs,
    )


@pytest.fixture(scope="session")
def shopify_server():
    server = MockServer(shopify_mock_app()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def woo_server():
    server = MockServer(woo_mock_app()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def amazon_server():
    server = MockServer(amazon_mock_app()).start()
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
def _fresh_lwa_tokens():
    # Access tokens are cached per process; every test starts without one (mocks are reset).
    amazon_adapter.TOKEN_CACHE.tokens.clear()
    amazon_adapter.TOKEN_CACHE.refreshes = 0


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
    # One drain call delivers everything due in these tests, however loaded the machine is.
    settings.CHANNELS_SYNC_DRAIN_BUDGET = 120.0


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
        credentials={"access_token": SHOPIFY_TOKEN, "location_id": "1"},
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
        credentials=amazon_credentials(server),
        **kwargs,
    )


def amazon_credentials(server, **overrides):
    return {
        "client_id": LWA_CLIENT[0],
        "client_secret": LWA_CLIENT[1],
        "refresh_token": LWA_REFRESH,
        "lwa_endpoint": f"{server.url}/auth/o2/token",
        "seller_id": "S1",
        "marketplace_id": "ATVPDKIKX0DER",
        **overrides,
    }


def woo_products(server, *products, variations_of=None):
    """Put products (by our listing's ids) into the WooCommerce mock's catalogue."""
    rows = []
    for product in products:
        listing = Listing.objects.filter(product=product, channel__kind="woocommerce").first()
        pid = listing.external_product_id if listing else str(9000 + product.pk)
        rows.append({"id": int(pid), "sku": product.sku, "stock_quantity": 0})
        if variations_of is not None:
            rows[-1]["parent_id"] = variations_of
    httpx.post(f"{server.url}/_mock/products", json={"products": rows}).raise_for_status()


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
