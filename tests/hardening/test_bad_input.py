# ruff: noqa: F811 - the channel fixtures are imported from tests/channels_sync/conftest.py
"""Bad input is refused with a clear error and changes nothing.

Each test snapshots the whole database (the row count of every model plus the stock figures),
sends one kind of bad input through its real entry point — signed webhooks, the CSV import
command, the WMS scan API — and checks the answer names the problem and the snapshot is equal.
"""

import base64
import hashlib
import hmac
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum

from inventory.models import InventoryBalance, StockLevel
from orders import services as order_services
from shipping import services as shipping_services
from tests.channels_sync.conftest import (  # noqa: F401 - fixtures used below
    listed,
    pick_bin,
    shopify,
    shopify_channel,
    shopify_server,
    warehouse,
    woo,
    woo_channel,
    woo_server,
)
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.scenarios import stocked
from tests.warehouse.builders import SYSTEM, bin_of, box_types, product
from tests.warehouse.builders import warehouse as make_warehouse

pytestmark = pytest.mark.django_db


def snapshot():
    """Row counts of every model, and the stock figures that a half-write would move."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}
    counts["stock"] = tuple(
        StockLevel.objects.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved")).values()
    )
    counts["balances"] = tuple(
        InventoryBalance.objects.aggregate(
            on_hand=Sum("on_hand"), committed=Sum("committed"), unavailable=Sum("unavailable")
        ).values()
    )
    return counts


def _error(response):
    body = response.json()
    return body.get("error", body)


def _sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# --- channel webhooks ------------------------------------------------------------------------


@pytest.fixture
def shop(shopify, warehouse, pick_bin):
    channel = shopify_channel(shopify, warehouse)
    item = listed(channel)
    stocked(item, pick_bin, 10)
    channel.variant_id = 8000 + item.pk  # what `listed` maps to the product
    return channel


@pytest.fixture
def woo_shop(woo, warehouse, pick_bin):
    channel = woo_channel(woo, warehouse)
    stocked(listed(channel, external_variant_id=""), pick_bin, 10)
    return channel


GOOD_SHAPE = {"id": 1, "line_items": [{"variant_id": 1, "quantity": 1, "price": "1.00"}]}


@pytest.mark.parametrize(
    ("case", "body", "signature", "status", "words"),
    [
        ("bad signature", json.dumps(GOOD_SHAPE).encode(), "bm9wZQ==", 401, "signature"),
        ("no signature", json.dumps(GOOD_SHAPE).encode(), "", 401, "signature"),
        ("not JSON", b"{'id': 1,", None, 400, "json"),
        ("JSON but not an object", b"[1, 2, 3]", None, 400, ""),
        ("no line items", json.dumps({"id": 5, "line_items": []}).encode(), None, 400, "line"),
        (
            "no order id",
            json.dumps({"line_items": GOOD_SHAPE["line_items"]}).encode(),
            None,
            400,
            "id",
        ),
        (
            "quantity not a number",
            json.dumps({"id": 6, "line_items": [{"variant_id": "V", "quantity": "lots"}]}).encode(),
            None,
            400,
            "quantity",
        ),
        (
            "negative quantity",
            json.dumps({"id": 7, "line_items": [{"variant_id": "V", "quantity": -2}]}).encode(),
            None,
            400,
            "quantity",
        ),
        ("empty body", b"", None, 400, ""),
    ],
)
def test_bad_shopify_webhooks_are_refused_and_write_nothing(
    anon_client, shop, case, body, signature, status, words
):
    body = body.replace(b'"V"', str(shop.variant_id).encode())  # the listed variant
    before = snapshot()
    headers = {"HTTP_X_SHOPIFY_EVENT_ID": f"bad-{case}", "HTTP_X_SHOPIFY_TOPIC": "orders/create"}
    if signature != "":
        headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = signature or _sign(shop.webhook_secret, body)

    response = anon_client.post(
        f"/api/v1/channel-webhooks/{shop.code}/",
        data=body,
        content_type="application/json",
        **headers,
    )

    assert response.status_code == status, (case, response.content)
    assert words.lower() in json.dumps(_error(response)).lower(), (case, response.content)
    assert snapshot() == before, case


def test_bad_woocommerce_webhooks_are_refused_and_write_nothing(anon_client, woo_shop):
    before = snapshot()
    good = json.dumps({"id": 9, "line_items": []}).encode()
    for body, signature, status in (
        (good, _sign("not-the-secret", good), 401),
        (b"<order/>", None, 400),
        (good, None, 400),  # no lines
    ):
        response = anon_client.post(
            f"/api/v1/channel-webhooks/{woo_shop.code}/",
            data=body,
            content_type="application/json",
            HTTP_X_WC_WEBHOOK_SIGNATURE=signature or _sign(woo_shop.webhook_secret, body),
            HTTP_X_WC_WEBHOOK_TOPIC="order.created",
        )
        assert response.status_code == status, response.content
        assert _error(response)
    assert snapshot() == before


def test_webhook_for_an_unknown_channel_is_404_and_writes_nothing(anon_client, shop):
    before = snapshot()
    response = anon_client.post(
        "/api/v1/channel-webhooks/no-such-shop/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert snapshot() == before


# --- carrier tracking webhook --------------------------------------------------------------


def test_bad_carrier_webhooks_are_refused_and_write_nothing(anon_client, db):
    carrier = shipping_services.carriers_ensure_defaults()
    carrier = carrier[0] if isinstance(carrier, list | tuple) else carrier
    url = "/api/v1/carrier-webhooks/MOCK/"
    before = snapshot()
    event = {
        "description": "tracker.updated",
        "result": {"tracking_code": "1ZNOSUCH", "status": "in_transit", "tracking_details": []},
    }
    body = json.dumps(event).encode()
    for data, signature in (
        (body, "hmac-sha256-hex=00"),  # wrong signature
        (body, ""),  # none
        (b"not json", None),
    ):
        headers = {}
        if signature != "":
            headers["HTTP_X_HMAC_SIGNATURE"] = (
                signature or "hmac-sha256-hex=" + hmac.new(b"", data, hashlib.sha256).hexdigest()
            )
        response = anon_client.post(url, data=data, content_type="application/json", **headers)
        assert response.status_code in (400, 401, 403, 404), response.content
    assert snapshot() == before


# --- CSV import -----------------------------------------------------------------------------

GOOD_ROWS = [
    "external_id,sku,quantity,email,name,ship_line1,ship_city,ship_postal_code,ship_country",
    "CSV-1,CSV-A,1,a@example.com,Ada,1 Main St,Springfield,62701,US",
    "CSV-1,CSV-A,2,a@example.com,Ada,1 Main St,Springfield,62701,US",
    "CSV-2,CSV-A,1,b@example.com,Bob,1 Main St,Springfield,62701,US",
]


@pytest.fixture
def csv_channel(warehouse, pick_bin):
    channel = channel_with_warehouses(warehouse, code="csv-shop")
    stocked(product("CSV-A"), pick_bin, 20)
    return channel


@pytest.mark.parametrize(
    ("case", "content", "words"),
    [
        ("missing required column", "external_id,quantity\nX-1,1\n", "sku"),
        (
            "one bad row among good ones",
            "\n".join([*GOOD_ROWS, "CSV-3,CSV-A,minus one,c@example.com,C,1 Main,S,1,US"]) + "\n",
            "quantity",
        ),
        (
            "bad country among good rows",
            "\n".join([*GOOD_ROWS, "CSV-4,CSV-A,1,,,,,,USA"]) + "\n",
            "country",
        ),
        ("empty file", "", "missing column"),
        ("header only", GOOD_ROWS[0] + "\n", "no order rows"),
    ],
)
def test_bad_csv_imports_are_refused_whole_and_write_nothing(
    tmp_path, csv_channel, case, content, words
):
    path = tmp_path / "orders.csv"
    path.write_text(content)
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "orders_import_csv",
            str(path),
            "--channel",
            csv_channel.code,
            "--no-progress",
            stdout=out,
            stderr=err,
        )

    said = (str(refused.value) + out.getvalue() + err.getvalue()).lower()
    assert words in said, said
    assert snapshot() == before, case


def test_a_csv_that_is_not_utf8_is_refused_and_writes_nothing(tmp_path, csv_channel):
    path = tmp_path / "orders.csv"
    path.write_bytes("external_id,sku,quantity\nÄ-1,CSV-A,1\n".encode("utf-16"))
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("orders_import_csv", str(path), "--channel", csv_channel.code, "--no-progress")
    assert "utf-8" in str(refused.value).lower()
    assert snapshot() == before


# --- scans ----------------------------------------------------------------------------------


@pytest.fixture
def floor(db):
    """A released wave with one pick line of 2 × TEE from A-02-03-1 into a tote."""
    wh = make_warehouse()
    shipping_services.carriers_ensure_defaults()
    box_types()
    ch = channel_with_warehouses(wh)
    tee = product("TEE", barcode="0001")
    product("CAP", barcode="0002")
    stocked(tee, bin_of(wh, "A-02-03-1"), 5)
    order_services.order_capture(channel_id=ch.pk, data=payload([("TEE", 2)]), actor=SYSTEM)
    return wh


def _post(client, url, data):
    return client.post(url, data, format="json")


def test_wrong_scans_while_picking_are_refused_and_change_nothing(warehouse_client, floor):
    wave = _post(warehouse_client, "/api/v1/wms/waves/create/", {"warehouse": floor.code}).json()
    pick_list = wave["pick_lists"][0]
    step = warehouse_client.get(f"/api/v1/wms/pick-lists/{pick_list}/next/").json()["data"]
    line = step["pick_line_id"]
    good = {
        "bin_code": step["bin"],
        "item_code": "0001",
        "quantity": 2,
        "tote_code": step["tote"],
    }
    before = snapshot()
    cases = [
        ("scan-bin", {"bin_code": "A-01-01-1"}, 409, "wrong_bin"),
        ("scan-bin", {"bin_code": "NOPE-99"}, (404, 409), ""),
        ("scan-item", {"bin_code": step["bin"], "item_code": "0002"}, 409, ""),
        ("confirm", {**good, "bin_code": "A-01-01-1"}, 409, "wrong_bin"),
        ("confirm", {**good, "item_code": "0002"}, 409, ""),
        ("confirm", {**good, "item_code": "UNKNOWN-CODE"}, (404, 409), ""),
        ("confirm", {**good, "quantity": 3}, (400, 409), ""),
        ("confirm", {**good, "quantity": -1}, 400, ""),
        ("confirm", {**good, "quantity": "two"}, 400, ""),
        ("confirm", {**good, "tote_code": "T-NOT-MINE"}, (400, 404, 409), ""),
        ("confirm", {"bin_code": step["bin"]}, 400, ""),
        ("short", {"bin_code": step["bin"], "quantity_found": -5}, 400, ""),
    ]
    for action, body, status, code in cases:
        r = _post(warehouse_client, f"/api/v1/wms/picks/{line}/{action}/", body)
        allowed = status if isinstance(status, tuple) else (status,)
        assert r.status_code in allowed, (action, body, r.status_code, r.content)
        error = _error(r)
        assert error.get("message"), (action, body, r.content)
        if code:
            assert error["code"] == code
    assert snapshot() == before

    # the right scan still works afterwards, and a finished line refuses a second pick
    assert (
        _post(warehouse_client, f"/api/v1/wms/picks/{line}/confirm/", good).json()["step"] == "done"
    )
    after_pick = snapshot()
    r = _post(warehouse_client, f"/api/v1/wms/picks/{line}/confirm/", {**good, "scan_id": "late"})
    assert r.status_code in (400, 409)
    assert snapshot() == after_pick


def test_wrong_item_at_the_packing_station_is_refused_and_changes_nothing(warehouse_client, floor):
    wave = _post(warehouse_client, "/api/v1/wms/waves/create/", {"warehouse": floor.code}).json()
    pick_list = wave["pick_lists"][0]
    step = warehouse_client.get(f"/api/v1/wms/pick-lists/{pick_list}/next/").json()["data"]
    _post(
        warehouse_client,
        f"/api/v1/wms/picks/{step['pick_line_id']}/confirm/",
        {"bin_code": step["bin"], "item_code": "0001", "quantity": 2, "tote_code": step["tote"]},
    )
    package = _post(
        warehouse_client, "/api/v1/wms/pack/start/", {"warehouse": floor.code, "code": step["tote"]}
    ).json()["data"]["package_id"]
    before = snapshot()
    for body in ({"item_code": "0002"}, {"item_code": "NO-SUCH"}, {}):
        r = _post(warehouse_client, f"/api/v1/wms/packages/{package}/scan-item/", body)
        assert r.status_code in (400, 404, 409), (body, r.content)
        assert _error(r).get("message")
    for body in ({"weight_g": -5}, {"weight_g": "heavy"}):
        r = _post(warehouse_client, f"/api/v1/wms/packages/{package}/weight/", body)
        assert r.status_code == 400, (body, r.content)
    r = _post(warehouse_client, f"/api/v1/wms/packages/{package}/ship/", {})
    assert r.status_code == 409  # not packed yet
    r = _post(warehouse_client, "/api/v1/wms/pack/start/", {"warehouse": floor.code, "code": "??"})
    assert r.status_code in (404, 409)
    assert snapshot() == before


def test_bad_moves_receipts_and_counts_are_refused_and_change_nothing(
    warehouse_client, supervisor_client, floor
):
    before = snapshot()
    move = {
        "warehouse": floor.code,
        "from_bin": "A-02-03-1",
        "item_code": "0001",
        "quantity": 99,
        "to_bin": "A-01-01-1",
    }
    for body, status in (
        (move, 409),  # more than on hand
        ({**move, "quantity": 0}, 400),
        ({**move, "quantity": -1}, 400),
        ({**move, "to_bin": "NOWHERE"}, (400, 404, 409)),
        ({**move, "item_code": "NO-SUCH"}, (400, 404, 409)),
        ({**move, "warehouse": "NO-WH"}, (400, 404)),
    ):
        r = _post(warehouse_client, "/api/v1/wms/moves/", body)
        allowed = status if isinstance(status, tuple) else (status,)
        assert r.status_code in allowed, (body, r.content)
        assert _error(r).get("message")

    r = _post(
        warehouse_client,
        "/api/v1/wms/counts/request/",
        {"warehouse": floor.code, "bin_code": "A-02-03-1"},
    )
    count_id = r.json()["data"]["count_id"]
    after_request = snapshot()
    for body in (
        {"counted": [{"code": "0001", "quantity": -3}]},
        {"counted": [{"code": "0001", "quantity": "many"}]},
        {"counted": "everything"},
        {"counted": [{"code": "NO-SUCH", "quantity": 1}]},
    ):
        r = _post(warehouse_client, f"/api/v1/wms/counts/{count_id}/submit/", body)
        assert r.status_code in (400, 404, 409), (body, r.content)
        assert _error(r).get("message")
    assert snapshot() == after_request
    assert after_request["stock"] == before["stock"]

    for body in ({"lines": "nope"}, {"warehouse": "NO-WH", "lines": []}):
        r = _post(supervisor_client, "/api/v1/wms/inbound/", body)
        assert r.status_code == 400, (body, r.content)
    assert snapshot() == after_request
