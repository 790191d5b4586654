"""Pure functions: a channel's real order payload → the normalised dict `order_capture` takes.

They raise MalformedPayload with the reason when the payload lacks what an order needs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from channels_sync.exceptions import MalformedPayload


def _req(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, dict) or obj.get(key) in (None, ""):
        raise MalformedPayload(f"{where}.{key} is required.", field=f"{where}.{key}")
    return obj[key]


def _qty(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedPayload(f"{where} must be a whole number.", field=where)
    try:
        n = int(value)
    except ValueError as exc:
        raise MalformedPayload(f"{where} must be a whole number.", field=where) from exc
    if n <= 0:
        raise MalformedPayload(f"{where} must be positive.", field=where)
    return n


def _money(value: Any, where: str) -> str:
    try:
        return str(Decimal(str(value if value not in (None, "") else "0")))
    except InvalidOperation as exc:
        raise MalformedPayload(f"{where} is not an amount.", field=where) from exc


def _lines(raw: Any, where: str) -> list:
    if not isinstance(raw, list) or not raw:
        raise MalformedPayload(f"{where} must be a non-empty list.", field=where)
    return raw


def _address(a: dict | None, *, email: str = "") -> dict:
    a = a or {}
    name = a.get("name") or " ".join(
        p for p in (a.get("first_name") or "", a.get("last_name") or "") if p
    )
    return {
        "name": name,
        "company": a.get("company") or "",
        "line1": a.get("address1") or a.get("address_1") or "",
        "line2": a.get("address2") or a.get("address_2") or "",
        "city": a.get("city") or "",
        "region": a.get("province_code") or a.get("state") or a.get("province") or "",
        "postal_code": a.get("zip") or a.get("postcode") or "",
        "country": a.get("country_code") or a.get("country") or "",
        "phone": a.get("phone") or "",
        "email": a.get("email") or email,
    }


SHOPIFY_PAYMENT = {
    "paid": "captured",
    "partially_paid": "captured",
    "partially_refunded": "captured",
    "authorized": "authorized",
    "refunded": "refunded",
    "voided": "failed",
}


def _shop(obj: dict, key: str, where: str) -> Any:
    """A Shopify amount in the shop currency: `<key>_set.shop_money.amount`, else `<key>`."""
    money_set = obj.get(f"{key}_set")
    if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
        return _money(money_set["shop_money"].get("amount"), f"{where}.{key}_set")
    if obj.get(key) in (None, ""):
        return None
    return _money(obj.get(key), f"{where}.{key}")


def _buyer(obj: dict, key: str) -> str | None:
    """The same amount in the presentment (buyer's) currency, when the document has it."""
    money_set = obj.get(f"{key}_set")
    if isinstance(money_set, dict) and isinstance(money_set.get("presentment_money"), dict):
        value = money_set["presentment_money"].get("amount")
        return None if value in (None, "") else str(value)
    return None


def _shopify_taxes(raw: Any, where: str) -> list[dict]:
    out = []
    for n, t in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(t, dict):
            row = {
                "title": t.get("title") or "Tax",
                "rate": t.get("rate"),
                "amount": _shop(t, "price", f"{where}[{n}]") or "0",
            }
            if _buyer(t, "price") is not None:
                row["presentment_amount"] = _buyer(t, "price")
            out.append(row)
    return out


def _shopify_kind(item: dict) -> tuple[str, bool]:
    """(line kind, requires shipping) of a Shopify line item."""
    ships = item.get("requires_shipping") not in (False, "false")
    if item.get("gift_card") in (True, "true"):
        return "gift_card", False
    custom = not item.get("variant_id") and not item.get("product_id")
    if (
        custom
        and not ships
        and str(item.get("title") or item.get("name") or "").strip().lower()
        in (
            "tip",
            "tips",
        )
    ):
        return "tip", False
    return ("custom" if custom else "product"), ships


def shopify_order(payload: Any, *, sku_for_variant: dict[str, str]) -> dict:
    """Shopify REST Admin order JSON (webhooks orders/create, orders/updated, orders/paid,
    orders/cancelled; `GET orders/<id>.json`) → the normalised order (orders.money_rules).

    Every line is kept: custom lines and lines without a SKU (held as unknown SKU), gift cards
    and tips as lines that need no shipping. Money is taken in the shop currency from the
    `*_set` fields (shop_money), the buyer's currency kept beside it (presentment_money).
    Raises MalformedPayload only when the document is not an order.
    """
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object (a Shopify order).")
    order_id = _req(payload, "id", "order")
    currency = str(payload.get("currency") or "USD").upper()
    applications = [a for a in payload.get("discount_applications") or [] if isinstance(a, dict)]

    def _application(index: Any) -> dict:
        try:
            return applications[int(index)]
        except (TypeError, ValueError, IndexError):
            return {}

    def _allocations(raw: Any, where: str) -> list[dict]:
        out = []
        for n, d in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(d, dict):
                continue
            app = _application(d.get("discount_application_index"))
            row = {
                "amount": _shop(d, "amount", f"{where}[{n}]") or "0",
                "title": app.get("title") or app.get("description") or app.get("code") or "",
                "code": app.get("code") or "",
                "kind": app.get("type") or "",
                "application_index": d.get("discount_application_index"),
            }
            if _buyer(d, "amount") is not None:
                row["presentment_amount"] = _buyer(d, "amount")
            out.append(row)
        return out

    lines = []
    duties: list[dict] = []
    for n, item in enumerate(_lines(payload.get("line_items"), "order.line_items")):
        where = f"order.line_items[{n}]"
        if not isinstance(item, dict):
            raise MalformedPayload(f"{where} must be an object.", field=where)
        kind, ships = _shopify_kind(item)
        variant = str(item.get("variant_id") or "")
        sku = sku_for_variant.get(variant) or str(item.get("sku") or "").strip()
        allocations = _allocations(
            item.get("discount_allocations"), f"{where}.discount_allocations"
        )
        for d in item.get("duties") or []:
            if isinstance(d, dict):
                duty = _shop(d, "price", f"{where}.duties") or _money(
                    ((d.get("shop_money") or {}).get("amount")), f"{where}.duties"
                )
                duties.append(
                    {
                        "title": f"Duty {d.get('harmonized_system_code') or ''}".strip(),
                        "amount": duty,
                    }
                )
        line = {
            "sku": sku[:64],
            "name": str(item.get("name") or item.get("title") or "")[:200],
            "kind": kind,
            "requires_shipping": ships,
            "quantity": _qty(item.get("quantity"), f"{where}.quantity"),
            "unit_price": _shop(item, "price", where) or "0",
            "discount_allocations": allocations,
            "tax_lines": _shopify_taxes(item.get("tax_lines"), f"{where}.tax_lines"),
            "external_line_id": str(item.get("id") or ""),
        }
        if not allocations and item.get("total_discount") not in (None, ""):
            line["discount_total"] = _shop(item, "total_discount", where)
        presentment = {
            k: v
            for k, v in (
                ("unit_price", _buyer(item, "price")),
                ("discount_total", _buyer(item, "total_discount")),
            )
            if v is not None
        }
        if presentment:
            line["presentment"] = presentment
        lines.append(line)
    shipping_lines = []
    for n, s in enumerate(payload.get("shipping_lines") or []):
        if not isinstance(s, dict):
            continue
        where = f"order.shipping_lines[{n}]"
        price = Decimal(_shop(s, "price", where) or "0")
        allocs = _allocations(s.get("discount_allocations"), f"{where}.discount_allocations")
        if allocs:
            discount = sum((Decimal(a["amount"]) for a in allocs), Decimal(0))
        else:
            discounted = _shop(s, "discounted_price", where)
            discount = price - Decimal(discounted) if discounted is not None else Decimal(0)
        shipping_lines.append(
            {
                "title": s.get("title") or "",
                "code": s.get("code") or "",
                "price": str(price),
                "discount": str(discount),
                "tax_lines": _shopify_taxes(s.get("tax_lines"), f"{where}.tax_lines"),
                "presentment": {
                    k: v
                    for k, v in (
                        ("price", _buyer(s, "price")),
                        ("discounted_price", _buyer(s, "discounted_price")),
                    )
                    if v is not None
                },
            }
        )
    duties_total = _shop(payload, "original_total_duties", "order")
    if duties_total is None and isinstance(payload.get("original_total_duties_set"), dict):
        duties_total = _money(
            ((payload["original_total_duties_set"].get("shop_money") or {}).get("amount")),
            "order.original_total_duties_set",
        )
    customer = payload.get("customer") or {}
    email = payload.get("email") or payload.get("contact_email") or customer.get("email") or ""
    shipping = _address(payload.get("shipping_address"), email=email)
    shipping_code = ((payload.get("shipping_lines") or [{}])[0] or {}).get("code") or ""
    totals = {
        "items_total": _shop(payload, "total_line_items_price", "order"),
        "subtotal": _shop(payload, "subtotal_price", "order"),
        "discount_total": _shop(payload, "total_discounts", "order"),
        "tax_total": _shop(payload, "total_tax", "order"),
        "duties_total": duties_total,
        "tip_total": _shop(payload, "total_tip_received", "order"),
        "total": _shop(payload, "total_price", "order"),
    }
    presentment = {
        key: _buyer(payload, field)
        for key, field in (
            ("items_total", "total_line_items_price"),
            ("subtotal", "subtotal_price"),
            ("discount_total", "total_discounts"),
            ("shipping_total", "total_shipping_price"),
            ("tax_total", "total_tax"),
            ("total", "total_price"),
        )
        if _buyer(payload, field) is not None
    }
    current = {
        key: _shop(payload, field, "order")
        for key, field in (
            ("subtotal", "current_subtotal_price"),
            ("discount_total", "current_total_discounts"),
            ("tax_total", "current_total_tax"),
            ("duties_total", "current_total_duties"),
            ("total", "current_total_price"),
        )
        if _shop(payload, field, "order") is not None
    }
    return {
        "external_id": str(order_id),
        "customer": {
            "email": email,
            "name": shipping["name"]
            or " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p),
            "phone": payload.get("phone") or customer.get("phone") or shipping["phone"],
        },
        "shipping_address": shipping,
        "billing_address": _address(payload.get("billing_address"), email=email),
        "currency": currency,
        "presentment_currency": str(payload.get("presentment_currency") or currency).upper(),
        "prices_include_tax": payload.get("taxes_included") in (True, "true"),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_applications": [
            {
                k: a.get(k)
                for k in (
                    "type",
                    "title",
                    "code",
                    "description",
                    "value",
                    "value_type",
                    "allocation_method",
                    "target_type",
                    "target_selection",
                )
                if a.get(k) not in (None, "")
            }
            for a in applications
        ],
        "coupon_lines": [
            {"code": d.get("code"), "amount": d.get("amount"), "type": d.get("type")}
            for d in payload.get("discount_codes") or []
            if isinstance(d, dict)
        ],
        "tax_lines": _shopify_taxes(payload.get("tax_lines"), "order.tax_lines"),
        "duties": duties,
        **{k: v for k, v in totals.items() if v is not None},
        "presentment": presentment,
        "current": current,
        "service_level": _service_level(shipping_code),
        "payment_status": SHOPIFY_PAYMENT.get(payload.get("financial_status") or "", "pending"),
        "fulfilled_by": "merchant",
        "cancelled_at": payload.get("cancelled_at") or None,
        "cancel_reason": str(payload.get("cancel_reason") or ""),
        "priority": 0,
        "placed_at": payload.get("created_at") or payload.get("processed_at"),
        "channel_updated_at": payload.get("updated_at") or None,
    }


