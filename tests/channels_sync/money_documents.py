"""Real-format channel orders for the money tests (issue 11 items 1, 2 and 4).

Built field by field from the channels' public references: Shopify REST Admin `Order`
(money as strings, `*_set` with shop_money / presentment_money, `discount_applications` +
per-line `discount_allocations`, `tax_lines`, `shipping_lines[].discounted_price`,
`taxes_included`, `current_*`, duties); WooCommerce REST v3 order (amounts as strings without
tax, `prices_include_tax`, `coupon_lines`, `fee_lines`, `shipping_lines`, `tax_lines`); SP-API
Orders v0 (`OrderTotal` and per-item `ItemPrice`, `ItemTax`, `ShippingPrice`, `ShippingTax`,
`PromotionDiscount`, `ShippingDiscount` as Money {CurrencyCode, Amount}).

Every figure is the one the channel would write; the tests compare what we store with these
figures, read back from the document itself.
"""

from __future__ import annotations

import copy

SHOP_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "name": "Ada Lovelace",
    "address1": "1 Main St",
    "address2": "",
    "city": "Springfield",
    "province": "Illinois",
    "province_code": "IL",
    "zip": "62701",
    "country": "United States",
    "country_code": "US",
    "phone": "+12175550100",
    "company": None,
}


def mset(shop: str, currency: str, presentment: str | None = None, pcur: str | None = None):
    """A Shopify MoneyBag (`*_set`)."""
    return {
        "shop_money": {"amount": shop, "currency_code": currency},
        "presentment_money": {
            "amount": presentment if presentment is not None else shop,
            "currency_code": pcur or currency,
        },
    }


def _tax(title, rate, price, cur, pprice=None, pcur=None):
    return {
        "title": title,
        "rate": rate,
        "price": price,
        "price_set": mset(price, cur, pprice, pcur),
        "channel_liable": False,
    }


def _alloc(amount, index, cur, pamount=None, pcur=None):
    return {
        "amount": amount,
        "amount_set": mset(amount, cur, pamount, pcur),
        "discount_application_index": index,
    }


def _line(
    line_id,
    title,
    price,
    quantity,
    cur,
    *,
    sku="",
    variant_id=None,
    product_id=None,
    allocations=(),
    taxes=(),
    requires_shipping=True,
    gift_card=False,
    pprice=None,
    pcur=None,
    duties=(),
):
    total_discount = sum((float(a["amount"]) for a in allocations), 0.0)
    return {
        "id": line_id,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
        "variant_id": variant_id,
        "product_id": product_id,
        "sku": sku,
        "title": title,
        "name": title,
        "variant_title": None,
        "vendor": "Mock Shop",
        "quantity": quantity,
        "current_quantity": quantity,
        "fulfillable_quantity": quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": None,
        "requires_shipping": requires_shipping,
        "taxable": bool(taxes),
        "gift_card": gift_card,
        "grams": 200 if requires_shipping else 0,
        "price": price,
        "price_set": mset(price, cur, pprice, pcur),
        "total_discount": "0.00",
        "total_discount_set": mset("0.00", cur, "0.00", pcur),
        "discount_allocations": list(allocations),
        "tax_lines": list(taxes),
        "duties": list(duties),
        "properties": [],
        "_total_discount": total_discount,
    }


def _shipping(line_id, title, code, price, cur, *, discount=None, taxes=(), pprice=None, pcur=None):
    discounted = price if discount is None else discount[1]
    return {
        "id": line_id,
        "title": title,
        "code": code,
        "source": "shopify",
        "price": price,
        "price_set": mset(price, cur, pprice, pcur),
        "discounted_price": discounted,
        "discounted_price_set": mset(discounted, cur, discounted if pcur is None else None, pcur),
        "discount_allocations": [] if discount is None else [_alloc(discount[0], discount[2], cur)],
        "tax_lines": list(taxes),
        "carrier_identifier": None,
        "requested_fulfillment_service_id": None,
    }


