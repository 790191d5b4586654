"""The mock carrier driven with easypost 10.7: shipment.create (EasyPost's parcel in inches and
ounces, addresses with zip), shipment.buy, shipment.retrieve, tracker.create, and errors as the
library's exception types with EasyPost's codes."""

import easypost
import pytest
from easypost.errors import InvalidRequestError, NotFoundError, UnauthorizedError

from shipping.mock_carrier.server import MockCarrierServer

KEY = "EZTK_mock"
TO = {
    "name": "Ada",
    "street1": "1 Main St",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "country": "US",
}
FROM = {
    "name": "Dock",
    "street1": "2 Dock Rd",
    "city": "Chicago",
    "state": "IL",
    "zip": "60601",
    "country": "US",
}
PARCEL = {"length": 10, "width": 8, "height": 4, "weight": 15.5}


@pytest.fixture(scope="module")
def carrier():
    server = MockCarrierServer(api_key=KEY).start()
    yield server
    server.stop()


def _client(carrier, key=KEY):
    return easypost.EasyPostClient(key, api_base=f"{carrier.url}/v2")


def test_create_buy_retrieve_and_track(carrier):
    client = _client(carrier)

    shipment = client.shipment.create(to_address=TO, from_address=FROM, parcel=PARCEL)
    bought = client.shipment.buy(shipment.id, rate=min(shipment.rates, key=lambda r: float(r.rate)))
    again = client.shipment.retrieve(shipment.id)
    tracker = client.tracker.create(tracking_code=bought.tracking_code, carrier="MOCK")

    assert shipment.tracking_code is None
    assert len(shipment.rates) >= 2
    assert bought.tracking_code
    assert bought.selected_rate.service
    assert (again.id, again.tracking_code) == (shipment.id, bought.tracking_code)
    assert tracker.status == "pre_transit"


def test_wrong_api_key_is_an_unauthorized_error(carrier):
    with pytest.raises(UnauthorizedError) as exc:
        _client(carrier, key="EZTK_wrong").shipment.create(
            to_address=TO, from_address=FROM, parcel=PARCEL
        )

    assert (exc.value.http_status, exc.value.code) == (401, "APIKEY.INACTIVE")


def test_bad_input_and_unknown_ids_are_easypost_errors(carrier):
    client = _client(carrier)

    with pytest.raises(InvalidRequestError) as bad:
        client.shipment.create(to_address=TO, from_address=FROM, parcel={"length": 1})
    with pytest.raises(NotFoundError) as missing:
        client.shipment.retrieve("shp_missing")

    assert (bad.value.http_status, bad.value.code) == (422, "SHIPMENT.INVALID_PARAMS")
    assert missing.value.http_status == 404
