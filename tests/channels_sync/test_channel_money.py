"""Channel orders keep the channel's money, every line, and marketplace fulfilment (issue 11
items 1, 2 and 4): real-format Shopify and WooCommerce documents delivered through the signed
webhook endpoint, SP-API orders through the poller against the mock Amazon; every stored figure
is compared with the document's own figures, to the cent (or yen, or fils).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from decimal import Decimal

import httpx
import pytest
from django.apps import apps

from channels_sync.services import marketplace_poll
from tests.channels_sync.conftest import amazon_channel, listed, shopify_channel, woo_channel
from tests.channels_sync.money_documents import (
    amazon_documents,
    shopify_documents,
    woo_documents,
)
from tests.factories.inventory import ProductFactory
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")
FulfillmentRequest = apps.get_model("orders", "FulfillmentRequest")
Commitment = apps.get_model("inventory", "Commitment")
StockMovement = apps.get_model("inventory", "StockMovement")
StockLevel = apps.get_model("inventory", "StockLevel")
InventoryBalance = apps.get_model("inventory", "InventoryBalance")

D = Decimal
LETTERS = "abcd"


def _sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _post(client, channel, doc, *, header, topic, n):
    body = json.dumps(doc).encode()
    extra = {
        "HTTP_X_SHOPIFY_HMAC_SHA256"
        if header == "shopify"
        else "HTTP_X_WC_WEBHOOK_SIGNATURE": _sign(channel.webhook_secret, body)
    }
    if header == "shopify":
        extra |= {"HTTP_X_SHOPIFY_TOPIC": topic, "HTTP_X_SHOPIFY_EVENT_ID": f"evt-{n}"}
    else:
        extra |= {"HTTP_X_WC_WEBHOOK_TOPIC": topic}
    return client.post(
        f"/api/v1/channel-webhooks/{channel.code}/",
        data=body,
        content_type="application/json",
        **extra,
    )


@pytest.fixture
def catalogue(warehouse, pick_bin):
    products = {letter: ProductFactory(sku=f"MUG-{letter.upper()}") for letter in LETTERS}
    for product in products.values():
        stocked(product, pick_bin, 50)
    return products


def _list_all(channel, catalogue):
    for product in catalogue.values():
        listed(channel, product)


def _detail(client, order):
    response = client.get(f"/api/v1/orders/{order.number}/")
    assert response.status_code == 200, response.content
    return response.json()


def _sum(values):
    return sum((D(str(v)) for v in values), D(0))


def _assert_amounts(api, order, expected):
    """Each expected figure (a document string or a Decimal) equals what the API shows and
    what the database holds, exactly; strings also keep the currency's own decimals."""
    for field, value in expected.items():
        assert D(api[field]) == D(str(value)), (field, api[field], value)
        assert getattr(order, field) == D(str(value)), (field, getattr(order, field), value)
        if isinstance(value, str):
            assert api[field] == value, (field, api[field], value)


def _shop(obj, key):
    return obj[f"{key}_set"]["shop_money"]["amount"]


