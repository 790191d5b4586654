import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import IdempotencyKey, Order
from orders.services import idempotency
from tests.orders.api.conftest import token_client
from tests.orders.builders import capture, channel, payload, warehouse

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_channel_creates_an_order_and_reads_it(shop_client):
    # when
    response = shop_client.post(URL, payload([("TEE-1", 2)], external_id="W-1"), format="json")

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "released"
    assert body["channel"] == "shop-a"
    assert body["lines"][0]["quantity_allocated"] == 2
    assert body["fulfillment_requests"][0]["warehouse"] == "API1"
    assert shop_client.get(f"{URL}{body['number']}/").json()["external_id"] == "W-1"


def test_same_idempotency_key_and_body_replays_the_first_response(shop_client):
    body = payload([("TEE-1", 1)], external_id="W-2")
    first = shop_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    second = shop_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(external_id="W-2").count() == 1


def test_same_idempotency_key_with_a_different_body_is_refused_with_422(shop_client):
    shop_client.post(
        URL, payload([("TEE-1", 1)], external_id="W-3"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    response = shop_client.post(
        URL, payload([("TEE-1", 5)], external_id="W-3b"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert not Order.objects.filter(external_id="W-3b").exists()


def test_duplicate_in_flight_is_refused_with_409(shop_client):
    # given another process has claimed the key and is still working on it
    body = payload([("TEE-1", 1)], external_id="W-4")
    fingerprint = idempotency.request_fingerprint(method="POST", path=URL, body=body)
    idempotency.idempotency_begin(
        scope=f"channel:{shop_client.channel.pk}", key="k-3", request_hash=fingerprint
    )

    response = shop_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_flight"
    assert not Order.objects.filter(external_id="W-4").exists()


def test_keys_are_scoped_per_client_and_stored_in_the_database(shop, shop_client):
    other = token_client(channel(warehouse("API2"), code="shop-b"))
    shop_client.post(
        URL, payload([("TEE-1", 1)], external_id="W-5"), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    response = other.post(
        URL, payload([("TEE-1", 1)], external_id="W-5"), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.status_code == 201
    assert IdempotencyKey.objects.filter(key="same").count() == 2


def test_duplicate_external_id_returns_the_existing_order(shop_client):
    first = shop_client.post(URL, payload([("TEE-1", 1)], external_id="W-6"), format="json")

    again = shop_client.post(URL, payload([("TEE-1", 3)], external_id="W-6"), format="json")

    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Order.objects.filter(external_id="W-6").count() == 1


@pytest.mark.parametrize(
    ("_case", "body", "field"),
    [
        ("no lines", {"lines": []}, "lines"),
        ("zero quantity", {"lines": [{"sku": "TEE-1", "quantity": 0}]}, "lines"),
        ("text quantity", {"lines": [{"sku": "TEE-1", "quantity": "many"}]}, "lines"),
        ("bad payment status", {"payment_status": "maybe"}, "payment_status"),
        ("address not an object", {"shipping_address": "nowhere"}, "shipping_address"),
        (
            "negative price",
            {"lines": [{"sku": "TEE-1", "quantity": 1, "unit_price": "-1"}]},
            "lines",
        ),
    ],
)
def test_bad_input_gets_400_with_field_messages(shop_client, _case, body, field):
    data = payload([("TEE-1", 1)])
    data.update(body)
    response = shop_client.post(URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Order.objects.count() == 0


def test_channel_token_sees_only_its_own_orders(shop, shop_client):
    # given an order in another channel
    other_channel = channel(warehouse("API3"), code="shop-c")
    theirs = capture(other_channel, [("TEE-1", 1)])
    mine = capture(shop, [("TEE-1", 1)])

    listing = shop_client.get(URL).json()["results"]
    assert [o["number"] for o in listing] == [mine.number]
    assert shop_client.get(f"{URL}{theirs.number}/").status_code == 404
    assert (
        shop_client.post(
            f"{URL}{theirs.number}/cancel/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    # ops see both
    assert ops_count(theirs, mine) == 2


def ops_count(*orders):
    return Order.objects.filter(pk__in=[o.pk for o in orders]).count()


def test_ops_see_all_orders_and_must_name_the_channel_to_create(ops_client, shop):
    capture(shop, [("TEE-1", 1)])
    assert len(ops_client.get(URL).json()["results"]) == 1
    missing = ops_client.post(URL, payload([("TEE-1", 1)]), format="json")
    assert missing.status_code == 400
    ok = ops_client.post(URL, payload([("TEE-1", 1)], channel="shop-a"), format="json")
    assert ok.status_code == 201


def test_anonymous_and_warehouse_staff_cannot_read_orders(anon_client, warehouse_client, shop):
    assert anon_client.get(URL).status_code in (401, 403)
    assert warehouse_client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=released", ["A", "B"]),
        ("sku=CAP-1", ["B"]),
        ("email=bob@example.com", ["B"]),
        ("email=BOB@Example.COM", ["B"]),
        ("channel=shop-a", ["A", "B"]),
        ("channel=nope", []),
    ],
)
def test_list_filters(ops_client, shop, query, expected):
    capture(shop, [("TEE-1", 1)], external_id="A")
    capture(
        shop, [("TEE-1", 1), ("CAP-1", 1)], external_id="B", customer={"email": "bob@example.com"}
    )
    got = ops_client.get(f"{URL}?{query}").json()["results"]
    assert sorted(o["external_id"] for o in got) == expected


def test_list_date_range_and_number_filters(ops_client, shop):
    order = capture(shop, [("TEE-1", 1)])
    after = order.created_at.isoformat().replace("+00:00", "Z")
    assert len(ops_client.get(URL, {"created_after": after}).json()["results"]) == 1
    assert ops_client.get(URL, {"created_before": after}).json()["results"] == []
    assert (
        ops_client.get(URL, {"number": order.number}).json()["results"][0]["number"] == order.number
    )
    lower = ops_client.get(URL, {"number": order.number.lower()}).json()["results"]
    assert [o["number"] for o in lower] == [order.number]


def _mixed_orders(shop, n):
    # alternate released orders (with fulfillment requests) and held ones (with holds), so
    # every page exercises every prefetch
    for i in range(n):
        capture(
            shop,
            [("TEE-1", 1), ("CAP-1", 1)],
            external_id=f"Q-{i}",
            payment_status="captured" if i % 2 else "pending",
        )


def test_list_runs_a_constant_number_of_queries_whatever_the_page_size(shop, shop_client):
    _mixed_orders(shop, 12)

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = shop_client.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    assert count(2) == count(10) == count(12)


def test_list_query_count_is_pinned(shop, shop_client, django_assert_num_queries):
    _mixed_orders(shop, 6)
    # token, the page's rows, their channels' codes: a list row is lean (no nested detail)
    with django_assert_num_queries(3):
        shop_client.get(URL, {"page_size": 2})
    with django_assert_num_queries(3):
        shop_client.get(URL, {"page_size": 6})
