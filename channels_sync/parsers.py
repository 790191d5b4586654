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
    "authorized": "authorized",
    "refunded": "refunded",
    "voided": "failed",
}


def shopify_order(payload: Any, *, sku_for_variant: dict[str, str]) -> dict:
    """Shopify order JSON (webhook `orders/create` / `orders/updated`) → order_capture data."""
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object (a Shopify order).")
    order_id = _req(payload, "id", "order")
    lines = []
    for n, item in enumerate(_lines(payload.get("line_items"), "order.line_items")):
        where = f"order.line_items[{n}]"
        if not isinstance(item, dict):
            raise MalformedPayload(f"{where} must be an object.", field=where)
        variant = str(item.get("variant_id") or "")
        sku = sku_for_variant.get(variant) or (item.get("sku") or "").strip()
        if not sku:
            raise MalformedPayload(
                f"{where} has neither a known variant_id nor a sku.", field=where
            )
        lines.append(
            {
                "sku": sku,
                "quantity": _qty(item.get("quantity"), f"{where}.quantity"),
                "unit_price": _money(item.get("price"), f"{where}.price"),
                "external_line_id": str(item.get("id") or ""),
            }
        )
    customer = payload.get("customer") or {}
    email = payload.get("email") or payload.get("contact_email") or customer.get("email") or ""
    shipping = _address(payload.get("shipping_address"), email=email)
    shipping_code = ((payload.get("shipping_lines") or [{}])[0] or {}).get("code") or ""
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
        "currency": payload.get("currency") or "USD",
        "lines": lines,
        "service_level": _service_level(shipping_code),
        "payment_status": SHOPIFY_PAYMENT.get(payload.get("financial_status") or "", "pending"),
        "priority": 0,
        "placed_at": payload.get("created_at") or payload.get("processed_at"),
    }


def _service_level(code: str) -> str:
    code = code.lower()
    if "overnight" in code or "next" in code:
        return "overnight"
    if "express" in code or "expedited" in code or "2day" in code:
        return "expedited"
    return "standard"


WOO_PAID = {"processing", "completed"}


def _gmt(value: Any) -> str | None:
    # WooCommerce's *_gmt fields are UTC without an offset.
    if not value:
        return None
    text = str(value)
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def woocommerce_order(payload: Any, *, sku_for_product: dict[str, str]) -> dict:
    """WooCommerce order JSON (webhook `order.created` / `order.updated`) → order_capture data."""
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object (a WooCommerce order).")
    order_id = _req(payload, "id", "order")
    _req(payload, "date_modified_gmt", "order")
    lines = []
    for n, item in enumerate(_lines(payload.get("line_items"), "order.line_items")):
        where = f"order.line_items[{n}]"
        if not isinstance(item, dict):
            raise MalformedPayload(f"{where} must be an object.", field=where)
        key = str(item.get("variation_id") or item.get("product_id") or "")
        sku = sku_for_product.get(key) or (item.get("sku") or "").strip()
        if not sku:
            raise MalformedPayload(
                f"{where} has neither a known product_id nor a sku.", field=where
            )
        lines.append(
            {
                "sku": sku,
                "quantity": _qty(item.get("quantity"), f"{where}.quantity"),
                "unit_price": _money(item.get("price"), f"{where}.price"),
                "external_line_id": str(item.get("id") or ""),
            }
        )
    billing = payload.get("billing") or {}
    email = billing.get("email") or ""
    shipping = _address(payload.get("shipping") or billing, email=email)
    return {
        "external_id": str(order_id),
        "customer": {
            "email": email,
            "name": shipping["name"] or _address(billing)["name"],
            "phone": billing.get("phone") or shipping["phone"],
        },
        "shipping_address": shipping,
        "billing_address": _address(billing, email=email),
        "currency": payload.get("currency") or "USD",
        "lines": lines,
        "service_level": _service_level(
            ((payload.get("shipping_lines") or [{}])[0] or {}).get("method_id") or ""
        ),
        "payment_status": "captured"
        if payload.get("status") in WOO_PAID or payload.get("date_paid_gmt")
        else "pending",
        "priority": 0,
        "placed_at": _gmt(payload.get("date_created_gmt")),
    }


def amazon_order(order: Any, items: Any, *, sku_for_seller_sku: dict[str, str]) -> dict:
    """SP-API getOrders order + getOrderItems items → order_capture data."""
    if not isinstance(order, dict) or not isinstance(items, list):
        raise MalformedPayload("Amazon order and items must be an object and a list.")
    order_id = _req(order, "AmazonOrderId", "order")
    lines = []
    for n, item in enumerate(_lines(items, "orderItems")):
        where = f"orderItems[{n}]"
        seller_sku = _req(item, "SellerSKU", where)
        price = (item.get("ItemPrice") or {}).get("Amount") or "0"
        quantity = _qty(item.get("QuantityOrdered"), f"{where}.QuantityOrdered")
        lines.append(
            {
                "sku": sku_for_seller_sku.get(seller_sku, seller_sku),
                "quantity": quantity,
                "unit_price": str(Decimal(_money(price, where)) / quantity),
                "external_line_id": str(item.get("OrderItemId") or ""),
            }
        )
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
        "currency": (order.get("OrderTotal") or {}).get("CurrencyCode") or "USD",
        "lines": lines,
        "service_level": amazon_service_level(order),
        "payment_status": "captured",
        "priority": 0,
        "placed_at": order.get("PurchaseDate"),
        "promised_ship_by": order.get("LatestShipDate") or None,
        "promised_delivery_by": order.get("LatestDeliveryDate") or None,
    }


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