def test_six_shopify_orders_keep_the_channels_money_and_every_line(
    anon_client, ops_client, shopify, warehouse, catalogue
):
    # given a Shopify channel listing the four products
    shop = shopify_channel(shopify, warehouse)
    _list_all(shop, catalogue)
    docs = shopify_documents(lambda letter: 8000 + catalogue[letter].pk)

    for n, doc in enumerate(docs):
        # when the signed orders/create webhook is delivered
        response = _post(anon_client, shop, doc, header="shopify", topic="orders/create", n=n)

        # then the order is captured with the document's own figures
        assert response.status_code == 200, response.content
        order = Order.objects.get(channel=shop, external_id=str(doc["id"]))
        api = _detail(ops_client, order)
        assert api["currency"] == doc["currency"]
        assert api["prices_include_tax"] is doc["taxes_included"]
        ship_discounts = _sum(
            a["amount"] for s in doc["shipping_lines"] for a in s["discount_allocations"]
        )
        _assert_amounts(
            api,
            order,
            {
                "items_total": _shop(doc, "total_line_items_price"),
                "subtotal": _shop(doc, "subtotal_price"),
                "discount_total": _shop(doc, "total_discounts"),
                "shipping_total": _sum(s["price"] for s in doc["shipping_lines"]),
                "shipping_discount_total": ship_discounts,
                "tax_total": _shop(doc, "total_tax"),
                "total": _shop(doc, "total_price"),
                "duties_total": D(
                    (doc.get("original_total_duties_set") or {}).get("shop_money", {}).get("amount")
                    or "0"
                ),
            },
        )
        assert D(api["current"]["total"]) == D(doc["current_total_price"])
        # every line is kept, with its price, allocations and taxes
        assert len(api["lines"]) == len(doc["line_items"])
        for line, item in zip(api["lines"], doc["line_items"], strict=True):
            assert line["unit_price"] == item["price"]
            assert line["quantity"] == item["quantity"]
            assert D(line["line_subtotal"]) == D(item["price"]) * item["quantity"]
            assert D(line["discount_total"]) == _sum(
                a["amount"] for a in item["discount_allocations"]
            )
            assert D(line["tax_total"]) == _sum(t["price"] for t in item["tax_lines"])
            assert [D(t["amount"]) for t in line["tax_lines"]] == [
                D(t["price"]) for t in item["tax_lines"]
            ]
            assert line["requires_shipping"] is (
                item["requires_shipping"] and not item["gift_card"]
            )
        for ours, theirs in zip(api["shipping_lines"], doc["shipping_lines"], strict=True):
            assert ours["price"] == theirs["price"]
            assert D(ours["price"]) - D(ours["discount"]) == D(theirs["discounted_price"])
            assert D(ours["tax_total"]) == _sum(t["price"] for t in theirs["tax_lines"])
        # the parts add up to the channel's total
        include = doc["taxes_included"]
        assert D(api["total"]) == (
            D(api["subtotal"])
            + D(api["shipping_total"])
            - D(api["shipping_discount_total"])
            + (0 if include else D(api["tax_total"]))
            + D(api["duties_total"])
        )

    by_id = {o.external_id: o for o in Order.objects.filter(channel=shop)}
    s1, s2, s3, s4, s5, s6 = (by_id[str(d["id"])] for d in docs)
    # discount code applications and their per-line allocations are kept
    assert s1.money["discount_applications"][0]["code"] == "SAVE10"
    assert [a["code"] for a in s1.lines.get(line_number=1).discount_allocations] == ["SAVE10"]
    assert s2.money["discount_applications"][0]["type"] == "automatic"
    assert len(s2.money["shipping_lines"]) == 2
    # the buyer's currency beside the shop's
    api3 = _detail(ops_client, s3)
    assert (api3["currency"], api3["presentment_currency"]) == ("EUR", "GBP")
    assert api3["presentment"]["total"] == "57.20"
    assert api3["presentment"]["tax_total"] == "9.54"
    assert api3["lines"][0]["presentment"]["unit_price"] == "26.00"
    # yen without decimals; the custom service line and the gift card are never picked
    api4 = _detail(ops_client, s4)
    assert (api4["total"], api4["tax_total"], api4["lines"][0]["unit_price"]) == (
        "9700",
        "427",
        "1200",
    )
    assert [(ln["kind"], ln["requires_shipping"]) for ln in api4["lines"]] == [
        ("product", True),
        ("custom", False),
        ("gift_card", False),
    ]
    assert not s4.holds.filter(released_at__isnull=True).exists()
    assert s4.status in ("allocated", "released")
    assert Commitment.objects.filter(status="open", quantity=3).count() >= 1
    fr_lines = [
        ln.order_line.line_number for fr in s4.fulfillment_requests.all() for ln in fr.lines.all()
    ]
    assert fr_lines == [1]
    # dinar with three decimals, unpaid, a shippable custom line without a SKU held, the tip kept
    api5 = _detail(ops_client, s5)
    assert (api5["total"], api5["lines"][0]["unit_price"]) == ("12.750", "4.750")
    assert api5["tip_total"] == "0.500"
    assert {h["kind"] for h in api5["holds"]} == {"payment", "unknown_sku"}
    assert [(ln["sku"], ln["kind"], ln["requires_shipping"]) for ln in api5["lines"]] == [
        (catalogue["a"].sku, "product", True),
        ("", "custom", True),
        ("", "tip", False),
    ]
    assert not s5.fulfillment_requests.exists()
    # cancelled at the shop: recorded with its money (duties too), never fulfilled
    assert s6.status == "cancelled"
    assert s6.duties_total == D("4.20")
    assert not s6.fulfillment_requests.exists()
    assert _detail(ops_client, s6)["current"]["total"] == "0.00"


