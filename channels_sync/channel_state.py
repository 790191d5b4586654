"""Pure functions: a channel's order document → its version and the state later updates compare.

The parsed order (`channels_sync.parsers`) gives what `order_capture` takes; these add what an
update changes: the channel's own version of the document (Shopify `updated_at`, WooCommerce
`date_modified_gmt`, Amazon `LastUpdateDate`), whether it is cancelled, the payment, the lines'
current quantities and what the channel fulfilled itself. `orders.services.order_channel_update`
applies the difference (docs/orders.md, "Later updates from the channel").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from channels_sync import parsers
from channels_sync.exceptions import MalformedPayload

# Topics whose document may create an order; other topics for an unknown order wait for it.
CREATE_TOPICS = frozenset({"orders/create", "order.created", "getOrders"})
# Shopify topics whose body is not an order (an order edit); the orders/updated after it
# carries the edited order.
SHOPIFY_NOT_ORDER_TOPICS = frozenset({"orders/edited"})


def parse_version(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 time from the channel (with or without offset; no offset means UTC)."""
    text = str(value or "").strip()
    if not text:
        raise MalformedPayload(f"{where} is required.", field=where)
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedPayload(f"{where} is not an ISO 8601 time.", field=where) from exc
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp


# Two different states of one order can carry the same version: WooCommerce's
# `date_modified_gmt` and Shopify's `updated_at` count whole seconds, and a checkout whose card
# payment completes in the second the order was created sends order.created (pending) and
# order.updated (processing) with the same time. Within one second the order only moves forward
# in its lifecycle, so the state further along is the newer one: its rank is added to the
# version as microseconds (below any channel's resolution, so a later second still wins).
WOO_RANK = {
    "pending": 0,
    "checkout-draft": 0,
    "failed": 1,
    "on-hold": 2,
    "processing": 3,
    "completed": 4,
    "refunded": 5,
    "cancelled": 5,
}
SHOPIFY_RANK = {
    "pending": 0,
    "authorized": 1,
    "partially_paid": 2,
    "paid": 3,
    "partially_refunded": 4,
    "refunded": 5,
    "voided": 5,
}


def woocommerce_rank(payload: dict) -> int:
    return WOO_RANK.get(str(payload.get("status") or ""), 0)


def shopify_rank(payload: dict) -> int:
    rank = SHOPIFY_RANK.get(str(payload.get("financial_status") or ""), 0)
    if payload.get("fulfillment_status") in ("partial", "fulfilled"):
        rank += 6
    if payload.get("cancelled_at"):
        rank += 12
    return rank


def ranked(version: dt.datetime, rank: int) -> dt.datetime:
    """`version` with the state's lifecycle rank as a tie-break (see WOO_RANK)."""
    return version + dt.timedelta(microseconds=rank)


# The normalised order's money (channels_sync.parsers, orders.money_rules) that an update
# carries: the channel's newest figures replace ours when the update is applied.
MONEY_KEYS = (
    "currency",
    "presentment_currency",
    "prices_include_tax",
    "items_total",
    "subtotal",
    "discount_total",
    "shipping_total",
    "shipping_discount_total",
    "tax_total",
    "duties_total",
    "tip_total",
    "total",
    "shipping_lines",
    "discount_applications",
    "coupon_lines",
    "fee_lines",
    "tax_lines",
    "duties",
    "presentment",
    "current",
)
LINE_MONEY_KEYS = (
    "external_line_id",
    "quantity",
    "unit_price",
    "line_subtotal",
    "discount_total",
    "discount_allocations",
    "tax_total",
    "tax_lines",
    "presentment",
)


def money_snapshot(data: dict) -> dict[str, Any]:
    """The money part of a parsed order, JSON as the parser wrote it (strings)."""
    snapshot = {k: data[k] for k in MONEY_KEYS if k in data}
    snapshot["lines"] = [
        {k: line[k] for k in LINE_MONEY_KEYS if k in line} for line in data.get("lines", [])
    ]
    return snapshot


def _sku_by_line(data: dict) -> dict[str, str]:
    return {str(x.get("external_line_id") or ""): x.get("sku") or "" for x in data.get("lines", [])}


def _price_by_line(data: dict) -> dict[str, str]:
    return {
        str(x.get("external_line_id") or ""): str(x.get("unit_price") or "0")
        for x in data.get("lines", [])
    }


