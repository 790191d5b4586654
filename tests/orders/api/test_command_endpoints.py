import pytest

from inventory.models import InventoryBalance
from orders.models import FulfillmentRequest, Hold
from tests.factories.warehouse import BinFactory
from tests.orders.api.conftest import token_client
from tests.orders.builders import capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_cancel_lines_through_the_api(shop, shop_client):
    order = capture(shop, [("TEE-1", 3)])
    line = order.lines.get()

    response = shop_client.post(
        f"{URL}{order.number}/cancel/",
        {"reason": "oops", "lines": [{"line_id": line.pk, "quantity": 2}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity_cancelled"] == 2
    assert InventoryBalance.objects.get(product__sku="TEE-1").committed == 1


def test_cancel_after_picking_is_409_with_the_reason(shop, shop_client):
    from orders import services as orders_services
    from tests.orders.builders import SYSTEM

    order = capture(shop, [("TEE-1", 1)])
    frl = FulfillmentRequest.objects.get(order=order).lines.get()
    orders_services.fulfillment_line_picked(line_id=frl.pk, quantity=1, actor=SYSTEM)

    response = shop_client.post(f"{URL}{order.number}/cancel/", {"reason": "late"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_picked"


def test_address_and_line_edits_through_the_api(shop, cs_client):
    order = capture(shop, [("TEE-1", 1)])
    line = order.lines.get()
    address = {
        "name": "B",
        "line1": "2 Infinite Loop",
        "city": "Cupertino",
        "region": "CA",
        "postal_code": "95014",
        "country": "US",
    }

    assert (
        cs_client.post(
            f"{URL}{order.number}/address/", {"shipping_address": address}, format="json"
        ).status_code
        == 200
    )
    response = cs_client.post(
        f"{URL}{order.number}/lines/",
        {
            "changes": [{"line_id": line.pk, "quantity": 2}],
            "add": [{"sku": "CAP-1", "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [(r["sku"], r["quantity"]) for r in response.json()["lines"]] == [
        ("TEE-1", 2),
        ("CAP-1", 1),
    ]


def test_holds_place_and_release_are_ops_only(shop, ops_client, cs_client):
    order = capture(shop, [("TEE-1", 1)])
    assert (
        cs_client.post(f"{URL}{order.number}/holds/", {"reason": "x"}, format="json").status_code
        == 403
    )

    placed = ops_client.post(
        f"{URL}{order.number}/holds/", {"reason": "check", "kind": "manual"}, format="json"
    )
    assert placed.status_code == 201
    assert ops_client.get(f"{URL}{order.number}/").json()["status"] == "on_hold"

    released = ops_client.post(
        f"{URL}{order.number}/holds/{placed.json()['id']}/release/", {"note": "fine"}, format="json"
    )
    assert released.status_code == 200
    assert released.json()["status"] == "released"
    assert Hold.objects.get().release_note == "fine"


def test_payment_endpoint_releases_the_payment_hold(shop, shop_client):
    order = capture(shop, [("TEE-1", 1)], payment_status="pending")
    response = shop_client.post(
        f"{URL}{order.number}/payment/", {"payment_status": "captured"}, format="json"
    )
    assert response.json()["status"] == "released"


def test_timeline_and_notes(shop, cs_client):
    order = capture(shop, [("TEE-1", 1)])
    assert (
        cs_client.post(
            f"{URL}{order.number}/notes/", {"text": "called customer"}, format="json"
        ).status_code
        == 201
    )
    events = cs_client.get(f"{URL}{order.number}/timeline/").json()
    assert events[0]["kind"] == "created"
    assert events[-1] == events[-1] | {
        "kind": "note",
        "message": "called customer",
        "actor": "customer_service-user",
    }
    assert any(e["kind"] == "routed" for e in events)


def test_ats_for_many_skus(shop, shop_client):
    capture(shop, [("TEE-1", 5)])
    response = shop_client.get("/api/v1/ats/", {"skus": "TEE-1,CAP-1,NOPE"})
    assert response.status_code == 200
    assert response.json() == {
        "channel": "shop-a",
        "items": [
            {"sku": "TEE-1", "available_to_sell": 15},
            {"sku": "CAP-1", "available_to_sell": 20},
        ],
        "unknown_skus": ["NOPE"],
    }
    assert shop_client.get("/api/v1/ats/").status_code == 400


def test_reservation_api_create_read_release(shop, shop_client):
    created = shop_client.post(
        "/api/v1/reservations/",
        {"lines": [{"sku": "TEE-1", "quantity": 4}], "ttl_seconds": 300},
        format="json",
    )
    assert created.status_code == 201, created.json()
    token = created.json()["token"]
    assert created.json()["lines"] == [{"sku": "TEE-1", "warehouse": "API1", "quantity": 4}]
    other = token_client(channel(warehouse("API9"), code="other"))
    assert other.get(f"/api/v1/reservations/{token}/").status_code == 404
    assert shop_client.post(f"/api/v1/reservations/{token}/release/").json()["status"] == "released"
    too_many = shop_client.post(
        "/api/v1/reservations/", {"lines": [{"sku": "TEE-1", "quantity": 99}]}, format="json"
    )
    assert too_many.status_code == 409


def test_move_fulfillment_request_through_the_api(ops_client, warehouse_client):
    w1, w2 = warehouse("MV1"), warehouse("MV2")
    a = product("MV-A")
    stock(a, w1, 2)
    stock(a, w2, 2)
    order = capture(channel(w1, w2), [("MV-A", 2)])
    fr = FulfillmentRequest.objects.get(order=order)

    assert warehouse_client.get("/api/v1/fulfillment-requests/").status_code == 200
    assert (
        warehouse_client.post(
            f"/api/v1/fulfillment-requests/{fr.number}/move/", {"warehouse": "MV2"}
        ).status_code
        == 403
    )
    response = ops_client.post(
        f"/api/v1/fulfillment-requests/{fr.number}/move/", {"warehouse": "MV2"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["warehouse"] == "MV2"
    assert (
        ops_client.post(
            f"/api/v1/fulfillment-requests/{fr.number}/move/", {"warehouse": "NOPE"}, format="json"
        ).status_code
        == 400
    )


def test_return_through_the_api(ops_client, warehouse_client):
    from inventory import services as inventory_services
    from orders import services as orders_services
    from tests.orders.builders import SYSTEM, pick_bin

    wh = warehouse("RA1")
    BinFactory(warehouse=wh, code="RA1-Q", bin_type="quarantine")
    stock(product("RA-A"), wh, 3)
    order = capture(channel(wh), [("RA-A", 1)])
    fr = FulfillmentRequest.objects.get(order=order)
    inventory_services.stock_consume(
        commitment_id=fr.lines.get().commitment_id, from_bin=pick_bin(wh), quantity=1, actor=SYSTEM
    )
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=1,
        carrier="MOCK",
        tracking_number="RA",
        lines=[(fr.lines.get().pk, 1)],
        actor=SYSTEM,
    )

    rma = ops_client.post(
        f"{URL}{order.number}/returns/",
        {"reason": "broken", "lines": [{"line_id": order.lines.get().pk, "quantity": 1}]},
        format="json",
    ).json()
    number = rma["number"]
    assert ops_client.post(f"/api/v1/returns/{number}/approve/").json()["status"] == "approved"
    line_id = rma["lines"][0]["id"]
    received = warehouse_client.post(
        f"/api/v1/returns/{number}/receive/",
        {"warehouse": "RA1", "lines": [{"return_line_id": line_id, "quantity": 1}]},
        format="json",
    )
    assert received.json()["status"] == "received"
    done = warehouse_client.post(
        f"/api/v1/returns/{number}/disposition/",
        {"lines": [{"return_line_id": line_id, "disposition": "restock"}]},
        format="json",
    )
    assert done.json()["status"] == "dispositioned"
    assert InventoryBalance.objects.get(product__sku="RA-A").available == 3
    # a second receipt is refused with 409, not 500
    again = warehouse_client.post(
        f"/api/v1/returns/{number}/receive/",
        {"warehouse": "RA1", "lines": [{"return_line_id": line_id, "quantity": 1}]},
        format="json",
    )
    assert again.status_code == 409


def test_unknown_order_is_404(shop_client):
    assert shop_client.get(f"{URL}SO-NOPE/").status_code == 404
    assert (
        shop_client.post(f"{URL}SO-NOPE/cancel/", {"reason": "x"}, format="json").status_code == 404
    )
