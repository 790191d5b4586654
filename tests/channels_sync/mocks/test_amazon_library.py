"""The Amazon mock driven with python-amazon-sp-api 2.1: Login with Amazon, Orders v0
(getOrders by CreatedAfter / LastUpdatedAfter with NextToken, getOrder, getOrderItems,
getOrderAddress, getOrderBuyerInfo), the Tokens API, errors and throttling."""

import pytest
from sp_api.api import Orders, Tokens
from sp_api.auth import AccessTokenClient
from sp_api.auth import access_token_client as token_module
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import Marketplaces
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiForbiddenException,
    SellingApiRequestThrottledException,
)

from channels_sync.mock_servers import MockServer
from tests.channels_sync.conftest import LWA_CLIENT, LWA_REFRESH, amazon_mock_app


@pytest.fixture(scope="module")
def server():
    server = MockServer(amazon_mock_app(page_size=2)).start()
    yield server
    server.stop()


@pytest.fixture
def amazon(server):
    server.app.reset()
    token_module.cache.clear()
    return server


def _client(cls, server, *, secret=LWA_CLIENT[1], **kwargs):
    host = server.url.split("://", 1)[1]

    class MockLwa(AccessTokenClient):  # the library's own extension point for the token host
        scheme, host_ = "http://", host

    MockLwa.host = host
    client = cls(
        marketplace=Marketplaces.US,
        credentials={
            "refresh_token": LWA_REFRESH,
            "lwa_app_id": LWA_CLIENT[0],
            "lwa_client_secret": secret,
        },
        auth_token_client_class=MockLwa,
        **kwargs,
    )
    client.endpoint = server.url
    return client


def _place(server, n=1, **extra):
    return [
        server.app.make_order(
            {"items": [{"SellerSKU": "AMZ-1", "QuantityOrdered": 2, "Amount": "30.00"}], **extra}
        )[0]
        for _ in range(n)
    ]


def test_get_orders_pages_with_next_token_and_carries_the_rate_limit(amazon):
    placed = _place(amazon, 3)
    orders = _client(Orders, amazon)

    first = orders.get_orders(CreatedAfter="2020-01-01T00:00:00Z")
    second = orders.get_orders(NextToken=first.next_token)

    ids = [o["AmazonOrderId"] for o in first.payload["Orders"] + second.payload["Orders"]]
    assert ids == [o["AmazonOrderId"] for o in placed]
    assert first.rate_limit == "0.0167"
    assert second.next_token is None
    assert first.payload["Orders"][0]["OrderTotal"] == {"CurrencyCode": "USD", "Amount": "30.00"}
    assert "Name" not in first.payload["Orders"][0]["ShippingAddress"]


def test_get_order_items_and_last_updated_after(amazon):
    (placed,) = _place(amazon)
    orders = _client(Orders, amazon)

    items = orders.get_order_items(placed["AmazonOrderId"])
    one = orders.get_order(placed["AmazonOrderId"])
    updated = orders.get_orders(LastUpdatedAfter="2020-01-01T00:00:00Z")

    assert items.payload["OrderItems"][0]["ItemPrice"]["Amount"] == "30.00"
    assert items.rate_limit == "0.5"
    assert one.payload["AmazonOrderId"] == placed["AmazonOrderId"]
    assert len(updated.payload["Orders"]) == 1


def test_address_and_buyer_info_through_a_restricted_data_token(amazon):
    (placed,) = _place(amazon, ShippingAddress={"Name": "Ada Byron"})
    order_id = placed["AmazonOrderId"]
    token = _client(Tokens, amazon).create_restricted_data_token(
        restrictedResources=[
            {"method": "GET", "path": f"/orders/v0/orders/{order_id}/address"},
            {"method": "GET", "path": f"/orders/v0/orders/{order_id}/buyerInfo"},
        ]
    )
    rdt = token.payload["restrictedDataToken"]
    with_rdt = _client(Orders, amazon, restricted_data_token=rdt)

    address = with_rdt.get_order_address(order_id)
    buyer = with_rdt.get_order_buyer_info(order_id)
    pii_orders = _client(Orders, amazon).get_orders(
        CreatedAfter="2020-01-01T00:00:00Z", RestrictedResources=["buyerInfo", "shippingAddress"]
    )

    assert address.payload["ShippingAddress"]["Name"] == "Ada Byron"
    assert buyer.payload["BuyerEmail"].endswith("@marketplace.amazon.com")
    assert pii_orders.payload["Orders"][0]["ShippingAddress"]["AddressLine1"] == "3 Bletchley Rd"
    with pytest.raises(SellingApiForbiddenException) as exc:
        _client(Orders, amazon).get_order_address(order_id)
    assert exc.value.code == 403


def test_a_wrong_client_secret_is_refused_by_login_with_amazon(amazon):
    with pytest.raises(AuthorizationError) as exc:
        _client(Orders, amazon, secret="wrong").get_orders(CreatedAfter="2020-01-01T00:00:00Z")

    assert exc.value.status_code == 401
    assert exc.value.error_code == "invalid_client"


def test_an_expired_access_token_is_a_403_unauthorized(amazon):
    orders = _client(Orders, amazon)
    orders.get_orders(CreatedAfter="2020-01-01T00:00:00Z")
    amazon.app.clock_offset += 3601  # the mock's clock: the token expired at Amazon

    with pytest.raises(SellingApiForbiddenException) as exc:
        orders.get_orders(CreatedAfter="2020-01-01T00:00:00Z")

    (error,) = exc.value.error
    assert (error["code"], error["details"]) == (
        "Unauthorized",
        "The access token you provided has expired.",
    )


@pytest.mark.parametrize(
    ("_case", "params"),
    [
        ("bad date", {"CreatedAfter": "yesterday"}),
        ("garbage NextToken", {"NextToken": "not-a-token"}),
        (
            "both dates",
            {"CreatedAfter": "2020-01-01T00:00:00Z", "LastUpdatedAfter": "2020-01-01T00:00:00Z"},
        ),
    ],
)
def test_malformed_input_is_a_400_invalid_input_with_details(amazon, _case, params):
    with pytest.raises(SellingApiBadRequestException) as exc:
        _client(Orders, amazon).get_orders(**params)

    (error,) = exc.value.error
    assert error["code"] == "InvalidInput"
    assert "details" in error


def test_a_burst_exhausts_the_usage_plan_and_gets_quota_exceeded(amazon):
    amazon.app.freeze(True)  # no refill during the burst
    orders = _client(Orders, amazon)
    for _ in range(20):
        orders.get_orders(CreatedAfter="2020-01-01T00:00:00Z")

    with pytest.raises(SellingApiRequestThrottledException) as exc:
        orders.get_orders(CreatedAfter="2020-01-01T00:00:00Z")

    assert exc.value.error[0]["code"] == "QuotaExceeded"
    assert exc.value.headers["x-amzn-RateLimit-Limit"] == "0.0167"
