"""A Shopify-style storefront: Admin GraphQL inventory, REST orders/fulfillments, webhooks.

* Every /admin/api request passes a leaky bucket of 40 requests leaking 2 per second; when it is
  full the answer is 429 with `Retry-After: 2.0` (Shopify's REST limit).
* `inventorySetQuantities` applies all quantities or none; with compareQuantity it refuses the
  set (userErrors code COMPARE_QUANTITY_STALE) if any current quantity differs; at most 250.
* Orders placed with `POST /_mock/orders` get a fulfillment order and are sent to `webhook_url`
  as an `orders/create` webhook signed with base64 HMAC-SHA256 of the raw body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid

from channels_sync.mock_servers.base import LeakyBucket, MockApp, Response

API = re.compile(r"^/admin/api/[0-9-]+(/.*)$")


def _num(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


class ShopifyMock(MockApp):
    name = "shopify"

    def __init__(self, *, capacity: int = 40, leak_rate: float = 2.0) -> None:
        self.capacity, self.leak_rate = capacity, leak_rate
        super().__init__()

    def reset_state(self) -> None:
        self.bucket = LeakyBucket(self.capacity, self.leak_rate)
        self.inventory: dict[str, int | None] = {}
        self.history: dict[str, list[tuple[float, int, int]]] = {}  # item → [(at, qty, version)]
        self.orders: dict[str, dict] = {}
        self.fulfillments: list[dict] = []
        self.ids = itertools.count(5000)
        self.webhooks_sent: list[dict] = []
        self.rejected_sets = 0

    def state(self) -> dict:
        return {
            "inventory": dict(self.inventory),
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "fulfillments": self.fulfillments,
            "webhooks_sent": self.webhooks_sent,
            "rejected_sets": self.rejected_sets,
        }

    # --- admin API ------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Response:
        match = API.match(path)
        if not match:
            return Response(404, {"errors": "Not Found"})
        admitted, level, wait = self.bucket.admit()
        limit = {"X-Shopify-Shop-Api-Call-Limit": f"{int(level)}/{self.capacity}"}
        if not admitted:
            return Response(
                429,
                {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."},
                {**limit, "Retry-After": f"{max(wait, 1.0):.1f}"},
            )
        sub = match.group(1)
        with self.lock:
            response = self._admin(method, sub, json.loads(body) if body else {})
        response.headers.update(limit)
        return response

    def _admin(self, method: str, sub: str, data: dict) -> Response:
        if sub == "/graphql.json" and method == "POST":
            return self._graphql(data.get("query", ""), data.get("variables") or {})
        m = re.match(r"^/orders/(\d+)(/fulfillment_orders|/fulfillments|/cancel)?\.json$", sub)
        if m:
            order = self.orders.get(m.group(1))
            if order is None:
                return Response(404, {"errors": "Not Found"})
            part = m.group(2)
            if part is None and method == "GET":
                return Response(200, {"order": order})
            if part == "/fulfillment_orders":
                return Response(200, {"fulfillment_orders": order["_fulfillment_orders"]})
            if part == "/fulfillments":
                return Response(
                    200,
                    {
                        "fulfillments": [
                            f for f in self.fulfillments if f["order_id"] == order["id"]
                        ]
                    },
                )
            if part == "/cancel" and method == "POST":
                if order.get("cancelled_at"):
                    return Response(422, {"errors": {"base": ["Order has already been cancelled"]}})
                order["cancelled_at"] = _now()
                order["cancel_reason"] = data.get("reason", "other")
                return Response(200, {"order": order})
        if sub == "/fulfillments.json" and method == "POST":
            return self._fulfill(data.get("fulfillment") or {})
        return Response(404, {"errors": "Not Found"})

    def _graphql(self, query: str, variables: dict) -> Response:
        if "inventorySetQuantities" in query:
            return Response(
                200, {"data": {"inventorySetQuantities": self._set(variables["input"])}}
            )
        if "inventoryLevel" in query:
            nodes = []
            for gid in variables.get("ids", []):
                item = _num(gid)
                qty = self.inventory.get(item)
                nodes.append(
                    {
                        "id": gid,
                        "inventoryLevel": None
                        if qty is None
                        else {"quantities": [{"name": "available", "quantity": qty}]},
                    }
                )
            return Response(200, {"data": {"nodes": nodes}})
        return Response(200, {"errors": [{"message": "Unsupported query for this mock"}]})

    def _set(self, data: dict) -> dict:
        quantities = data.get("quantities") or []
        if len(quantities) > 250:
            return {
                "inventoryAdjustmentGroup": None,
                "userErrors": [
                    {
                        "field": ["input", "quantities"],
                        "message": "Too many quantities (max 250)",
                        "code": "INVALID_QUANTITY_INPUTS",
                    }
                ],
            }
        errors = []
        if not data.get("ignoreCompareQuantity"):
            for n, q in enumerate(quantities):
                current = self.inventory.get(_num(q["inventoryItemId"]))
                if q.get("compareQuantity") != current:
                    errors.append(
                        {
                            "field": ["input", "quantities", str(n), "compareQuantity"],
                            "message": "The specified compare quantity does not match the "
                            "current quantity.",
                            "code": "COMPARE_QUANTITY_STALE",
                        }
                    )
        if errors:
            self.rejected_sets += 1
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        version = int(_num(data.get("referenceDocumentUri") or "0") or 0)
        now = time.time()
        changes = []
        for q in quantities:
            item = _num(q["inventoryItemId"])
            before = self.inventory.get(item) or 0
            self.inventory[item] = int(q["quantity"])
            self.history.setdefault(item, []).append((now, int(q["quantity"]), version))
            changes.append({"name": "available", "delta": int(q["quantity"]) - before})
        return {
            "inventoryAdjustmentGroup": {
                "createdAt": _now(),
                "reason": data.get("reason"),
                "referenceDocumentUri": data.get("referenceDocumentUri"),
                "changes": changes,
            },
            "userErrors": [],
        }

    def _fulfill(self, data: dict) -> Response:
        groups = data.get("line_items_by_fulfillment_order") or []
        if not groups:
            return Response(
                422, {"errors": {"base": ["line_items_by_fulfillment_order is required"]}}
            )
        touched = None
        for group in groups:
            for order in self.orders.values():
                for fo in order["_fulfillment_orders"]:
                    if fo["id"] == group["fulfillment_order_id"]:
                        if fo["status"] == "closed":
                            return Response(
                                422, {"errors": {"base": ["Fulfillment order is closed"]}}
                            )
                        fo["status"] = "closed"
                        touched = order
        if touched is None:
            return Response(404, {"errors": "Not Found"})
        tracking = data.get("tracking_info") or {}
        fulfillment = {
            "id": next(self.ids),
            "order_id": touched["id"],
            "status": "success",
            "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"),
            "tracking_numbers": [tracking.get("number")],
            "tracking_url": tracking.get("url"),
            "notify_customer": bool(data.get("notify_customer", False)),
            "created_at": _now(),
        }
        self.fulfillments.append(fulfillment)
        touched["fulfillment_status"] = "fulfilled"
        return Response(201, {"fulfillment": fulfillment})

    # --- control: place an order and deliver its webhook ----------------------------------
    def control_extra(self, method: str, path: str, data: dict) -> Response:
        if path == "/_mock/orders" and method == "POST":
            with self.lock:
                order = self.make_order(data)
            sent = None
            if data.get("webhook_url"):
                sent = self.deliver(
                    url=data["webhook_url"],
                    secret=data.get("secret", ""),
                    order=order,
                    topic=data.get("topic", "orders/create"),
                    event_id=data.get("event_id"),
                )
            return Response(201, {"order": order, "webhook": sent})
        if path == "/_mock/inventory" and method == "POST":
            with self.lock:
                for item, qty in (data.get("items") or {}).items():
                    self.inventory[str(item)] = qty
            return Response(200, {"ok": True})
        return Response(404, {"error": "unknown control endpoint"})

    def make_order(self, data: dict) -> dict:
        order_id = int(data.get("id") or next(self.ids))
        lines = []
        for n, line in enumerate(data.get("line_items") or [], start=1):
            lines.append(
                {
                    "id": int(line.get("id") or order_id * 100 + n),
                    "variant_id": line.get("variant_id"),
                    "product_id": line.get("product_id"),
                    "sku": line.get("sku", ""),
                    "title": line.get("title", line.get("sku", "")),
                    "quantity": line.get("quantity", 1),
                    "price": str(line.get("price", "10.00")),
                    "fulfillable_quantity": line.get("quantity", 1),
                }
            )
        address = data.get("shipping_address") or {
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
        now = _now()
        order = {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{1000 + order_id % 100000}",
            "order_number": 1000 + order_id % 100000,
            "email": data.get("email", "ada@example.com"),
            "created_at": data.get("created_at", now),
            "updated_at": data.get("updated_at", now),
            "processed_at": now,
            "currency": "USD",
            "financial_status": data.get("financial_status", "paid"),
            "fulfillment_status": None,
            "cancelled_at": None,
            "total_price": str(sum(float(li["price"]) * li["quantity"] for li in lines)),
            "customer": {
                "first_name": address.get("first_name"),
                "last_name": address.get("last_name"),
                "email": data.get("email", "ada@example.com"),
            },
            "shipping_address": address,
            "billing_address": address,
            "shipping_lines": [
                {"title": "Standard", "code": data.get("shipping_code", "standard")}
            ],
            "line_items": lines,
        }
        order["_fulfillment_orders"] = [
            {
                "id": order_id * 10 + 1,
                "order_id": order_id,
                "status": "open",
                "line_items": [
                    {
                        "id": li["id"] * 10,
                        "line_item_id": li["id"],
                        "quantity": li["quantity"],
                        "fulfillable_quantity": li["quantity"],
                    }
                    for li in lines
                ],
            }
        ]
        self.orders[str(order_id)] = order
        return order

    def deliver(
        self, *, url: str, secret: str, order: dict, topic: str, event_id: str | None = None
    ) -> dict:
        public = {k: v for k, v in order.items() if not k.startswith("_")}
        body = json.dumps(public).encode()
        signature = base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()
        ).decode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature,
            "X-Shopify-Shop-Domain": "mock-shop.myshopify.com",
            "X-Shopify-API-Version": "2024-07",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": _now(),
        }
        result = self.send_signed(url=url, body=body, headers=headers)
        with self.lock:
            self.webhooks_sent.append({"topic": topic, "order_id": order["id"], **result})
        return result


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