def _shopify(order_id, cur, lines, shipping_lines, totals, **extra):
    """A Shopify REST Admin order; `totals` holds the document's own totals in shop money
    (and optionally `p_<name>` in presentment money)."""
    pcur = extra.pop("presentment_currency", cur)

    def both(name):
        return mset(totals[name], cur, totals.get(f"p_{name}", totals[name]), pcur)

    for line in lines:
        line.pop("_total_discount", None)
    order = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id % 10000}",
        "order_number": order_id % 10000,
        "email": f"buyer{order_id % 100}@example.com",
        "contact_email": f"buyer{order_id % 100}@example.com",
        "phone": None,
        "created_at": "2026-11-28T10:15:00-05:00",
        "updated_at": "2026-11-28T10:15:03-05:00",
        "processed_at": "2026-11-28T10:15:00-05:00",
        "cancelled_at": None,
        "cancel_reason": None,
        "closed_at": None,
        "confirmed": True,
        "test": False,
        "currency": cur,
        "presentment_currency": pcur,
        "taxes_included": False,
        "financial_status": "paid",
        "fulfillment_status": None,
        "source_name": "web",
        "customer": {"id": 207119551, "email": "ada@example.com", "first_name": "Ada"},
        "shipping_address": SHOP_ADDRESS,
        "billing_address": SHOP_ADDRESS,
        "line_items": lines,
        "shipping_lines": shipping_lines,
        "discount_codes": [],
        "discount_applications": [],
        "tax_lines": [],
        "total_line_items_price": totals["items"],
        "total_line_items_price_set": both("items"),
        "subtotal_price": totals["subtotal"],
        "subtotal_price_set": both("subtotal"),
        "total_discounts": totals["discounts"],
        "total_discounts_set": both("discounts"),
        "total_shipping_price_set": both("shipping"),
        "total_tax": totals["tax"],
        "total_tax_set": both("tax"),
        "total_price": totals["total"],
        "total_price_set": both("total"),
        "current_subtotal_price": totals.get("current_subtotal", totals["subtotal"]),
        "current_subtotal_price_set": mset(totals.get("current_subtotal", totals["subtotal"]), cur),
        "current_total_discounts": totals.get("current_discounts", totals["discounts"]),
        "current_total_tax": totals.get("current_tax", totals["tax"]),
        "current_total_price": totals.get("current_total", totals["total"]),
        "current_total_price_set": mset(totals.get("current_total", totals["total"]), cur),
        "total_tip_received": totals.get("tip", "0.00"),
        "total_outstanding": "0.00",
        "refunds": [],
        "fulfillments": [],
    }
    order.update(extra)
    if "shipping_address" in extra:
        order["billing_address"] = extra["shipping_address"]
    return order


