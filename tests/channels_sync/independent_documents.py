"""Real-format channel documents for the independent replay (issue 11, last acceptance point).

Built from the channels' public documentation, not from this project's parsers or its other
test documents:

* Shopify Admin REST `Order` (webhooks orders/create, orders/updated, orders/paid,
  orders/cancelled, orders/edited, orders/fulfilled): money in `*_set` {shop_money,
  presentment_money}; `total_line_items_price` before discounts (tips are line items but not in
  it), `subtotal_price` after line discounts, before shipping, duties, taxes and tips;
  `total_discounts` = line + shipping discounts; `total_shipping_price_set` before discounts;
  `total_price` = subtotal + discounted shipping + taxes (unless `taxes_included`) + duties +
  tips; line items keep their original `quantity`, edits show in `current_quantity`;
  `current_*` totals reflect edits and refunds.
* WooCommerce REST v3 order: every amount a string without tax (`subtotal` before coupons,
  `total` after), taxes beside them (`subtotal_tax`, `total_tax`, `taxes[]`), `tax_lines[]` per
  rate with `tax_total` and `shipping_tax_total`; order `total` includes all taxes whether or
  not `prices_include_tax`; `discount_total` ex tax; `fee_lines`, `coupon_lines`, `refunds`.
* Amazon SP-API Orders v0 `getOrders` Order and `getOrderItems` OrderItem: Money objects
  {CurrencyCode, Amount}; `ItemPrice` is price × quantity; US `OrderTotal` adds the taxes,
  EU/UK/JP marketplaces quote prices with tax (ItemTax is the part of ItemPrice that is tax).

The figures are derived here from the document parts as the channel derives them; the test
then compares what the OMS stored with the document's own totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

D = Decimal
EXPONENT = {"JPY": 0, "KWD": 3, "BHD": 3}
BASE = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def q(amount, currency: str) -> Decimal:
    exp = EXPONENT.get(currency, 2)
    return D(amount).quantize(D(1).scaleb(-exp), rounding=ROUND_HALF_EVEN)


def s(amount, currency: str) -> str:
    return str(q(amount, currency))


def at(minutes: float, tz: str = "-05:00") -> str:
    """A Shopify-style local timestamp `minutes` after BASE."""
    offset = dt.timedelta(hours=int(tz[:3]), minutes=int(tz[0] + tz[4:]))
    stamp = (BASE + dt.timedelta(minutes=minutes)).astimezone(dt.timezone(offset))
    return stamp.isoformat(timespec="seconds")


def gmt(minutes: float) -> str:
    """A WooCommerce *_gmt timestamp (UTC, no offset)."""
    return (BASE + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def amz(minutes: float) -> str:
    return (BASE + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Shopify ------------------------------------------------------------------------------------


class ShopifyOrder:
    """One Shopify order; `doc()` renders its current state as the REST Order JSON."""

    def __init__(
        self,
        oid: int,
        *,
        currency="USD",
        presentment=None,
        rate="1",
        taxes_included=False,
        lines,
        shipping,
        applications=(),
        codes=(),
        financial_status="paid",
        country="US",
        address=None,
    ):
        self.id, self.currency = oid, currency
        self.presentment = presentment or currency
        self.rate = D(rate)
        self.taxes_included = taxes_included
        self.lines, self.shipping = lines, shipping
        self.applications, self.codes = list(applications), list(codes)
        self.financial_status = financial_status
        self.cancelled_at = None
        self.cancel_reason = None
        self.refunds: list = []
        self.fulfillments: list = []
        self.fulfillment_status = None
        self.address = address or {
            "first_name": "Grace",
            "last_name": "Hopper",
            "name": "Grace Hopper",
            "address1": "1 Navy Yard Rd",
            "address2": "Apt 4",
            "city": "Arlington",
            "province": "Virginia",
            "province_code": "VA",
            "zip": "22202",
            "country": "United States",
            "country_code": country,
            "phone": "+17035550142",
            "company": None,
            "latitude": None,
            "longitude": None,
        }
        self.n = 0

    def money(self, amount) -> dict:
        shop = q(amount, self.currency)
        pres = q(D(amount) * self.rate, self.presentment)
        return {
            "shop_money": {"amount": str(shop), "currency_code": self.currency},
            "presentment_money": {"amount": str(pres), "currency_code": self.presentment},
        }

    def _pres(self, amount) -> Decimal:
        return q(D(amount) * self.rate, self.presentment)

    def figures(self, *, current: bool) -> dict:
        cur = self.currency
        out = {k: D(0) for k in ("items", "line_disc", "ship", "ship_disc", "tax", "duties", "tip")}
        pres = dict(out)
        for li in self.lines:
            qty = li.get("current_quantity", li["quantity"]) if current else li["quantity"]
            ratio = D(qty) / D(li["quantity"]) if li["quantity"] else D(0)
            if li.get("tip"):
                out["tip"] += q(D(li["price"]) * qty, cur)
                pres["tip"] += self._pres(D(li["price"]) * qty)
                continue
            out["items"] += q(D(li["price"]) * qty, cur)
            pres["items"] += self._pres(D(li["price"]) * qty)
            for _, amount in li.get("allocs", []):
                out["line_disc"] += q(D(amount) * ratio, cur)
                pres["line_disc"] += self._pres(q(D(amount) * ratio, cur))
            for _, _, amount in li.get("taxes", []):
                out["tax"] += q(D(amount) * ratio, cur)
                pres["tax"] += self._pres(q(D(amount) * ratio, cur))
            for amount in li.get("duties", []):
                out["duties"] += q(D(amount) * ratio, cur)
                pres["duties"] += self._pres(q(D(amount) * ratio, cur))
        for sl in self.shipping:
            out["ship"] += q(sl["price"], cur)
            pres["ship"] += self._pres(sl["price"])
            for _, amount in sl.get("allocs", []):
                out["ship_disc"] += q(amount, cur)
                pres["ship_disc"] += self._pres(amount)
            for _, _, amount in sl.get("taxes", []):
                out["tax"] += q(amount, cur)
                pres["tax"] += self._pres(amount)

        def totals(f):
            subtotal = f["items"] - f["line_disc"]
            total = (
                subtotal
                + f["ship"]
                - f["ship_disc"]
                + (0 if self.taxes_included else f["tax"])
                + f["duties"]
                + f["tip"]
            )
            return {
                "total_line_items_price": f["items"],
                "subtotal_price": subtotal,
                "total_discounts": f["line_disc"] + f["ship_disc"],
                "total_shipping_price": f["ship"],
                "total_tax": f["tax"],
                "total_duties": f["duties"],
                "total_tip_received": f["tip"],
                "total_price": total,
            }

        return {"shop": totals(out), "presentment": totals(pres)}

    def _set(self, shop, pres) -> dict:
        return {
            "shop_money": {"amount": s(shop, self.currency), "currency_code": self.currency},
            "presentment_money": {
                "amount": s(pres, self.presentment),
                "currency_code": self.presentment,
            },
        }

    def doc(self, updated_minutes: float) -> dict:
        cur = self.currency
        original = self.figures(current=False)
        now = self.figures(current=True)
        refunded = sum((D(r["amount"]) for r in self.refunds), D(0))
        line_items = []
        for li in self.lines:
            allocations = [
                {
                    "amount": s(amount, cur),
                    "amount_set": self.money(amount),
                    "discount_application_index": idx,
                }
                for idx, amount in li.get("allocs", [])
            ]
            line_items.append(
                {
                    "id": li["id"],
                    "admin_graphql_api_id": f"gid://shopify/LineItem/{li['id']}",
                    "variant_id": li.get("variant_id"),
                    "product_id": li.get("product_id"),
                    "sku": li.get("sku"),
                    "title": li["title"],
                    "name": li["title"],
                    "variant_title": None,
                    "vendor": None if li.get("tip") else "Acme",
                    "quantity": li["quantity"],
                    "current_quantity": li.get("current_quantity", li["quantity"]),
                    "fulfillable_quantity": li.get("current_quantity", li["quantity"])
                    if li.get("ships", True) and not self.fulfillments
                    else 0,
                    "fulfillment_service": "manual",
                    "fulfillment_status": "fulfilled" if self.fulfillments else None,
                    "requires_shipping": li.get("ships", True),
                    "taxable": bool(li.get("taxes")),
                    "gift_card": li.get("gift_card", False),
                    "grams": 0 if not li.get("ships", True) else 450,
                    "price": s(li["price"], cur),
                    "price_set": self.money(li["price"]),
                    "total_discount": "0.00",
                    "total_discount_set": self.money(0),
                    "discount_allocations": allocations,
                    "tax_lines": [
                        {
                            "title": title,
                            "rate": rate,
                            "price": s(amount, cur),
                            "price_set": self.money(amount),
                            "channel_liable": False,
                        }
                        for title, rate, amount in li.get("taxes", [])
                    ],
                    "duties": [
                        {
                            "id": str(li["id"] * 10 + k),
                            "harmonized_system_code": "610910",
                            "country_code_of_origin": "PT",
                            "shop_money": {"amount": s(amount, cur), "currency_code": cur},
                            "presentment_money": self.money(amount)["presentment_money"],
                            "price_set": self.money(amount),
                            "tax_lines": [],
                            "admin_graphql_api_id": f"gid://shopify/Duty/{li['id'] * 10 + k}",
                        }
                        for k, amount in enumerate(li.get("duties", []))
                    ],
                    "properties": [],
                    "product_exists": bool(li.get("product_id")),
                }
            )
        shipping_lines = [
            {
                "id": sl["id"],
                "title": sl["title"],
                "code": sl["code"],
                "source": "shopify",
                "price": s(sl["price"], cur),
                "price_set": self.money(sl["price"]),
                "discounted_price": s(
                    D(sl["price"]) - sum((D(a) for _, a in sl.get("allocs", [])), D(0)), cur
                ),
                "discounted_price_set": self.money(
                    D(sl["price"]) - sum((D(a) for _, a in sl.get("allocs", [])), D(0))
                ),
                "discount_allocations": [
                    {
                        "amount": s(amount, cur),
                        "amount_set": self.money(amount),
                        "discount_application_index": idx,
                    }
                    for idx, amount in sl.get("allocs", [])
                ],
                "tax_lines": [
                    {
                        "title": title,
                        "rate": rate,
                        "price": s(amount, cur),
                        "price_set": self.money(amount),
                        "channel_liable": False,
                    }
                    for title, rate, amount in sl.get("taxes", [])
                ],
                "carrier_identifier": None,
                "requested_fulfillment_service_id": None,
            }
            for sl in self.shipping
        ]
        taxes: dict = {}
        for part in [*self.lines, *self.shipping]:
            ratio = (
                D(part.get("current_quantity", part["quantity"])) / D(part["quantity"])
                if "quantity" in part
                else D(1)
            )
            for title, rate, amount in part.get("taxes", []):
                taxes[(title, rate)] = taxes.get((title, rate), D(0)) + q(D(amount) * ratio, cur)
        o, p = original["shop"], original["presentment"]
        # An edit changes the order's totals; a cancellation (refunds, restocks) only its
        # current_* figures.
        c, cp = (o, p) if self.cancelled_at else (now["shop"], now["presentment"])
        return {
            "id": self.id,
            "admin_graphql_api_id": f"gid://shopify/Order/{self.id}",
            "name": f"#{self.id % 10000}",
            "order_number": self.id % 10000,
            "email": "grace@example.com",
            "contact_email": "grace@example.com",
            "phone": None,
            "created_at": at(0),
            "processed_at": at(0),
            "updated_at": at(updated_minutes),
            "cancelled_at": self.cancelled_at,
            "cancel_reason": self.cancel_reason,
            "closed_at": None,
            "confirmed": True,
            "test": False,
            "currency": cur,
            "presentment_currency": self.presentment,
            "taxes_included": self.taxes_included,
            "tax_exempt": False,
            "financial_status": self.financial_status,
            "fulfillment_status": self.fulfillment_status,
            "source_name": "web",
            "gateway": "shopify_payments",
            "payment_gateway_names": ["shopify_payments"],
            "total_line_items_price": s(c["total_line_items_price"], cur),
            "total_line_items_price_set": self._set(
                c["total_line_items_price"], cp["total_line_items_price"]
            ),
            "subtotal_price": s(c["subtotal_price"], cur),
            "subtotal_price_set": self._set(c["subtotal_price"], cp["subtotal_price"]),
            "total_discounts": s(c["total_discounts"], cur),
            "total_discounts_set": self._set(c["total_discounts"], cp["total_discounts"]),
            "total_shipping_price_set": self._set(
                c["total_shipping_price"], cp["total_shipping_price"]
            ),
            "total_tax": s(c["total_tax"], cur),
            "total_tax_set": self._set(c["total_tax"], cp["total_tax"]),
            "total_tip_received": s(c["total_tip_received"], cur),
            "total_price": s(c["total_price"], cur),
            "total_price_set": self._set(c["total_price"], cp["total_price"]),
            "original_total_duties_set": self._set(o["total_duties"], p["total_duties"])
            if o["total_duties"]
            else None,
            "current_total_duties_set": self._set(c["total_duties"], cp["total_duties"])
            if o["total_duties"]
            else None,
            "current_subtotal_price": s(c["subtotal_price"], cur),
            "current_subtotal_price_set": self._set(c["subtotal_price"], cp["subtotal_price"]),
            "current_total_discounts": s(c["total_discounts"], cur),
            "current_total_discounts_set": self._set(c["total_discounts"], cp["total_discounts"]),
            "current_total_tax": s(c["total_tax"], cur),
            "current_total_tax_set": self._set(c["total_tax"], cp["total_tax"]),
            "current_total_price": s(c["total_price"] - refunded, cur),
            "current_total_price_set": self._set(
                c["total_price"] - refunded, cp["total_price"] - self._pres(refunded)
            ),
            "total_outstanding": s(
                0 if self.financial_status in ("paid", "partially_refunded") else c["total_price"],
                cur,
            ),
            "discount_codes": [
                {"code": code, "amount": s(amount, cur), "type": kind}
                for code, amount, kind in self.codes
            ],
            "discount_applications": self.applications,
            "line_items": line_items,
            "shipping_lines": shipping_lines,
            "tax_lines": [
                {
                    "title": title,
                    "rate": rate,
                    "price": s(amount, cur),
                    "price_set": self.money(amount),
                    "channel_liable": False,
                }
                for (title, rate), amount in taxes.items()
            ],
            "shipping_address": dict(self.address),
            "billing_address": dict(self.address),
            "customer": {
                "id": 7000 + self.id % 1000,
                "email": "grace@example.com",
                "first_name": "Grace",
                "last_name": "Hopper",
                "currency": cur,
            },
            "fulfillments": self.fulfillments,
            "refunds": self.refunds,
        }


def shopify_orders(products: dict) -> list[dict]:
    """Six Shopify orders, each with its timeline of deliveries [(topic, doc)], the expected
    final state, and which documents' figures are final."""
    p = products
    out = []

    # S1 — USD, tax exclusive: two discount codes (one per line item, one across the order) and
    # an automatic discount, a free-shipping code on one of two shipping lines, a gift card, a
    # custom line that needs no shipping. Paid at checkout, later the address is corrected.
    s1 = ShopifyOrder(
        5500000000101,
        applications=[
            {
                "type": "discount_code",
                "code": "WELCOME10",
                "title": "WELCOME10",
                "value": "10.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "line_item",
            },
            {
                "type": "automatic",
                "title": "Buy 2 socks",
                "description": "Buy 2 socks",
                "value": "5.0",
                "value_type": "fixed_amount",
                "allocation_method": "each",
                "target_selection": "entitled",
                "target_type": "line_item",
            },
            {
                "type": "discount_code",
                "code": "FREESHIP",
                "title": "FREESHIP",
                "value": "100.0",
                "value_type": "percentage",
                "allocation_method": "each",
                "target_selection": "all",
                "target_type": "shipping_line",
            },
        ],
        codes=[("WELCOME10", "8.29", "percentage"), ("FREESHIP", "6.90", "shipping")],
        lines=[
            {
                "id": 1301,
                "variant_id": 8000 + p["s_a"].pk,
                "product_id": 600,
                "sku": p["s_a"].sku,
                "title": "Merino sock",
                "quantity": 2,
                "price": "12.50",
                "allocs": [(0, "2.50"), (1, "10.00")],
                "taxes": [("VA State Tax", 0.053, "0.66"), ("Arlington County", 0.01, "0.13")],
            },
            {
                "id": 1302,
                "variant_id": 8000 + p["s_b"].pk,
                "product_id": 601,
                "sku": p["s_b"].sku,
                "title": "Rain shell",
                "quantity": 1,
                "price": "49.90",
                "allocs": [(0, "4.99")],
                "taxes": [("VA State Tax", 0.053, "2.38"), ("Arlington County", 0.01, "0.45")],
            },
            {
                "id": 1303,
                "variant_id": 8100,
                "product_id": 602,
                "sku": "",
                "title": "Gift card $25",
                "quantity": 1,
                "price": "25.00",
                "gift_card": True,
                "ships": False,
            },
            {
                "id": 1304,
                "variant_id": None,
                "product_id": None,
                "sku": None,
                "title": "Engraving service",
                "quantity": 1,
                "price": "8.00",
                "ships": False,
                "allocs": [(0, "0.80")],
            },
        ],
        shipping=[
            {
                "id": 1401,
                "title": "Standard",
                "code": "Standard",
                "price": "6.90",
                "allocs": [(2, "6.90")],
            },
            {
                "id": 1402,
                "title": "Gift wrap delivery",
                "code": "Gift wrap delivery",
                "price": "3.00",
                "taxes": [("VA State Tax", 0.053, "0.16")],
            },
        ],
    )
    t1 = [("orders/create", s1.doc(0)), ("orders/paid", s1.doc(1))]
    s1.address = {**s1.address, "address1": "1600 Clarendon Blvd", "zip": "22209"}
    t1.append(("orders/updated", s1.doc(30)))
    out.append(
        {
            "key": "S1",
            "id": s1.id,
            "timeline": t1,
            "status": "released",
            "holds": [],
            "address_line1": "1600 Clarendon Blvd",
        }
    )

    # S2 — GB shop, prices include VAT (taxes_included), buyer pays in EUR (presentment ≠
    # shop). A custom line without SKU that needs no shipping. Unpaid at checkout (bank
    # payment pending), paid later.
    s2 = ShopifyOrder(
        5500000000202,
        currency="GBP",
        presentment="EUR",
        rate="1.1650",
        taxes_included=True,
        financial_status="pending",
        country="GB",
        address={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "name": "Ada Lovelace",
            "address1": "12 St James's Square",
            "address2": None,
            "city": "London",
            "province": "England",
            "province_code": "ENG",
            "zip": "SW1Y 4JH",
            "country": "United Kingdom",
            "country_code": "GB",
            "phone": "+442079460000",
            "company": None,
        },
        applications=[
            {
                "type": "discount_code",
                "code": "AUTUMN15",
                "title": "AUTUMN15",
                "value": "15.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "line_item",
            }
        ],
        codes=[("AUTUMN15", "11.40", "percentage")],
        lines=[
            {
                "id": 2301,
                "variant_id": 8000 + p["s_c"].pk,
                "product_id": 700,
                "sku": p["s_c"].sku,
                "title": "Wool scarf",
                "quantity": 2,
                "price": "30.00",
                "allocs": [(0, "9.00")],
                # 20 % VAT inside the discounted price: 51.00 × 20/120
                "taxes": [("GB VAT", 0.2, "8.50")],
            },
            {
                "id": 2302,
                "variant_id": None,
                "product_id": None,
                "sku": None,
                "title": "Personal styling call",
                "quantity": 1,
                "price": "16.00",
                "ships": False,
                "allocs": [(0, "2.40")],
                "taxes": [("GB VAT", 0.2, "2.27")],
            },
        ],
        shipping=[
            {
                "id": 2401,
                "title": "Royal Mail Tracked 48 – signed for",
                "code": "Tracked 48",
                "price": "4.95",
                "taxes": [("GB VAT", 0.2, "0.83")],
            }
        ],
    )
    t2 = [("orders/create", s2.doc(0))]
    s2.financial_status = "paid"
    t2.append(("orders/paid", s2.doc(45)))
    t2.append(("orders/updated", s2.doc(45)))
    out.append({"key": "S2", "id": s2.id, "timeline": t2, "status": "released", "holds": []})

    # S3 — JPY shop (no minor unit), tax exclusive consumption tax, a tip, two shipping lines
    # (one with an automatic shipping discount). Cancelled at the shop before we pick.
    s3 = ShopifyOrder(
        5500000000303,
        currency="JPY",
        country="JP",
        address={
            "first_name": "Hideo",
            "last_name": "Kojima",
            "name": "Hideo Kojima",
            "address1": "1-1 Chiyoda",
            "address2": None,
            "city": "Chiyoda-ku",
            "province": "Tokyo",
            "province_code": "JP-13",
            "zip": "100-0001",
            "country": "Japan",
            "country_code": "JP",
            "phone": "+81312345678",
            "company": None,
        },
        applications=[
            {
                "type": "automatic",
                "title": "Shipping ¥300 off",
                "description": "Shipping ¥300 off",
                "value": "300.0",
                "value_type": "fixed_amount",
                "allocation_method": "each",
                "target_selection": "all",
                "target_type": "shipping_line",
            }
        ],
        lines=[
            {
                "id": 3301,
                "variant_id": 8000 + p["s_d"].pk,
                "product_id": 800,
                "sku": p["s_d"].sku,
                "title": "Tenugui towel",
                "quantity": 3,
                "price": "1480",
                "taxes": [("JP Consumption Tax", 0.1, "444")],
            },
            {
                "id": 3302,
                "variant_id": None,
                "product_id": None,
                "sku": None,
                "title": "Tip",
                "quantity": 1,
                "price": "500",
                "ships": False,
                "tip": True,
            },
        ],
        shipping=[
            {
                "id": 3401,
                "title": "Yamato",
                "code": "yamato",
                "price": "800",
                "allocs": [(0, "300")],
                "taxes": [("JP Consumption Tax", 0.1, "50")],
            },
            {"id": 3402, "title": "Cool box", "code": "cool", "price": "220"},
        ],
    )
    t3 = [("orders/create", s3.doc(0))]
    s3.cancelled_at = at(20, "+09:00")
    s3.cancel_reason = "customer"
    s3.financial_status = "voided"
    t3.append(("orders/cancelled", s3.doc(20)))
    t3.append(("orders/updated", s3.doc(20)))
    out.append({"key": "S3", "id": s3.id, "timeline": t3, "status": "cancelled", "holds": []})

    # S4 — USD shop, buyer in Kuwaiti dinar (3 decimals), duties collected at checkout, a
    # shippable custom line without a SKU (kept, held as unknown SKU), authorised then partly
    # refunded (current_total_price drops, the order stays).
    s4 = ShopifyOrder(
        5500000000404,
        presentment="KWD",
        rate="0.30735",
        financial_status="authorized",
        country="KW",
        address={
            "first_name": "Fátima",
            "last_name": "Al-Sabah",
            "name": "Fatima Al-Sabah",
            "address1": "Block 3, Street 14, House 7",
            "address2": None,
            "city": "Salmiya",
            "province": "Hawalli",
            "province_code": "HA",
            "zip": "22001",
            "country": "Kuwait",
            "country_code": "KW",
            "phone": "+96522223333",
            "company": None,
        },
        lines=[
            {
                "id": 4301,
                "variant_id": 8000 + p["s_e"].pk,
                "product_id": 900,
                "sku": p["s_e"].sku,
                "title": "Linen shirt",
                "quantity": 2,
                "price": "64.00",
                "duties": ["7.68", "7.68"],
            },
            {
                "id": 4302,
                "variant_id": None,
                "product_id": None,
                "sku": None,
                "title": "Hand-made belt (custom)",
                "quantity": 1,
                "price": "35.00",
                "duties": ["4.20"],
            },
        ],
        shipping=[
            {"id": 4401, "title": "DHL Express Worldwide", "code": "DHL Express", "price": "28.00"}
        ],
    )
    t4 = [("orders/create", s4.doc(0))]
    s4.financial_status = "paid"
    t4.append(("orders/paid", s4.doc(10)))
    s4.financial_status = "partially_refunded"
    s4.refunds = [{"id": 4901, "amount": "15.00", "note": "Late delivery goodwill"}]
    t4.append(("orders/updated", s4.doc(60)))
    out.append(
        {
            "key": "S4",
            "id": s4.id,
            "timeline": t4,
            "status": "on_hold",
            "holds": ["unknown_sku"],
        }
    )

    # S5 — USD, edited after checkout: the first line's quantity 3 → 1, the second line
    # removed (current_quantity 0). Shopify sends orders/edited and the orders/updated with the
    # edited order.
    s5 = ShopifyOrder(
        5500000000505,
        lines=[
            {
                "id": 5301,
                "variant_id": 8000 + p["s_f"].pk,
                "product_id": 1000,
                "sku": p["s_f"].sku,
                "title": "Enamel mug",
                "quantity": 3,
                "price": "14.00",
                "taxes": [("NY State Tax", 0.08875, "3.73")],
            },
            {
                "id": 5302,
                "variant_id": 8000 + p["s_g"].pk,
                "product_id": 1001,
                "sku": p["s_g"].sku,
                "title": "Coaster set",
                "quantity": 2,
                "price": "9.50",
                "taxes": [("NY State Tax", 0.08875, "1.69")],
            },
        ],
        shipping=[
            {
                "id": 5401,
                "title": "UPS Ground",
                "code": "ups_ground",
                "price": "7.25",
                "taxes": [("NY State Tax", 0.08875, "0.64")],
            }
        ],
        country="US",
    )
    t5 = [("orders/create", s5.doc(0))]
    s5.lines[0]["current_quantity"] = 1
    s5.lines[1]["current_quantity"] = 0
    edit = {
        "order_edit": {
            "id": 95001,
            "app_id": None,
            "created_at": at(15),
            "committed_at": at(15),
            "notify_customer": False,
            "order_id": s5.id,
            "staff_note": "",
            "user_id": 1,
            "line_items": {
                "additions": [],
                "removals": [{"id": 5301, "delta": 2}, {"id": 5302, "delta": 2}],
            },
            "discounts": {"line_item": {"additions": [], "removals": []}},
            "shipping_lines": {"additions": [], "removals": []},
        }
    }
    t5.append(("orders/edited", edit))
    t5.append(("orders/updated", s5.doc(15)))
    out.append(
        {
            "key": "S5",
            "id": s5.id,
            "timeline": t5,
            "status": "released",
            "holds": [],
            "quantities": {"5301": 1, "5302": 0},
        }
    )

    # S6 — Bahraini dinar shop (3 decimals), tax exclusive VAT 10 %, fulfilled outside our
    # warehouse (the shop's POS) after we had it.
    s6 = ShopifyOrder(
        5500000000606,
        currency="BHD",
        country="BH",
        address={
            "first_name": "Yusuf",
            "last_name": "Haddad",
            "name": "Yusuf Haddad",
            "address1": "Building 120, Road 1703",
            "address2": None,
            "city": "Manama",
            "province": "Capital",
            "province_code": "13",
            "zip": "317",
            "country": "Bahrain",
            "country_code": "BH",
            "phone": "+97317001234",
            "company": None,
        },
        applications=[
            {
                "type": "manual",
                "title": "Loyal customer",
                "description": "Loyal customer",
                "value": "1.250",
                "value_type": "fixed_amount",
                "allocation_method": "across",
                "target_selection": "explicit",
                "target_type": "line_item",
            }
        ],
        lines=[
            {
                "id": 6301,
                "variant_id": 8000 + p["s_h"].pk,
                "product_id": 1100,
                "sku": p["s_h"].sku,
                "title": "Oud candle",
                "quantity": 3,
                "price": "4.125",
                "allocs": [(0, "1.250")],
                "taxes": [("BH VAT", 0.1, "1.113")],
            }
        ],
        shipping=[
            {
                "id": 6401,
                "title": "Aramex",
                "code": "aramex",
                "price": "1.500",
                "taxes": [("BH VAT", 0.1, "0.150")],
            }
        ],
    )
    t6 = [("orders/create", s6.doc(0))]
    s6.fulfillments = [
        {
            "id": 6901,
            "order_id": s6.id,
            "status": "success",
            "location_id": 99,
            "tracking_company": "Aramex",
            "tracking_number": "AX123456",
            "line_items": [{"id": 6301, "quantity": 3, "sku": p["s_h"].sku}],
        }
    ]
    s6.fulfillment_status = "fulfilled"
    t6.append(("orders/fulfilled", s6.doc(25)))
    t6.append(("orders/updated", s6.doc(25)))
    # Nothing is left for us to ship: our work is withdrawn and the order closed here as
    # cancelled (without a cancellation e-mail: docs/channels.md).
    out.append(
        {
            "key": "S6",
            "id": s6.id,
            "timeline": t6,
            "status": "cancelled",
            "holds": [],
            "fulfilled_elsewhere": True,
        }
    )

    # S7 — USD, payment captured in the checkout's second (orders/create pending and
    # orders/paid with the same updated_at), later edited: one more mug and a new line added.
    s7 = ShopifyOrder(
        5500000000707,
        financial_status="pending",
        lines=[
            {
                "id": 7301,
                "variant_id": 8000 + p["s_i"].pk,
                "product_id": 1200,
                "sku": p["s_i"].sku,
                "title": "Espresso cup",
                "quantity": 2,
                "price": "11.00",
                "taxes": [("CA State Tax", 0.0725, "1.60")],
            }
        ],
        shipping=[{"id": 7401, "title": "USPS Priority", "code": "usps_priority", "price": "8.40"}],
    )
    t7 = [("orders/create", s7.doc(0))]
    s7.financial_status = "paid"
    t7.append(("orders/paid", s7.doc(0)))
    s7.lines[0].update(quantity=3, taxes=[("CA State Tax", 0.0725, "2.39")])
    s7.lines.append(
        {
            "id": 7302,
            "variant_id": 8000 + p["s_j"].pk,
            "product_id": 1201,
            "sku": p["s_j"].sku,
            "title": "Milk jug",
            "quantity": 1,
            "price": "18.00",
            "taxes": [("CA State Tax", 0.0725, "1.31")],
        }
    )
    s7.financial_status = "partially_paid"
    t7.append(("orders/updated", s7.doc(22)))
    out.append(
        {
            "key": "S7",
            "id": s7.id,
            "timeline": t7,
            "status": "released",
            "holds": [],
            "quantities": {"7301": 3, "7302": 1},
        }
    )

    # S8 — USD, cancelled at the shop with refund and restock: every line's current_quantity
    # drops to 0, financial_status refunded.
    s8 = ShopifyOrder(
        5500000000808,
        lines=[
            {
                "id": 8301,
                "variant_id": 8000 + p["s_k"].pk,
                "product_id": 1300,
                "sku": p["s_k"].sku,
                "title": "Desk lamp",
                "quantity": 1,
                "price": "54.00",
                "taxes": [("TX State Tax", 0.0625, "3.38")],
            }
        ],
        shipping=[{"id": 8401, "title": "Standard", "code": "Standard", "price": "6.00"}],
    )
    t8 = [("orders/create", s8.doc(0))]
    s8.cancelled_at = at(8)
    s8.cancel_reason = "inventory"
    s8.financial_status = "refunded"
    s8.refunds = [{"id": 8901, "amount": "63.38", "note": "Cancelled"}]
    s8.lines[0]["current_quantity"] = 0
    t8.append(("orders/cancelled", s8.doc(8)))
    out.append({"key": "S8", "id": s8.id, "timeline": t8, "status": "cancelled", "holds": []})
    return out


