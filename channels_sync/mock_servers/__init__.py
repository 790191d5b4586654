"""Mock channels speaking the real wire formats (see each module), for tests, bench and demo."""

from channels_sync.mock_servers.amazon import AmazonMock
from channels_sync.mock_servers.base import MockServer
from channels_sync.mock_servers.shopify import ShopifyMock
from channels_sync.mock_servers.woocommerce import WooCommerceMock

__all__ = ["AmazonMock", "MockServer", "ShopifyMock", "WooCommerceMock"]