def shopify_documents(variant_of):
    """Six Shopify orders. `variant_of(letter)` is the variant id of a listed product."""
    usd = "USD"
    # 1. A 10 % discount code allocated per line, shipping with tax, prices without tax.
    code = {
        "type": "discount_code",
        "title": "SAVE10",
        "code": "SAVE10",
        "description": None,
        "value": "10.0",
        "value_type": "percentage",
        "allocation_method": "across",
        "target_selection": "all",
        "target_type": "line_item",
    }
    s1 = _shopify(
        820982911946154501,
        usd,
        [
            _line(
                1,
                "Mug",
                "25.00",
                2,
                usd,
                variant_id=variant_of("a"),
                product_id=1,
                allocations=[_alloc("5.00", 0, usd)],
                taxes=[_tax("IL State Tax", 0.0825, "3.71", usd)],
            ),
            _line(
                2,
                "Teapot",
                "40.00",
                1,
                usd,
                variant_id=variant_of("b"),
                product_id=2,
                allocations=[_alloc("4.00", 0, usd)],
                taxes=[_tax("IL State Tax", 0.0825, "2.97", usd)],
            ),
            _line(
                3,
                "Coaster",
                "15.00",
                3,
                usd,
                variant_id=variant_of("c"),
                product_id=3,
                allocations=[_alloc("4.50", 0, usd)],
                taxes=[_tax("IL State Tax", 0.0825, "3.34", usd)],
            ),
            _line(
                4,
                "Kettle",
                "30.00",
                1,
                usd,
                variant_id=variant_of("d"),
                product_id=4,
                allocations=[_alloc("3.00", 0, usd)],
                taxes=[_tax("IL State Tax", 0.0825, "2.23", usd)],
            ),
        ],
        [
            _shipping(
                11,
                "Standard",
                "standard",
                "10.00",
                usd,
                taxes=[_tax("IL State Tax", 0.0825, "0.83", usd)],
            )
        ],
        {
            "items": "165.00",
            "subtotal": "148.50",
            "discounts": "16.50",
            "shipping": "10.00",
            "tax": "13.08",
            "total": "171.58",
        },
        discount_codes=[{"code": "SAVE10", "amount": "16.50", "type": "percentage"}],
        discount_applications=[code],
        tax_lines=[_tax("IL State Tax", 0.0825, "13.08", usd)],
    )
    # 2. An automatic discount on one line, a free-shipping code on one of two shipping lines.
    s2 = _shopify(
        820982911946154502,
        usd,
        [
            _line(
                1,
                "Mug",
                "20.00",
                2,
                usd,
                variant_id=variant_of("a"),
                product_id=1,
                allocations=[_alloc("4.00", 0, usd)],
                taxes=[_tax("State Tax", 0.05, "1.80", usd)],
            ),
            _line(
                2,
                "Teapot",
                "60.00",
                1,
                usd,
                variant_id=variant_of("b"),
                product_id=2,
                taxes=[_tax("State Tax", 0.05, "3.00", usd)],
            ),
        ],
        [
            _shipping(21, "Standard", "standard", "5.00", usd, discount=("5.00", "0.00", 1)),
            _shipping(
                22,
                "Oversize surcharge",
                "oversize",
                "12.00",
                usd,
                taxes=[_tax("State Tax", 0.05, "0.60", usd)],
            ),
        ],
        {
            "items": "100.00",
            "subtotal": "96.00",
            "discounts": "9.00",
            "shipping": "17.00",
            "tax": "5.40",
            "total": "113.40",
        },
        discount_codes=[{"code": "FREESHIP", "amount": "5.00", "type": "shipping"}],
        discount_applications=[
            {
                "type": "automatic",
                "title": "Two mugs, 10 % off",
                "description": "Two mugs, 10 % off",
                "value": "10.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "entitled",
                "target_type": "line_item",
            },
            {
                "type": "discount_code",
                "code": "FREESHIP",
                "value": "100.0",
                "value_type": "percentage",
                "allocation_method": "each",
                "target_selection": "all",
                "target_type": "shipping_line",
            },
        ],
        tax_lines=[_tax("State Tax", 0.05, "5.40", usd)],
    )
    # 3. Prices include VAT; the shop keeps EUR, the buyer paid in GBP.
    eur, gbp = "EUR", "GBP"
    s3 = _shopify(
        820982911946154503,
        eur,
        [
            _line(
                1,
                "Teapot",
                "30.00",
                2,
                eur,
                variant_id=variant_of("b"),
                product_id=2,
                taxes=[_tax("VAT", 0.2, "10.00", eur, "8.67", gbp)],
                pprice="26.00",
                pcur=gbp,
            )
        ],
        [
            _shipping(
                31,
                "Royal Mail",
                "rm-tracked-48",
                "6.00",
                eur,
                taxes=[_tax("VAT", 0.2, "1.00", eur, "0.87", gbp)],
                pprice="5.20",
                pcur=gbp,
            )
        ],
        {
            "items": "60.00",
            "p_items": "52.00",
            "subtotal": "60.00",
            "p_subtotal": "52.00",
            "discounts": "0.00",
            "shipping": "6.00",
            "p_shipping": "5.20",
            "tax": "11.00",
            "p_tax": "9.54",
            "total": "66.00",
            "p_total": "57.20",
        },
        presentment_currency=gbp,
        taxes_included=True,
        tax_lines=[_tax("VAT", 0.2, "11.00", eur, "9.54", gbp)],
        shipping_address={
            **SHOP_ADDRESS,
            "country_code": "GB",
            "province_code": "",
            "zip": "SW1A 1AA",
            "city": "London",
        },
    )
    # 4. Yen (no minor unit), consumption tax included; a custom service line without
    #    shipping and a gift card.
    jpy = "JPY"
    s4 = _shopify(
        820982911946154504,
        jpy,
        [
            _line(
                1,
                "Coaster",
                "1200",
                3,
                jpy,
                variant_id=variant_of("c"),
                product_id=3,
                taxes=[_tax("JCT", 0.1, "327", jpy)],
            ),
            _line(
                2,
                "Gift wrapping service",
                "300",
                1,
                jpy,
                sku=None,
                requires_shipping=False,
                taxes=[_tax("JCT", 0.1, "27", jpy)],
            ),
            _line(
                3,
                "Gift card",
                "5000",
                1,
                jpy,
                sku=None,
                requires_shipping=False,
                gift_card=True,
                product_id=9,
            ),
        ],
        [_shipping(41, "Yamato", "yamato", "800", jpy, taxes=[_tax("JCT", 0.1, "73", jpy)])],
        {
            "items": "8900",
            "subtotal": "8900",
            "discounts": "0",
            "shipping": "800",
            "tax": "427",
            "total": "9700",
        },
        taxes_included=True,
        tax_lines=[_tax("JCT", 0.1, "427", jpy)],
        shipping_address={
            **SHOP_ADDRESS,
            "country_code": "JP",
            "province_code": None,
            "province": "Tokyo",
            "zip": "100-0001",
            "city": "Chiyoda",
        },
    )
    # 5. Dinar (three decimals), not paid yet; a custom line that ships but has no SKU, and a
    #    tip.
    kwd = "KWD"
    s5 = _shopify(
        820982911946154505,
        kwd,
        [
            _line(1, "Mug", "4.750", 2, kwd, variant_id=variant_of("a"), product_id=1),
            _line(2, "Engraving plate", "1.250", 1, kwd, sku=None),
            _line(3, "Tip", "0.500", 1, kwd, sku=None, requires_shipping=False),
        ],
        [_shipping(51, "Aramex", "aramex", "1.500", kwd)],
        {
            "items": "11.250",
            "subtotal": "11.250",
            "discounts": "0.000",
            "shipping": "1.500",
            "tax": "0.000",
            "total": "12.750",
            "tip": "0.500",
        },
        financial_status="pending",
        total_outstanding="12.750",
        shipping_address={
            **SHOP_ADDRESS,
            "country_code": "KW",
            "province_code": "",
            "zip": "13001",
            "city": "Kuwait City",
        },
    )
    # 6. Cancelled at the shop (refunded): duties on a cross-border line; current totals 0.
    s6 = _shopify(
        820982911946154506,
        usd,
        [
            _line(
                1,
                "Kettle",
                "80.00",
                1,
                usd,
                variant_id=variant_of("d"),
                product_id=4,
                duties=[
                    {
                        "id": "2",
                        "harmonized_system_code": "851671",
                        "country_code_of_origin": "US",
                        "shop_money": {"amount": "4.20", "currency_code": usd},
                        "presentment_money": {"amount": "4.20", "currency_code": usd},
                        "price_set": mset("4.20", usd),
                        "tax_lines": [],
                        "admin_graphql_api_id": "gid://shopify/Duty/2",
                    }
                ],
            )
        ],
        [_shipping(61, "International", "intl", "15.00", usd)],
        {
            "items": "80.00",
            "subtotal": "80.00",
            "discounts": "0.00",
            "shipping": "15.00",
            "tax": "0.00",
            "total": "99.20",
            "current_subtotal": "0.00",
            "current_tax": "0.00",
            "current_total": "0.00",
        },
        financial_status="refunded",
        cancelled_at="2026-11-28T11:00:00-05:00",
        cancel_reason="customer",
        original_total_duties_set=mset("4.20", usd),
        current_total_duties_set=mset("0.00", usd),
        shipping_address={
            **SHOP_ADDRESS,
            "country_code": "CA",
            "province_code": "ON",
            "zip": "K1A 0B1",
            "city": "Ottawa",
        },
    )
    return [s1, s2, s3, s4, s5, s6]