def test_five_woocommerce_orders_keep_the_channels_money_and_every_line(
    anon_client, ops_client, woo, warehouse, catalogue
):
    # given a WooCommerce channel listing the four products
    store = woo_channel(woo, warehouse)
    _list_all(store, catalogue)
    docs = woo_documents(lambda letter: 9000 + catalogue[letter].pk)

    for n, doc in enumerate(docs):
        # when the signed order.created webhook is delivered
        response = _post(anon_client, store, doc, header="woo", topic="order.created", n=n)

        # then the document's own figures are stored
        assert response.status_code == 200, response.content
        order = Order.objects.get(channel=store, external_id=str(doc["id"]))
        api = _detail(ops_client, order)
        line_totals = [li["total"] for li in doc["line_items"]] + [
            f["total"] for f in doc["fee_lines"]
        ]
        line_subtotals = [li["subtotal"] for li in doc["line_items"]] + [
            f["total"] for f in doc["fee_lines"]
        ]
        _assert_amounts(
            api,
            order,
            {
                "discount_total": doc["discount_total"],
                "shipping_total": doc["shipping_total"],
                "tax_total": doc["total_tax"],
                "total": doc["total"],
                "subtotal": _sum(line_totals),
                "items_total": _sum(line_subtotals),
            },
        )
        assert api["prices_include_tax"] is doc["prices_include_tax"]
        # WooCommerce's own arithmetic: line totals + fees + shipping + taxes
        assert D(api["total"]) == D(api["subtotal"]) + D(api["shipping_total"]) + D(
            api["tax_total"]
        )
        assert len(api["lines"]) == len(doc["line_items"]) + len(doc["fee_lines"])
        for line, item in zip(api["lines"], doc["line_items"], strict=False):
            assert line["line_subtotal"] == item["subtotal"]
            assert D(line["line_subtotal"]) - D(line["discount_total"]) == D(item["total"])
            assert D(line["tax_total"]) == D(item["total_tax"])
        for ours, theirs in zip(api["shipping_lines"], doc["shipping_lines"], strict=True):
            assert (ours["price"], ours["tax_total"]) == (theirs["total"], theirs["total_tax"])

    by_id = {o.external_id: o for o in Order.objects.filter(channel=store)}
    w1, w2, w3, w4, w5 = (by_id[str(d["id"])] for d in docs)
    assert w1.money["coupon_lines"][0]["code"] == "spring10"
    assert w1.status in ("allocated", "released")
    # fees are lines that need no shipping; two shipping lines kept
    fee = w2.lines.get(kind="fee")
    assert (fee.requires_shipping, fee.unit_price, fee.tax_total) == (False, D("2.00"), D("0.42"))
    assert len(w2.money["shipping_lines"]) == 2
    assert w2.prices_include_tax is True
    # three decimals; the empty SKU is kept and held, and so is the unpaid order
    api3 = _detail(ops_client, w3)
    assert (api3["total"], api3["lines"][0]["unit_price"]) == ("8.125", "2.125")
    assert {h["kind"] for h in api3["holds"]} == {"payment", "unknown_sku"}
    assert [ln["sku"] for ln in api3["lines"]] == [catalogue["c"].sku, ""]
    # a negative fee (store credit) is kept as the channel wrote it
    assert sorted(w4.lines.filter(kind="fee").values_list("unit_price", flat=True)) == [
        D("-5.00"),
        D("3.50"),
    ]
    assert w4.total == D("88.50")
    # cancelled at the shop: recorded, nothing committed or sent to the warehouse
    assert w5.status == "cancelled"
    assert not w5.fulfillment_requests.exists()


def _amz(item, key):
    return D(((item.get(key) or {}).get("Amount")) or "0")


