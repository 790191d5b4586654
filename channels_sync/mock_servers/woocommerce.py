"""A WooCommerce-style storefront: REST v3 products (batch), orders, order notes, webhooks.

Stock updates carry the meta `_oms_stock_version`; like a small store-side plugin the mock
refuses an update whose version is older than the one it holds (error `oms_stale_version`).
Unknown products are created on first update. Webhooks are signed in `X-WC-Webhook-Signature`
(base64 HMAC-SHA256 of the raw body) and carry no event id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time

from channels_sync.mock_servers.base import MockApp, Response

API = "/wp-json/wc/v3"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


class WooCommerceMock(MockApp):
    name = "woocommerce"

    def reset_state(self) -> None:
        self.products: dict[str, dict] = {}
        self.history: dict[str, list[tuple[float, int, int]]] = {}
        self.orders: dict[str, dict] = {}
        self.ids = itertools.count(700)
        self.webhooks_sent: list[dict] = []

    def state(self) -> dict:
        return {
            "stock": {k: p["stock_quantity"] for k, p in self.products.items()},
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "webhooks_sent": self.webhooks_sent,
        }

    def route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Response:
        data = json.loads(body) if body else {}
        with self.lock:
            if path == f"{API}/products/batch" and method == "POST":
                return Response(200, {"update": [self._update(u) for u in data.get("update", [])]})
            m = re.match(rf"^{API}/products/(\d+)/variations/batch$", path)
            if m and method == "POST":
                return Response(200, {"update": [self._update(u) for u in data.get("update", [])]})
            m = re.match(rf"^{API}/products/(\d+)$", path)
            if m and method == "GET":
                product = self.products.get(m.group(1))
                return Response(200, product) if product else _invalid_id()
            m = re.match(rf"^{API}/orders/(\d+)(/notes)?$", path)
            if m:
                order = self.orders.get(m.group(1))
                if order is None:
                    return _invalid_id()
                if m.group(2) and method == "POST":
                    note = {
                        "id": next(self.ids),
                        "note": data.get("note", ""),
                        "customer_note": bool(data.get("customer_note")),
                        "date_created_gmt": _now(),
                    }
                    order["_notes"].append(note)
                    return Response(201, note)
                if m.group(2):
                    return Response(200, order["_notes"])
                if method == "PUT":
                    if "status" in data:
                        order["status"] = data["status"]
                    for meta in data.get("meta_data", []):
                        order["meta_data"] = [
                            x for x in order["meta_data"] if x["key"] != meta["key"]
                        ] + [{"id": next(self.ids), **meta}]
                    order["date_modified_gmt"] = _now()
                return Response(200, order)
        return Response(404, {"code": "rest_no_route", "message": "No route was found."})

    def _update(self, update: dict) -> dict:
        pid = str(update.get("id"))
        product = self.products.setdefault(
            pid,
            {
                "id": int(pid),
                "sku": "",
                "manage_stock": True,
                "stock_quantity": None,
                "meta_data": [],
            },
        )
        meta = {m["key"]: m["value"] for m in update.get("meta_data", [])}
        held = {m["key"]: m["value"] for m in product["meta_data"]}
        version = int(meta.get("_oms_stock_version", 0))
        if version and version < int(held.get("_oms_stock_version", 0)):
            return {
                "id": int(pid),
                "error": {
                    "code": "oms_stale_version",
                    "message": "A newer stock version is already stored.",
                    "data": {"status": 409},
                },
            }
        if "stock_quantity" in update:
            product["stock_quantity"] = int(update["stock_quantity"])
            product["manage_stock"] = True
            self.history.setdefault(pid, []).append(
                (time.time(), product["stock_quantity"], version)
            )
        if version:
            product["meta_data"] = [{"key": "_oms_stock_version", "value": str(version)}] + [
                m for m in product["meta_data"] if m["key"] != "_oms_stock_version"
            ]
        return dict(product)

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
                    topic=data.get("topic", "order.created"),
                )
            return Response(201, {"order": order, "webhook": sent})
        return Response(404, {"error": "unknown control endpoint"})

    def make_order(self, data: dict) -> dict:
        order_id = int(data.get("id") or next(self.ids))
        lines = [
            {
                "id": int(line.get("id") or order_id * 100 + n),
                "name": line.get("name", line.get("sku", "")),
                "product_id": line.get("product_id", 0),
                "variation_id": line.get("variation_id", 0),
                "quantity": line.get("quantity", 1),
                "sku": line.get("sku", ""),
                "price": float(line.get("price", 10.0)),
                "total": str(float(line.get("price", 10.0)) * line.get("quantity", 1)),
            }
            for n, line in enumerate(data.get("line_items") or [], start=1)
        ]
        address = {
            "first_name": "Grace",
            "last_name": "Hopper",
            "company": "",
            "address_1": "2 Navy Way",
            "address_2": "",
            "city": "Arlington",
            "state": "VA",
            "postcode": "22201",
            "country": "US",
        }
        now = _now()
        order = {
            "id": order_id,
            "number": str(order_id),
            "status": data.get("status", "processing"),
            "currency": "USD",
            "date_created_gmt": data.get("date_created_gmt", now),
            "date_modified_gmt": data.get("date_modified_gmt", now),
            "date_paid_gmt": now,
            "billing": {
                **address,
                "email": data.get("email", "grace@example.com"),
                "phone": "+17035550100",
            },
            "shipping": {**address, "phone": ""},
            "payment_method": "stripe",
            "line_items": lines,
            "shipping_lines": [{"id": 1, "method_id": "flat_rate", "method_title": "Flat rate"}],
            "meta_data": [],
        }
        order["_notes"] = []
        self.orders[str(order_id)] = order
        return order

    def deliver(self, *, url: str, secret: str, order: dict, topic: str) -> dict:
        public = {k: v for k, v in order.items() if not k.startswith("_")}
        body = json.dumps(public).encode()
        signature = base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()
        ).decode()
        resource, event = topic.split(".", 1)
        headers = {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": f"{self.base_url}/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": signature,
            "X-WC-Webhook-ID": "1",
            "X-WC-Webhook-Delivery-ID": str(next(self.ids)),
        }
        result = self.send_signed(url=url, body=body, headers=headers)
        with self.lock:
            self.webhooks_sent.append({"topic": topic, "order_id": order["id"], **result})
        return result


def _invalid_id() -> Response:
    return Response(
        404,
        {"code": "woocommerce_rest_invalid_id", "message": "Invalid ID.", "data": {"status": 404}},
    )
