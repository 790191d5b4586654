"""Independent replay (issue 11, last acceptance point): real-format Shopify, WooCommerce and
Amazon documents built from the channels' public documentation (tests/channels_sync/
independent_documents.py), delivered with valid signatures several times each, in parallel
(threads, each with its own database connection) and shuffled; Amazon through the mock
SP-API and the poller, polled in parallel, with a stale snapshot served again at the end.

Every stored money figure is compared with the document's own figures to the cent (or yen, or
fils), and each order's final status, holds and lines with the state the channel reached.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from django.apps import apps
from django.db import OperationalError, connection
from django.test import Client

from channels_sync.adapters.base import RateLimited
from channels_sync.mock_servers.amazon import _parse_iso
from channels_sync.services import marketplace_poll
from channels_sync.services.inbound import webhook_signature
from tests.channels_sync import independent_documents as docs
from tests.channels_sync.conftest import amazon_channel, listed, shopify_channel, woo_channel
from tests.factories.inventory import ProductFactory
from tests.scenarios import stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = apps.get_model("orders", "Order")
Commitment = apps.get_model("inventory", "Commitment")
StockMovement = apps.get_model("inventory", "StockMovement")
FulfillmentRequestLine = apps.get_model("orders", "FulfillmentRequestLine")
Notification = apps.get_model("notifications", "Notification")
D = Decimal
COPIES = 3
THREADS = 4
RETRIED: list = []  # deliveries / polls retried after a 5xx, 409 or database error


def _shop(money_set):
    return D(money_set["shop_money"]["amount"]) if money_set else D(0)


def _pres(money_set):
    return D(money_set["presentment_money"]["amount"]) if money_set else D(0)


def _post(channel, body: bytes, headers: dict) -> tuple[int, dict]:
    """One delivery, retried as the channels retry a non-2xx answer."""
    # A 5xx is answered, not raised, and retried as the channels retry it (counted in RETRIED)
    client = Client(raise_request_exception=False)
    try:
        for _ in range(6):
            response = client.post(
                f"/api/v1/channel-webhooks/{channel.code}/",
                data=body,
                content_type="application/json",
                **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
            )
            if response.status_code < 500 and response.status_code != 409:
                break
            RETRIED.append(response.status_code)
        return response.status_code, response.json()
    finally:
        connection.close()


def _shopify_deliveries(channel, orders):
    out = []
    for o in orders:
        for n, (topic, doc) in enumerate(o["timeline"]):
            # Shopify sends UTF-8 as is ("¥", "’"); the signature is over those bytes
            body = json.dumps(doc, ensure_ascii=False).encode()
            event = f"{o['id']}-{n}-{topic}"
            out.append(
                (
                    body,
                    {
                        "X-Shopify-Topic": topic,
                        "X-Shopify-Hmac-Sha256": webhook_signature(
                            secret=channel.webhook_secret, body=body
                        ),
                        "X-Shopify-Shop-Domain": "audit-shop.myshopify.com",
                        "X-Shopify-API-Version": "2025-01",
                        "X-Shopify-Webhook-Id": f"wh-{event}",
                        "X-Shopify-Event-Id": f"ev-{event}",
                        "X-Shopify-Triggered-At": doc.get("updated_at")
                        or doc["order_edit"]["committed_at"],
                    },
                )
            )
    return out


def _woo_deliveries(channel, orders):
    out = []
    for o in orders:
        for n, (topic, doc) in enumerate(o["timeline"]):
            # WordPress' wp_json_encode: non-ASCII as \uXXXX and "/" escaped as "\/"
            body = json.dumps(doc).replace("/", "\\/").encode()
            out.append(
                (
                    body,
                    {
                        "X-WC-Webhook-Topic": topic,
                        "X-WC-Webhook-Resource": "order",
                        "X-WC-Webhook-Event": topic.split(".")[1],
                        "X-WC-Webhook-Source": "https://shop.example/",
                        "X-WC-Webhook-ID": "12",
                        "X-WC-Webhook-Delivery-ID": f"{o['id']}{n}",
                        "X-WC-Webhook-Signature": webhook_signature(
                            secret=channel.webhook_secret, body=body
                        ),
                    },
                )
            )
    return out


def _replay(jobs, how):
    """Every delivery COPIES times, shuffled (or reversed: every update before its create),
    on THREADS threads at once."""
    queue = [job for job in jobs for _ in range(COPIES)]
    if how == "reverse":
        queue.reverse()
    else:
        random.Random(how).shuffle(queue)
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda job: _post(*job), queue))


def _products(channel, names):
    out = {}
    for name in names:
        out[name] = listed(channel, ProductFactory())
    return out


def _open_commitments(order):
    return sum(
        c.quantity for c in Commitment.objects.filter(document_ref=order.number, status="open")
    )


def _open_holds(order):
    return sorted(order.holds.filter(released_at__isnull=True).values_list("kind", flat=True))


def _line_checks(order, problems, key):
    for line in order.lines.all():
        if not line.requires_shipping and (
            line.quantity_allocated
            or FulfillmentRequestLine.objects.filter(order_line=line).exists()
        ):
            problems.append(f"{key}: non-shipping line {line.name!r} has warehouse work")


def _state_checks(order, o, problems, key):
    """Status, holds, commitments and the buyer's cancellation e-mail (one event, one row;
    none when the channel fulfilled the order itself)."""
    if o["status"] is not None and order.status != o["status"]:
        problems.append(f"{key}: status {order.status}, expected {o['status']}")
    if _open_holds(order) != sorted(o["holds"]):
        problems.append(f"{key}: open holds {_open_holds(order)}, expected {o['holds']}")
    if order.status == "cancelled" and _open_commitments(order):
        problems.append(f"{key}: cancelled with {_open_commitments(order)} committed")
    mails = Notification.objects.filter(order=order, kind="cancelled").count()
    expected = int(order.status == "cancelled" and not o.get("fulfilled_elsewhere"))
    if mails != expected:
        problems.append(f"{key}: {mails} cancellation e-mail(s) queued, expected {expected}")


def _check(problems, key, what, got, expected):
    if D(str(got)) != D(str(expected)):
        problems.append(f"{key}: {what} stored {got}, document says {expected}")


@pytest.fixture
def amazon_base(monkeypatch):
    """Amazon documents dated a few hours ago (the poller looks back seven days)."""
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    monkeypatch.setattr(docs, "BASE", now - dt.timedelta(hours=6))


@pytest.mark.parametrize("how", ["shuffle-11", "reverse"])
def test_independent_replay_totals_and_final_states(
    shopify, woo, amazon, amazon_base, warehouse, pick_bin, ops_client, how
):
    shop = shopify_channel(shopify, warehouse, code="audit-shopify")
    wc = woo_channel(woo, warehouse, code="audit-woo")
    amz = amazon_channel(amazon, warehouse, code="audit-amazon")
    products = {
        **_products(
            shop, ["s_a", "s_b", "s_c", "s_d", "s_e", "s_f", "s_g", "s_h", "s_i", "s_j", "s_k"]
        ),
        **_products(wc, ["w_a", "w_b", "w_c", "w_d", "w_e", "w_f", "w_g", "w_h", "w_i"]),
    }
    for name in ["a_a", "a_b", "a_c", "a_d", "a_e", "a_f", "a_g", "a_h"]:
        products[name] = listed(amz, ProductFactory(), external_variant_id="")
    for name, product in products.items():
        if name != "a_c":  # the AFN product: Amazon's stock, not ours
            stocked(product, pick_bin, 50)
    afn_movements = StockMovement.objects.filter(product=products["a_c"]).count()

    shopify_orders = docs.shopify_orders(products)
    woo_orders = docs.woo_orders(products)
    amazon_orders = docs.amazon_orders(products)
    assert len(shopify_orders) >= 5
    assert len(woo_orders) >= 4
    assert len(amazon_orders) >= 4

    # --- webhooks: every document COPIES times, shuffled, in parallel ---------------------------
    jobs = [(shop, *d) for d in _shopify_deliveries(shop, shopify_orders)]
    jobs += [(wc, *d) for d in _woo_deliveries(wc, woo_orders)]
    answers = _replay(jobs, how)
    refused = [(code, body) for code, body in answers if code != 200]
    assert not refused, refused[:5]

    # --- Amazon: the mock serves each stage; several pollers at once; then a stale snapshot ---
    app = amazon.app

    def serve(o, stage):
        order, items = o["stages"][stage]
        stamp = _parse_iso(order["LastUpdateDate"])
        with app.lock:
            app.orders[o["id"]] = {
                **order,
                "_created": _parse_iso(order["PurchaseDate"]),
                "_updated": stamp,
                "_currency": (order.get("OrderTotal") or {}).get("CurrencyCode", "USD"),
                "_tax_inclusive": o["inclusive"],
            }
            app.items[o["id"]] = [dict(i) for i in items]
            app.addresses[o["id"]] = dict(o["address"])
            app.buyers[o["id"]] = {"PurchaseOrderNumber": "", **o["buyer"]}

    def poll():
        """One poller run; on SP-API's 429 it waits as the worker does (the mock's clock is
        moved instead of sleeping) and polls again from the same cursor."""
        try:
            for _ in range(10):
                try:
                    marketplace_poll(channel_id=amz.pk)
                    return
                except OperationalError as exc:  # e.g. a deadlock: the worker retries
                    RETRIED.append(repr(exc)[:200])
                    connection.close()
                except RateLimited as exc:
                    httpx.post(
                        f"{amazon.url}/_mock/clock",
                        json={"advance": max(float(exc.retry_after or 0), 1.0) * 20},
                    )
            raise AssertionError("the poller never got past the rate limit")
        finally:
            connection.close()

    def polls():
        type(amz).objects.filter(pk=amz.pk).update(poll_cursor="")
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(lambda _: poll(), range(COPIES)))

    # A3's address (getOrderAddress) fails until after it is Canceled: it waits for its
    # address (parked), then is cancelled at Amazon, then its address comes.
    a3 = next(o for o in amazon_orders if o["key"] == "A3")
    with app.lock:
        app.failures.append(
            {
                "mode": "500",
                "count": 100000,
                "seconds": 0.0,
                "retry_after": 2,
                "path": f"/orders/v0/orders/{a3['id']}/address",
            }
        )
    for stage in range(max(len(o["stages"]) for o in amazon_orders)):
        for o in amazon_orders:
            serve(o, min(stage, len(o["stages"]) - 1))
        polls()
    with app.lock:
        app.failures.clear()
    for o in amazon_orders:  # an older snapshot served again: changes nothing
        serve(o, 0)
    polls()
    # The periodic poller catches up: orders parked because their address fetch hit SP-API's
    # rate limit under these parallel polls are retried until none waits.
    InboundEvent = apps.get_model("channels_sync", "InboundEvent")
    for _ in range(10):
        if not InboundEvent.objects.filter(channel=amz, status="awaiting_address").exists():
            break
        httpx.post(f"{amazon.url}/_mock/clock", json={"advance": 600})
        poll()
    assert not InboundEvent.objects.filter(channel=amz, status="awaiting_address").exists()

    problems: list[str] = []

    # --- Shopify ---------------------------------------------------------------------------------
    assert Order.objects.filter(channel=shop).count() == len(shopify_orders)
    for o in shopify_orders:
        key = o["key"]
        final = max(
            (doc for topic, doc in o["timeline"] if topic != "orders/edited"),
            key=lambda d: d["updated_at"],
        )
        order = Order.objects.get(channel=shop, external_id=str(o["id"]))
        if order.currency != final["currency"]:
            problems.append(f"{key}: currency {order.currency} ≠ {final['currency']}")
        for field, money_set in (
            ("items_total", "total_line_items_price_set"),
            ("subtotal", "subtotal_price_set"),
            ("discount_total", "total_discounts_set"),
            ("shipping_total", "total_shipping_price_set"),
            ("tax_total", "total_tax_set"),
            ("total", "total_price_set"),
        ):
            _check(problems, key, field, getattr(order, field), _shop(final[money_set]))
        ship_disc = sum(
            (D(a["amount"]) for sl in final["shipping_lines"] for a in sl["discount_allocations"]),
            D(0),
        )
        _check(problems, key, "shipping_discount_total", order.shipping_discount_total, ship_disc)
        _check(
            problems,
            key,
            "duties_total",
            order.duties_total,
            _shop(final["original_total_duties_set"]),
        )
        _check(problems, key, "tip_total", order.tip_total, final["total_tip_received"])
        if order.prices_include_tax != final["taxes_included"]:
            problems.append(f"{key}: prices_include_tax {order.prices_include_tax}")
        current = (order.money or {}).get("current", {})
        _check(
            problems,
            key,
            "current total",
            current.get("total", "NaN"),
            final["current_total_price"],
        )
        if final["presentment_currency"] != final["currency"]:
            if order.presentment_currency != final["presentment_currency"]:
                problems.append(f"{key}: presentment currency {order.presentment_currency!r}")
            pres = (order.money or {}).get("presentment", {})
            for field, money_set in (
                ("subtotal", "subtotal_price_set"),
                ("discount_total", "total_discounts_set"),
                ("shipping_total", "total_shipping_price_set"),
                ("tax_total", "total_tax_set"),
                ("total", "total_price_set"),
            ):
                _check(
                    problems,
                    key,
                    f"presentment {field}",
                    pres.get(field, "NaN"),
                    _pres(final[money_set]),
                )
        _state_checks(order, o, problems, key)
        if o.get("address_line1") and order.shipping_address.get("line1") != o["address_line1"]:
            problems.append(f"{key}: address {order.shipping_address.get('line1')!r}")
        lines = {ln.external_line_id: ln for ln in order.lines.all()}
        for item in final["line_items"]:
            line = lines.get(str(item["id"]))
            if line is None:
                problems.append(f"{key}: line {item['id']} ({item['title']}) not kept")
                continue
            _check(
                problems,
                key,
                f"line {item['id']} unit_price",
                line.unit_price,
                _shop(item["price_set"]),
            )
            _check(
                problems,
                key,
                f"line {item['id']} discount",
                line.discount_total,
                sum((D(a["amount"]) for a in item["discount_allocations"]), D(0)),
            )
            _check(
                problems,
                key,
                f"line {item['id']} tax",
                line.tax_total,
                sum((D(t["price"]) for t in item["tax_lines"]), D(0)),
            )
            if final["presentment_currency"] != final["currency"]:
                _check(
                    problems,
                    key,
                    f"line {item['id']} presentment unit_price",
                    (line.presentment or {}).get("unit_price", "NaN"),
                    _pres(item["price_set"]),
                )
            effective = line.quantity - line.quantity_cancelled
            if order.status != "cancelled" and effective != item["current_quantity"]:
                problems.append(
                    f"{key}: line {item['id']} quantity {effective}, "
                    f"channel has {item['current_quantity']}"
                )
            if line.requires_shipping != item["requires_shipping"]:
                problems.append(f"{key}: line {item['id']} requires_shipping")
        _line_checks(order, problems, key)
        refused = [e.message for e in order.events.all() if "refused" in e.message]
        if refused:
            problems.append(f"{key}: timeline says {refused}")

    # --- WooCommerce -----------------------------------------------------------------------------
    assert Order.objects.filter(channel=wc).count() == len(woo_orders)
    for o in woo_orders:
        key = o["key"]
        final = o["timeline"][-1][1]  # the shop's newest state
        order = Order.objects.get(channel=wc, external_id=str(o["id"]))
        items = sum((D(li["subtotal"]) for li in final["line_items"]), D(0))
        after = sum((D(li["total"]) for li in final["line_items"]), D(0))
        fees = sum((D(f["total"]) for f in final["fee_lines"]), D(0))
        _check(problems, key, "items_total", order.items_total, items + fees)
        _check(problems, key, "subtotal", order.subtotal, after + fees)
        _check(problems, key, "discount_total", order.discount_total, final["discount_total"])
        _check(problems, key, "shipping_total", order.shipping_total, final["shipping_total"])
        _check(problems, key, "tax_total", order.tax_total, final["total_tax"])
        _check(problems, key, "total", order.total, final["total"])
        if order.currency != final["currency"]:
            problems.append(f"{key}: currency {order.currency}")
        if order.prices_include_tax != final["prices_include_tax"]:
            problems.append(f"{key}: prices_include_tax {order.prices_include_tax}")
        _state_checks(order, o, problems, key)
        if o.get("address_line1") and order.shipping_address.get("line1") != o["address_line1"]:
            problems.append(f"{key}: address {order.shipping_address.get('line1')!r}")
        lines = {ln.external_line_id: ln for ln in order.lines.all()}
        for item in final["line_items"]:
            line = lines.get(str(item["id"]))
            if line is None:
                problems.append(f"{key}: line {item['id']} ({item['name']}) not kept")
                continue
            _check(
                problems, key, f"line {item['id']} subtotal", line.line_subtotal, item["subtotal"]
            )
            _check(
                problems,
                key,
                f"line {item['id']} discount",
                line.discount_total,
                D(item["subtotal"]) - D(item["total"]),
            )
            _check(problems, key, f"line {item['id']} tax", line.tax_total, item["total_tax"])
        for fee in final["fee_lines"]:
            if not any(
                ln.name == fee["name"] and not ln.requires_shipping for ln in lines.values()
            ):
                problems.append(f"{key}: fee {fee['name']!r} not kept as a non-shipping line")
        for ext, qty in (o.get("quantities") or {}).items():
            line = lines.get(ext)
            got = None if line is None else line.quantity - line.quantity_cancelled
            if got != qty:
                problems.append(f"{key}: line {ext} quantity {got}, channel has {qty}")
        if order.status != "cancelled":
            _check(
                problems,
                key,
                "open commitments",
                _open_commitments(order),
                sum(li["quantity"] for li in final["line_items"] if li["product_id"]),
            )
        _line_checks(order, problems, key)

    # --- Amazon ----------------------------------------------------------------------------------
    assert Order.objects.filter(channel=amz).count() == len(amazon_orders)
    for o in amazon_orders:
        key = o["key"]
        final = o["stages"][-1][0]
        # money: the last document with prices (a Canceled order's items carry none)
        priced, items = [st for st in o["stages"] if "OrderTotal" in st[0]][-1]
        order = Order.objects.get(channel=amz, external_id=o["id"])

        def amount(i, field):
            return D((i.get(field) or {}).get("Amount") or 0)

        price = sum((amount(i, "ItemPrice") + amount(i, "GiftWrapPrice") for i in items), D(0))
        promo = sum((amount(i, "PromotionDiscount") for i in items), D(0))
        ship = sum((amount(i, "ShippingPrice") for i in items), D(0))
        ship_disc = sum((amount(i, "ShippingDiscount") for i in items), D(0))
        tax = sum(
            (
                amount(i, "ItemTax")
                + amount(i, "ShippingTax")
                + amount(i, "GiftWrapTax")
                - amount(i, "PromotionDiscountTax")
                - amount(i, "ShippingDiscountTax")
                for i in items
            ),
            D(0),
        )
        _check(problems, key, "subtotal", order.subtotal, price - promo)
        _check(problems, key, "discount_total", order.discount_total, promo + ship_disc)
        _check(problems, key, "shipping_total", order.shipping_total, ship)
        _check(problems, key, "shipping_discount_total", order.shipping_discount_total, ship_disc)
        _check(problems, key, "tax_total", order.tax_total, tax)
        _check(problems, key, "total", order.total, priced["OrderTotal"]["Amount"])
        if order.currency != priced["OrderTotal"]["CurrencyCode"]:
            problems.append(f"{key}: currency {order.currency}")
        if order.prices_include_tax != o["inclusive"]:
            problems.append(f"{key}: prices_include_tax {order.prices_include_tax}")
        _state_checks(order, o, problems, key)
        lines = {ln.external_line_id: ln for ln in order.lines.all()}
        for ext, qty in (o.get("quantities") or {}).items():
            line = lines.get(ext)
            got = None if line is None else line.quantity - line.quantity_cancelled
            if got != qty:
                problems.append(f"{key}: item {ext} quantity {got}, Amazon has {qty}")
        for i in items:
            if not i["QuantityOrdered"]:
                continue
            line = lines.get(i["OrderItemId"])
            if line is None:
                problems.append(f"{key}: item {i['OrderItemId']} not kept")
                continue
            _check(
                problems,
                key,
                f"item {i['OrderItemId']} price",
                line.line_subtotal,
                amount(i, "ItemPrice"),
            )
            _check(
                problems,
                key,
                f"item {i['OrderItemId']} promotion",
                line.discount_total,
                amount(i, "PromotionDiscount"),
            )
            _check(
                problems,
                key,
                f"item {i['OrderItemId']} tax",
                line.tax_total,
                amount(i, "ItemTax") - amount(i, "PromotionDiscountTax"),
            )
        if o.get("service_level") and order.service_level != o["service_level"]:
            problems.append(f"{key}: service level {order.service_level}")
        if o["afn"]:
            if order.fulfilled_by != "channel":
                problems.append(f"{key}: AFN stored as fulfilled_by={order.fulfilled_by}")
            if Commitment.objects.filter(document_ref=order.number).exists():
                problems.append(f"{key}: AFN order committed stock")
            if FulfillmentRequestLine.objects.filter(order_line__order=order).exists():
                problems.append(f"{key}: AFN order has warehouse work")
            if StockMovement.objects.filter(product=products["a_c"]).count() != afn_movements:
                problems.append(f"{key}: AFN order moved stock")
        elif order.status != "cancelled":
            if order.shipping_address.get("line1") != o["address"]["AddressLine1"]:
                problems.append(f"{key}: address not fetched through the RDT")
            _check(
                problems,
                key,
                "open commitments",
                _open_commitments(order),
                sum(i["QuantityOrdered"] for i in items),
            )
        elif _open_commitments(order):
            problems.append(f"{key}: cancelled with {_open_commitments(order)} committed")

    # The REST API returns the same figures, written in each currency's exponent
    for o in shopify_orders:
        final = max(
            (doc for topic, doc in o["timeline"] if topic != "orders/edited"),
            key=lambda d: d["updated_at"],
        )
        order = Order.objects.get(channel=shop, external_id=str(o["id"]))
        body = ops_client.get(f"/api/v1/orders/{order.number}/").json()
        for field, doc_field in (
            ("subtotal", "subtotal_price"),
            ("discount_total", "total_discounts"),
            ("tax_total", "total_tax"),
            ("total", "total_price"),
        ):
            if str(body.get(field)) != final[doc_field]:
                problems.append(
                    f"{o['key']}: API {field} {body.get(field)!r}, document {final[doc_field]!r}"
                )
    if problems:  # the timelines of the orders concerned, to read what happened
        for key_order in {p.split(":")[0] for p in problems}:
            for o, channel in [
                *((x, shop) for x in shopify_orders),
                *((x, wc) for x in woo_orders),
                *((x, amz) for x in amazon_orders),
            ]:
                if o["key"] == key_order:
                    order = Order.objects.get(channel=channel, external_id=str(o["id"]))
                    problems.append(
                        f"{key_order} timeline: "
                        + " | ".join(e.message for e in order.events.order_by("pk"))
                    )
    print("retried:", RETRIED)
    assert not problems, "\n".join(problems)