def shopify_state(payload: dict, data: dict) -> dict[str, Any]:
    """Shopify order JSON (orders/create, updated, paid, cancelled, fulfilled) → update state."""
    skus, prices = _sku_by_line(data), _price_by_line(data)
    lines, fulfilled = [], {}
    for item in payload.get("line_items") or []:
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            continue
        ext = str(item["id"])
        quantity = item.get("current_quantity", item.get("quantity"))
        lines.append(
            {
                "external_line_id": ext,
                "sku": skus.get(ext, ""),
                "quantity": int(quantity or 0),
                "unit_price": prices.get(ext, str(item.get("price") or "0")),
            }
        )
    for fulfillment in payload.get("fulfillments") or []:
        if not isinstance(fulfillment, dict) or fulfillment.get("status") not in (
            None,
            "success",
        ):
            continue
        for item in fulfillment.get("line_items") or []:
            ext = str(item.get("id") or "")
            if ext:
                fulfilled[ext] = fulfilled.get(ext, 0) + int(item.get("quantity") or 0)
    return {
        "payment_status": data.get("payment_status"),
        "cancelled": bool(payload.get("cancelled_at")),
        "cancel_reason": str(payload.get("cancel_reason") or ""),
        "shipping_address": data.get("shipping_address")
        if payload.get("shipping_address")
        else None,
        "lines": lines,
        "complete": True,
        "fulfilled": fulfilled,
        "money": money_snapshot(data),
    }


WOO_PAYMENT = {
    "processing": "captured",
    "completed": "captured",
    "on-hold": "pending",
    "pending": "pending",
    "failed": "failed",
    "refunded": "refunded",
}


def woocommerce_state(payload: dict, data: dict) -> dict[str, Any]:
    """WooCommerce order JSON (order.created / order.updated) → update state.

    Status `cancelled` (and `refunded`: the shop gave the money back) is a cancel request;
    `completed` means the shop fulfilled the order (whatever we have not shipped is withdrawn).
    """
    status = str(payload.get("status") or "")
    lines = [
        {
            "external_line_id": str(x.get("external_line_id") or ""),
            "sku": x.get("sku") or "",
            "quantity": int(x.get("quantity") or 0),
            "unit_price": str(x.get("unit_price") or "0"),
        }
        for x in data.get("lines", [])
        if x.get("external_line_id")
    ]
    fulfilled = (
        {x["external_line_id"]: x["quantity"] for x in lines} if status == "completed" else {}
    )
    return {
        "payment_status": WOO_PAYMENT.get(status, data.get("payment_status")),
        "cancelled": status in ("cancelled", "refunded"),
        "cancel_reason": f"status {status}" if status in ("cancelled", "refunded") else "",
        "shipping_address": data.get("shipping_address") if payload.get("shipping") else None,
        "lines": lines,
        "complete": True,
        "fulfilled": fulfilled,
        "money": money_snapshot(data),
    }


def amazon_state(
    order: dict, data: dict, *, with_address: bool, items: list | None = None
) -> dict[str, Any]:
    """SP-API order (getOrders by LastUpdatedAfter) → update state. Canceled is a cancel
    request; an item Amazon cancelled in an order that goes on (QuantityOrdered 0) is a line
    edit to zero; the address counts only when it was fetched (through an RDT)."""
    status = str(order.get("OrderStatus") or "")
    cancelled_items = [
        {
            "external_line_id": str(item.get("OrderItemId") or ""),
            "sku": str(item.get("SellerSKU") or ""),
            "quantity": 0,
        }
        for item in items or []
        if parsers.amazon_item_cancelled(item) and item.get("OrderItemId")
    ]
    # A merchant-fulfilled order Amazon reports shipped (`QuantityShipped`) that we did not
    # ship — confirmed in Seller Central or by another tool — was fulfilled elsewhere: our open
    # work for those units is withdrawn. Our own confirmShipment reports what we shipped.
    fulfilled: dict[str, int] = {}
    if order.get("FulfillmentChannel") != "AFN" and status in ("Shipped", "PartiallyShipped"):
        for item in items or []:
            shipped = item.get("QuantityShipped") if isinstance(item, dict) else None
            if item.get("OrderItemId") and isinstance(shipped, int) and shipped > 0:
                fulfilled[str(item["OrderItemId"])] = shipped
    return {
        "payment_status": "pending" if status in ("Pending", "PendingAvailability") else "captured",
        "cancelled": status == "Canceled",
        "cancel_reason": "Canceled at the marketplace" if status == "Canceled" else "",
        "shipping_address": data.get("shipping_address") if with_address else None,
        "lines": cancelled_items if status != "Canceled" else [],
        "complete": False,
        "fulfilled": fulfilled,
        "money": money_snapshot(data),
    }