# --- WooCommerce --------------------------------------------------------------------------------


class WooOrder:
    def __init__(
        self,
        oid,
        *,
        currency="USD",
        prices_include_tax=False,
        status="processing",
        lines,
        shipping,
        fees=(),
        coupons=(),
        rates,
        country="US",
    ):
        self.id, self.currency = oid, currency
        self.prices_include_tax = prices_include_tax
        self.status = status
        self.lines, self.shipping, self.fees = lines, shipping, list(fees)
        self.coupons, self.rates = list(coupons), rates
        self.refunds: list = []
        self.paid_minutes = 0 if status in ("processing", "completed") else None
        self.address = {
            "first_name": "Linus",
            "last_name": "Torvalds",
            "company": "",
            "address_1": "2 Kernel Way",
            "address_2": "",
            "city": "Portland",
            "state": "OR",
            "postcode": "97201",
            "country": country,
            "phone": "+15035550100",
        }

    def doc(self, modified_minutes: float) -> dict:
        cur = self.currency

        def taxes(rows):
            # WooCommerce writes a line's per-rate taxes unrounded ("5.833333") when prices
            # include tax; the line's total_tax and the order's figures are rounded.
            return [{"id": rid, "total": str(t), "subtotal": str(t)} for rid, t in rows]

        line_items = []
        items_sub = items_total = cart_tax = D(0)
        per_rate = {rid: [D(0), D(0)] for rid in self.rates}
        for li in self.lines:
            sub, tot = q(li["subtotal"], cur), q(li["total"], cur)
            tax = sum((q(t, cur) for _, t in li["taxes"]), D(0))
            sub_tax = q(li.get("subtotal_tax", tax), cur)
            items_sub += sub
            items_total += tot
            cart_tax += tax
            for rid, t in li["taxes"]:
                per_rate[rid][0] += q(t, cur)
            line_items.append(
                {
                    "id": li["id"],
                    "name": li["name"],
                    "product_id": li["product_id"],
                    "variation_id": li.get("variation_id", 0),
                    "quantity": li["quantity"],
                    "tax_class": "",
                    "subtotal": s(sub, cur),
                    "subtotal_tax": s(sub_tax, cur),
                    "total": s(tot, cur),
                    "total_tax": s(tax, cur),
                    "taxes": taxes(li["taxes"]),
                    "meta_data": [],
                    "sku": li["sku"],
                    "price": float(q(tot / li["quantity"], cur)),
                    "image": {"id": "", "src": ""},
                    "parent_name": None,
                }
            )
        fee_total = fee_tax = D(0)
        fee_lines = []
        for f in self.fees:
            tax = sum((q(t, cur) for _, t in f["taxes"]), D(0))
            fee_total += q(f["total"], cur)
            fee_tax += tax
            for rid, t in f["taxes"]:
                per_rate[rid][0] += q(t, cur)
            fee_lines.append(
                {
                    "id": f["id"],
                    "name": f["name"],
                    "tax_class": "",
                    "tax_status": "taxable" if f["taxes"] else "none",
                    "amount": s(f["total"], cur),
                    "total": s(f["total"], cur),
                    "total_tax": s(tax, cur),
                    "taxes": taxes(f["taxes"]),
                    "meta_data": [],
                }
            )
        ship_total = ship_tax = D(0)
        shipping_lines = []
        for sl in self.shipping:
            tax = sum((q(t, cur) for _, t in sl["taxes"]), D(0))
            ship_total += q(sl["total"], cur)
            ship_tax += tax
            for rid, t in sl["taxes"]:
                per_rate[rid][1] += q(t, cur)
            shipping_lines.append(
                {
                    "id": sl["id"],
                    "method_title": sl["title"],
                    "method_id": sl["method_id"],
                    "instance_id": "3",
                    "total": s(sl["total"], cur),
                    "total_tax": s(tax, cur),
                    "taxes": taxes(sl["taxes"]),
                    "meta_data": [],
                }
            )
        discount = items_sub - items_total
        discount_tax = sum(
            (
                q(li.get("subtotal_tax", 0), cur) - sum((q(t, cur) for _, t in li["taxes"]), D(0))
                for li in self.lines
                if "subtotal_tax" in li
            ),
            D(0),
        )
        total_tax = cart_tax + fee_tax + ship_tax
        total = items_total + fee_total + ship_total + total_tax
        paid = self.paid_minutes
        return {
            "id": self.id,
            "parent_id": 0,
            "number": str(self.id),
            "order_key": f"wc_order_{self.id}abc",
            "created_via": "checkout",
            "version": "9.4.2",
            "status": self.status,
            "currency": cur,
            "date_created": gmt(0),
            "date_created_gmt": gmt(0),
            "date_modified": gmt(modified_minutes),
            "date_modified_gmt": gmt(modified_minutes),
            "discount_total": s(discount, cur),
            "discount_tax": s(discount_tax, cur),
            "shipping_total": s(ship_total, cur),
            "shipping_tax": s(ship_tax, cur),
            "cart_tax": s(cart_tax + fee_tax, cur),
            "total": s(total, cur),
            "total_tax": s(total_tax, cur),
            "prices_include_tax": self.prices_include_tax,
            "customer_id": 0,
            "customer_ip_address": "203.0.113.9",
            "customer_user_agent": "Mozilla/5.0",
            "customer_note": "",
            "billing": {**self.address, "email": "linus@example.com"},
            "shipping": dict(self.address),
            "payment_method": "stripe" if paid is not None else "bacs",
            "payment_method_title": "Credit card" if paid is not None else "Bank transfer",
            "transaction_id": f"ch_{self.id}" if paid is not None else "",
            "date_paid": gmt(paid) if paid is not None else None,
            "date_paid_gmt": gmt(paid) if paid is not None else None,
            "date_completed": None,
            "date_completed_gmt": None,
            "cart_hash": "f00",
            "meta_data": [],
            "line_items": line_items,
            "tax_lines": [
                {
                    "id": 90 + rid,
                    "rate_code": r["code"],
                    "rate_id": rid,
                    "label": r["label"],
                    "compound": False,
                    "tax_total": s(per_rate[rid][0], cur),
                    "shipping_tax_total": s(per_rate[rid][1], cur),
                    "rate_percent": r["percent"],
                    "meta_data": [],
                }
                for rid, r in self.rates.items()
            ],
            "shipping_lines": shipping_lines,
            "fee_lines": fee_lines,
            "coupon_lines": [
                {
                    "id": 70 + n,
                    "code": c["code"],
                    "discount": s(c["discount"], cur),
                    "discount_tax": s(c["discount_tax"], cur),
                    "meta_data": [],
                }
                for n, c in enumerate(self.coupons)
            ],
            "refunds": self.refunds,
            "currency_symbol": "$",
            "_links": {"self": [{"href": f"https://shop.example/wp-json/wc/v3/orders/{self.id}"}]},
        }


