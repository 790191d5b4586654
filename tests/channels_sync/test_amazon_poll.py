"""Amazon as a real SP-API client, end to end against the mock (issue 11 item 5): Login with
Amazon tokens refreshed before expiry and once on Unauthorized, MFN addresses through a
Restricted Data Token, the waiting state when the address cannot be had, and service level and
promise dates from ShipmentServiceLevelCategory / IsPrime / LatestShipDate / LatestDeliveryDate.
"""

import datetime as dt

import httpx
import pytest
import time_machine
from django.apps import apps

from channels_sync.adapters import amazon as amazon_adapter
from channels_sync.choices import InboundStatus
from channels_sync.models import InboundEvent
from channels_sync.services import marketplace_poll
from tests.channels_sync.conftest import amazon_channel, fail, listed
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")
FulfillmentRequest = apps.get_model("orders", "FulfillmentRequest")


def _place(amazon, sku, **extra):
    body = {"items": [{"SellerSKU": sku, "QuantityOrdered": 1, "Amount": "20.00"}], **extra}
    return httpx.post(f"{amazon.url}/_mock/orders", json=body).json()["order"]


def _sp_calls(amazon):
    return [r for r in amazon.app.requests if not r["path"].startswith("/auth/")]


def test_mfn_orders_get_name_and_street_through_an_rdt_and_reach_the_warehouse_unheld(
    amazon, warehouse, pick_bin
):
    # given an MFN order whose getOrders copy carries no name, street or phone
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-MFN")
    stocked(product, pick_bin, 5)
    placed = _place(
        amazon, "AMZ-MFN", ShippingAddress={"Name": "Ada Byron", "AddressLine1": "9 Ockham Rd"}
    )
    token = httpx.post(
        f"{amazon.url}/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": channel.credentials["refresh_token"],
            "client_id": channel.credentials["client_id"],
            "client_secret": channel.credentials["client_secret"],
        },
    ).json()["access_token"]
    plain = httpx.get(
        f"{amazon.url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "CreatedAfter": "2020-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
    ).json()["payload"]["Orders"][0]
    assert "Name" not in plain["ShippingAddress"]
    assert "AddressLine1" not in plain["ShippingAddress"]
    assert plain["BuyerInfo"] == {}

    # when polled
    assert marketplace_poll(channel_id=channel.pk) == 1

    # then the order has the buyer's address from getOrderAddress (called with an RDT) and
    # went to the warehouse without any hold
    order = Order.objects.get(channel=channel, external_id=placed["AmazonOrderId"])
    assert order.shipping_address["name"] == "Ada Byron"
    assert order.shipping_address["line1"] == "9 Ockham Rd"
    assert order.customer_email.endswith("@marketplace.amazon.com")
    assert not order.holds.exists()
    assert FulfillmentRequest.objects.filter(order=order).count() == 1
    address_calls = [r for r in amazon.app.requests if r["path"].endswith("/address")]
    assert [r["headers"]["x-amz-access-token"][:10] for r in address_calls] == ["Atz.sprdt|"]
    assert any(r["path"] == "/tokens/2021-03-01/restrictedDataToken" for r in amazon.app.requests)


def test_an_access_token_expired_at_amazon_is_refreshed_once_and_the_call_repeated(
    amazon, warehouse, pick_bin
):
    # given a poll that got a token, and Amazon expiring it early (our cache still trusts it)
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-EXP")
    stocked(product, pick_bin, 5)
    _place(amazon, "AMZ-EXP")
    marketplace_poll(channel_id=channel.pk)
    assert amazon_adapter.TOKEN_CACHE.refreshes == 1
    httpx.post(f"{amazon.url}/_mock/tokens/expire")
    second = _place(amazon, "AMZ-EXP", offset_seconds=5)

    # when polled again
    captured = marketplace_poll(channel_id=channel.pk)

    # then one 403 Unauthorized, one refresh, the call repeated, the order captured
    assert captured == 1
    assert amazon_adapter.TOKEN_CACHE.refreshes == 2
    assert len(amazon.app.token_requests) == 2
    assert Order.objects.filter(external_id=second["AmazonOrderId"]).exists()


def test_a_token_about_to_expire_is_refreshed_before_it_is_used(amazon, warehouse, pick_bin):
    # given a token fetched now (valid for 3600 s)
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-PRE")
    stocked(product, pick_bin, 5)
    marketplace_poll(channel_id=channel.pk)
    calls_before = len(amazon.app.requests)

    # when the next poll runs 59 minutes and 30 seconds later (inside the refresh margin)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=3570), tick=False):
        marketplace_poll(channel_id=channel.pk)

    # then the token was renewed first: no call was refused
    assert amazon_adapter.TOKEN_CACHE.refreshes == 2
    statuses = [r for r in amazon.app.requests[calls_before:] if r["path"] == "/orders/v0/orders"]
    assert len(statuses) == 1
    assert len(amazon.app.token_requests) == 2


def test_an_order_whose_address_cannot_be_fetched_waits_and_is_captured_on_the_next_poll(
    amazon, warehouse, pick_bin
):
    # given the Tokens API failing once
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-WAIT")
    stocked(product, pick_bin, 5)
    placed = _place(amazon, "AMZ-WAIT")
    fail(amazon, "500", count=1, path="/tokens/")

    # when polled: the order waits in a typed state, with no order and no hold
    assert marketplace_poll(channel_id=channel.pk) == 0
    event = InboundEvent.objects.get(channel=channel, external_order_id=placed["AmazonOrderId"])
    assert event.status == InboundStatus.AWAITING_ADDRESS
    assert "address not fetched" in event.error
    assert not Order.objects.filter(external_id=placed["AmazonOrderId"]).exists()

    # when polled again (the cursor has moved on: the retry comes from the waiting state)
    assert marketplace_poll(channel_id=channel.pk) == 1

    # then the order is captured with its address and no hold
    order = Order.objects.get(external_id=placed["AmazonOrderId"])
    assert order.shipping_address["line1"] == "3 Bletchley Rd"
    assert not order.holds.exists()
    event.refresh_from_db()
    assert (event.status, event.order_id) == (InboundStatus.CAPTURED, order.pk)


@pytest.mark.parametrize(
    ("_case", "category", "prime", "level"),
    [
        ("prime second day", "SecondDay", True, "expedited"),
        ("next day", "NextDay", False, "overnight"),
        ("prime on a standard category", "Standard", True, "expedited"),
        ("standard", "Standard", False, "standard"),
        ("free economy", "FreeEconomy", False, "economy"),
    ],
)
def test_service_level_and_promise_come_from_the_order(
    amazon, warehouse, pick_bin, _case, category, prime, level
):
    # given an order with Amazon's service level category and promise dates
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-PRIME")
    stocked(product, pick_bin, 5)
    placed = _place(
        amazon,
        "AMZ-PRIME",
        ShipmentServiceLevelCategory=category,
        IsPrime=prime,
        LatestShipDate="2031-03-04T07:00:00Z",
        LatestDeliveryDate="2031-03-06T07:00:00Z",
    )

    # when polled
    marketplace_poll(channel_id=channel.pk)

    # then the service level and both promise dates are set, and the warehouse works to them
    order = Order.objects.get(external_id=placed["AmazonOrderId"])
    assert order.service_level == level
    assert order.promised_ship_by == dt.datetime(2031, 3, 4, 7, tzinfo=dt.UTC)
    assert order.promised_delivery_by == dt.datetime(2031, 3, 6, 7, tzinfo=dt.UTC)
    request = FulfillmentRequest.objects.get(order=order)
    assert (request.service_level, request.ship_by) == (level, order.promised_ship_by)