def test_six_amazon_orders_keep_the_marketplaces_money_through_the_poller(
    ops_client, amazon, warehouse, catalogue
):
    # given an Amazon channel listing the four products, and six orders at Amazon
    channel = amazon_channel(amazon, warehouse)
    _list_all(channel, catalogue)
    placed = []
    for body in amazon_documents(lambda letter: catalogue[letter].sku):
        answer = httpx.post(f"{amazon.url}/_mock/orders", json=body).json()
        placed.append(answer["order"]["AmazonOrderId"])

    # when the poller runs
    marketplace_poll(channel_id=channel.pk)

    # then each order holds Amazon's figures
    for order_id in placed:
        doc = amazon.app.orders[order_id]
        items = amazon.app.items[order_id]
        order = Order.objects.get(channel=channel, external_id=order_id)
        api = _detail(ops_client, order)
        expected = {
            "total": doc["OrderTotal"]["Amount"],
            "items_total": _sum(_amz(i, "ItemPrice") for i in items),
            "subtotal": _sum(_amz(i, "ItemPrice") - _amz(i, "PromotionDiscount") for i in items),
            "shipping_total": _sum(_amz(i, "ShippingPrice") for i in items),
            "shipping_discount_total": _sum(_amz(i, "ShippingDiscount") for i in items),
            "discount_total": _sum(
                _amz(i, "PromotionDiscount") + _amz(i, "ShippingDiscount") for i in items
            ),
            "tax_total": _sum(
                _amz(i, "ItemTax")
                - _amz(i, "PromotionDiscountTax")
                + _amz(i, "ShippingTax")
                - _amz(i, "ShippingDiscountTax")
                for i in items
            ),
        }
        _assert_amounts(api, order, expected)
        assert api["currency"] == doc["OrderTotal"]["CurrencyCode"]
        assert api["prices_include_tax"] is bool(doc["_tax_inclusive"])
        for line, item in zip(api["lines"], items, strict=True):
            assert line["line_subtotal"] == item["ItemPrice"]["Amount"]
            assert D(line["discount_total"]) == _amz(item, "PromotionDiscount")
            assert D(line["tax_total"]) == _amz(item, "ItemTax") - _amz(
                item, "PromotionDiscountTax"
            )

    a1, a2, a3, a4, a5, a6 = (Order.objects.get(external_id=i) for i in placed)
    assert a1.total == D("59.29")
    assert a1.lines.get(line_number=1).discount_allocations[0]["title"] == "PLM-10-OFF"
    assert (a2.shipping_total, a2.shipping_discount_total) == (D("7.98"), D("7.98"))
    assert a3.fulfilled_by == "channel"
    assert a3.status == "nothing_to_ship"
    api4 = _detail(ops_client, a4)
    assert (api4["total"], api4["tax_total"], api4["prices_include_tax"]) == ("8460", "769", True)
    assert (a5.total, a5.tax_total, a5.prices_include_tax) == (D("58.97"), D("9.42"), True)
    # a price that does not divide by the quantity keeps its exact line amount
    line = a6.lines.get(line_number=1)
    assert (line.line_subtotal, line.quantity) == (D("10.00"), 3)
    assert a6.holds.filter(kind="unknown_sku", released_at__isnull=True).exists()
    assert a6.lines.get(line_number=2).sku == "NOT-IN-CATALOGUE-7"


def test_a_marketplace_fulfilled_order_commits_no_stock_creates_no_work_moves_nothing(
    ops_client, amazon, warehouse, pick_bin, catalogue
):
    # given an Amazon channel and an order Amazon fulfils from its own warehouses (AFN)
    channel = amazon_channel(amazon, warehouse)
    _list_all(channel, catalogue)
    body = amazon_documents(lambda letter: catalogue[letter].sku)[2]
    order_id = httpx.post(f"{amazon.url}/_mock/orders", json=body).json()["order"]["AmazonOrderId"]
    movements = StockMovement.objects.count()
    on_hand = list(StockLevel.objects.order_by("pk").values_list("pk", "on_hand", "reserved"))
    balances = list(InventoryBalance.objects.order_by("pk").values_list("pk", "committed"))

    # when the poller imports it
    marketplace_poll(channel_id=channel.pk)

    # then it is recorded for customer service and reporting, with its money
    order = Order.objects.get(channel=channel, external_id=order_id)
    assert (order.fulfilled_by, order.status) == ("channel", "nothing_to_ship")
    assert order.total == D(amazon.app.orders[order_id]["OrderTotal"]["Amount"])
    assert _detail(ops_client, order)["fulfilled_by"] == "channel"
    # and never touches our stock or our warehouses
    assert Commitment.objects.count() == 0
    assert FulfillmentRequest.objects.count() == 0
    assert StockMovement.objects.count() == movements
    assert list(StockLevel.objects.order_by("pk").values_list("pk", "on_hand", "reserved")) == (
        on_hand
    )
    assert list(InventoryBalance.objects.order_by("pk").values_list("pk", "committed")) == (
        balances
    )
    assert not order.holds.exists()


