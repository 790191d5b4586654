"""The Shopify mock driven with ShopifyAPI 12.7 (pyactiveresource REST + its GraphQL client)."""

import json
import urllib.error
import urllib.request

import pytest
import shopify
from pyactiveresource.connection import ClientError, UnauthorizedAccess

from channels_sync.mock_servers import MockServer
from tests.channels_sync.conftest import SHOPIFY_TOKEN, shopify_mock_app


@pytest.fixture(scope="module")
def server():
    server = MockServer(shopify_mock_app()).start()
    yield server
    server.stop()


@pytest.fixture
def shop(server):
    server.app.reset()
    yield server
    shopify.ShopifyResource.clear_session()


def _session(server, token=SHOPIFY_TOKEN, version="2024-07"):
    session = shopify.Session("mock-shop.myshopify.com", version, token)
    session.url, session.protocol = server.url.split("://", 1)[1], "http"  # the mock's address
    shopify.ShopifyResource.activate_session(session)
    return session


def _orders(server, n, **extra):
    return [
        server.app.make_order(
            {
                "line_items": [
                    {
                        "variant_id": 8001,
                        "sku": "TEE-M",
                        "quantity": 2,
                        "price": "12.50",
                        "discounts": ["2.50"],
                        "tax_lines": [{"title": "State tax", "rate": 0.06, "price": "1.35"}],
                    }
                ],
                "shipping_lines": [{"title": "Express", "code": "express", "price": "7.00"}],
                **extra,
            }
        )
        for _ in range(n)
    ]


def test_rest_orders_list_pages_with_link_cursors_and_parses(shop):
    _orders(shop, 5)
    _session(shop)

    first = shopify.Order.find(limit=2)
    sizes = [len(first)]
    second = first.next_page()
    sizes.append(len(second))
    third = second.next_page()
    sizes.append(len(third))

    assert sizes == [2, 2, 1]
    assert not third.has_next_page()
    assert second.has_previous_page()
    order = first[0]
    assert order.total_price == "30.85"  # 25.00 − 2.50 + 7.00 + 1.35
    assert order.subtotal_price == "22.50"
    assert order.total_tax == "1.35"
    assert order.total_price_set.shop_money.amount == "30.85"
    assert order.line_items[0].discount_allocations[0].amount == "2.50"
    assert not any(k.startswith("_") for k in order.attributes)


def test_orders_count_get_fields_and_shop(shop):
    placed = _orders(shop, 3)
    _session(shop)

    assert shopify.Order.count() == 3
    one = shopify.Order.find(placed[0]["id"], fields="id,total_price")
    assert set(one.attributes) == {"id", "total_price"}
    assert shopify.Shop.current().myshopify_domain == "mock-shop.myshopify.com"


def test_cancel_reason_in_the_query_string_is_applied(shop):
    (placed,) = _orders(shop, 1)
    _session(shop)

    order = shopify.Order.find(placed["id"])
    order.cancel(reason="inventory", email=False)

    assert order.cancel_reason == "inventory"
    assert shop.app.orders[str(placed["id"])]["cancel_reason"] == "inventory"
    with pytest.raises(ClientError) as exc:
        order.cancel(reason="inventory")
    assert exc.value.response.code == 422


def test_inventory_levels(shop):
    shop.app.inventory.update({"7001": 4, "7002": 0})
    _session(shop)

    levels = shopify.InventoryLevel.find(inventory_item_ids="7001,7002", location_ids="1")

    assert sorted((lv.inventory_item_id, lv.available) for lv in levels) == [(7001, 4), (7002, 0)]


def test_fulfillment_orders_and_fulfillment(shop):
    (placed,) = _orders(shop, 1)
    _session(shop)

    (fo,) = shopify.FulfillmentOrders.find(order_id=placed["id"])
    fulfillment = shopify.FulfillmentV2(
        {
            "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo.id}],
            "tracking_info": {"number": "1Z999", "company": "UPS"},
        }
    )
    assert fulfillment.save()

    assert fulfillment.tracking_number == "1Z999"
    assert shop.app.orders[str(placed["id"])]["fulfillment_status"] == "fulfilled"


@pytest.mark.parametrize("token", ["", "shpat_wrong"])
def test_a_wrong_or_missing_token_is_refused_with_shopifys_401(shop, token):
    _session(shop, token=token)

    with pytest.raises(UnauthorizedAccess) as exc:
        shopify.Shop.current()

    assert exc.value.response.code == 401
    assert "Invalid API key or access token" in json.loads(exc.value.response.body)["errors"]