def _woo(
    order_id,
    cur,
    lines,
    *,
    shipping_lines=(),
    fee_lines=(),
    coupon_lines=(),
    tax_lines=(),
    totals,
    **extra,
):
    address = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "company": "",
        "address_1": "2 Navy Way",
        "address_2": "",
        "city": "Arlington",
        "state": "VA",
        "postcode": "22202",
        "country": "US",
    }
    order = {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": f"wc_order_{order_id}",
        "created_via": "checkout",
        "version": "9.4.2",
        "status": "processing",
        "currency": cur,
        "date_created": "2026-11-28T15:15:00",
        "date_created_gmt": "2026-11-28T15:15:00",
        "date_modified": "2026-11-28T15:15:05",
        "date_modified_gmt": "2026-11-28T15:15:05",
        "discount_total": totals["discount_total"],
        "discount_tax": totals.get("discount_tax", "0.00"),
        "shipping_total": totals["shipping_total"],
        "shipping_tax": totals.get("shipping_tax", "0.00"),
        "cart_tax": totals.get("cart_tax", "0.00"),
        "total": totals["total"],
        "total_tax": totals["total_tax"],
        "prices_include_tax": False,
        "customer_id": 26,
        "billing": {**address, "email": f"grace{order_id}@example.com", "phone": "(555) 555-5555"},
        "shipping": {**address, "phone": ""},
        "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer",
        "transaction_id": "",
        "date_paid": "2026-11-28T15:15:05",
        "date_paid_gmt": "2026-11-28T15:15:05",
        "date_completed": None,
        "date_completed_gmt": None,
        "cart_hash": "",
        "meta_data": [],
        "line_items": list(lines),
        "tax_lines": list(tax_lines),
        "shipping_lines": list(shipping_lines),
        "fee_lines": list(fee_lines),
        "coupon_lines": list(coupon_lines),
        "refunds": [],
    }
    order.update(extra)
    if "shipping" in extra:
        order["billing"] = {
            **extra["shipping"],
            "email": f"buyer{order_id}@example.com",
            "phone": "",
        }
    return order