def _service_level(code: str) -> str:
    code = code.lower()
    if "overnight" in code or "next" in code:
        return "overnight"
    if "express" in code or "expedited" in code or "2day" in code:
        return "expedited"
    return "standard"


WOO_PAID = {"processing", "completed"}
WOO_PAYMENT = {"refunded": "refunded", "failed": "failed"}


def _gmt(value: Any) -> str | None:
    # WooCommerce's *_gmt fields are UTC without an offset.
    if not value:
        return None
    text = str(value)
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def _unit(line_amount: str, quantity: int) -> str:
    """Unit price from a line amount: exact when it divides, else to the four decimals a
    column keeps (the line's own amount is kept exactly beside it)."""
    unit = Decimal(line_amount) / quantity
    return str(
        unit if unit == unit.quantize(Decimal("0.0001")) else unit.quantize(Decimal("0.0001"))
    )


def woocommerce_order(payload: Any, *, sku_for_product: dict[str, str]) -> dict:
    """WooCommerce REST v3 order JSON (webhooks order.created / order.updated) → the normalised
    order (orders.money_rules).

    WooCommerce writes amounts as strings without tax (`subtotal` before coupons, `total` after,
    `*_tax` beside them) whatever `prices_include_tax` says; they are kept as written. Fee lines
    are kept as lines that need no shipping; a line without a SKU is kept (held as unknown SKU).
    Raises MalformedPayload only when the document is not an order.
    """
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object (a WooCommerce order).")
    order_id = _req(payload, "id", "order")
    _req(payload, "date_modified_gmt", "order")
    currency = str(payload.get("currency") or "USD").upper()
    rates = {
        str(t.get("rate_id")): t for t in payload.get("tax_lines") or [] if isinstance(t, dict)
    }

    def _taxes(raw: Any, where: str) -> list[dict]:
        out = []
        for n, t in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(t, dict) or t.get("total") in (None, ""):
                continue
            rate = rates.get(str(t.get("id"))) or {}
            out.append(
                {
                    "title": rate.get("label") or rate.get("rate_code") or f"Tax {t.get('id')}",
                    "rate": rate.get("rate_percent"),
                    "amount": _money(t.get("total"), f"{where}[{n}].total"),
                }
            )
        return out

    coupons = [c for c in payload.get("coupon_lines") or [] if isinstance(c, dict)]
    coupon_title = ", ".join(str(c.get("code") or "") for c in coupons if c.get("code"))
    lines = []
    for n, item in enumerate(_lines(payload.get("line_items"), "order.line_items")):
        where = f"order.line_items[{n}]"
        if not isinstance(item, dict):
            raise MalformedPayload(f"{where} must be an object.", field=where)
        key = str(item.get("variation_id") or item.get("product_id") or "")
        sku = sku_for_product.get(key) or str(item.get("sku") or "").strip()
        quantity = _qty(item.get("quantity"), f"{where}.quantity")
        line_subtotal = _money(item.get("subtotal"), f"{where}.subtotal")
        line_total = _money(
            item.get("total") if item.get("total") not in (None, "") else item.get("subtotal"),
            f"{where}.total",
        )
        discount = Decimal(line_subtotal) - Decimal(line_total)
        lines.append(
            {
                "sku": sku[:64],
                "name": str(item.get("name") or "")[:200],
                "kind": "product" if item.get("product_id") else "custom",
                "quantity": quantity,
                "unit_price": _unit(line_subtotal, quantity),
                "line_subtotal": line_subtotal,
                "discount_total": str(discount),
                "discount_allocations": [
                    {"amount": str(discount), "title": coupon_title or "Discount", "kind": "coupon"}
                ]
                if discount
                else [],
                "tax_total": _money(item.get("total_tax"), f"{where}.total_tax"),
                "tax_lines": _taxes(item.get("taxes"), f"{where}.taxes"),
                "external_line_id": str(item.get("id") or ""),
            }
        )
    for n, fee in enumerate(payload.get("fee_lines") or []):
        if not isinstance(fee, dict):
            continue
        where = f"order.fee_lines[{n}]"
        amount = _money(fee.get("total"), f"{where}.total")
        lines.append(
            {
                "sku": "",
                "name": str(fee.get("name") or "Fee")[:200],
                "kind": "fee",
                "requires_shipping": False,
                "quantity": 1,
                "unit_price": amount,
                "line_subtotal": amount,
                "discount_total": "0",
                "tax_total": _money(fee.get("total_tax"), f"{where}.total_tax"),
                "tax_lines": _taxes(fee.get("taxes"), f"{where}.taxes"),
                "external_line_id": f"fee:{fee.get('id') or n}",
            }
        )
    shipping_lines = [
        {
            "title": s.get("method_title") or "",
            "code": s.get("method_id") or "",
            "price": _money(s.get("total"), f"order.shipping_lines[{n}].total"),
            "discount": "0",
            "tax_total": _money(s.get("total_tax"), f"order.shipping_lines[{n}].total_tax"),
            "tax_lines": _taxes(s.get("taxes"), f"order.shipping_lines[{n}].taxes"),
        }
        for n, s in enumerate(payload.get("shipping_lines") or [])
        if isinstance(s, dict)
    ]
    billing = payload.get("billing") or {}
    email = billing.get("email") or ""
    shipping = _address(payload.get("shipping") or billing, email=email)
    status = str(payload.get("status") or "")
    if status in WOO_PAYMENT:
        payment = WOO_PAYMENT[status]
    elif status in WOO_PAID or payload.get("date_paid_gmt") or payload.get("date_paid"):
        payment = "captured"
    else:
        payment = "pending"
    return {
        "external_id": str(order_id),
        "customer": {
            "email": email,
            "name": shipping["name"] or _address(billing)["name"],
            "phone": billing.get("phone") or shipping["phone"],
        },
        "shipping_address": shipping,
        "billing_address": _address(billing, email=email),
        "currency": currency,
        "prices_include_tax": payload.get("prices_include_tax") in (True, "true"),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_applications": [
            {"type": "coupon", "code": c.get("code"), "amount": c.get("discount")} for c in coupons
        ],
        "coupon_lines": [
            {
                "code": c.get("code"),
                "discount": c.get("discount"),
                "discount_tax": c.get("discount_tax"),
            }
            for c in coupons
        ],
        "tax_lines": [
            {
                "title": t.get("label") or t.get("rate_code") or "Tax",
                "rate": t.get("rate_percent"),
                "amount": str(
                    Decimal(_money(t.get("tax_total"), "order.tax_lines.tax_total"))
                    + Decimal(
                        _money(t.get("shipping_tax_total"), "order.tax_lines.shipping_tax_total")
                    )
                ),
            }
            for t in rates.values()
        ],
        "discount_total": _money(payload.get("discount_total"), "order.discount_total"),
        "shipping_total": _money(payload.get("shipping_total"), "order.shipping_total"),
        "tax_total": _money(payload.get("total_tax"), "order.total_tax"),
        "total": _money(payload.get("total"), "order.total"),
        "service_level": _service_level(
            ((payload.get("shipping_lines") or [{}])[0] or {}).get("method_id") or ""
        ),
        "payment_status": payment,
        "fulfilled_by": "merchant",
        # refunded: the shop gave the money back (as channel_state reads it: a cancel)
        "cancelled_at": _gmt(payload.get("date_modified_gmt"))
        if status in ("cancelled", "refunded")
        else None,
        "cancel_reason": f"status {status} at the shop"
        if status in ("cancelled", "refunded")
        else "",
        "priority": 0,
        "placed_at": _gmt(payload.get("date_created_gmt")),
        "channel_updated_at": _gmt(payload.get("date_modified_gmt")),
    }


