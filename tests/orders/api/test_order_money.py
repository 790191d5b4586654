"""The REST API takes and gives the whole money breakdown (issue 11 item 1), keeps lines that
need no shipping (item 2) and records marketplace-fulfilled orders (item 4)."""

from decimal import Decimal

import pytest

from orders.models import FulfillmentRequest, Order
from tests.orders.builders import payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def _breakdown(**overrides):
    body = payload([])
    body.update(
        lines=[
            {
                "sku": "TEE-1",
                "quantity": 2,
                "unit_price": "25.00",
                "discount_allocations": [
                    {"amount": "5.00", "code": "SAVE10", "kind": "discount_code"}
                ],
                "tax_lines": [{"title": "State tax", "rate": "0.0825", "amount": "3.71"}],
            },
            {
                "sku": "CAP-1",
                "quantity": 1,
                "unit_price": "40.00",
                "discount_allocations": [{"amount": "4.00", "code": "SAVE10"}],
                "tax_lines": [{"title": "State tax", "rate": "0.0825", "amount": "2.97"}],
            },
            {
                "sku": "",
                "name": "Gift card",
                "kind": "gift_card",
                "requires_shipping": False,
                "quantity": 1,
                "unit_price": "20.00",
            },
        ],
        shipping_lines=[
            {"title": "Standard", "code": "std", "price": "10.00", "discount": "10.00"},
            {
                "title": "Oversize",
                "price": "6.00",
                "tax_lines": [{"title": "State tax", "amount": "0.50"}],
            },
        ],
        discount_applications=[{"type": "discount_code", "code": "SAVE10", "value": "10"}],
        items_total="110.00",
        subtotal="101.00",
        discount_total="19.00",
        shipping_total="16.00",
        shipping_discount_total="10.00",
        tax_total="7.18",
        total="114.18",
    )
    body.update(overrides)
    return body


def test_an_order_with_its_breakdown_is_stored_and_returned_as_sent(shop_client):
    # when a channel posts an order whose parts add up
    response = shop_client.post(URL, _breakdown(), format="json")

    # then it is stored to the cent and the detail shows the same breakdown
    assert response.status_code == 201, response.json()
    body = shop_client.get(f"{URL}{response.json()['number']}/").json()
    assert {k: body[k] for k in ("items_total", "subtotal", "discount_total", "total")} == {
        "items_total": "110.00",
        "subtotal": "101.00",
        "discount_total": "19.00",
        "total": "114.18",
    }
    assert (body["shipping_total"], body["shipping_discount_total"], body["tax_total"]) == (
        "16.00",
        "10.00",
        "7.18",
    )
    assert [s["price"] for s in body["shipping_lines"]] == ["10.00", "6.00"]
    assert body["lines"][0]["discount_allocations"][0]["code"] == "SAVE10"
    assert body["lines"][0]["tax_lines"][0] == {
        "title": "State tax",
        "rate": "0.0825",
        "amount": "3.71",
    }
    assert body["discount_applications"][0]["code"] == "SAVE10"
    # the gift card is kept for the money and never reaches the warehouse
    gift = body["lines"][2]
    assert (gift["kind"], gift["requires_shipping"], gift["quantity_allocated"]) == (
        "gift_card",
        False,
        0,
    )
    assert body["status"] == "released"
    assert not [h for h in body["holds"] if h["kind"] == "unknown_sku"]
    order = Order.objects.get(number=body["number"])
    assert order.total == Decimal("114.18")
    assert sorted(
        ln.order_line.sku for fr in order.fulfillment_requests.all() for ln in fr.lines.all()
    ) == ["CAP-1", "TEE-1"]


def test_a_body_whose_parts_do_not_add_up_is_refused_naming_the_fields(shop_client):
    # when the total, the discount and a line's tax contradict their parts
    body = _breakdown(total="120.00", discount_total="18.00")
    body["lines"][0]["tax_total"] = "3.00"

    response = shop_client.post(URL, body, format="json")

    # then nothing is written and the answer names each field
    assert response.status_code == 400, response.json()
    fields = response.json()["error"]["fields"]
    assert {"total", "discount_total", "lines[0].tax_total"} <= set(fields)
    assert Order.objects.count() == 0


def test_amounts_keep_each_currencys_exponent(shop_client):
    # a yen order has no minor unit, a dinar order three decimals
    yen = payload([("TEE-1", 3)], currency="JPY", shipping_total="800", total="4400")
    yen["lines"][0]["unit_price"] = "1200"
    dinar = payload([("TEE-1", 2)], currency="KWD", shipping_total="1.500", total="11.000")
    dinar["lines"][0]["unit_price"] = "4.750"

    jp = shop_client.post(URL, yen, format="json")
    kw = shop_client.post(URL, dinar, format="json")

    assert (jp.status_code, kw.status_code) == (201, 201), (jp.json(), kw.json())
    assert (jp.json()["total"], jp.json()["lines"][0]["unit_price"]) == ("4400", "1200")
    assert (kw.json()["total"], kw.json()["lines"][0]["unit_price"]) == ("11.000", "4.750")
    # more decimals than the currency has are refused
    bad = payload([("TEE-1", 1)], currency="JPY")
    bad["lines"][0]["unit_price"] = "1200.50"
    refused = shop_client.post(URL, bad, format="json")
    assert refused.status_code == 400
    assert "lines[0].unit_price" in refused.json()["error"]["fields"]


def test_a_marketplace_fulfilled_order_is_recorded_and_never_fulfilled(shop_client):
    response = shop_client.post(URL, payload([("TEE-1", 1)], fulfilled_by="channel"), format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["status"], response.json()["fulfilled_by"]) == (
        "nothing_to_ship",
        "channel",
    )
    assert not FulfillmentRequest.objects.exists()


def test_the_schema_shows_the_money_fields(shop_client):
    schema = shop_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    create = schema["OrderCreateInputRequest"]["properties"]
    for field in ("discount_total", "shipping_lines", "tax_lines", "duties", "prices_include_tax"):
        assert field in create
    order = schema["Order"]["properties"]
    for field in ("items_total", "discount_total", "presentment_currency", "shipping_lines"):
        assert field in order
    line = schema["OrderLine"]["properties"]
    for field in ("discount_allocations", "tax_lines", "requires_shipping", "kind"):
        assert field in line