def _woo_line(
    line_id,
    name,
    product_id,
    sku,
    qty,
    subtotal,
    total,
    *,
    subtotal_tax="0.00",
    total_tax="0.00",
    rate_id=None,
):
    taxes = []
    if rate_id is not None:
        taxes = [{"id": rate_id, "total": total_tax, "subtotal": subtotal_tax}]
    return {
        "id": line_id,
        "name": name,
        "product_id": product_id,
        "variation_id": 0,
        "quantity": qty,
        "tax_class": "",
        "subtotal": subtotal,
        "subtotal_tax": subtotal_tax,
        "total": total,
        "total_tax": total_tax,
        "taxes": taxes,
        "meta_data": [],
        "sku": sku,
        "price": float(total) / qty,
    }


def _woo_rate(rate_id, code, label, percent, tax_total, shipping_tax_total):
    return {
        "id": 900 + rate_id,
        "rate_code": code,
        "rate_id": rate_id,
        "label": label,
        "compound": False,
        "tax_total": tax_total,
        "shipping_tax_total": shipping_tax_total,
        "rate_percent": percent,
        "meta_data": [],
    }


def woo_documents(product_id_of):
    """Five WooCommerce orders. `product_id_of(letter)` is the product id of a listed product."""
    # 1. A 10 % coupon over two lines, prices without tax, one taxed shipping line.
    w1 = _woo(
        7201,
        "USD",
        [
            _woo_line(
                1,
                "Mug",
                product_id_of("a"),
                "",
                2,
                "40.00",
                "36.00",
                subtotal_tax="3.20",
                total_tax="2.88",
                rate_id=1,
            ),
            _woo_line(
                2,
                "Teapot",
                product_id_of("b"),
                "",
                1,
                "15.00",
                "13.50",
                subtotal_tax="1.20",
                total_tax="1.08",
                rate_id=1,
            ),
        ],
        shipping_lines=[
            {
                "id": 11,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "instance_id": "1",
                "total": "5.00",
                "total_tax": "0.40",
                "taxes": [{"id": 1, "total": "0.40", "subtotal": ""}],
                "meta_data": [],
            }
        ],
        coupon_lines=[
            {
                "id": 21,
                "code": "spring10",
                "discount": "5.50",
                "discount_tax": "0.44",
                "meta_data": [],
            }
        ],
        tax_lines=[_woo_rate(1, "US-VA-STATE-1", "State tax", 8.0, "3.96", "0.40")],
        totals={
            "discount_total": "5.50",
            "discount_tax": "0.44",
            "shipping_total": "5.00",
            "shipping_tax": "0.40",
            "cart_tax": "3.96",
            "total_tax": "4.36",
            "total": "58.86",
        },
    )
    # 2. Prices include VAT (amounts still written without it), two shipping lines, a fee.
    w2 = _woo(
        7202,
        "EUR",
        [
            _woo_line(
                1,
                "Kettle",
                product_id_of("d"),
                "",
                2,
                "40.00",
                "40.00",
                subtotal_tax="8.40",
                total_tax="8.40",
                rate_id=2,
            )
        ],
        shipping_lines=[
            {
                "id": 12,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "instance_id": "2",
                "total": "4.13",
                "total_tax": "0.87",
                "taxes": [{"id": 2, "total": "0.87", "subtotal": ""}],
                "meta_data": [],
            },
            {
                "id": 13,
                "method_title": "Bulky goods",
                "method_id": "flat_rate",
                "instance_id": "3",
                "total": "8.26",
                "total_tax": "1.73",
                "taxes": [{"id": 2, "total": "1.73", "subtotal": ""}],
                "meta_data": [],
            },
        ],
        fee_lines=[
            {
                "id": 14,
                "name": "Cash on delivery",
                "tax_class": "",
                "tax_status": "taxable",
                "amount": "2.00",
                "total": "2.00",
                "total_tax": "0.42",
                "taxes": [{"id": 2, "total": "0.42", "subtotal": ""}],
                "meta_data": [],
            }
        ],
        tax_lines=[_woo_rate(2, "NL-BTW-1", "BTW", 21.0, "8.82", "2.60")],
        totals={
            "discount_total": "0.00",
            "shipping_total": "12.39",
            "shipping_tax": "2.60",
            "cart_tax": "8.82",
            "total_tax": "11.42",
            "total": "65.81",
        },
        prices_include_tax=True,
        shipping={
            "first_name": "Anna",
            "last_name": "de Vries",
            "company": "",
            "address_1": "Damrak 1",
            "address_2": "",
            "city": "Amsterdam",
            "state": "",
            "postcode": "1012 LG",
            "country": "NL",
            "phone": "",
        },
    )
    # 3. Dinar (three decimals), waiting for payment; a line whose SKU is empty.
    w3 = _woo(
        7203,
        "KWD",
        [
            _woo_line(1, "Coaster", product_id_of("c"), "", 3, "6.375", "6.375"),
            _woo_line(2, "Hand-painted tile", 0, "", 1, "0.750", "0.750"),
        ],
        shipping_lines=[
            {
                "id": 15,
                "method_title": "Aramex",
                "method_id": "flat_rate",
                "instance_id": "4",
                "total": "1.000",
                "total_tax": "0.000",
                "taxes": [],
                "meta_data": [],
            }
        ],
        totals={
            "discount_total": "0.000",
            "shipping_total": "1.000",
            "total_tax": "0.000",
            "total": "8.125",
        },
        status="pending",
        date_paid=None,
        date_paid_gmt=None,
        shipping={
            "first_name": "Fatima",
            "last_name": "Al-Sabah",
            "company": "",
            "address_1": "Block 3, Street 12",
            "address_2": "",
            "city": "Kuwait City",
            "state": "",
            "postcode": "13001",
            "country": "KW",
            "phone": "",
        },
    )
    # 4. A fixed cart coupon, a handling fee and a negative fee (store credit), free shipping.
    w4 = _woo(
        7204,
        "USD",
        [_woo_line(1, "Teapot", product_id_of("b"), "", 1, "100.00", "90.00")],
        shipping_lines=[
            {
                "id": 16,
                "method_title": "Free shipping",
                "method_id": "free_shipping",
                "instance_id": "5",
                "total": "0.00",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            }
        ],
        fee_lines=[
            {
                "id": 17,
                "name": "Handling",
                "tax_class": "",
                "tax_status": "none",
                "amount": "3.50",
                "total": "3.50",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            },
            {
                "id": 18,
                "name": "Store credit",
                "tax_class": "",
                "tax_status": "none",
                "amount": "-5.00",
                "total": "-5.00",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            },
        ],
        coupon_lines=[
            {
                "id": 19,
                "code": "tenoff",
                "discount": "10.00",
                "discount_tax": "0.00",
                "meta_data": [],
            }
        ],
        totals={
            "discount_total": "10.00",
            "shipping_total": "0.00",
            "total_tax": "0.00",
            "total": "88.50",
        },
    )
    # 5. Cancelled at the shop; pounds with VAT.
    w5 = _woo(
        7205,
        "GBP",
        [
            _woo_line(
                1,
                "Mug",
                product_id_of("a"),
                "",
                1,
                "50.00",
                "50.00",
                subtotal_tax="10.00",
                total_tax="10.00",
                rate_id=3,
            )
        ],
        shipping_lines=[
            {
                "id": 20,
                "method_title": "Royal Mail",
                "method_id": "flat_rate",
                "instance_id": "6",
                "total": "4.00",
                "total_tax": "0.80",
                "taxes": [{"id": 3, "total": "0.80", "subtotal": ""}],
                "meta_data": [],
            }
        ],
        tax_lines=[_woo_rate(3, "GB-VAT-1", "VAT", 20.0, "10.00", "0.80")],
        totals={
            "discount_total": "0.00",
            "shipping_total": "4.00",
            "shipping_tax": "0.80",
            "cart_tax": "10.00",
            "total_tax": "10.80",
            "total": "64.80",
        },
        status="cancelled",
        shipping={
            "first_name": "Alan",
            "last_name": "Turing",
            "company": "",
            "address_1": "1 Bletchley Park",
            "address_2": "",
            "city": "Milton Keynes",
            "state": "",
            "postcode": "MK3 6EB",
            "country": "GB",
            "phone": "",
        },
    )
    return [copy.deepcopy(d) for d in (w1, w2, w3, w4, w5)]