def _amz(item: dict, key: str, where: str) -> Decimal:
    """An SP-API Money {CurrencyCode, Amount} as an exact Decimal (absent → 0)."""
    value = item.get(key)
    if value in (None, ""):
        return Decimal(0)
    if not isinstance(value, dict):
        raise MalformedPayload(f"{where}.{key} must be a Money object.", field=f"{where}.{key}")
    return Decimal(_money(value.get("Amount"), f"{where}.{key}.Amount"))


def amazon_order(order: Any, items: Any, *, sku_for_seller_sku: dict[str, str]) -> dict:
    """SP-API Orders v0 getOrders order + getOrderItems items → the normalised order
    (orders.money_rules).

    Per item: `ItemPrice` (price × quantity), `ItemTax`, `PromotionDiscount` (and its tax),
    `ShippingPrice`, `ShippingTax`, `ShippingDiscount` (and its tax), gift wrap; the order's
    `OrderTotal` is kept as Amazon wrote it. Whether prices include tax (EU, UK, JP
    marketplaces) is read from the figures themselves: the total either adds the taxes or does
    not. `FulfillmentChannel: AFN` orders are marketplace-fulfilled (recorded, never fulfilled
    here).
    """
    if not isinstance(order, dict) or not isinstance(items, list):
        raise MalformedPayload("Amazon order and items must be an object and a list.")
    order_id = _req(order, "AmazonOrderId", "order")
    order_total = order.get("OrderTotal") if isinstance(order.get("OrderTotal"), dict) else {}
    currency = str(
        order_total.get("CurrencyCode")
        or next(
            (
                (i.get("ItemPrice") or {}).get("CurrencyCode")
                for i in items
                if isinstance(i, dict) and isinstance(i.get("ItemPrice"), dict)
            ),
            None,
        )
        or "USD"
    ).upper()
    status = str(order.get("OrderStatus") or "")
    lines = []
    shipping_lines = []
    taxes = net = Decimal(0)
    for n, item in enumerate(_lines(items, "orderItems")):
        where = f"orderItems[{n}]"
        if not isinstance(item, dict):
            raise MalformedPayload(f"{where} must be an object.", field=where)
        seller_sku = str(item.get("SellerSKU") or "").strip()
        if amazon_item_cancelled(item):
            # Amazon reports a cancelled item with QuantityOrdered 0 and without its prices
            # (every item of a Canceled order): nothing to charge, ship or commit.
            continue
        quantity = _qty(item.get("QuantityOrdered"), f"{where}.QuantityOrdered")
        price = _amz(item, "ItemPrice", where)
        promo = _amz(item, "PromotionDiscount", where)
        item_tax = _amz(item, "ItemTax", where) - _amz(item, "PromotionDiscountTax", where)
        wrap = _amz(item, "GiftWrapPrice", where)
        wrap_tax = _amz(item, "GiftWrapTax", where)
        ship = _amz(item, "ShippingPrice", where)
        ship_discount = _amz(item, "ShippingDiscount", where)
        ship_tax = _amz(item, "ShippingTax", where) - _amz(item, "ShippingDiscountTax", where)
        lines.append(
            {
                "sku": sku_for_seller_sku.get(seller_sku, seller_sku)[:64],
                "name": str(item.get("Title") or "")[:200],
                "quantity": quantity,
                "unit_price": _unit(str(price), quantity),
                "line_subtotal": str(price),
                "discount_total": str(promo),
                "discount_allocations": [
                    {
                        "amount": str(promo),
                        "title": ", ".join(str(p) for p in item.get("PromotionIds") or [])
                        or "Promotion",
                        "kind": "promotion",
                    }
                ]
                if promo
                else [],
                "tax_total": str(item_tax),
                "tax_lines": [{"title": "ItemTax", "amount": str(item_tax)}] if item_tax else [],
                "external_line_id": str(item.get("OrderItemId") or ""),
            }
        )
        if wrap or wrap_tax:
            lines.append(
                {
                    "sku": "",
                    "name": "Gift wrap",
                    "kind": "fee",
                    "requires_shipping": False,
                    "quantity": 1,
                    "unit_price": str(wrap),
                    "tax_total": str(wrap_tax),
                    "tax_lines": [{"title": "GiftWrapTax", "amount": str(wrap_tax)}]
                    if wrap_tax
                    else [],
                    "external_line_id": f"giftwrap:{item.get('OrderItemId') or n}",
                }
            )
        if ship or ship_discount or ship_tax:
            shipping_lines.append(
                {
                    "title": f"Shipping {seller_sku}".strip(),
                    "code": str(order.get("ShipServiceLevel") or ""),
                    "price": str(ship),
                    "discount": str(ship_discount),
                    "tax_total": str(ship_tax),
                    "tax_lines": [{"title": "ShippingTax", "amount": str(ship_tax)}]
                    if ship_tax
                    else [],
                }
            )
        taxes += item_tax + wrap_tax + ship_tax
        net += price - promo + wrap + ship - ship_discount
    if not lines and status != "Canceled":
        raise MalformedPayload(
            "orderItems has no item with a quantity.", field="orderItems.QuantityOrdered"
        )
    total = (
        Decimal(_money(order_total.get("Amount"), "order.OrderTotal.Amount"))
        if order_total.get("Amount") not in (None, "")
        else None
    )
    # Tax-inclusive marketplaces (EU, UK, JP) report ItemTax inside ItemPrice.
    include_tax = bool(taxes) and total is not None and total == net and total != net + taxes
    addr = order.get("ShippingAddress") or {}
    buyer = order.get("BuyerInfo") or {}
    shipping = {
        "name": addr.get("Name") or buyer.get("BuyerName") or "",
        "company": "",
        "line1": addr.get("AddressLine1") or "",
        "line2": addr.get("AddressLine2") or "",
        "city": addr.get("City") or "",
        "region": addr.get("StateOrRegion") or "",
        "postal_code": addr.get("PostalCode") or "",
        "country": addr.get("CountryCode") or "",
        "phone": addr.get("Phone") or "",
        "email": buyer.get("BuyerEmail") or "",
    }
    return {
        "external_id": str(order_id),
        "customer": {
            "email": buyer.get("BuyerEmail") or "",
            "name": shipping["name"],
            "phone": shipping["phone"],
        },
        "shipping_address": shipping,
        "billing_address": shipping,
        "currency": currency,
        "prices_include_tax": include_tax,
        "lines": lines,
        "shipping_lines": shipping_lines,
        **({"total": str(total)} if total is not None else {}),
        "tax_total": str(taxes),
        "service_level": amazon_service_level(order),
        "payment_status": "pending" if status in ("Pending", "PendingAvailability") else "captured",
        "fulfilled_by": "channel" if order.get("FulfillmentChannel") == "AFN" else "merchant",
        "cancelled_at": (order.get("LastUpdateDate") or order.get("PurchaseDate"))
        if status == "Canceled"
        else None,
        "cancel_reason": "cancelled at Amazon" if status == "Canceled" else "",
        "priority": 0,
        "placed_at": order.get("PurchaseDate"),
        "promised_ship_by": order.get("LatestShipDate") or None,
        "promised_delivery_by": order.get("LatestDeliveryDate") or None,
        "channel_updated_at": order.get("LastUpdateDate") or None,
    }


def amazon_item_cancelled(item: Any) -> bool:
    """An SP-API order item Amazon cancelled: `QuantityOrdered` 0."""
    if not isinstance(item, dict):
        return False
    value = item.get("QuantityOrdered")
    return not isinstance(value, bool) and str(value).strip() in ("0", "0.0")


AMAZON_LEVELS = {
    "SameDay": "overnight",
    "NextDay": "overnight",
    "SecondDay": "expedited",
    "Expedited": "expedited",
    "Priority": "expedited",
    "Scheduled": "standard",
    "Standard": "standard",
    "FreeEconomy": "economy",
}


def amazon_service_level(order: dict) -> str:
    """Our service level from SP-API's ShipmentServiceLevelCategory (and IsPrime: a Prime order
    is never below two-day)."""
    level = AMAZON_LEVELS.get(str(order.get("ShipmentServiceLevelCategory") or ""), "")
    if not level:
        level = {"Expedited": "expedited", "NextDay": "overnight", "SameDay": "overnight"}.get(
            str(order.get("ShipServiceLevel") or ""), "standard"
        )
    if order.get("IsPrime") in (True, "true") and level in ("standard", "economy"):
        return "expedited"
    return level