def woo_orders(products: dict) -> list[dict]:
    p = products
    out = []
    us_rate = {1: {"code": "US-OR-STATE-1", "label": "State tax", "percent": 8.0}}

    # W1 — USD tax exclusive: two coupons (10 % and $5 fixed cart) spread over the lines, a
    # taxable fee, two shipping lines, paid at checkout; later the address and a quantity
    # change (3 → 2 on the first line, the shop recalculates).
    w1 = WooOrder(
        7101,
        rates=us_rate,
        coupons=[
            {"code": "save10", "discount": "7.80", "discount_tax": "0.62"},
            {"code": "fiver", "discount": "5.00", "discount_tax": "0.40"},
        ],
        lines=[
            {
                "id": 101,
                "name": "Trail mix",
                "product_id": 9000 + p["w_a"].pk,
                "sku": p["w_a"].sku,
                "quantity": 3,
                "subtotal": "45.00",
                "total": "37.62",  # −4.50 (10 %) −2.88 (share of $5)
                "taxes": [(1, "3.01")],
                "subtotal_tax": "3.60",
            },
            {
                "id": 102,
                "name": "Water bottle",
                "product_id": 9000 + p["w_b"].pk,
                "sku": p["w_b"].sku,
                "quantity": 1,
                "subtotal": "33.00",
                "total": "27.58",  # −3.30 −2.12
                "taxes": [(1, "2.21")],
                "subtotal_tax": "2.64",
            },
        ],
        fees=[{"id": 301, "name": "Handling", "total": "2.50", "taxes": [(1, "0.20")]}],
        shipping=[
            {
                "id": 201,
                "title": "Flat rate",
                "method_id": "flat_rate",
                "total": "6.00",
                "taxes": [(1, "0.48")],
            },
            {
                "id": 202,
                "title": "Local pickup",
                "method_id": "local_pickup",
                "total": "0.00",
                "taxes": [],
            },
        ],
    )
    t1 = [("order.created", w1.doc(0))]
    w1.address = {**w1.address, "address_1": "99 Changed Ave", "postcode": "97209"}
    t1.append(("order.updated", w1.doc(12)))
    w1.lines[0].update(quantity=2, subtotal="30.00", subtotal_tax="2.40")
    w1.coupons = [
        {"code": "save10", "discount": "6.30", "discount_tax": "0.50"},
        {"code": "fiver", "discount": "5.00", "discount_tax": "0.40"},
    ]
    # 10 %: 3.00 + 3.30; $5 split 30:33 → 2.38 + 2.62: lines 24.62 and 27.08
    w1.lines[0].update(total="24.62", taxes=[(1, "1.97")])
    w1.lines[1].update(total="27.08", taxes=[(1, "2.17")])
    t1.append(("order.updated", w1.doc(40)))
    out.append(
        {
            "key": "W1",
            "id": w1.id,
            "timeline": t1,
            "status": "released",
            "holds": [],
            "address_line1": "99 Changed Ave",
            "quantities": {"101": 2, "102": 1},
        }
    )

    # W2 — GBP shop with prices entered including VAT (prices_include_tax): amounts in the
    # document are still net, VAT beside them. Paid by bank transfer: on-hold → processing.
    gb = {2: {"code": "GB-VAT-1", "label": "VAT", "percent": 20.0}}
    w2 = WooOrder(
        7202,
        currency="GBP",
        prices_include_tax=True,
        status="on-hold",
        rates=gb,
        country="GB",
        coupons=[{"code": "tenoff", "discount": "8.33", "discount_tax": "1.67"}],
        lines=[
            {
                "id": 111,
                "name": "Teapot",
                "product_id": 9000 + p["w_c"].pk,
                "sku": p["w_c"].sku,
                "quantity": 1,
                "subtotal": "37.50",  # £45.00 incl. VAT
                "total": "29.17",  # after £10 off incl. VAT (8.33 net)
                "taxes": [(2, "5.833333")],
                "subtotal_tax": "7.50",
            },
            {
                "id": 112,
                "name": "Loose leaf tea – Assam (100 g)",
                "product_id": 9000 + p["w_d"].pk,
                "sku": p["w_d"].sku,
                "quantity": 4,
                "subtotal": "20.00",  # £6.00 each incl. VAT
                "total": "20.00",
                "taxes": [(2, "4.00")],
            },
        ],
        shipping=[
            {
                "id": 211,
                "title": "Royal Mail",
                "method_id": "flat_rate",
                "total": "3.25",
                "taxes": [(2, "0.65")],
            },
        ],
    )
    w2.address = {**w2.address, "city": "Leeds", "state": "", "postcode": "LS1 4DY"}
    t2 = [("order.created", w2.doc(0))]
    w2.status = "processing"
    w2.paid_minutes = 300
    t2.append(("order.updated", w2.doc(300)))
    out.append({"key": "W2", "id": w2.id, "timeline": t2, "status": "released", "holds": []})

    # W3 — EUR, a line whose product was deleted (product_id 0, sku ""), a non-taxable fee;
    # pending payment, then cancelled at the shop.
    de = {3: {"code": "DE-MWST-1", "label": "MwSt.", "percent": 19.0}}
    w3 = WooOrder(
        7303,
        currency="EUR",
        status="pending",
        rates=de,
        country="DE",
        lines=[
            {
                "id": 121,
                "name": "Bratpfanne",
                "product_id": 9000 + p["w_e"].pk,
                "sku": p["w_e"].sku,
                "quantity": 1,
                "subtotal": "54.62",
                "total": "54.62",
                "taxes": [(3, "10.38")],
            },
            {
                "id": 122,
                "name": "Old lid (discontinued)",
                "product_id": 0,
                "sku": "",
                "quantity": 2,
                "subtotal": "8.40",
                "total": "8.40",
                "taxes": [(3, "1.60")],
            },
        ],
        fees=[{"id": 321, "name": "Cash on delivery fee", "total": "2.00", "taxes": []}],
        shipping=[
            {
                "id": 221,
                "title": "DHL Paket",
                "method_id": "flat_rate",
                "total": "4.20",
                "taxes": [(3, "0.80")],
            },
        ],
    )
    w3.address = {**w3.address, "city": "Berlin", "state": "BE", "postcode": "10115"}
    t3 = [("order.created", w3.doc(0))]
    w3.status = "cancelled"
    t3.append(("order.updated", w3.doc(90)))
    out.append({"key": "W3", "id": w3.id, "timeline": t3, "status": "cancelled", "holds": []})

    # W4 — USD, paid, refunded in full at the shop before we picked (status refunded).
    w4 = WooOrder(
        7404,
        rates=us_rate,
        lines=[
            {
                "id": 131,
                "name": "Camp stove",
                "product_id": 9000 + p["w_f"].pk,
                "sku": p["w_f"].sku,
                "quantity": 1,
                "subtotal": "89.00",
                "total": "89.00",
                "taxes": [(1, "7.12")],
            }
        ],
        shipping=[
            {
                "id": 231,
                "title": "UPS 2nd Day Air",
                "method_id": "ups_2day",
                "total": "14.50",
                "taxes": [(1, "1.16")],
            },
        ],
    )
    t4 = [("order.created", w4.doc(0))]
    w4.status = "refunded"
    w4.refunds = [{"id": 881, "reason": "Out of stock at the shop", "total": "-111.78"}]
    t4.append(("order.updated", w4.doc(50)))
    out.append({"key": "W4", "id": w4.id, "timeline": t4, "status": "cancelled", "holds": []})

    # W5 — USD, a loyalty discount a plugin adds as a negative fee (with its negative tax) and
    # a free-shipping coupon; paid, later touched again without any change of substance.
    w5 = WooOrder(
        7505,
        rates=us_rate,
        coupons=[{"code": "freeship", "discount": "0.00", "discount_tax": "0.00"}],
        lines=[
            {
                "id": 141,
                "name": "Hammock",
                "product_id": 9000 + p["w_g"].pk,
                "sku": p["w_g"].sku,
                "quantity": 1,
                "subtotal": "72.00",
                "total": "72.00",
                "taxes": [(1, "5.76")],
            }
        ],
        fees=[{"id": 341, "name": "Loyalty discount", "total": "-5.00", "taxes": [(1, "-0.40")]}],
        shipping=[
            {
                "id": 241,
                "title": "Free shipping",
                "method_id": "free_shipping",
                "total": "0.00",
                "taxes": [],
            },
        ],
    )
    t5 = [("order.created", w5.doc(0)), ("order.updated", w5.doc(5))]
    out.append({"key": "W5", "id": w5.id, "timeline": t5, "status": "released", "holds": []})

    # W6 — USD card payment completing in the second the order was created: order.created
    # (pending) and order.updated (processing, date_paid set) carry the same date_modified_gmt.
    w6 = WooOrder(
        7606,
        status="pending",
        rates=us_rate,
        lines=[
            {
                "id": 151,
                "name": "Lantern",
                "product_id": 9000 + p["w_h"].pk,
                "sku": p["w_h"].sku,
                "quantity": 2,
                "subtotal": "36.00",
                "total": "36.00",
                "taxes": [(1, "2.88")],
            }
        ],
        shipping=[
            {
                "id": 251,
                "title": "Flat rate",
                "method_id": "flat_rate",
                "total": "5.00",
                "taxes": [(1, "0.40")],
            },
        ],
    )
    t6 = [("order.created", w6.doc(0))]
    w6.status = "processing"
    w6.paid_minutes = 0
    t6.append(("order.updated", w6.doc(0)))
    out.append({"key": "W6", "id": w6.id, "timeline": t6, "status": "released", "holds": []})

    # W7 — USD, paid; the shop owner ships it from the shop's back room and marks it completed
    # before our warehouse picked it: our work is withdrawn (the order closes here, no
    # cancellation e-mail: the buyer gets the parcel).
    w7 = WooOrder(
        7707,
        rates=us_rate,
        lines=[
            {
                "id": 161,
                "name": "Bird feeder",
                "product_id": 9000 + p["w_i"].pk,
                "sku": p["w_i"].sku,
                "quantity": 1,
                "subtotal": "27.00",
                "total": "27.00",
                "taxes": [(1, "2.16")],
            }
        ],
        shipping=[
            {
                "id": 261,
                "title": "Flat rate",
                "method_id": "flat_rate",
                "total": "4.00",
                "taxes": [(1, "0.32")],
            },
        ],
    )
    t7 = [("order.created", w7.doc(0))]
    w7.status = "completed"
    t7.append(("order.updated", w7.doc(180)))
    out.append(
        {
            "key": "W7",
            "id": w7.id,
            "timeline": t7,
            "status": "cancelled",
            "holds": [],
            "fulfilled_elsewhere": True,
        }
    )
    return out


