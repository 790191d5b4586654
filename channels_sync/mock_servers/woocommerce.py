"""A WooCommerce-style storefront: REST API v3 as WooCommerce serves it, and its webhooks.

Auth (as WooCommerce documents it): over https, the consumer key and secret by HTTP Basic (or
`consumer_key`/`consumer_secret` in the query string); over plain http, OAuth 1.0a one-legged,
signed in the query string with HMAC-SHA1 or HMAC-SHA256 (key = consumer secret + "&"),
timestamp within 15 minutes, nonce never reused. Basic credentials over http are not looked at
(WordPress only reads them on https), so such a request is unauthenticated. Failures answer
401 `woocommerce_rest_authentication_error` ("Consumer key is invalid.", "Invalid signature -
provided signature does not match.", ...) or, with no credentials, `woocommerce_rest_cannot_view`
/ `_create` / `_edit` / `_batch`.

Routes: `products` (list with `page`, `per_page` ≤ 100, `sku`, `include`; `X-WP-Total`,
`X-WP-TotalPages`, `Link`), `products/<id>` GET/PUT, `products/batch` (≤ 100 objects; an unknown
id is a per-item `woocommerce_rest_product_invalid_id` error, never a new product),
`products/<id>/variations` list, `products/<id>/variations/<id>` GET/PUT,
`products/<id>/variations/batch`, `orders` (list with `page`, `per_page`, `status`, `after`,
`modified_after`, `include`), `orders/<id>` GET/PUT, `orders/<id>/notes` GET/POST.

Stock updates may carry the meta `_oms_stock_version`; like a small store-side plugin the mock
refuses an update whose version is older than the one it holds (error `oms_stale_version`).

Webhooks (`POST /_mock/orders`, `POST /_mock/orders/<id>/events`): order.created and
order.updated (status, address, line changes), signed in `X-WC-Webhook-Signature` (base64
HMAC-SHA256 of the raw body) with `X-WC-Webhook-Topic`, `-Resource`, `-Event`, `-Source`, `-ID`
and `-Delivery-ID`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import math
import re
import time
from decimal import Decimal
from urllib.parse import quote, unquote

from channels_sync.mock_servers.base import BadRequest, MockApp, Request, Response
from channels_sync.mock_servers.money import dec, fmt

API = "/wp-json/wc/v3"
DEMO_KEYS = {"ck_demo": "cs_demo"}
ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "trash",
)
PAID_STATUSES = ("processing", "completed")
OAUTH_WINDOW = 15 * 60


def _wc_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))


def _rfc3986(value: str) -> str:
    # PHP's rawurlencode, which WooCommerce's signature check uses.
    return quote(value, safe="-_.~")


class WooCommerceMock(MockApp):
    name = "woocommerce"

    def __init__(self, *, keys: dict[str, str] | None = None) -> None:
        self.keys = dict(keys if keys is not None else DEMO_KEYS)
        super().__init__()

    def reset_state(self) -> None:
        self.products: dict[str, dict] = {}
        self.parents: dict[str, str] = {}  # variation id → product id
        self.history: dict[str, list[tuple[float, int, int]]] = {}
        self.orders: dict[str, dict] = {}
        self.notes: dict[str, list[dict]] = {}
        self.ids = itertools.count(700)
        self.webhooks_sent: list[dict] = []
        self.nonces: set[tuple[str, str, str]] = set()
        self.webhook_url = ""
        self.webhook_secret = ""

    def state(self) -> dict:
        return {
            "stock": {k: p["stock_quantity"] for k, p in self.products.items()},
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "notes": self.notes,
            "webhooks_sent": self.webhooks_sent,
            "held_deliveries": len(self.held),
        }

    # --- the service's envelope -------------------------------------------------------------
    def error(self, status: int, message: str, *, code: str = "") -> Response:
        default = {
            400: "rest_invalid_param",
            401: "woocommerce_rest_authentication_error",
            404: "rest_no_route",
            500: "internal_server_error",
        }
        return Response(
            status,
            {
                "code": code or default.get(status, "rest_error"),
                "message": message,
                "data": {"status": status},
            },
        )

    def throttled(self, retry_after: float) -> Response:
        response = self.error(429, "Too many requests.", code="woocommerce_rest_too_many_requests")
        response.headers["Retry-After"] = f"{retry_after:.0f}"
        return response

    # --- auth -----------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> Response | None:
        """None when authenticated; else the answer WooCommerce gives."""
        q = request.query
        if request.scheme == "https":
            key, secret = q.get("consumer_key"), q.get("consumer_secret")
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("basic "):
                try:
                    key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    return self.error(401, "Consumer key is invalid.")
            if key is None:
                return self._cannot(request)
            if key not in self.keys:
                return self.error(401, "Consumer key is invalid.")
            if not hmac.compare_digest(self.keys[key], secret or ""):
                return self.error(401, "Consumer secret is invalid.")
            return None
        if "oauth_consumer_key" not in q:
            return self._cannot(request)
        return self._check_oauth(request)

    def _check_oauth(self, request: Request) -> Response | None:
        q = request.query
        for name in (
            "oauth_consumer_key",
            "oauth_timestamp",
            "oauth_nonce",
            "oauth_signature",
            "oauth_signature_method",
        ):
            if not q.get(name):
                return self.error(401, f"{name} parameter is missing.")
        method = q["oauth_signature_method"]
        algorithms = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
        if method not in algorithms:
            return self.error(401, "Invalid signature - signature method is invalid.")
        key = q["oauth_consumer_key"]
        if key not in self.keys:
            return self.error(401, "Consumer key is invalid.")
        params = {k: v for k, v in request.query_list if k != "oauth_signature"}
        # WooCommerce: uksort by key, rawurlencode key and value, join "k%3Dv" with "%26".
        pairs = [
            _rfc3986(f"{_rfc3986(k)}={_rfc3986(v)}")
            for k, v in sorted(params.items(), key=lambda kv: kv[0])
        ]
        base_uri = f"{request.scheme}://{request.host}{request.path}"
        string_to_sign = f"{request.method}&{_rfc3986(base_uri)}&{'%26'.join(pairs)}"
        digest = hmac.new(
            (self.keys[key] + "&").encode(), string_to_sign.encode(), algorithms[method]
        ).digest()
        expected = base64.b64encode(digest).decode()
        given = unquote(q["oauth_signature"]).replace(" ", "+")
        if not hmac.compare_digest(expected, given):
            return self.error(401, "Invalid signature - provided signature does not match.")
        try:
            stamp = int(q["oauth_timestamp"])
        except ValueError:
            return self.error(401, "Invalid timestamp.")
        if abs(self.now() - stamp) > OAUTH_WINDOW:
            return self.error(401, "Invalid timestamp.")
        nonce = (key, q["oauth_timestamp"], q["oauth_nonce"])
        with self.lock:
            if nonce in self.nonces:
                return self.error(401, "Invalid nonce - nonce has already been used.")
            self.nonces.add(nonce)
        return None

    def _cannot(self, request: Request) -> Response:
        action = {"GET": "view", "POST": "create", "PUT": "edit", "DELETE": "delete"}.get(
            request.method, "view"
        )
        if request.path.endswith("/batch"):
            action = "batch"
        messages = {
            "view": "Sorry, you cannot list resources.",
            "create": "Sorry, you are not allowed to create resources.",
            "edit": "Sorry, you are not allowed to edit this resource.",
            "delete": "Sorry, you are not allowed to delete this resource.",
            "batch": "Sorry, you are not allowed to batch manipulate this resource.",
        }
        return self.error(401, messages[action], code=f"woocommerce_rest_cannot_{action}")

    # --- routes ---------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if not path.startswith(API):
            return self.error(404, "No route was found matching the URL and request method.")
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        method = request.method
        try:
            data = request.json_object() if method in ("POST", "PUT") else {}
        except BadRequest:
            return self.error(400, "Invalid JSON body passed.", code="rest_invalid_json")
        sub = path[len(API) :]
        with self.lock:
            if sub == "/products" and method == "GET":
                return self._list(
                    request,
                    [p for k, p in self.products.items() if k not in self.parents],
                    "products",
                )
            if sub == "/products/batch" and method in ("POST", "PUT"):
                return self._batch(data, parent=None)
            m = re.match(r"^/products/(\d+)/variations(?:/(batch|\d+))?$", sub)
            if m:
                parent = m.group(1)
                if m.group(2) is None and method == "GET":
                    rows = [p for k, p in self.products.items() if self.parents.get(k) == parent]
                    return self._list(request, rows, f"products/{parent}/variations")
                if m.group(2) == "batch" and method in ("POST", "PUT"):
                    return self._batch(data, parent=parent)
                if m.group(2) and m.group(2) != "batch":
                    vid = m.group(2)
                    if self.parents.get(vid) != parent:
                        return self.error(
                            404, "Invalid ID.", code="woocommerce_rest_product_variation_invalid_id"
                        )
                    if method == "GET":
                        return Response(200, self.products[vid])
                    if method == "PUT":
                        result = self._update({**data, "id": int(vid)}, parent=parent)
                        return _item_response(result)
            m = re.match(r"^/products/(\d+)$", sub)
            if m:
                pid = m.group(1)
                if pid not in self.products or pid in self.parents:
                    return _invalid_id()
                if method == "GET":
                    return Response(200, self.products[pid])
                if method == "PUT":
                    return _item_response(self._update({**data, "id": int(pid)}, parent=None))
            if sub == "/orders" and method == "GET":
                return self._orders_list(request)
            m = re.match(r"^/orders/(\d+)(/notes)?$", sub)
            if m:
                order = self.orders.get(m.group(1))
                if order is None:
                    return self.error(
                        404, "Invalid ID.", code="woocommerce_rest_shop_order_invalid_id"
                    )
                if m.group(2) and method == "POST":
                    if not str(data.get("note") or "").strip():
                        return self.error(
                            400, "Missing parameter(s): note", code="rest_missing_callback_param"
                        )
                    note = {
                        "id": next(self.ids),
                        "author": "WooCommerce",
                        "date_created": _wc_time(self.now()),
                        "date_created_gmt": _wc_time(self.now()),
                        "note": str(data["note"]),
                        "customer_note": bool(data.get("customer_note")),
                    }
                    self.notes[m.group(1)].append(note)
                    return Response(201, note)
                if m.group(2) and method == "GET":
                    return Response(200, list(reversed(self.notes[m.group(1)])))
                if method == "PUT":
                    failure = self.update_order(order, data)
                    if failure:
                        return failure
                if method in ("GET", "PUT"):
                    return Response(200, _public(order))
        return self.error(404, "No route was found matching the URL and request method.")

    def _list(self, request: Request, rows: list[dict], route: str) -> Response:
        q = request.query
        page, per_page = _int(q, "page", 1), _int(q, "per_page", 10)
        if page < 1:
            return self.error(400, "Invalid parameter(s): page", code="rest_invalid_param")
        if not 1 <= per_page <= 100:
            return self.error(400, "Invalid parameter(s): per_page", code="rest_invalid_param")
        if q.get("sku"):
            wanted = set(q["sku"].split(","))
            rows = [r for r in rows if r.get("sku") in wanted]
        if q.get("include"):
            ids = {i for i in q["include"].split(",") if i}
            rows = [r for r in rows if str(r["id"]) in ids]
        rows = sorted(rows, key=lambda r: r["id"], reverse=q.get("order", "desc") == "desc")
        total = len(rows)
        pages = max(1, math.ceil(total / per_page)) if total else 0
        if page > max(pages, 1):
            return self.error(
                400,
                "The page number requested is larger than the number of pages available.",
                code="woocommerce_rest_invalid_page_number",
            )
        chunk = rows[(page - 1) * per_page : page * per_page]
        base = f"{self.base_url}{API}/{route}"
        links = []
        if page < pages:
            links.append(f'<{base}?page={page + 1}&per_page={per_page}>; rel="next"')
        if page > 1:
            links.append(f'<{base}?page={page - 1}&per_page={per_page}>; rel="prev"')
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        if links:
            headers["Link"] = ", ".join(links)
        return Response(200, chunk, headers)

    def _orders_list(self, request: Request) -> Response:
        q = request.query
        rows = list(self.orders.values())
        if q.get("status") and q["status"] != "any":
            wanted = set(q["status"].split(","))
            if not wanted <= set(ORDER_STATUSES):
                return self.error(400, "Invalid parameter(s): status", code="rest_invalid_param")
            rows = [o for o in rows if o["status"] in wanted]
        for key, field in (("after", "date_created_gmt"), ("modified_after", "date_modified_gmt")):
            if q.get(key):
                bound = _iso(q[key], key)
                rows = [o for o in rows if o[field] > bound]
        return self._list(request, [_public(o) for o in rows], "orders")

    def _batch(self, data: dict, *, parent: str | None) -> Response:
        total = sum(len(data.get(k) or []) for k in ("create", "update", "delete"))
        if total > 100:
            return self.error(
                413,
                "Unable to accept more than 100 items for this request.",
                code="woocommerce_rest_request_entity_too_large",
            )
        updates = data.get("update") or []
        if not isinstance(updates, list) or not all(isinstance(u, dict) for u in updates):
            return self.error(400, "Invalid parameter(s): update", code="rest_invalid_param")
        return Response(200, {"update": [self._update(u, parent=parent) for u in updates]})

    def _update(self, update: dict, *, parent: str | None) -> dict:
        pid = str(update.get("id"))
        product = self.products.get(pid)
        if product is None or self.parents.get(pid) != parent:
            code = (
                "woocommerce_rest_product_variation_invalid_id"
                if parent
                else "woocommerce_rest_product_invalid_id"
            )
            return {
                "id": int(pid) if pid.isdigit() else 0,
                "error": {"code": code, "message": "Invalid ID.", "data": {"status": 400}},
            }
        meta = {
            m.get("key"): m.get("value") for m in update.get("meta_data", []) if isinstance(m, dict)
        }
        held = {m["key"]: m["value"] for m in product["meta_data"]}
        version = int(meta.get("_oms_stock_version") or 0)
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
            try:
                qty = int(update["stock_quantity"])
            except (TypeError, ValueError):
                return {
                    "id": int(pid),
                    "error": {
                        "code": "rest_invalid_param",
                        "message": "Invalid parameter(s): stock_quantity",
                        "data": {"status": 400},
                    },
                }
            product["stock_quantity"] = qty
            product["manage_stock"] = True
            product["stock_status"] = "instock" if qty > 0 else "outofstock"
            self.history.setdefault(pid, []).append((time.time(), qty, version))
        for key in ("regular_price", "sale_price", "name", "status"):
            if key in update:
                product[key] = str(update[key])
        if "manage_stock" in update:
            product["manage_stock"] = bool(update["manage_stock"])
        if version:
            product["meta_data"] = [
                {"id": 1, "key": "_oms_stock_version", "value": str(version)}
            ] + [m for m in product["meta_data"] if m["key"] != "_oms_stock_version"]
        product["date_modified_gmt"] = _wc_time(self.now())
        return dict(product)

    # --- orders ---------------------------------------------------------------------------
    def update_order(self, order: dict, data: dict) -> Response | None:
        """PUT /orders/<id> (and the mock's own order.updated events)."""
        if "status" in data:
            if data["status"] not in ORDER_STATUSES:
                return self.error(400, "Invalid parameter(s): status", code="rest_invalid_param")
            order["status"] = data["status"]
            if data["status"] in PAID_STATUSES and not order["date_paid_gmt"]:
                order["date_paid"] = order["date_paid_gmt"] = _wc_time(self.now())
            if data["status"] == "completed":
                order["date_completed"] = order["date_completed_gmt"] = _wc_time(self.now())
        for part in ("shipping", "billing"):
            if isinstance(data.get(part), dict):
                order[part] = {**order[part], **data[part]}
        for meta in data.get("meta_data", []) or []:
            if not isinstance(meta, dict) or "key" not in meta:
                return self.error(400, "Invalid parameter(s): meta_data", code="rest_invalid_param")
            order["meta_data"] = [x for x in order["meta_data"] if x["key"] != meta["key"]] + [
                {"id": next(self.ids), "key": meta["key"], "value": meta.get("value")}
            ]
        for line in data.get("line_items", []) or []:
            for li in order["line_items"]:
                if li["id"] == line.get("id") and "quantity" in line:
                    li["quantity"] = int(line["quantity"])
                    li["subtotal"] = li["total"] = fmt(
                        dec(li["price"]) * li["quantity"], order["currency"]
                    )
        self._totals(order)
        stamp = max(self.now(), order["_modified"] + 1)
        order["_modified"] = stamp
        order["date_modified"] = order["date_modified_gmt"] = _wc_time(stamp)
        return None

    def _totals(self, order: dict) -> None:
        cur = order["currency"]
        lines = order["line_items"]
        discount = sum((dec(li["subtotal"]) - dec(li["total"]) for li in lines), Decimal(0))
        line_tax = sum((dec(li["total_tax"]) for li in lines), Decimal(0))
        ship = sum((dec(s["total"]) for s in order["shipping_lines"]), Decimal(0))
        ship_tax = sum((dec(s["total_tax"]) for s in order["shipping_lines"]), Decimal(0))
        total = sum((dec(li["total"]) for li in lines), Decimal(0)) + ship + line_tax + ship_tax
        order.update(
            {
                "discount_total": fmt(discount, cur),
                "discount_tax": fmt(0, cur),
                "shipping_total": fmt(ship, cur),
                "shipping_tax": fmt(ship_tax, cur),
                "cart_tax": fmt(line_tax, cur),
                "total": fmt(total, cur),
                "total_tax": fmt(line_tax + ship_tax, cur),
            }
        )

    def make_product(self, data: dict) -> dict:
        """A product (or, with `parent_id`, a variation) as WooCommerce serves it."""
        pid = str(data.get("id") or next(self.ids))
        parent = str(data["parent_id"]) if data.get("parent_id") else None
        product = {
            "id": int(pid),
            "name": data.get("name", f"Product {pid}"),
            "type": "variation" if parent else data.get("type", "simple"),
            "status": "publish",
            "sku": data.get("sku", ""),
            "price": str(data.get("price", "10.00")),
            "regular_price": str(data.get("price", "10.00")),
            "sale_price": "",
            "manage_stock": True,
            "stock_quantity": data.get("stock_quantity"),
            "stock_status": "instock" if (data.get("stock_quantity") or 0) > 0 else "outofstock",
            "parent_id": int(parent) if parent else 0,
            "date_created_gmt": _wc_time(self.now()),
            "date_modified_gmt": _wc_time(self.now()),
            "meta_data": [],
        }
        self.products[pid] = product
        if parent:
            self.parents[pid] = parent
        return product

    def make_order(self, data: dict) -> dict:
        """An order as WooCommerce serves it (money "25.00", totals, tax lines, GMT dates)."""
        order_id = int(data.get("id") or next(self.ids))
        currency = str(data.get("currency", "USD"))
        lines = []
        for n, line in enumerate(data.get("line_items") or [], start=1):
            qty = int(line.get("quantity", 1))
            price = dec(line.get("price", 10))
            subtotal = price * qty
            total = subtotal - dec(line.get("discount", 0))
            tax = dec(line.get("total_tax", 0))
            lines.append(
                {
                    "id": int(line.get("id") or order_id * 100 + n),
                    "name": line.get("name", line.get("sku") or "Item"),
                    "product_id": line.get("product_id", 0),
                    "variation_id": line.get("variation_id", 0),
                    "quantity": qty,
                    "tax_class": "",
                    "subtotal": fmt(subtotal, currency),
                    "subtotal_tax": fmt(tax, currency),
                    "total": fmt(total, currency),
                    "total_tax": fmt(tax, currency),
                    "taxes": [
                        {"id": 1, "total": fmt(tax, currency), "subtotal": fmt(tax, currency)}
                    ]
                    if tax
                    else [],
                    "meta_data": [],
                    "sku": line.get("sku", ""),
                    # WooCommerce sends the unit price as a JSON number.
                    "price": float(price),
                }
            )
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
        address.update(data.get("shipping") or {})
        ship_total = dec(data.get("shipping_total", "0"))
        ship_tax = dec(data.get("shipping_tax", "0"))
        now = self.now()
        status = data.get("status", "processing")
        paid = _wc_time(now) if status in PAID_STATUSES else None
        created = data.get("date_created_gmt") or _wc_time(now)
        order = {
            "id": order_id,
            "parent_id": 0,
            "number": str(order_id),
            "order_key": f"wc_order_{order_id:013d}"[-22:],
            "created_via": "checkout",
            "version": "9.1.0",
            "status": status,
            "currency": currency,
            "prices_include_tax": bool(data.get("prices_include_tax", False)),
            "date_created": created,
            "date_created_gmt": created,
            "date_modified": data.get("date_modified_gmt", created),
            "date_modified_gmt": data.get("date_modified_gmt", created),
            "date_paid": paid,
            "date_paid_gmt": paid,
            "date_completed": None,
            "date_completed_gmt": None,
            "customer_id": 0,
            "customer_note": "",
            "billing": {
                **address,
                "email": data.get("email", "grace@example.com"),
                "phone": "+17035550100",
            },
            "shipping": {**address, "phone": ""},
            "payment_method": "stripe",
            "payment_method_title": "Credit card (Stripe)",
            "transaction_id": f"ch_{order_id}" if paid else "",
            "line_items": lines,
            "tax_lines": [
                {
                    "id": 1,
                    "rate_code": "US-VA-TAX-1",
                    "rate_id": 1,
                    "label": "Tax",
                    "compound": False,
                    "tax_total": fmt(
                        sum((dec(li["total_tax"]) for li in lines), Decimal(0)), currency
                    ),
                    "shipping_tax_total": fmt(ship_tax, currency),
                    "rate_percent": float(data.get("tax_rate_percent", 0)),
                }
            ]
            if any(dec(li["total_tax"]) for li in lines) or ship_tax
            else [],
            "shipping_lines": [
                {
                    "id": order_id * 10 + 1,
                    "method_title": data.get("shipping_title", "Flat rate"),
                    "method_id": data.get("shipping_method", "flat_rate"),
                    "instance_id": "1",
                    "total": fmt(ship_total, currency),
                    "total_tax": fmt(ship_tax, currency),
                    "taxes": [],
                    "meta_data": [],
                }
            ],
            "fee_lines": [],
            "coupon_lines": data.get("coupon_lines") or [],
            "refunds": [],
            "meta_data": [],
            "_modified": now,
        }
        self._totals(order)
        self.orders[str(order_id)] = order
        self.notes[str(order_id)] = []
        return _public(order)

    # --- control --------------------------------------------------------------------------
    def control_extra(self, method: str, path: str, data: dict) -> Response:
        if path == "/_mock/config" and method == "POST":
            with self.lock:
                if "keys" in data:
                    self.keys = {str(k): str(v) for k, v in data["keys"].items()}
                for key in ("webhook_url", "webhook_secret"):
                    if key in data:
                        setattr(self, key, str(data[key]))
            return Response(200, {"ok": True})
        if path == "/_mock/products" and method == "POST":
            with self.lock:
                made = [self.make_product(p) for p in data.get("products") or [data]]
            return Response(201, {"products": made})
        if path == "/_mock/orders" and method == "POST":
            with self.lock:
                order = self.make_order(data)
            sent = self._deliver_from(data, str(order["id"]), data.get("topic", "order.created"))
            return Response(201, {"order": order, "webhook": sent})
        m = re.match(r"^/_mock/orders/(\d+)/events$", path)
        if m and method == "POST":
            with self.lock:
                order = self.orders.get(m.group(1))
                if order is None:
                    return Response(404, {"error": "no such order"})
                failure = self.update_order(order, data.get("changes") or {})
            if failure:
                return failure
            sent = self._deliver_from(data, m.group(1), "order.updated")
            return Response(200, {"order": _public(order), "webhook": sent})
        return Response(404, {"error": "unknown control endpoint"})

    def _deliver_from(self, data: dict, order_id: str, topic: str) -> dict | None:
        url = data.get("webhook_url") or self.webhook_url
        if not url:
            return None
        with self.lock:
            order = _public(self.orders[order_id])
        return self.deliver(
            url=url, secret=data.get("secret", self.webhook_secret), order=order, topic=topic
        )

    def deliver(self, *, url: str, secret: str, order: dict, topic: str) -> dict | None:
        body = json.dumps(_public(order)).encode()
        signature = base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()
        ).decode()
        resource, event = topic.split(".", 1)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "WooCommerce/9.1.0 Hookshot (WordPress/6.6)",
            "X-WC-Webhook-Source": f"{self.base_url}/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": signature,
            "X-WC-Webhook-ID": "1",
            "X-WC-Webhook-Delivery-ID": str(next(self.ids)),
        }
        return self.deliver_raw(
            url=url,
            body=body,
            headers=headers,
            meta={
                "topic": topic,
                "order_id": order["id"],
                "date_modified_gmt": order["date_modified_gmt"],
            },
        )


def _public(order: dict) -> dict:
    return {k: v for k, v in order.items() if not k.startswith("_")}


def _item_response(result: dict) -> Response:
    error = result.get("error")
    if error:
        return Response(error["data"]["status"], error)
    return Response(200, result)


def _int(q: dict, key: str, default: int) -> int:
    raw = q.get(key)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadRequest(f"Invalid parameter(s): {key}") from exc


def _iso(value: str, key: str) -> str:
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"Invalid parameter(s): {key}") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def _invalid_id() -> Response:
    return Response(
        404,
        {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 404},
        },
    )