def test_a_later_update_brings_the_channels_new_figures_and_an_older_one_does_not(
    anon_client, ops_client, woo, warehouse, catalogue
):
    # given a WooCommerce order captured from its create
    store = woo_channel(woo, warehouse)
    _list_all(store, catalogue)
    created = woo_documents(lambda letter: 9000 + catalogue[letter].pk)[0]
    _post(anon_client, store, created, header="woo", topic="order.created", n=0)
    order = Order.objects.get(channel=store, external_id=str(created["id"]))
    assert order.total == D("58.86")

    # when the shop edits it (one mug fewer, dearer shipping) and sends order.updated with its new figures
    edited = copy.deepcopy(created)
    edited["date_modified_gmt"] = "2026-11-28T16:00:00"
    mug = edited["line_items"][0]
    mug.update(quantity=1, subtotal="20.00", subtotal_tax="1.60", total="18.00", total_tax="1.44")
    mug["taxes"] = [{"id": 1, "total": "1.44", "subtotal": "1.60"}]
    edited["shipping_lines"][0].update(total="7.50", total_tax="0.60")
    edited["shipping_lines"][0]["taxes"] = [{"id": 1, "total": "0.60", "subtotal": ""}]
    edited.update(
        discount_total="3.50",
        discount_tax="0.28",
        cart_tax="2.52",
        shipping_total="7.50",
        shipping_tax="0.60",
        total_tax="3.12",
        total="42.12",
    )
    edited["coupon_lines"][0].update(discount="3.50", discount_tax="0.28")
    edited["tax_lines"][0].update(tax_total="2.52", shipping_tax_total="0.60")
    response = _post(anon_client, store, edited, header="woo", topic="order.updated", n=1)
    assert response.status_code == 200, response.content

    # then the stored money is the channel's new money, to the cent
    order.refresh_from_db()
    api = _detail(ops_client, order)
    assert (api["total"], api["tax_total"], api["discount_total"]) == ("42.12", "3.12", "3.50")
    assert (api["subtotal"], api["shipping_total"]) == ("31.50", "7.50")
    line = order.lines.get(line_number=1)
    assert (line.quantity - line.quantity_cancelled, line.tax_total) == (1, D("1.44"))

    # and a late redelivery of the older create changes nothing
    _post(anon_client, store, created, header="woo", topic="order.updated", n=2)
    order.refresh_from_db()
    assert order.total == D("42.12")


def test_a_channel_document_with_unrounded_tax_parts_is_kept_not_refused(
    anon_client, ops_client, woo, warehouse, catalogue
):
    # given a WooCommerce order whose per-line tax parts carry six decimals, as WooCommerce
    # writes them when it rounds at the subtotal
    store = woo_channel(woo, warehouse)
    _list_all(store, catalogue)
    doc = woo_documents(lambda letter: 9000 + catalogue[letter].pk)[0]
    doc["line_items"][0]["taxes"] = [{"id": 1, "total": "2.876667", "subtotal": "3.2"}]

    # when it is delivered
    response = _post(anon_client, store, doc, header="woo", topic="order.created", n=0)

    # then it is captured with the document's own totals
    assert response.status_code == 200, response.content
    order = Order.objects.get(channel=store, external_id=str(doc["id"]))
    assert (order.total, order.tax_total) == (D(doc["total"]), D(doc["total_tax"]))
    assert order.lines.get(line_number=1).tax_lines[0]["amount"] == "2.8767"


def test_a_woocommerce_order_first_seen_refunded_is_recorded_cancelled_with_its_money(
    anon_client, woo, warehouse, catalogue
):
    store = woo_channel(woo, warehouse)
    _list_all(store, catalogue)
    doc = woo_documents(lambda letter: 9000 + catalogue[letter].pk)[4]
    doc["status"] = "refunded"

    response = _post(anon_client, store, doc, header="woo", topic="order.created", n=0)

    assert response.status_code == 200, response.content
    order = Order.objects.get(channel=store, external_id=str(doc["id"]))
    assert (order.status, order.total, order.payment_status) == (
        "cancelled",
        D(doc["total"]),
        "refunded",
    )
    assert not order.fulfillment_requests.exists()
    assert Commitment.objects.count() == 0