# --- Amazon SP-API ------------------------------------------------------------------------------


def money(amount, currency):
    return {"CurrencyCode": currency, "Amount": s(amount, currency)}


def amazon_item(
    n,
    sku,
    qty,
    currency,
    *,
    price,
    tax="0",
    ship="0",
    ship_tax="0",
    promo="0",
    promo_tax="0",
    ship_disc="0",
    ship_disc_tax="0",
    promos=(),
    wrap=None,
    wrap_tax=None,
    title=None,
):
    item = {
        "ASIN": f"B0{n:08d}",
        "SellerSKU": sku,
        "OrderItemId": f"{n:014d}",
        "Title": title or sku,
        "QuantityOrdered": qty,
        "QuantityShipped": 0,
        "ProductInfo": {"NumberOfItems": "1"},
        "ItemPrice": money(price, currency),
        "ItemTax": money(tax, currency),
        "ShippingPrice": money(ship, currency),
        "ShippingTax": money(ship_tax, currency),
        "ShippingDiscount": money(ship_disc, currency),
        "ShippingDiscountTax": money(ship_disc_tax, currency),
        "PromotionDiscount": money(promo, currency),
        "PromotionDiscountTax": money(promo_tax, currency),
        "PromotionIds": list(promos),
        "IsGift": "false" if wrap is None else "true",
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "IsTransparency": False,
        "SerialNumberRequired": False,
    }
    if wrap is not None:
        item["GiftWrapPrice"] = money(wrap, currency)
        item["GiftWrapTax"] = money(wrap_tax or "0", currency)
    return item


