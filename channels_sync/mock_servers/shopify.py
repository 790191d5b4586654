"""A Shopify-style storefront: Admin REST and GraphQL as Shopify serves them, and its webhooks.

Auth: every `/admin/api/<version>/...` call needs `X-Shopify-Access-Token` with a token the shop
issued (`access_tokens`); otherwise 401 `{"errors": "[API] Invalid API key or access token
(unrecognized login or wrong password)"}`.

Versions: `SUPPORTED_VERSIONS` are served as asked; a well-formed but unsupported (retired or
future) version is served as the oldest supported one, as Shopify falls forward; the version
actually used is in `X-Shopify-API-Version` on every answer. A malformed version is a 404.

Limits: REST passes a leaky bucket of 40 requests leaking 2/s (429 with `Retry-After`, and
`X-Shopify-Shop-Api-Call-Limit` on every answer). GraphQL has its own bucket of cost points
(2000, restoring 100/s; single query max 1000): every answer carries `extensions.cost` with
`throttleStatus`, and a query whose requested cost does not fit is answered 200 with a
`THROTTLED` error, never a REST-style 429.

REST: `orders.json` (filters `ids`, `status`, `since_id`, `created_at_min/max`,
`updated_at_min/max`, `financial_status`, `fulfillment_status`, `limit` ≤ 250, cursor
pagination with `page_info` and `Link` headers, `fields=`), `orders/count.json`,
`orders/<id>.json`, `orders/<id>/cancel.json` (reason/email/restock in the body or the query
string), `orders/<id>/fulfillment_orders.json`, `orders/<id>/fulfillments.json`,
`fulfillments.json`, `inventory_levels.json`, `shop.json`.
GraphQL: see `shopify_graphql.py`.

Webhooks (`POST /_mock/orders`, `POST /_mock/orders/<id>/events`): orders/create, orders/updated,
orders/paid, orders/cancelled, orders/fulfilled (fulfilled elsewhere), orders/edited (an
`order_edit` payload, followed by orders/updated as Shopify sends it), signed with base64
HMAC-SHA256 of the raw body in `X-Shopify-Hmac-Sha256`, with `X-Shopify-Topic`,
`X-Shopify-Webhook-Id`, `X-Shopify-Event-Id`, `X-Shopify-Triggered-At`,
`X-Shopify-API-Version` and `X-Shopify-Shop-Domain`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import uuid
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, execute

from channels_sync.mock_servers import shopify_graphql as gql
from channels_sync.mock_servers.base import BadRequest, LeakyBucket, MockApp, Request, Response
from channels_sync.mock_servers.money import dec, fmt, gql_decimal

API = re.compile(r"^/admin/api/([^/]+)(/.*)$")
VERSION_FORMAT = re.compile(r"^(\d{4}-\d{2}|unstable)$")
SUPPORTED_VERSIONS = ("2024-04", "2024-07", "2024-10", "2025-01", "unstable")
DEMO_ACCESS_TOKEN = "shpat_demo"  # noqa: S105 - the mock's demo install
SHOP_DOMAIN = "mock-shop.myshopify.com"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"  # noqa: S105 - an error message
CANCEL_REASONS = ("customer", "inventory", "fraud", "declined", "other", "staff")
ORDER_TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/edited",
)


def _num(gid: object) -> str:
    return str(gid).rsplit("/", 1)[-1]


def _ts(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


def _money_set(
    amount: object, currency: str, presentment: str | None = None, rate: Decimal = Decimal(1)
) -> dict:
    pres = presentment or currency
    return {
        "shop_money": {"amount": fmt(amount, currency), "currency_code": currency},
        "presentment_money": {"amount": fmt(dec(amount) * rate, pres), "currency_code": pres},
    }


class ShopifyMock(MockApp):
    name = "shopify"

    def __init__(
        self,
        *,
        capacity: int = 40,
        leak_rate: float = 2.0,
        access_tokens: tuple[str, ...] | list[str] = (DEMO_ACCESS_TOKEN,),
        graphql_capacity: int = 2000,
        graphql_restore: float = 100.0,
        graphql_max_query_cost: int = 1000,
    ) -> None:
        self.capacity, self.leak_rate = capacity, leak_rate
        self.access_tokens = set(access_tokens)
        self.graphql_capacity = graphql_capacity
        self.graphql_restore = graphql_restore
        self.graphql_max_query_cost = graphql_max_query_cost
        super().__init__()

    def reset_state(self) -> None:
        self.bucket = LeakyBucket(self.capacity, self.leak_rate, clock=self.monotonic)
        self.graphql_bucket = LeakyBucket(
            self.graphql_capacity, self.graphql_restore, clock=self.monotonic
        )
        self.inventory: dict[str, int | None] = {}
        self.history: dict[str, list[tuple[float, int, int]]] = {}  # item → [(at, qty, version)]
        self.orders: dict[str, dict] = {}
        self.fulfillment_orders: dict[str, list[dict]] = {}  # order id → its fulfillment orders
        self.fulfillments: list[dict] = []
        self.ids = itertools.count(5000)
        self.webhooks_sent: list[dict] = []
        self.rejected_sets = 0
        self.cursors: dict[str, dict] = {}  # page_info → the query it continues
        self.webhook_url = ""
        self.webhook_secret = ""

    def state(self) -> dict:
        return {
            "inventory": dict(self.inventory),
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "fulfillment_orders": self.fulfillment_orders,
            "fulfillments": self.fulfillments,
            "webhooks_sent": self.webhooks_sent,
            "held_deliveries": len(self.held),
            "rejected_sets": self.rejected_sets,
        }

    # --- the service's envelope -------------------------------------------------------------
    def error(self, status: int, message: str, *, code: str = "") -> Response:
        return Response(status, {"errors": message})

    def throttled(self, retry_after: float) -> Response:
        return Response(
            429,
            {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."},
            {"Retry-After": f"{retry_after:.1f}"},
        )

    def decorate(self, request: Request, response: Response) -> Response:
        match = API.match(request.path)
        if match:
            response.headers.setdefault("X-Shopify-API-Version", _served_version(match.group(1)))
            response.headers.setdefault("X-Request-Id", str(uuid.uuid4()))
        return response

    # --- admin API ------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        match = API.match(request.path)
        if not match or not VERSION_FORMAT.match(match.group(1)):
            return self.error(404, "Not Found")
        if request.headers.get("x-shopify-access-token", "") not in self.access_tokens:
            return self.error(401, INVALID_TOKEN)
        sub = match.group(2)
        if sub == "/graphql.json":
            return self._graphql_request(request)
        admitted, level, wait = self.bucket.admit()
        limit = {"X-Shopify-Shop-Api-Call-Limit": f"{round(level)}/{self.capacity}"}
        if not admitted:
            response = self.throttled(max(wait, 1.0))
            response.headers.update(limit)
            return response
        data = request.json_object() if request.method in ("POST", "PUT") else {}
        with self.lock:
            response = self._rest(request, match.group(1), sub, data)
        response.headers.update(limit)
        return response

    def _rest(self, request: Request, version: str, sub: str, data: dict) -> Response:
        method, query = request.method, request.query
        if sub == "/shop.json" and method == "GET":
            return Response(200, {"shop": _fields(self._shop(), query)})
        if sub == "/orders.json" and method == "GET":
            return self._orders_list(request, version)
        if sub == "/orders/count.json" and method == "GET":
            return Response(200, {"count": len(self._filter_orders(query))})
        if sub == "/inventory_levels.json" and method == "GET":
            return self._inventory_levels(query)
        m = re.match(r"^/orders/(\d+)(/fulfillment_orders|/fulfillments|/cancel)?\.json$", sub)
        if m:
            order = self.orders.get(m.group(1))
            if order is None:
                return self.error(404, "Not Found")
            part = m.group(2)
            if part is None and method == "GET":
                return Response(200, {"order": _fields(order, query)})
            if part == "/fulfillment_orders" and method == "GET":
                return Response(200, {"fulfillment_orders": self.fulfillment_orders[m.group(1)]})
            if part == "/fulfillments" and method == "GET":
                return Response(
                    200,
                    {
                        "fulfillments": [
                            f for f in self.fulfillments if f["order_id"] == order["id"]
                        ]
                    },
                )
            if part == "/cancel" and method == "POST":
                return self._cancel(order, {**query, **data})
            return self.error(406, "Not Acceptable")
        if sub == "/fulfillments.json" and method == "POST":
            return self._fulfill(data.get("fulfillment") or {})
        return self.error(404, "Not Found")

    def _shop(self) -> dict:
        return {
            "id": 548380009,
            "name": "Mock Shop",
            "email": "owner@mock-shop.example",
            "domain": SHOP_DOMAIN,
            "myshopify_domain": SHOP_DOMAIN,
            "currency": "USD",
            "enabled_presentment_currencies": ["USD", "EUR"],
            "iana_timezone": "America/New_York",
            "timezone": "(GMT-05:00) Eastern Time (US & Canada)",
            "country_code": "US",
            "taxes_included": False,
            "plan_name": "basic",
            "created_at": "2020-01-01T00:00:00-05:00",
            "updated_at": "2024-07-01T00:00:00-04:00",
        }

    def _filter_orders(self, query: dict) -> list[dict]:
        orders = sorted(self.orders.values(), key=lambda o: o["id"])
        status = query.get("status", "open")
        if status not in ("open", "closed", "cancelled", "any"):
            raise BadRequest("status is not included in the list")
        if status == "open":
            orders = [o for o in orders if not o["cancelled_at"] and not o["closed_at"]]
        elif status == "closed":
            orders = [o for o in orders if o["closed_at"]]
        elif status == "cancelled":
            orders = [o for o in orders if o["cancelled_at"]]
        if query.get("ids"):
            wanted = {i.strip() for i in query["ids"].split(",")}
            orders = [o for o in orders if str(o["id"]) in wanted]
        if query.get("since_id"):
            since = _int_param(query, "since_id")
            orders = [o for o in orders if o["id"] > since]
        for key, field, op in (
            ("created_at_min", "created_at", "ge"),
            ("created_at_max", "created_at", "le"),
            ("updated_at_min", "updated_at", "ge"),
            ("updated_at_max", "updated_at", "le"),
        ):
            if query.get(key):
                bound = _parse_time(query[key], key)
                orders = [
                    o
                    for o in orders
                    if (o[f"_{field}"] >= bound if op == "ge" else o[f"_{field}"] <= bound)
                ]
        for key in ("financial_status", "fulfillment_status"):
            value = query.get(key)
            if value and value != "any":
                wanted_status = None if value in ("unshipped", "unfulfilled") else value
                if key == "fulfillment_status" and value == "shipped":
                    wanted_status = "fulfilled"
                orders = [o for o in orders if o[key] == wanted_status]
        return orders

    def _orders_list(self, request: Request, version: str) -> Response:
        query = dict(request.query)
        limit = _int_param(query, "limit", 50)
        if not 1 <= limit <= 250:
            raise BadRequest("limit must be between 1 and 250")
        offset = 0
        if "page_info" in query:
            saved = self.cursors.get(query["page_info"])
            extra = set(query) - {"page_info", "limit", "fields"}
            if saved is None or extra:
                return Response(400, {"errors": {"page_info": "Invalid value."}})
            offset = saved["offset"]
            fields = query.get("fields")
            query = dict(saved["query"])
            if fields:
                query["fields"] = fields
        orders = self._filter_orders(query)
        page = orders[offset : offset + limit]
        links = []
        base = f"{self.base_url}/admin/api/{version}/orders.json"
        fields = f"&fields={query['fields']}" if query.get("fields") else ""
        if offset + limit < len(orders):
            token = self._cursor(query, offset + limit)
            links.append(f'<{base}?limit={limit}{fields}&page_info={token}>; rel="next"')
        if offset > 0:
            token = self._cursor(query, max(0, offset - limit))
            links.append(f'<{base}?limit={limit}{fields}&page_info={token}>; rel="previous"')
        headers = {"Link": ", ".join(links)} if links else {}
        return Response(200, {"orders": [_fields(o, query) for o in page]}, headers)

    def _cursor(self, query: dict, offset: int) -> str:
        token = secrets.token_urlsafe(24)
        self.cursors[token] = {
            "query": {k: v for k, v in query.items() if k != "fields"},
            "offset": offset,
        }
        return token

    def _inventory_levels(self, query: dict) -> Response:
        items = [i for i in (query.get("inventory_item_ids") or "").split(",") if i]
        locations = [i for i in (query.get("location_ids") or "").split(",") if i]
        if not items and not locations:
            return Response(
                422, {"errors": "Must specify at least one of inventory_item_ids or location_ids"}
            )
        if len(items) > 50 or len(locations) > 50:
            return Response(422, {"errors": "Too many ids (at most 50)"})
        location = locations[0] if locations else "1"
        levels = []
        for item in items or list(self.inventory):
            if item in self.inventory:
                levels.append(
                    {
                        "inventory_item_id": int(item),
                        "location_id": int(location),
                        "available": self.inventory[item],
                        "updated_at": _ts(self.now()),
                        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}",
                    }
                )
        return Response(200, {"inventory_levels": levels})

    def _cancel(self, order: dict, params: dict) -> Response:
        if order.get("cancelled_at"):
            return Response(422, {"errors": {"base": ["Order has already been cancelled"]}})
        reason = str(params.get("reason") or "other")
        if reason not in CANCEL_REASONS:
            return Response(422, {"errors": {"reason": ["is not included in the list"]}})
        self._touch(order)
        order["cancelled_at"] = order["updated_at"]
        order["cancel_reason"] = reason
        order["closed_at"] = order["updated_at"]
        for fo in self.fulfillment_orders.get(str(order["id"]), []):
            if fo["status"] in ("open", "in_progress"):
                fo["status"] = "cancelled"
        return Response(200, {"order": _public(order)})

    def _fulfill(self, data: dict) -> Response:
        groups = data.get("line_items_by_fulfillment_order") or []
        if not isinstance(groups, list) or not groups:
            return Response(
                422, {"errors": {"base": ["line_items_by_fulfillment_order is required"]}}
            )
        touched = None
        for group in groups:
            if not isinstance(group, dict):
                raise BadRequest("line_items_by_fulfillment_order must hold objects")
            for order_id, fos in self.fulfillment_orders.items():
                for fo in fos:
                    if fo["id"] == group.get("fulfillment_order_id"):
                        if fo["status"] in ("closed", "cancelled"):
                            return Response(
                                422, {"errors": {"base": ["Fulfillment order is closed"]}}
                            )
                        fo["status"] = "closed"
                        touched = self.orders[order_id]
        if touched is None:
            return self.error(404, "Not Found")
        tracking = data.get("tracking_info") or {}
        fulfillment = self._record_fulfillment(
            touched, tracking, notify_customer=bool(data.get("notify_customer", False))
        )
        return Response(201, {"fulfillment": fulfillment})

    def _record_fulfillment(
        self, order: dict, tracking: dict, *, notify_customer: bool = False
    ) -> dict:
        fulfillment = {
            "notify_customer": notify_customer,
            "id": next(self.ids),
            "order_id": order["id"],
            "status": "success",
            "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"),
            "tracking_numbers": [tracking.get("number")] if tracking.get("number") else [],
            "tracking_url": tracking.get("url"),
            "line_items": [dict(li) for li in order["line_items"]],
            "created_at": _ts(self.now()),
        }
        self.fulfillments.append(fulfillment)
        self._touch(order)
        order["fulfillment_status"] = "fulfilled"
        for li in order["line_items"]:
            li["fulfillable_quantity"] = 0
            li["fulfillment_status"] = "fulfilled"
        # As Shopify writes them: each of the order's fulfillments with its line items.
        order["fulfillments"] = [dict(f) for f in self.fulfillments if f["order_id"] == order["id"]]
        return fulfillment

    # --- GraphQL ----------------------------------------------------------------------------
    def _graphql_request(self, request: Request) -> Response:
        if request.method != "POST":
            return self.error(405, "Method Not Allowed")
        ctype = request.headers.get("content-type", "")
        if "application/graphql" in ctype:
            body: Any = {"query": request.body.decode(errors="replace")}
        else:
            try:
                body = request.json()
            except BadRequest:
                return Response(400, {"errors": {"query": "Required parameter missing or invalid"}})
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("query"), str)
            or not body["query"].strip()
        ):
            return Response(400, {"errors": {"query": "Required parameter missing or invalid"}})
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return Response(400, {"errors": {"variables": "must be an object"}})
        document, errors = gql.parse_and_validate(body["query"])
        if errors:
            return Response(200, {"errors": [_gql_error(e) for e in errors]})
        requested = gql.requested_cost(document, variables, body.get("operationName"))
        if requested > self.graphql_max_query_cost:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "message": f"Query cost is {requested}, which exceeds the single query max cost limit ({self.graphql_max_query_cost}).",
                            "extensions": {
                                "code": "MAX_COST_EXCEEDED",
                                "cost": requested,
                                "maxCost": self.graphql_max_query_cost,
                            },
                        }
                    ],
                    "extensions": self._cost(requested, None),
                },
            )
        admitted, _level, _wait = self.graphql_bucket.admit(requested)
        if not admitted:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": self._cost(requested, None),
                },
            )
        with self.lock:
            context = {"counted": 0, "returned": {}}
            result = execute(
                gql.SCHEMA,
                document,
                root_value=self._graphql_root(context),
                variable_values=variables,
                operation_name=body.get("operationName"),
                context_value=context,
            )
        actual = min(
            requested,
            gql.requested_cost(
                document, variables, body.get("operationName"), returned=context["returned"]
            ),
        )
        self.graphql_bucket.refund(requested - actual)
        answer: dict = {}
        if result.errors:
            answer["errors"] = [_gql_error(e) for e in result.errors]
        answer["data"] = result.data
        answer["extensions"] = self._cost(requested, actual)
        return Response(200, answer)

    def _cost(self, requested: int, actual: int | None) -> dict:
        bucket = self.graphql_bucket
        bucket.admit(0)  # leak up to now
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": float(self.graphql_capacity),
                    "currentlyAvailable": int(self.graphql_capacity - bucket.level),
                    "restoreRate": float(self.graphql_restore),
                },
            }
        }

    def _graphql_root(self, context: dict) -> dict:
        def orders(info: Any, **args: Any) -> dict:
            query = _search_to_filters(args.get("query") or "")
            rows = self._filter_orders({**query, "status": query.get("status", "any")})
            key = {
                "CREATED_AT": "_created_at",
                "UPDATED_AT": "_updated_at",
                "PROCESSED_AT": "_created_at",
            }.get(args.get("sortKey") or "ID")
            if key:
                rows.sort(key=lambda o: o[key])
            if args.get("reverse"):
                rows.reverse()
            page = _connection([self._gql_order(o) for o in rows], args, context, prefix="order")
            context["returned"]["orders"] = len(page["nodes"])
            return page

        def order(info: Any, id: str) -> dict | None:
            raw = self.orders.get(_num(id))
            return self._gql_order(raw) if raw else None

        def nodes(info: Any, ids: list[str]) -> list:
            return [self._node(i, context) for i in ids]

        def node(info: Any, id: str) -> Any:
            return self._node(id, context)

        def inventory_item(info: Any, id: str) -> Any:
            return self._node(id, context)

        def inventory_set(info: Any, input: dict) -> dict:
            return self._set(input)

        return {
            "shop": self._gql_shop(),
            "orders": orders,
            "order": order,
            "nodes": nodes,
            "node": node,
            "inventoryItem": inventory_item,
            "inventorySetQuantities": inventory_set,
        }

    def _gql_shop(self) -> dict:
        shop = self._shop()
        return {
            "__typename": "Shop",
            "id": f"gid://shopify/Shop/{shop['id']}",
            "name": shop["name"],
            "email": shop["email"],
            "myshopifyDomain": shop["myshopify_domain"],
            "currencyCode": shop["currency"],
            "enabledPresentmentCurrencies": shop["enabled_presentment_currencies"],
            "ianaTimezone": shop["iana_timezone"],
            "taxesIncluded": shop["taxes_included"],
            "primaryDomain": {"host": SHOP_DOMAIN, "url": f"https://{SHOP_DOMAIN}"},
            "plan": {"displayName": "Basic", "partnerDevelopment": False, "shopifyPlus": False},
        }

    def _node(self, gid: str, context: dict) -> Any:
        kind = str(gid).split("/")[-2] if str(gid).count("/") >= 3 else ""
        context["counted"] += 1
        if kind == "InventoryItem":
            item = _num(gid)
            qty = self.inventory.get(item)

            def level(info: Any, locationId: str) -> dict | None:
                if qty is None:
                    return None
                return {
                    "__typename": "InventoryLevel",
                    "id": f"gid://shopify/InventoryLevel/{_num(locationId)}?inventory_item_id={item}",
                    "quantities": lambda info, names: [
                        {"name": n, "quantity": qty if n in ("available", "on_hand") else 0}
                        for n in names
                    ],
                }

            return {
                "__typename": "InventoryItem",
                "id": gid,
                "sku": None,
                "tracked": True,
                "inventoryLevel": level,
            }
        if kind == "Order" and _num(gid) in self.orders:
            return self._gql_order(self.orders[_num(gid)])
        return None

    def _gql_order(self, o: dict) -> dict:
        def bag(money_set: dict | None) -> dict | None:
            if not money_set:
                return None
            return {
                "shopMoney": _gql_money(money_set["shop_money"]),
                "presentmentMoney": _gql_money(money_set["presentment_money"]),
            }

        def taxes(lines: list[dict]) -> list[dict]:
            return [
                {
                    "title": t["title"],
                    "rate": t["rate"],
                    "ratePercentage": round(t["rate"] * 100, 4),
                    "priceSet": bag(t["price_set"]),
                }
                for t in lines
            ]

        def address(a: dict | None) -> dict | None:
            if not a:
                return None
            return {
                "name": a.get("name"),
                "firstName": a.get("first_name"),
                "lastName": a.get("last_name"),
                "company": a.get("company"),
                "address1": a.get("address1"),
                "address2": a.get("address2"),
                "city": a.get("city"),
                "province": a.get("province"),
                "provinceCode": a.get("province_code"),
                "zip": a.get("zip"),
                "country": a.get("country"),
                "countryCodeV2": a.get("country_code"),
                "phone": a.get("phone"),
            }

        lines = [
            {
                "__typename": "LineItem",
                "id": li["admin_graphql_api_id"],
                "name": li["name"],
                "title": li["title"],
                "sku": li["sku"],
                "quantity": li["quantity"],
                "currentQuantity": li["current_quantity"],
                "requiresShipping": li["requires_shipping"],
                "taxable": li["taxable"],
                "variant": None
                if not li.get("variant_id")
                else {
                    "__typename": "ProductVariant",
                    "id": f"gid://shopify/ProductVariant/{li['variant_id']}",
                    "sku": li["sku"],
                    "legacyResourceId": str(li["variant_id"]),
                },
                "originalUnitPriceSet": bag(li["price_set"]),
                "discountedUnitPriceSet": bag(li["_discounted_unit_price_set"]),
                "originalTotalSet": bag(li["_original_total_set"]),
                "taxLines": taxes(li["tax_lines"]),
                "discountAllocations": [
                    {"allocatedAmountSet": bag(d["amount_set"])} for d in li["discount_allocations"]
                ],
            }
            for li in o["line_items"]
        ]
        ship = o["shipping_lines"][0] if o["shipping_lines"] else None
        financial = (o["financial_status"] or "pending").upper()
        fulfillment = {"fulfilled": "FULFILLED", "partial": "PARTIALLY_FULFILLED"}.get(
            o["fulfillment_status"] or "", "UNFULFILLED"
        )
        return {
            "__typename": "Order",
            "id": o["admin_graphql_api_id"],
            "legacyResourceId": str(o["id"]),
            "name": o["name"],
            "email": o["email"],
            "phone": o["phone"],
            "createdAt": o["created_at"],
            "updatedAt": o["updated_at"],
            "processedAt": o["processed_at"],
            "cancelledAt": o["cancelled_at"],
            "cancelReason": (o["cancel_reason"] or "").upper() or None,
            "closed": bool(o["closed_at"]),
            "test": o["test"],
            "currencyCode": o["currency"],
            "presentmentCurrencyCode": o["presentment_currency"],
            "taxesIncluded": o["taxes_included"],
            "displayFinancialStatus": financial,
            "displayFulfillmentStatus": fulfillment,
            "subtotalPriceSet": bag(o["subtotal_price_set"]),
            "totalPriceSet": bag(o["total_price_set"]),
            "totalTaxSet": bag(o["total_tax_set"]),
            "totalDiscountsSet": bag(o["total_discounts_set"]),
            "totalShippingPriceSet": bag(o["total_shipping_price_set"]),
            "shippingAddress": address(o["shipping_address"]),
            "billingAddress": address(o["billing_address"]),
            "shippingLine": None
            if ship is None
            else {
                "title": ship["title"],
                "code": ship["code"],
                "source": ship["source"],
                "originalPriceSet": bag(ship["price_set"]),
                "discountedPriceSet": bag(ship["_discounted_price_set"]),
                "taxLines": taxes(ship["tax_lines"]),
            },
            "taxLines": taxes(o["tax_lines"]),
            "discountCodes": [d["code"] for d in o["discount_codes"]],
            "lineItems": lambda info, **args: _connection(lines, args, None, prefix="li"),
        }

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
        ref = _num(data.get("referenceDocumentUri") or "0")
        version = int(ref) if ref.isdigit() else 0
        now = time.time()
        changes = []
        for q in quantities:
            item = _num(q["inventoryItemId"])
            before = self.inventory.get(item) or 0
            self.inventory[item] = int(q["quantity"])
            self.history.setdefault(item, []).append((now, int(q["quantity"]), version))
            changes.append(
                {
                    "name": data.get("name", "available"),
                    "delta": int(q["quantity"]) - before,
                    "quantityAfterChange": int(q["quantity"]),
                }
            )
        return {
            "inventoryAdjustmentGroup": {
                "createdAt": _ts(self.now()),
                "reason": data.get("reason"),
                "referenceDocumentUri": data.get("referenceDocumentUri"),
                "changes": changes,
            },
            "userErrors": [],
        }

    # --- control: orders, events and deliveries -------------------------------------------
    def control_extra(self, method: str, path: str, data: dict) -> Response:
        if path == "/_mock/config" and method == "POST":
            with self.lock:
                if "access_tokens" in data:
                    self.access_tokens = {str(t) for t in data["access_tokens"]}
                for key in ("webhook_url", "webhook_secret"):
                    if key in data:
                        setattr(self, key, str(data[key]))
            return Response(200, {"ok": True})
        if path == "/_mock/orders" and method == "POST":
            with self.lock:
                order = self.make_order(data)
            sent = self._deliver_from(data, order, data.get("topic", "orders/create"))
            return Response(201, {"order": _public(order), "webhook": sent})
        m = re.match(r"^/_mock/orders/(\d+)/events$", path)
        if m and method == "POST":
            topic = str(data.get("topic", "orders/updated"))
            if topic not in ORDER_TOPICS:
                return Response(400, {"error": f"topic must be one of {ORDER_TOPICS}"})
            with self.lock:
                order = self.orders.get(m.group(1))
                if order is None:
                    return Response(404, {"error": "no such order"})
                payload = self.apply_event(order, topic, data.get("changes") or {})
            sent = self._deliver_from(data, order, topic, payload=payload)
            if topic == "orders/edited":
                self._deliver_from(data, order, "orders/updated")
            return Response(200, {"order": _public(order), "webhook": sent})
        if path == "/_mock/inventory" and method == "POST":
            with self.lock:
                for item, qty in (data.get("items") or {}).items():
                    self.inventory[str(item)] = qty
            return Response(200, {"ok": True})
        return Response(404, {"error": "unknown control endpoint"})

    def _deliver_from(
        self, data: dict, order: dict, topic: str, payload: dict | None = None
    ) -> dict | None:
        url = data.get("webhook_url") or self.webhook_url
        if not url:
            return None
        return self.deliver(
            url=url,
            secret=data.get("secret", self.webhook_secret),
            order=order,
            topic=topic,
            event_id=data.get("event_id"),
            payload=payload,
        )

    def _touch(self, order: dict) -> None:
        # updated_at only moves forward, by at least a second (Shopify's resolution).
        at = max(self.now(), order["_updated_at"] + 1)
        order["_updated_at"] = at
        order["updated_at"] = _ts(at)

    def apply_event(self, order: dict, topic: str, changes: dict) -> dict | None:
        """Change the order as the event says; → the webhook payload when it is not the order."""
        self._touch(order)
        if topic == "orders/paid":
            order["financial_status"] = changes.get("financial_status", "paid")
        elif topic == "orders/cancelled":
            order["cancelled_at"] = order["updated_at"]
            order["closed_at"] = order["updated_at"]
            order["cancel_reason"] = changes.get("reason", "customer")
            order["financial_status"] = changes.get("financial_status", order["financial_status"])
            for fo in self.fulfillment_orders.get(str(order["id"]), []):
                if fo["status"] in ("open", "in_progress"):
                    fo["status"] = "cancelled"
        elif topic == "orders/fulfilled":
            for fo in self.fulfillment_orders.get(str(order["id"]), []):
                fo["status"] = "closed"
            self._record_fulfillment(order, changes.get("tracking_info") or {})
        elif topic == "orders/edited":
            return self._edit(order, changes)
        else:  # orders/updated: shipping address, e-mail, note, tags, financial status
            for key in ("email", "note", "tags", "financial_status", "phone"):
                if key in changes:
                    order[key] = changes[key]
            if "shipping_address" in changes:
                order["shipping_address"] = {
                    **order["shipping_address"],
                    **changes["shipping_address"],
                }
        return None

    def _edit(self, order: dict, changes: dict) -> dict:
        """Line quantity changes ({line_item_id: new quantity}) and added lines, as an order edit."""
        additions, removals = [], []
        for line_id, qty in (changes.get("quantities") or {}).items():
            for li in order["line_items"]:
                if str(li["id"]) == str(line_id):
                    delta = int(qty) - li["current_quantity"]
                    li["current_quantity"] = int(qty)
                    li["fulfillable_quantity"] = int(qty)
                    (additions if delta > 0 else removals).append(
                        {"id": li["id"], "delta": abs(delta)}
                    )
        for line in changes.get("add") or []:
            li = self._line(order["id"], len(order["line_items"]) + 1, line, order["currency"])
            order["line_items"].append(li)
            additions.append({"id": li["id"], "delta": li["quantity"]})
        self._totals(order)
        return {
            "order_edit": {
                "id": next(self.ids),
                "app_id": None,
                "created_at": order["updated_at"],
                "committed_at": order["updated_at"],
                "notify_customer": False,
                "order_id": order["id"],
                "staff_note": changes.get("staff_note", ""),
                "user_id": None,
                "line_items": {"additions": additions, "removals": removals},
            }
        }

    # --- orders as Shopify writes them --------------------------------------------------------
    def _line(self, order_id: int, n: int, line: dict, currency: str) -> dict:
        line_id = int(line.get("id") or order_id * 100 + n)
        qty = int(line.get("quantity", 1))
        price = dec(line.get("price", "10.00"))
        discounts = [dec(d) for d in line.get("discounts", [])]
        taxes = line.get("tax_lines") or []
        tax_lines = [
            {
                "title": t.get("title", "Tax"),
                "rate": float(t.get("rate", 0)),
                "price": fmt(t.get("price", 0), currency),
                "price_set": _money_set(t.get("price", 0), currency),
                "channel_liable": False,
            }
            for t in taxes
        ]
        total_discount = sum(discounts, Decimal(0))
        return {
            "id": line_id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "variant_id": line.get("variant_id"),
            "product_id": line.get("product_id"),
            "sku": line.get("sku", ""),
            "title": line.get("title", line.get("sku") or "Custom item"),
            "name": line.get("title", line.get("sku") or "Custom item"),
            "variant_title": line.get("variant_title"),
            "vendor": line.get("vendor", "Mock Shop"),
            "quantity": qty,
            "current_quantity": qty,
            "fulfillable_quantity": qty,
            "fulfillment_status": None,
            "fulfillment_service": "manual",
            "requires_shipping": bool(line.get("requires_shipping", True)),
            "taxable": bool(line.get("taxable", True)),
            "gift_card": bool(line.get("gift_card", False)),
            "grams": int(line.get("grams", 200)),
            "price": fmt(price, currency),
            "price_set": _money_set(price, currency),
            "total_discount": fmt(total_discount, currency),
            "total_discount_set": _money_set(total_discount, currency),
            "discount_allocations": [
                {
                    "amount": fmt(d, currency),
                    "amount_set": _money_set(d, currency),
                    "discount_application_index": i,
                }
                for i, d in enumerate(discounts)
            ],
            "tax_lines": tax_lines,
            "duties": [],
            "properties": [],
            "_discounted_unit_price_set": _money_set(
                price - (total_discount / qty if qty else 0), currency
            ),
            "_original_total_set": _money_set(price * qty, currency),
        }

    def _totals(self, order: dict) -> None:
        cur = order["currency"]
        lines = order["line_items"]
        line_total = sum((dec(li["price"]) * li["current_quantity"] for li in lines), Decimal(0))
        line_discounts = sum(
            (dec(d["amount"]) for li in lines for d in li["discount_allocations"]), Decimal(0)
        )
        shipping = sum((dec(s["price"]) for s in order["shipping_lines"]), Decimal(0))
        shipping_discounts = sum(
            (dec(d["amount"]) for s in order["shipping_lines"] for d in s["discount_allocations"]),
            Decimal(0),
        )
        tax = sum((dec(t["price"]) for li in lines for t in li["tax_lines"]), Decimal(0)) + sum(
            (dec(t["price"]) for s in order["shipping_lines"] for t in s["tax_lines"]), Decimal(0)
        )
        subtotal = line_total - line_discounts
        total = subtotal + shipping - shipping_discounts + (0 if order["taxes_included"] else tax)
        by_title: dict[tuple[str, float], Decimal] = {}
        for t in [t for li in lines for t in li["tax_lines"]] + [
            t for s in order["shipping_lines"] for t in s["tax_lines"]
        ]:
            by_title[(t["title"], t["rate"])] = by_title.get(
                (t["title"], t["rate"]), Decimal(0)
            ) + dec(t["price"])
        order.update(
            {
                "total_line_items_price": fmt(line_total, cur),
                "total_line_items_price_set": _money_set(line_total, cur),
                "subtotal_price": fmt(subtotal, cur),
                "subtotal_price_set": _money_set(subtotal, cur),
                "total_discounts": fmt(line_discounts + shipping_discounts, cur),
                "total_discounts_set": _money_set(line_discounts + shipping_discounts, cur),
                "total_shipping_price_set": _money_set(shipping - shipping_discounts, cur),
                "total_tax": fmt(tax, cur),
                "total_tax_set": _money_set(tax, cur),
                "total_price": fmt(total, cur),
                "total_price_set": _money_set(total, cur),
                "current_total_price": fmt(total, cur),
                "current_subtotal_price": fmt(subtotal, cur),
                "current_total_tax": fmt(tax, cur),
                "total_outstanding": "0.00"
                if order["financial_status"] == "paid"
                else fmt(total, cur),
                "tax_lines": [
                    {
                        "title": title,
                        "rate": rate,
                        "price": fmt(amount, cur),
                        "price_set": _money_set(amount, cur),
                        "channel_liable": False,
                    }
                    for (title, rate), amount in by_title.items()
                ],
                "total_weight": sum(li["grams"] * li["current_quantity"] for li in lines),
            }
        )

    def make_order(self, data: dict) -> dict:
        """A REST Admin order as Shopify writes it (money "25.00", *_set, tax and discount
        lines, totals computed from the lines). Placed orders also get one fulfillment order."""
        order_id = int(data.get("id") or next(self.ids))
        currency = str(data.get("currency", "USD"))
        lines = [
            self._line(order_id, n, line, currency)
            for n, line in enumerate(data.get("line_items") or [], start=1)
        ]
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
            "latitude": None,
            "longitude": None,
        }
        shipping_lines = []
        for n, s in enumerate(
            data.get("shipping_lines")
            or [
                {
                    "title": "Standard",
                    "code": data.get("shipping_code", "standard"),
                    "price": data.get("shipping_price", "0.00"),
                }
            ],
            start=1,
        ):
            price = dec(s.get("price", "0"))
            discounts = [dec(d) for d in s.get("discounts", [])]
            shipping_lines.append(
                {
                    "id": order_id * 10 + n,
                    "title": s.get("title", "Standard"),
                    "code": s.get("code", "standard"),
                    "source": s.get("source", "shopify"),
                    "price": fmt(price, currency),
                    "price_set": _money_set(price, currency),
                    "discounted_price": fmt(price - sum(discounts, Decimal(0)), currency),
                    "discounted_price_set": _money_set(
                        price - sum(discounts, Decimal(0)), currency
                    ),
                    "discount_allocations": [
                        {
                            "amount": fmt(d, currency),
                            "amount_set": _money_set(d, currency),
                            "discount_application_index": 0,
                        }
                        for d in discounts
                    ],
                    "tax_lines": [
                        {
                            "title": t.get("title", "Tax"),
                            "rate": float(t.get("rate", 0)),
                            "price": fmt(t.get("price", 0), currency),
                            "price_set": _money_set(t.get("price", 0), currency),
                            "channel_liable": False,
                        }
                        for t in s.get("tax_lines") or []
                    ],
                    "_discounted_price_set": _money_set(
                        price - sum(discounts, Decimal(0)), currency
                    ),
                }
            )
        now = self.now()
        created = _parse_time(data["created_at"], "created_at") if data.get("created_at") else now
        email = data.get("email", "ada@example.com")
        order = {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{1000 + order_id % 100000}",
            "number": order_id % 100000,
            "order_number": 1000 + order_id % 100000,
            "confirmation_number": f"MOCK{order_id:06d}"[-9:],
            "email": email,
            "contact_email": email,
            "phone": data.get("phone"),
            "created_at": _ts(created),
            "updated_at": _ts(created),
            "processed_at": _ts(created),
            "closed_at": None,
            "cancelled_at": None,
            "cancel_reason": None,
            "confirmed": True,
            "test": False,
            "currency": currency,
            "presentment_currency": data.get("presentment_currency", currency),
            "taxes_included": bool(data.get("taxes_included", False)),
            "financial_status": data.get("financial_status", "paid"),
            "fulfillment_status": None,
            "source_name": "web",
            "gateway": "bogus",
            "payment_gateway_names": ["bogus"],
            "tags": data.get("tags", ""),
            "note": data.get("note"),
            "note_attributes": [],
            "buyer_accepts_marketing": False,
            "customer": {
                "id": 115310627314723954,
                "email": email,
                "first_name": address.get("first_name"),
                "last_name": address.get("last_name"),
                "phone": address.get("phone"),
                "admin_graphql_api_id": "gid://shopify/Customer/115310627314723954",
            },
            "shipping_address": address,
            "billing_address": data.get("billing_address") or address,
            "shipping_lines": shipping_lines,
            "discount_codes": data.get("discount_codes") or [],
            "discount_applications": data.get("discount_applications") or [],
            "line_items": lines,
            "fulfillments": [],
            "refunds": [],
            "_created_at": created,
            "_updated_at": created,
        }
        self._totals(order)
        self.orders[str(order_id)] = order
        self.fulfillment_orders[str(order_id)] = [
            {
                "id": order_id * 10 + 1,
                "order_id": order_id,
                "assigned_location_id": 1,
                "request_status": "unsubmitted",
                "status": "open",
                "supported_actions": ["create_fulfillment"],
                "line_items": [
                    {
                        "id": li["id"] * 10,
                        "fulfillment_order_id": order_id * 10 + 1,
                        "line_item_id": li["id"],
                        "variant_id": li["variant_id"],
                        "quantity": li["quantity"],
                        "fulfillable_quantity": li["quantity"],
                    }
                    for li in lines
                    if li["requires_shipping"]
                ],
            }
        ]
        return _public(order)

    def deliver(
        self,
        *,
        url: str,
        secret: str,
        order: dict,
        topic: str,
        event_id: str | None = None,
        payload: dict | None = None,
    ) -> dict | None:
        """Send (or hold) one signed webhook; the body is the order unless `payload` is given."""
        body = json.dumps(payload if payload is not None else _public(order)).encode()
        signature = base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()
        ).decode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature,
            "X-Shopify-Shop-Domain": SHOP_DOMAIN,
            "X-Shopify-API-Version": "2024-07",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": _ts(self.now()),
        }
        return self.deliver_raw(
            url=url,
            body=body,
            headers=headers,
            meta={"topic": topic, "order_id": order["id"], "updated_at": order["updated_at"]},
        )


# --- helpers -------------------------------------------------------------------------------
def _served_version(asked: str) -> str:
    if asked in SUPPORTED_VERSIONS:
        return asked
    return SUPPORTED_VERSIONS[0]


def _public(order: dict) -> dict:
    return {
        k: (
            [{kk: vv for kk, vv in li.items() if not kk.startswith("_")} for li in v]
            if k in ("line_items", "shipping_lines")
            else v
        )
        for k, v in order.items()
        if not k.startswith("_")
    }


def _fields(doc: dict, query: dict) -> dict:
    public = _public(doc) if "_created_at" in doc else doc
    wanted = [f.strip() for f in (query.get("fields") or "").split(",") if f.strip()]
    if not wanted:
        return public
    return {k: public[k] for k in wanted if k in public}


def _int_param(query: dict, key: str, default: int = 0) -> int:
    raw = query.get(key)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadRequest(f"{key} must be an integer") from exc


def _parse_time(value: str, key: str) -> float:
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{key} is not a valid ISO 8601 time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _gql_money(m: dict) -> dict:
    return {"amount": gql_decimal(m["amount"]), "currencyCode": m["currency_code"]}


def _gql_error(error: GraphQLError) -> dict:
    out: dict = {"message": error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = {
        "code": "argumentLiteralsIncompatible"
        if "argument" in error.message.lower()
        else "undefinedField"
        if "Cannot query field" in error.message
        else "parseError"
        if "Syntax Error" in error.message
        else "INTERNAL_SERVER_ERROR"
    }
    return out


def _search_to_filters(search: str) -> dict:
    """Shopify's search syntax, the terms the mock knows: status, financial_status,
    fulfillment_status, updated_at:>X, created_at:>X."""
    filters: dict = {}
    for term in search.split():
        key, _, value = term.partition(":")
        value = value.strip("'\"")
        if key in ("updated_at", "created_at") and value.startswith((">", "<")):
            op = "min" if value[0] == ">" else "max"
            filters[f"{key}_{op}"] = value.lstrip("<>=")
        elif key in ("status", "financial_status", "fulfillment_status"):
            filters[key] = value
    return filters


def _connection(rows: list[dict], args: dict, context: dict | None, *, prefix: str) -> dict:
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if (first or 0) > 250 or (last or 0) > 250:
        raise GraphQLError("The maximum page size is 250")
    cursors = [base64.b64encode(f'{{"{prefix}":{n}}}'.encode()).decode() for n in range(len(rows))]
    start = 0
    end = len(rows)
    if args.get("after"):
        start = _cursor_index(args["after"], cursors) + 1
    if args.get("before"):
        end = _cursor_index(args["before"], cursors)
    window = list(range(start, end))
    if first is not None:
        window = window[:first]
    elif last is not None:
        window = window[-last:]
    if context is not None:
        context["counted"] += len(window)
    edges = [{"cursor": cursors[i], "node": rows[i]} for i in window]
    return {
        "edges": edges,
        "nodes": [rows[i] for i in window],
        "pageInfo": {
            "hasNextPage": bool(window) and window[-1] < len(rows) - 1,
            "hasPreviousPage": bool(window) and window[0] > 0,
            "startCursor": cursors[window[0]] if window else None,
            "endCursor": cursors[window[-1]] if window else None,
        },
    }


def _cursor_index(cursor: str, cursors: list[str]) -> int:
    if cursor not in cursors:
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return cursors.index(cursor)