def amazon_documents(sku_of):
    """Six SP-API orders as `POST /_mock/orders` bodies for the mock Amazon (which then serves
    them through getOrders / getOrderItems). `sku_of(letter)` is a listed seller SKU."""
    return [
        # 1. US merchant-fulfilled: tax on items and shipping, a promotion on one item.
        {
            "items": [
                {
                    "SellerSKU": sku_of("a"),
                    "QuantityOrdered": 2,
                    "Amount": "39.98",
                    "Tax": "3.30",
                    "ShippingPrice": "5.99",
                    "ShippingTax": "0.49",
                    "PromotionDiscount": "4.00",
                    "PromotionIds": ["PLM-10-OFF"],
                },
                {"SellerSKU": sku_of("b"), "QuantityOrdered": 1, "Amount": "12.50", "Tax": "1.03"},
            ],
        },
        # 2. Free-shipping promotion on two items that both carry shipping.
        {
            "items": [
                {
                    "SellerSKU": sku_of("c"),
                    "QuantityOrdered": 1,
                    "Amount": "25.00",
                    "Tax": "2.06",
                    "ShippingPrice": "4.99",
                    "ShippingDiscount": "4.99",
                    "PromotionIds": ["FREE-SHIP"],
                },
                {
                    "SellerSKU": sku_of("d"),
                    "QuantityOrdered": 1,
                    "Amount": "18.00",
                    "Tax": "1.49",
                    "ShippingPrice": "2.99",
                    "ShippingDiscount": "2.99",
                    "PromotionIds": ["FREE-SHIP"],
                },
            ],
        },
        # 3. Fulfilled by Amazon (AFN): recorded, never fulfilled here.
        {
            "FulfillmentChannel": "AFN",
            "OrderStatus": "Shipped",
            "items": [
                {
                    "SellerSKU": sku_of("a"),
                    "QuantityOrdered": 3,
                    "Amount": "59.97",
                    "Tax": "4.95",
                    "ShippingPrice": "0.00",
                }
            ],
        },
        # 4. Amazon.co.jp: yen, consumption tax inside the prices.
        {
            "MarketplaceId": "A1VC38T7YXB528",
            "CurrencyCode": "JPY",
            "TaxInclusive": True,
            "ShippingAddress": {
                "CountryCode": "JP",
                "StateOrRegion": "Tokyo",
                "PostalCode": "100-0001",
                "City": "Chiyoda-ku",
            },
            "items": [
                {
                    "SellerSKU": sku_of("b"),
                    "QuantityOrdered": 2,
                    "Amount": "7960",
                    "Tax": "724",
                    "ShippingPrice": "500",
                    "ShippingTax": "45",
                }
            ],
        },
        # 5. Amazon.de: euros, VAT inside the prices, a promotion with its own tax part.
        {
            "MarketplaceId": "A1PA6795UKMFR9",
            "CurrencyCode": "EUR",
            "TaxInclusive": True,
            "ShippingAddress": {
                "CountryCode": "DE",
                "StateOrRegion": "",
                "PostalCode": "10115",
                "City": "Berlin",
            },
            "items": [
                {
                    "SellerSKU": sku_of("c"),
                    "QuantityOrdered": 2,
                    "Amount": "59.98",
                    "Tax": "9.58",
                    "PromotionDiscount": "6.00",
                    "PromotionDiscountTax": "0.96",
                    "ShippingPrice": "4.99",
                    "ShippingTax": "0.80",
                }
            ],
        },
        # 6. Prime two-day, a price that does not divide by the quantity, a seller SKU we do
        #    not know (kept, held).
        {
            "IsPrime": True,
            "ShipmentServiceLevelCategory": "SecondDay",
            "items": [
                {"SellerSKU": sku_of("d"), "QuantityOrdered": 3, "Amount": "10.00", "Tax": "0.83"},
                {
                    "SellerSKU": "NOT-IN-CATALOGUE-7",
                    "QuantityOrdered": 1,
                    "Amount": "7.49",
                    "Tax": "0.62",
                },
            ],
        },
    ]