def amazon_total(items, currency, *, inclusive):
    total = D(0)
    for i in items:
        for key in ("ItemPrice", "ShippingPrice", "GiftWrapPrice"):
            total += D((i.get(key) or {}).get("Amount") or 0)
        if not inclusive:
            for key in ("ItemTax", "ShippingTax", "GiftWrapTax"):
                total += D((i.get(key) or {}).get("Amount") or 0)
            for key in ("PromotionDiscountTax", "ShippingDiscountTax"):
                total -= D((i.get(key) or {}).get("Amount") or 0)
        for key in ("PromotionDiscount", "ShippingDiscount"):
            total -= D((i.get(key) or {}).get("Amount") or 0)
    return money(total, currency)


PRICED = (
    "ItemPrice",
    "ItemTax",
    "ShippingPrice",
    "ShippingTax",
    "ShippingDiscount",
    "ShippingDiscountTax",
    "PromotionDiscount",
    "PromotionDiscountTax",
    "GiftWrapPrice",
    "GiftWrapTax",
)


def amazon_orders(products: dict) -> list[dict]:
    """Amazon orders: each stage is (order, items, address, buyer) as getOrders /
    getOrderItems / getOrderAddress / getOrderBuyerInfo return them at that time."""
    p = products
    out = []
    us_addr = {
        "Name": "Margaret Hamilton",
        "AddressLine1": "77 Massachusetts Ave",
        "City": "Cambridge",
        "StateOrRegion": "MA",
        "PostalCode": "02139",
        "CountryCode": "US",
        "Phone": "+16175550199",
        "AddressType": "Residential",
    }

    def order(oid, status, currency, items, minutes, *, afn=False, inclusive=False, **extra):
        row = {
            "AmazonOrderId": oid,
            "SellerOrderId": oid,
            "PurchaseDate": amz(0),
            "LastUpdateDate": amz(minutes),
            "OrderStatus": status,
            "FulfillmentChannel": "AFN" if afn else "MFN",
            "SalesChannel": extra.pop("SalesChannel", "Amazon.com"),
            "ShipServiceLevel": extra.pop("ShipServiceLevel", "Std US D2D Dom"),
            "ShipmentServiceLevelCategory": extra.pop("ShipmentServiceLevelCategory", "Standard"),
            "NumberOfItemsShipped": sum(i["QuantityOrdered"] for i in items)
            if status == "Shipped"
            else 0,
            "NumberOfItemsUnshipped": 0
            if status in ("Shipped", "Canceled")
            else sum(i["QuantityOrdered"] for i in items),
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": extra.pop("MarketplaceId", "ATVPDKIKX0DER"),
            "OrderType": "StandardOrder",
            "EarliestShipDate": amz(60),
            "LatestShipDate": extra.pop("LatestShipDate", amz(60 * 48)),
            "EarliestDeliveryDate": amz(60 * 48),
            "LatestDeliveryDate": extra.pop("LatestDeliveryDate", amz(60 * 120)),
            "IsBusinessOrder": False,
            "IsPrime": extra.pop("IsPrime", False),
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": "false",
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "HasRegulatedItems": False,
            **extra,
        }
        if status not in ("Pending", "PendingAvailability", "Canceled"):
            row["OrderTotal"] = amazon_total(items, currency, inclusive=inclusive)
        return row

    # A1 — MFN US: Pending (no prices), then Unshipped with a promotion and a free-shipping
    # promotion, sales tax; the address comes through the RDT.
    items = [
        amazon_item(
            11,
            p["a_a"].sku,
            2,
            "USD",
            price="59.98",
            tax="3.75",
            ship="5.99",
            ship_tax="0.00",
            promo="6.00",
            promo_tax="0.38",
            ship_disc="5.99",
            promos=["PLM-10OFF-2026", "FREE-SHIP-35"],
        ),
        amazon_item(
            12,
            p["a_b"].sku,
            1,
            "USD",
            price="15.49",
            tax="0.97",
            ship="3.99",
            ship_tax="0.25",
            ship_disc="3.99",
            ship_disc_tax="0.25",
            promos=["FREE-SHIP-35"],
        ),
    ]
    pending = [{k: v for k, v in i.items() if k not in PRICED} for i in items]
    a1 = "114-3941689-8772232"
    out.append(
        {
            "key": "A1",
            "id": a1,
            "stages": [
                (order(a1, "Pending", "USD", pending, 0), pending),
                (order(a1, "Unshipped", "USD", items, 35), items),
            ],
            "address": us_addr,
            "buyer": {"BuyerEmail": "x1@marketplace.amazon.com", "BuyerName": "M. Hamilton"},
            "inclusive": False,
            "status": "released",
            "holds": [],
            "afn": False,
        }
    )

    # A2 — AFN: Amazon ships it; recorded only.
    items2 = [amazon_item(21, p["a_c"].sku, 3, "USD", price="44.97", tax="2.70")]
    a2 = "113-5550101-1100001"
    out.append(
        {
            "key": "A2",
            "id": a2,
            "stages": [
                (
                    order(a2, "Pending", "USD", items2, 0, afn=True, ShipServiceLevel="Expedited"),
                    items2,
                ),
                (
                    order(
                        a2, "Shipped", "USD", items2, 240, afn=True, ShipServiceLevel="Expedited"
                    ),
                    items2,
                ),
            ],
            "address": {
                k: v
                for k, v in us_addr.items()
                if k in ("City", "StateOrRegion", "PostalCode", "CountryCode")
            },
            "buyer": {"BuyerEmail": "x2@marketplace.amazon.com"},
            "inclusive": False,
            "status": "nothing_to_ship",
            "holds": [],
            "afn": True,
        }
    )

    # A3 — MFN UK (GBP, prices include VAT): Unshipped, then Canceled by the buyer.
    uk = {
        "Name": "Tim Berners-Lee",
        "AddressLine1": "10 Downing Street",
        "City": "London",
        "StateOrRegion": "Greater London",
        "PostalCode": "SW1A 2AA",
        "CountryCode": "GB",
        "Phone": "+442079250918",
        "AddressType": "Residential",
    }
    items3 = [
        amazon_item(
            31,
            p["a_d"].sku,
            1,
            "GBP",
            price="24.99",
            tax="4.17",
            ship="2.99",
            ship_tax="0.50",
            promo="2.50",
            promo_tax="0.42",
            promos=["UK-2.50-OFF"],
        ),
    ]
    cancelled3 = [
        {
            **{k: v for k, v in i.items() if k not in PRICED},
            "QuantityOrdered": 0,
        }
        for i in items3
    ]
    a3 = "202-1234567-7654321"
    uk_extra = {
        "SalesChannel": "Amazon.co.uk",
        "MarketplaceId": "A1F83G8C2ARO7P",
        "ShipServiceLevel": "Std UK Dom_1",
    }
    out.append(
        {
            "key": "A3",
            "id": a3,
            "stages": [
                (order(a3, "Unshipped", "GBP", items3, 5, inclusive=True, **uk_extra), items3),
                # Canceled: Amazon drops the prices and the ordered quantity of its items
                (
                    order(a3, "Canceled", "GBP", cancelled3, 70, inclusive=True, **uk_extra),
                    cancelled3,
                ),
            ],
            "address": uk,
            "buyer": {"BuyerEmail": "x3@marketplace.amazon.co.uk", "BuyerName": "T B-L"},
            "inclusive": True,
            "status": "cancelled",
            "holds": [],
            "afn": False,
        }
    )

    # A5 — MFN US, two items; the seller cancels one of them (its QuantityOrdered drops to 0,
    # its prices go, OrderTotal is the rest) while the order stays Unshipped.
    items5 = [
        amazon_item(51, p["a_f"].sku, 1, "USD", price="129.00", tax="8.06"),
        amazon_item(
            52, p["a_g"].sku, 2, "USD", price="19.98", tax="1.25", ship="4.49", ship_tax="0"
        ),
    ]
    partly5 = [
        items5[0],
        {**{k: v for k, v in items5[1].items() if k not in PRICED}, "QuantityOrdered": 0},
    ]
    a5 = "111-0000005-5555555"
    out.append(
        {
            "key": "A5",
            "id": a5,
            "stages": [
                (order(a5, "Unshipped", "USD", items5, 2), items5),
                (order(a5, "Unshipped", "USD", partly5, 50), partly5),
            ],
            "address": {**us_addr, "Name": "Katherine Johnson", "AddressLine1": "1 NASA Dr"},
            "buyer": {"BuyerEmail": "x5@marketplace.amazon.com", "BuyerName": "K. Johnson"},
            "inclusive": False,
            "status": "released",
            "holds": [],
            "afn": False,
            "quantities": {"00000000000051": 1, "00000000000052": 0},
        }
    )

    # A6 — MFN US, confirmed as shipped in Seller Central (another tool bought the label)
    # before our warehouse picked it: Amazon reports it Shipped with QuantityShipped.
    items6 = [amazon_item(61, p["a_h"].sku, 2, "USD", price="39.98", tax="2.50")]
    shipped6 = [{**items6[0], "QuantityShipped": 2}]
    a6 = "112-6666666-0000006"
    out.append(
        {
            "key": "A6",
            "id": a6,
            "stages": [
                (order(a6, "Unshipped", "USD", items6, 4), items6),
                (order(a6, "Shipped", "USD", shipped6, 95), shipped6),
            ],
            "address": {**us_addr, "Name": "Dorothy Vaughan", "AddressLine1": "5 Langley Blvd"},
            "buyer": {"BuyerEmail": "x6@marketplace.amazon.com", "BuyerName": "D. Vaughan"},
            "inclusive": False,
            "status": "cancelled",
            "holds": [],
            "afn": False,
            "fulfilled_elsewhere": True,
        }
    )

    # A4 — MFN JP (JPY, prices include consumption tax, no minor unit): Prime SecondDay with
    # gift wrap.
    jp = {
        "Name": "Satoshi Tajiri",
        "AddressLine1": "2-3-1 Nishi-Shinjuku",
        "City": "Shinjuku-ku",
        "StateOrRegion": "Tokyo",
        "PostalCode": "163-8001",
        "CountryCode": "JP",
        "Phone": "+81353211111",
        "AddressType": "Residential",
    }
    items4 = [
        amazon_item(
            41,
            p["a_e"].sku,
            2,
            "JPY",
            price="3960",
            tax="360",
            ship="0",
            wrap="330",
            wrap_tax="30",
            promo="200",
            promo_tax="18",
            promos=["JP-TIMESALE"],
        ),
    ]
    a4 = "503-7777777-0000004"
    jp_extra = {
        "SalesChannel": "Amazon.co.jp",
        "MarketplaceId": "A1VC38T7YXB528",
        "ShipServiceLevel": "SecondDay",
        "ShipmentServiceLevelCategory": "SecondDay",
        "IsPrime": True,
    }
    out.append(
        {
            "key": "A4",
            "id": a4,
            "stages": [
                (order(a4, "Unshipped", "JPY", items4, 3, inclusive=True, **jp_extra), items4),
            ],
            "address": jp,
            "buyer": {"BuyerEmail": "x4@marketplace.amazon.co.jp", "BuyerName": "S. Tajiri"},
            "inclusive": True,
            "status": "released",
            "holds": [],
            "afn": False,
            "service_level": "expedited",
        }
    )
    return out
