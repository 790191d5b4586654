import httpx
import pytest

from shipping.mock_carrier import MockCarrierServer
from tests.factories.warehouse import WarehouseFactory
from tests.shipping.factories import carrier_with_default_catalog

SHIP_TO = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    "phone": "+1 217 555 0100",
}
BOX = {"weight_g": 1200, "length_mm": 300, "width_mm": 200, "height_mm": 150}


@pytest.fixture(scope="session")
def carrier_server():
    server = MockCarrierServer(api_key="test-key").start()
    yield server
    server.stop()


@pytest.fixture
def mock_carrier(carrier_server, settings):
    """The mock carrier server, reset, with fast retries on our side."""
    settings.SHIPPING_CARRIER_BACKOFF_BASE = 0.01
    carrier_server.state.reset()
    return carrier_server


def control(server, path, **body):
    response = httpx.post(f"{server.url}/_control/{path}", json=body, timeout=5)
    response.raise_for_status()
    return response.json()


def server_state(server):
    return httpx.get(f"{server.url}/_control/state", timeout=5).json()


@pytest.fixture
def http_carrier(db, mock_carrier):
    """Carrier row pointing at the mock carrier server (the HTTP path)."""
    return carrier_with_default_catalog(
        code="MOCK", name="Mock Parcel Co.", base_url=mock_carrier.url, api_key="test-key"
    )


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(
        code="WH1", name="East DC", address_line1="1 Dock Rd", city="Newark", postal_code="07101"
    )