def test_api_versions_are_served_as_shopify_serves_them(shop):
    _session(shop, version="2024-07")
    shopify.Shop.current()
    assert shopify.ShopifyResource.connection.response.headers["X-Shopify-API-Version"] == "2024-07"
    _session(shop, version="2019-04")  # retired: served as the oldest supported version
    shopify.Shop.current()
    assert shopify.ShopifyResource.connection.response.headers["X-Shopify-API-Version"] == "2024-04"


def test_graphql_orders_and_shop_with_cost(shop):
    _orders(shop, 3)
    _session(shop)
    query = """
    query page($after: String) {
      shop { name currencyCode }
      orders(first: 2, after: $after) {
        edges { cursor node { id name totalPriceSet { shopMoney { amount currencyCode } }
          lineItems(first: 5) { nodes { sku quantity } } } }
        pageInfo { hasNextPage endCursor }
      }
    }"""

    first = json.loads(shopify.GraphQL().execute(query))
    after = first["data"]["orders"]["pageInfo"]["endCursor"]
    second = json.loads(shopify.GraphQL().execute(query, variables={"after": after}))

    assert first["data"]["shop"]["currencyCode"] == "USD"
    assert len(first["data"]["orders"]["edges"]) == 2
    assert first["data"]["orders"]["pageInfo"]["hasNextPage"] is True
    assert len(second["data"]["orders"]["edges"]) == 1
    assert (
        first["data"]["orders"]["edges"][0]["node"]["totalPriceSet"]["shopMoney"]["amount"]
        == "30.85"
    )
    cost = first["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 2 + 2 * (1 + 1 + 1 + (2 + 5 * 1))
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]


def test_graphql_without_variables_and_with_errors_answers_graphql_errors(shop):
    _session(shop)

    unknown = json.loads(shopify.GraphQL().execute("{ shop { nam } }"))
    syntax = json.loads(shopify.GraphQL().execute("{ shop { "))

    assert "Cannot query field 'nam'" in unknown["errors"][0]["message"]
    assert syntax["errors"][0]["message"].startswith("Syntax Error")


def test_graphql_cost_throttling_is_a_throttled_error_not_a_rest_429(shop, server):
    _session(shop)
    server.app.freeze(True)  # no restore during the burst, however slow the machine
    for _ in range(100):
        server.app.make_order({"line_items": [{"variant_id": 1, "sku": "A", "quantity": 1}]})
    expensive = "{ orders(first: 100) { nodes { id lineItems(first: 5) { nodes { sku } } } } }"
    # 2 + 100 × (1 + 2 + 5) = 802 points: two fit the 2000-point bucket, the third does not
    first = json.loads(shopify.GraphQL().execute(expensive))
    json.loads(shopify.GraphQL().execute(expensive))
    throttled = json.loads(shopify.GraphQL().execute(expensive))

    assert first["extensions"]["cost"]["requestedQueryCost"] == 802
    too_big = json.loads(
        shopify.GraphQL().execute(
            "{ orders(first: 250) { nodes { id lineItems(first: 5) { nodes { sku } } } } }"
        )
    )
    assert too_big["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert throttled["extensions"]["cost"]["actualQueryCost"] is None
    assert first["extensions"]["cost"]["actualQueryCost"] == 802  # 100 orders came back
    # REST has its own bucket: still served
    assert shopify.Shop.current().name == "Mock Shop"
    # the bucket restores 100 points a second (the mock's clock moves, nobody waits)
    server.app.clock_offset += 20
    assert "errors" not in json.loads(shopify.GraphQL().execute(expensive))


def test_a_rest_burst_fills_the_leaky_bucket_and_gets_429(shop, server):
    _session(shop)
    server.app.freeze(True)  # the bucket does not leak during the burst
    statuses = []
    for _ in range(45):
        try:
            shopify.Shop.current()
            statuses.append(200)
        except ClientError as exc:
            statuses.append(exc.response.code)
            retry_after = exc.response.headers["Retry-After"]

    assert statuses.count(200) == 40
    assert set(statuses[40:]) == {429}
    assert float(retry_after) >= 1.0


def test_malformed_json_bodies_get_shopify_400s(shop):
    _session(shop)
    site = shopify.ShopifyResource.get_site()
    request = urllib.request.Request(  # noqa: S310 - the local mock
        f"{site}/graphql.json",
        data=b'{"query": ',
        headers={"X-Shopify-Access-Token": SHOPIFY_TOKEN, "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - the local mock

    assert exc.value.code == 400
    assert (
        json.loads(exc.value.read())["errors"]["query"] == "Required parameter missing or invalid"
    )
