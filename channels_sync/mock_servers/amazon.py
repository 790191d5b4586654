"""An Amazon-style marketplace: Login with Amazon, SP-API Orders v0, Tokens 2021-03-01, Feeds
2021-06-30, as Amazon serves them.

Auth: `POST /auth/o2/token` (form-encoded, grant_type=refresh_token, client_id, client_secret,
refresh_token) issues `Atza|...` access tokens that expire after `expires_in` (3600 s) of the
mock's clock. Every SP-API call needs a live one in `x-amz-access-token`, else 403
`Unauthorized` with the reason in `details` (expired, or revoked/malformed/invalid). The Tokens
API's `createRestrictedDataToken` issues RDTs (`Atz.sprdt|...`) for the restricted resources it
names; `getOrderAddress` and `getOrderBuyerInfo` need one for their order (or the generic
`{orderId}` path), and `getOrders`/`getOrder`/`getOrderItems` carry names, streets, phones and
e-mails only when called with an RDT whose `dataElements` ask for them. A plain access token
sees City, StateOrRegion, PostalCode and CountryCode only.

Limits: each operation has its SP-API usage plan (rate per second and burst, see `PLANS`); every
answer carries `x-amzn-RateLimit-Limit` and `x-amzn-RequestId`; an exhausted plan is 429
`QuotaExceeded`. Errors use SP-API's envelope `{"errors": [{"code", "message", "details"}]}`;
bad dates, a NextToken that was not issued and missing MarketplaceIds are 400 `InvalidInput`.

Orders: `getOrders` by `CreatedAfter` or `LastUpdatedAfter` (ISO 8601; not both) with
`OrderStatuses`, `FulfillmentChannels`, `MaxResultsPerPage` and an opaque `NextToken`;
`getOrder`, `getOrderItems`, `getOrderAddress`, `getOrderBuyerInfo`, `confirmShipment`.
Pending orders have no OrderTotal and no item prices, as on Amazon. Status changes
(`POST /_mock/orders/<id>/events`) move `LastUpdateDate`, so `LastUpdatedAfter` polling sees
them.

Feeds: JSON_LISTINGS_FEED messages set `fulfillment_availability`; a message whose
`oms_version` is older than the one held is reported as an ERROR issue `OMS_STALE_VERSION`.
Feeds are processed as soon as they are created (processingStatus DONE).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import secrets
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl

from channels_sync.mock_servers.base import MockApp, Request, Response, TokenBucket
from channels_sync.mock_servers.money import dec, fmt

DEMO_LWA_CLIENT_ID = "amzn1.application-oa2-client.demo"
DEMO_LWA_CLIENT_SECRET = "demo-lwa-client-secret"  # noqa: S105 - the mock's demo app
DEMO_REFRESH_TOKEN = "Atzr|demo-refresh-token"  # noqa: S105 - the mock's demo seller
TOKEN_SECONDS = 3600
RDT_SECONDS = 3600

# SP-API usage plans: operation → (rate per second, burst).
PLANS = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createRestrictedDataToken": (1.0, 10),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
}
PII_ADDRESS = ("Name", "AddressLine1", "AddressLine2", "AddressLine3", "Phone", "AddressType")
SERVICE_LEVELS = (
    "Expedited",
    "FreeEconomy",
    "NextDay",
    "Priority",
    "SameDay",
    "SecondDay",
    "Scheduled",
    "Standard",
)
STATUSES = (
    "PendingAvailability",
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "InvoiceUnconfirmed",
    "Canceled",
    "Unfulfillable",
)


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> float | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _errors(status: int, code: str, message: str, details: str = "") -> Response:
    return Response(status, {"errors": [{"code": code, "message": message, "details": details}]})


class AmazonMock(MockApp):
    name = "amazon"

    def __init__(
        self,
        *,
        page_size: int = 2,
        get_orders_burst: int = 20,
        lwa_clients: dict[str, str] | None = None,
        refresh_tokens: tuple[str, ...] | list[str] = (DEMO_REFRESH_TOKEN,),
        token_seconds: int = TOKEN_SECONDS,
    ) -> None:
        self.page_size, self.get_orders_burst = page_size, get_orders_burst
        self.lwa_clients = dict(lwa_clients or {DEMO_LWA_CLIENT_ID: DEMO_LWA_CLIENT_SECRET})
        self.refresh_tokens = set(refresh_tokens)
        self.token_seconds = token_seconds
        super().__init__()

    def reset_state(self) -> None:
        self.buckets = {
            op: TokenBucket(
                rate, self.get_orders_burst if op == "getOrders" else burst, clock=self.monotonic
            )
            for op, (rate, burst) in PLANS.items()
        }
        self.stock: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.history: dict[str, list[tuple[float, int, int]]] = {}
        self.orders: dict[str, dict] = {}
        self.items: dict[str, list[dict]] = {}
        self.addresses: dict[str, dict] = {}  # order id → full ShippingAddress (PII)
        self.buyers: dict[str, dict] = {}  # order id → BuyerInfo (PII)
        self.confirmations: list[dict] = []
        self.documents: dict[str, bytes] = {}
        self.feeds: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}  # access token / RDT → {kind, expires, resources}
        self.next_tokens: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.ids = itertools.count(1)
        self.webhooks_sent: list[dict] = []

    def state(self) -> dict:
        return {
            "stock": dict(self.stock),
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "confirmations": self.confirmations,
            "feeds": list(self.feeds.values()),
            "tokens_issued": len(self.token_requests),
        }

    # --- the service's envelope -------------------------------------------------------------
    def error(self, status: int, message: str, *, code: str = "") -> Response:
        default = {
            400: "InvalidInput",
            403: "Unauthorized",
            404: "NotFound",
            500: "InternalFailure",
        }
        return _errors(status, code or default.get(status, "InternalFailure"), message)

    def throttled(self, retry_after: float) -> Response:
        response = _errors(
            429, "QuotaExceeded", "You exceeded your quota for the requested resource."
        )
        response.headers["Retry-After"] = f"{retry_after:.0f}"
        return response

    def decorate(self, request: Request, response: Response) -> Response:
        if not request.path.startswith(("/auth/", "/_docs/")):
            op = _operation(request.method, request.path)
            rate = PLANS.get(op or "", (0.5, 0))[0]
            response.headers.setdefault("x-amzn-RateLimit-Limit", f"{rate}")
        response.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
        return response

    # --- Login with Amazon --------------------------------------------------------------------
    def _lwa(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(
                405, {"error": "invalid_request", "error_description": "Method not allowed"}
            )
        try:
            form = dict(
                parse_qsl(
                    request.body.decode(), keep_blank_values=True, strict_parsing=bool(request.body)
                )
            )
        except (ValueError, UnicodeDecodeError):
            return Response(
                400,
                {"error": "invalid_request", "error_description": "The request body is malformed"},
            )
        grant = form.get("grant_type")
        if grant not in ("refresh_token", "client_credentials"):
            return Response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "The authorization grant type is not supported by the authorization server",
                },
            )
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id or not secret:
            return Response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "The request is missing a required parameter : client_id",
                },
            )
        if self.lwa_clients.get(client_id) != secret:
            return Response(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        if grant == "refresh_token" and form.get("refresh_token") not in self.refresh_tokens:
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The request has an invalid grant parameter : refresh_token",
                },
            )
        token = f"Atza|{secrets.token_urlsafe(32)}"
        with self.lock:
            self.tokens[token] = {"kind": "lwa", "expires": self.now() + self.token_seconds}
            self.token_requests.append({"grant_type": grant, "at": self.now()})
        answer = {"access_token": token, "token_type": "bearer", "expires_in": self.token_seconds}
        if grant == "refresh_token":
            answer["refresh_token"] = form["refresh_token"]
        return Response(200, answer)

    def _token_for(self, request: Request) -> tuple[dict | None, Response | None]:
        raw = request.headers.get("x-amz-access-token", "")
        if not raw:
            return None, _errors(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The request signature is missing an access token.",
            )
        with self.lock:
            token = self.tokens.get(raw)
        if token is None:
            return None, _errors(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        if token["expires"] <= self.now():
            return None, _errors(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        return token, None

    # --- SP-API -----------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/auth/o2/token":
            return self._lwa(request)
        m = re.match(r"^/_docs/(.+)$", path)
        if m:  # pre-signed document URLs need no access token
            with self.lock:
                if method == "PUT":
                    self.documents[m.group(1)] = request.body
                    return Response(200, None)
                if m.group(1) not in self.documents:
                    return Response(404, None, raw=b"<Error><Code>NoSuchKey</Code></Error>")
                return Response(200, raw=self.documents[m.group(1)])
        op = _operation(method, path)
        if op is None:
            return _errors(404, "NotFound", "Resource not found")
        token, denied = self._token_for(request)
        if denied is not None:
            return denied
        if token["kind"] == "rdt" and op not in (
            "getOrders",
            "getOrder",
            "getOrderItems",
            "getOrderAddress",
            "getOrderBuyerInfo",
        ):
            return _errors(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "A restricted data token cannot call this operation.",
            )
        wait = self.buckets[op].take()
        if wait:
            return self.throttled(wait)
        with self.lock:
            return self._operate(op, request, token)

    def _operate(self, op: str, request: Request, token: dict) -> Response:
        path = request.path
        order_id = _order_id(path)
        if op == "getOrders":
            return self._get_orders(request, token)
        if op == "createRestrictedDataToken":
            return self._create_rdt(request)
        if op in (
            "getOrder",
            "getOrderItems",
            "getOrderAddress",
            "getOrderBuyerInfo",
            "confirmShipment",
        ):
            if order_id not in self.orders:
                return _errors(404, "NotFound", f"Order {order_id} not found", "")
            elements = self._elements(token, request.method, path, order_id)
            if op == "getOrder":
                return Response(200, {"payload": self._order_view(order_id, elements)})
            if op == "getOrderItems":
                return self._order_items(request, order_id)
            if op == "getOrderAddress":
                if token["kind"] != "rdt" or elements is None:
                    return _errors(
                        403,
                        "Unauthorized",
                        "Access to requested resource is denied.",
                        "getOrderAddress needs a Restricted Data Token for this order.",
                    )
                return Response(
                    200,
                    {
                        "payload": {
                            "AmazonOrderId": order_id,
                            "ShippingAddress": dict(self.addresses[order_id]),
                        }
                    },
                )
            if op == "getOrderBuyerInfo":
                if token["kind"] != "rdt" or elements is None:
                    return _errors(
                        403,
                        "Unauthorized",
                        "Access to requested resource is denied.",
                        "getOrderBuyerInfo needs a Restricted Data Token for this order.",
                    )
                return Response(
                    200, {"payload": {"AmazonOrderId": order_id, **self.buyers[order_id]}}
                )
            return self._confirm(request, order_id)
        if op == "createFeedDocument":
            doc_id = f"amzn1.tortuga.4.na.{next(self.ids)}"
            self.documents[doc_id] = b""
            return Response(
                201, {"feedDocumentId": doc_id, "url": f"{self.base_url}/_docs/{doc_id}"}
            )
        if op == "createFeed":
            return self._create_feed(request.json_object())
        if op == "getFeed":
            feed = self.feeds.get(path.rsplit("/", 1)[-1])
            return Response(200, feed) if feed else _errors(404, "NotFound", "Feed not found")
        if op == "getFeedDocument":
            doc_id = path.rsplit("/", 1)[-1]
            if doc_id not in self.documents:
                return _errors(404, "NotFound", "Feed document not found")
            return Response(
                200, {"feedDocumentId": doc_id, "url": f"{self.base_url}/_docs/{doc_id}"}
            )
        return _errors(404, "NotFound", "Resource not found")

    def _elements(self, token: dict, method: str, path: str, order_id: str) -> set[str] | None:
        """The data elements an RDT grants for this call, or None when it grants nothing."""
        if token["kind"] != "rdt":
            return None
        for resource in token["resources"]:
            pattern = re.escape(resource["path"]).replace(re.escape("{orderId}"), r"[\w-]+")
            if resource["method"] == method and re.fullmatch(pattern, path):
                return set(resource.get("dataElements") or []) or {"all"}
        return None

    def _create_rdt(self, request: Request) -> Response:
        data = request.json_object()
        resources = data.get("restrictedResources")
        if not isinstance(resources, list) or not resources:
            return _errors(400, "InvalidInput", "restrictedResources is required", "")
        for r in resources:
            if (
                not isinstance(r, dict)
                or r.get("method") not in ("GET", "PUT", "POST", "DELETE")
                or not str(r.get("path", "")).startswith("/")
            ):
                return _errors(
                    400, "InvalidInput", "Each restricted resource needs a method and a path", ""
                )
            path = str(r["path"])
            restricted = path == "/orders/v0/orders" or re.fullmatch(
                r"/orders/v0/orders/([\w-]+|\{orderId\})(/orderItems|/address|/buyerInfo|/orderItems/buyerInfo)?",
                path,
            )
            if not restricted:
                return _errors(
                    400, "InvalidInput", f"Resource {path} is not a restricted resource", ""
                )
            for element in r.get("dataElements") or []:
                if element not in ("buyerInfo", "shippingAddress", "buyerTaxInformation"):
                    return _errors(
                        400, "InvalidInput", f"Invalid dataElements value: {element}", ""
                    )
        token = f"Atz.sprdt|{secrets.token_urlsafe(32)}"
        self.tokens[token] = {
            "kind": "rdt",
            "expires": self.now() + RDT_SECONDS,
            "resources": resources,
        }
        return Response(200, {"restrictedDataToken": token, "expiresIn": RDT_SECONDS})

    def _order_view(self, order_id: str, elements: set[str] | None) -> dict:
        order = dict(self.orders[order_id])
        full = self.addresses[order_id]
        if elements and ({"shippingAddress", "all"} & elements):
            order["ShippingAddress"] = dict(full)
        else:
            order["ShippingAddress"] = {k: v for k, v in full.items() if k not in PII_ADDRESS}
        if elements and ({"buyerInfo", "all"} & elements):
            order["BuyerInfo"] = dict(self.buyers[order_id])
        else:
            order["BuyerInfo"] = {}
        return {k: v for k, v in order.items() if not k.startswith("_")}

    def _get_orders(self, request: Request, token: dict) -> Response:
        q = request.query
        if not q.get("MarketplaceIds"):
            return _errors(400, "InvalidInput", "Missing required 'MarketplaceIds'.", "")
        if q.get("NextToken"):
            saved = self.next_tokens.get(q["NextToken"])
            if saved is None:
                return _errors(
                    400,
                    "InvalidInput",
                    "Invalid NextToken.",
                    "The NextToken was not issued or has expired.",
                )
            criteria, offset = saved["criteria"], saved["offset"]
        else:
            if q.get("CreatedAfter") and q.get("LastUpdatedAfter"):
                return _errors(
                    400,
                    "InvalidInput",
                    "Only one of CreatedAfter and LastUpdatedAfter may be specified.",
                    "",
                )
            if not q.get("CreatedAfter") and not q.get("LastUpdatedAfter"):
                return _errors(
                    400,
                    "InvalidInput",
                    "Either CreatedAfter or LastUpdatedAfter must be specified.",
                    "",
                )
            criteria = {}
            for key in ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore"):
                if q.get(key):
                    stamp = _parse_iso(q[key])
                    if stamp is None:
                        return _errors(
                            400,
                            "InvalidInput",
                            f"Invalid Input: {key} is not an ISO 8601 date.",
                            f"{key}={q[key]}",
                        )
                    criteria[key] = stamp
            for key in ("OrderStatuses", "FulfillmentChannels"):
                if q.get(key):
                    criteria[key] = q[key].split(",")
            if any(s not in STATUSES for s in criteria.get("OrderStatuses", [])):
                return _errors(400, "InvalidInput", "Invalid OrderStatuses value.", "")
            try:
                criteria["MaxResultsPerPage"] = int(q.get("MaxResultsPerPage") or self.page_size)
            except ValueError:
                return _errors(400, "InvalidInput", "MaxResultsPerPage must be an integer.", "")
            if not 1 <= criteria["MaxResultsPerPage"] <= 100:
                return _errors(
                    400, "InvalidInput", "MaxResultsPerPage must be between 1 and 100.", ""
                )
            offset = 0
        rows = []
        for order in self.orders.values():
            created, updated = order["_created"], order["_updated"]
            if "CreatedAfter" in criteria and created <= criteria["CreatedAfter"]:
                continue
            if "CreatedBefore" in criteria and created > criteria["CreatedBefore"]:
                continue
            if "LastUpdatedAfter" in criteria and updated <= criteria["LastUpdatedAfter"]:
                continue
            if "LastUpdatedBefore" in criteria and updated > criteria["LastUpdatedBefore"]:
                continue
            if (
                "OrderStatuses" in criteria
                and order["OrderStatus"] not in criteria["OrderStatuses"]
            ):
                continue
            if (
                "FulfillmentChannels" in criteria
                and order["FulfillmentChannel"] not in criteria["FulfillmentChannels"]
            ):
                continue
            rows.append(order)
        key = "_created" if "CreatedAfter" in criteria else "_updated"
        rows.sort(key=lambda o: (o[key], o["AmazonOrderId"]))
        size = criteria["MaxResultsPerPage"]
        page = rows[offset : offset + size]
        elements = self._elements(token, "GET", request.path, "")
        payload: dict = {
            "Orders": [self._order_view(o["AmazonOrderId"], elements) for o in page],
            "LastUpdatedBefore" if key == "_updated" else "CreatedBefore": _iso(self.now()),
        }
        if offset + size < len(rows):
            next_token = secrets.token_urlsafe(48)
            self.next_tokens[next_token] = {"criteria": criteria, "offset": offset + size}
            payload["NextToken"] = next_token
        return Response(200, {"payload": payload})

    def _order_items(self, request: Request, order_id: str) -> Response:
        items = self.items[order_id]
        pending = self.orders[order_id]["OrderStatus"] in ("Pending", "PendingAvailability")
        out = []
        for item in items:
            row = dict(item)
            if pending:
                for key in (
                    "ItemPrice",
                    "ShippingPrice",
                    "ItemTax",
                    "ShippingTax",
                    "PromotionDiscount",
                    "ShippingDiscount",
                    "PromotionDiscountTax",
                    "ShippingDiscountTax",
                ):
                    row.pop(key, None)
            out.append(row)
        if request.query.get("NextToken"):
            return _errors(400, "InvalidInput", "Invalid NextToken.", "")
        return Response(200, {"payload": {"AmazonOrderId": order_id, "OrderItems": out}})

    def _confirm(self, request: Request, order_id: str) -> Response:
        data = request.json_object()
        detail = data.get("packageDetail")
        if (
            not isinstance(detail, dict)
            or not detail.get("packageReferenceId")
            or not detail.get("trackingNumber")
        ):
            return _errors(
                400,
                "InvalidInput",
                "packageDetail with packageReferenceId and trackingNumber is required.",
                "",
            )
        if not data.get("marketplaceId"):
            return _errors(400, "InvalidInput", "marketplaceId is required.", "")
        order = self.orders[order_id]
        if order["OrderStatus"] in ("Canceled", "Pending"):
            return _errors(
                400,
                "InvalidInput",
                f"Order {order_id} is {order['OrderStatus']} and cannot be confirmed.",
                "",
            )
        ref = detail["packageReferenceId"]
        if not any(
            c["order_id"] == order_id and c["packageReferenceId"] == ref for c in self.confirmations
        ):
            self.confirmations.append({"order_id": order_id, **detail})
            self._set_status(order, "Shipped")
        return Response(204, None)

    def _set_status(self, order: dict, status: str) -> None:
        stamp = max(self.now(), order["_updated"] + 1)
        order["_updated"] = stamp
        order["LastUpdateDate"] = _iso(stamp)
        order["OrderStatus"] = status
        items = self.items.get(order["AmazonOrderId"], [])
        shipped = sum(i["QuantityOrdered"] for i in items) if status == "Shipped" else 0
        order["NumberOfItemsShipped"] = shipped
        order["NumberOfItemsUnshipped"] = (
            0 if status in ("Shipped", "Canceled") else sum(i["QuantityOrdered"] for i in items)
        )
        if status not in ("Pending", "PendingAvailability"):
            order["OrderTotal"] = self._total(order["AmazonOrderId"], order["_currency"])

    def _total(self, order_id: str, currency: str) -> dict:
        # Tax-inclusive marketplaces (EU, UK, JP) report ItemTax inside ItemPrice.
        inclusive = bool((self.orders.get(order_id) or {}).get("_tax_inclusive"))
        total = Decimal(0)
        for item in self.items[order_id]:
            for key in ("ItemPrice", "ShippingPrice") + (
                () if inclusive else ("ItemTax", "ShippingTax")
            ):
                total += dec((item.get(key) or {}).get("Amount"))
            for key in ("PromotionDiscount", "ShippingDiscount"):
                total -= dec((item.get(key) or {}).get("Amount"))
        return {"CurrencyCode": currency, "Amount": fmt(total, currency)}

    def _create_feed(self, data: dict) -> Response:
        if not data.get("feedType") or not data.get("inputFeedDocumentId"):
            return _errors(
                400, "InvalidInput", "feedType and inputFeedDocumentId are required.", ""
            )
        feed_id = str(50000 + next(self.ids))
        try:
            content = json.loads(
                self.documents.get(data.get("inputFeedDocumentId", ""), b"{}") or b"{}"
            )
        except ValueError:
            content = {}
        issues = []
        processed = 0
        now = self.now()
        for message in content.get("messages", []) if isinstance(content, dict) else []:
            processed += 1
            if data.get("feedType") == "JSON_LISTINGS_FEED":
                sku = message["sku"]
                version = int(message.get("oms_version") or 0)
                if version and version < self.versions.get(sku, 0):
                    issues.append(
                        {
                            "messageId": message["messageId"],
                            "code": "OMS_STALE_VERSION",
                            "severity": "ERROR",
                            "message": "A newer version is held.",
                        }
                    )
                    continue
                for patch in message.get("patches", []):
                    if patch.get("path") == "/attributes/fulfillment_availability":
                        qty = int(patch["value"][0]["quantity"])
                        self.stock[sku] = qty
                        self.versions[sku] = max(version, self.versions.get(sku, 0))
                        self.history.setdefault(sku, []).append((now, qty, version))
            elif data.get("feedType") == "POST_ORDER_ACKNOWLEDGEMENT_DATA":
                order = self.orders.get(message.get("amazonOrderId", ""))
                if order and message.get("statusCode") == "Failure":
                    self._set_status(order, "Canceled")
        result_id = f"amzn1.tortuga.4.na.result{feed_id}"
        self.documents[result_id] = json.dumps(
            {
                "header": {
                    "sellerId": content.get("header", {}).get("sellerId")
                    if isinstance(content, dict)
                    else None,
                    "version": "2.0",
                    "feedId": feed_id,
                },
                "issues": issues,
                "summary": {
                    "errors": len(issues),
                    "warnings": 0,
                    "messagesProcessed": processed,
                    "messagesAccepted": processed - len(issues),
                    "messagesInvalid": len(issues),
                },
            }
        ).encode()
        self.feeds[feed_id] = {
            "feedId": feed_id,
            "feedType": data.get("feedType"),
            "marketplaceIds": data.get("marketplaceIds"),
            "createdTime": _iso(now),
            "processingStatus": "DONE",
            "processingStartTime": _iso(now),
            "processingEndTime": _iso(now),
            "resultFeedDocumentId": result_id,
        }
        return Response(202, {"feedId": feed_id})

    # --- control ----------------------------------------------------------------------------
    def control_extra(self, method: str, path: str, data: dict) -> Response:
        if path == "/_mock/config" and method == "POST":
            with self.lock:
                if "lwa_clients" in data:
                    self.lwa_clients = {str(k): str(v) for k, v in data["lwa_clients"].items()}
                if "refresh_tokens" in data:
                    self.refresh_tokens = {str(t) for t in data["refresh_tokens"]}
            return Response(200, {"ok": True})
        if path == "/_mock/tokens/expire" and method == "POST":
            with self.lock:
                for token in self.tokens.values():
                    token["expires"] = min(token["expires"], self.now())
            return Response(200, {"expired": len(self.tokens)})
        if path == "/_mock/orders" and method == "POST":
            with self.lock:
                order, items = self.make_order(data)
            return Response(201, {"order": order, "items": items})
        m = re.match(r"^/_mock/orders/([\w-]+)/events$", path)
        if m and method == "POST":
            with self.lock:
                order = self.orders.get(m.group(1))
                if order is None:
                    return Response(404, {"error": "no such order"})
                status = data.get("OrderStatus", order["OrderStatus"])
                if status not in STATUSES:
                    return Response(400, {"error": f"OrderStatus must be one of {STATUSES}"})
                if isinstance(data.get("ShippingAddress"), dict):
                    self.addresses[m.group(1)].update(data["ShippingAddress"])
                self._set_status(order, status)
            return Response(200, {"order": self._public(m.group(1))})
        return Response(404, {"error": "unknown control endpoint"})

    def _public(self, order_id: str) -> dict:
        return self._order_view(order_id, {"all"})

    def make_order(self, data: dict) -> tuple[dict, list[dict]]:
        """An Orders v0 order as Amazon keeps it; PII (name, street, phone, e-mail) is served
        only through an RDT."""
        order_id = data.get("AmazonOrderId") or f"113-{next(self.ids):07d}-{next(self.ids):07d}"
        now = self.now() + float(data.get("offset_seconds", 0))
        currency = str(data.get("CurrencyCode", "USD"))
        category = str(data.get("ShipmentServiceLevelCategory", "Standard"))
        if category not in SERVICE_LEVELS:
            raise ValueError(f"ShipmentServiceLevelCategory must be one of {SERVICE_LEVELS}")
        days = {
            "SameDay": (0, 0),
            "NextDay": (0, 1),
            "SecondDay": (1, 2),
            "Expedited": (1, 3),
            "Priority": (1, 2),
            "Scheduled": (1, 3),
            "FreeEconomy": (2, 8),
            "Standard": (2, 5),
        }[category]
        status = str(data.get("OrderStatus", "Unshipped"))
        items = []
        for n, i in enumerate(data.get("items") or [], start=1):
            qty = int(i.get("QuantityOrdered", 1))
            item = {
                "ASIN": i.get("ASIN", f"B0{n:08d}"),
                "SellerSKU": i["SellerSKU"],
                "OrderItemId": i.get("OrderItemId", f"{next(self.ids):014d}"),
                "Title": i.get("Title", i["SellerSKU"]),
                "QuantityOrdered": qty,
                "QuantityShipped": 0,
                "ProductInfo": {"NumberOfItems": "1"},
                "ItemPrice": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("Amount", "10.00"), currency),
                },
                "ItemTax": {"CurrencyCode": currency, "Amount": fmt(i.get("Tax", "0"), currency)},
                "ShippingPrice": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("ShippingPrice", "0"), currency),
                },
                "ShippingTax": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("ShippingTax", "0"), currency),
                },
                "ShippingDiscount": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("ShippingDiscount", "0"), currency),
                },
                "PromotionDiscount": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("PromotionDiscount", "0"), currency),
                },
                "PromotionDiscountTax": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("PromotionDiscountTax", "0"), currency),
                },
                "ShippingDiscountTax": {
                    "CurrencyCode": currency,
                    "Amount": fmt(i.get("ShippingDiscountTax", "0"), currency),
                },
                "PromotionIds": list(i.get("PromotionIds") or []),
                "IsGift": "false",
                "ConditionId": "New",
                "ConditionSubtypeId": "New",
                "IsTransparency": False,
                "SerialNumberRequired": False,
            }
            items.append(item)
        address = {
            "Name": "Alan Turing",
            "AddressLine1": "3 Bletchley Rd",
            "City": "Seattle",
            "StateOrRegion": "WA",
            "PostalCode": "98101",
            "CountryCode": "US",
            "Phone": "+12065550100",
            "AddressType": "Residential",
        }
        address.update(data.get("ShippingAddress") or {})
        order = {
            "AmazonOrderId": order_id,
            "SellerOrderId": order_id,
            "PurchaseDate": _iso(now),
            "LastUpdateDate": _iso(now),
            "OrderStatus": status,
            "FulfillmentChannel": data.get("FulfillmentChannel", "MFN"),
            "SalesChannel": "Amazon.com",
            "ShipServiceLevel": data.get("ShipServiceLevel", "Std US D2D Dom"),
            "ShipmentServiceLevelCategory": category,
            "NumberOfItemsShipped": 0,
            "NumberOfItemsUnshipped": sum(i["QuantityOrdered"] for i in items),
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": data.get("MarketplaceId", "ATVPDKIKX0DER"),
            "OrderType": "StandardOrder",
            "EarliestShipDate": data.get("EarliestShipDate", _iso(now)),
            "LatestShipDate": data.get("LatestShipDate", _iso(now + 86400 * max(days[0], 1))),
            "EarliestDeliveryDate": data.get(
                "EarliestDeliveryDate", _iso(now + 86400 * max(days[0], 1))
            ),
            "LatestDeliveryDate": data.get(
                "LatestDeliveryDate", _iso(now + 86400 * max(days[1], 1))
            ),
            "IsBusinessOrder": False,
            "IsPrime": bool(data.get("IsPrime", False)),
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": "false",
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "HasRegulatedItems": False,
            "_created": now,
            "_updated": now,
            "_currency": currency,
            "_tax_inclusive": bool(data.get("TaxInclusive", False)),
        }
        self.orders[order_id] = order
        self.items[order_id] = items
        self.addresses[order_id] = address
        self.buyers[order_id] = {
            "BuyerEmail": data.get("BuyerEmail", f"{secrets.token_hex(8)}@marketplace.amazon.com"),
            "BuyerName": data.get("BuyerName", address["Name"]),
            "PurchaseOrderNumber": "",
        }
        if status not in ("Pending", "PendingAvailability"):
            order["OrderTotal"] = self._total(order_id, currency)
        return self._public(order_id), [dict(i) for i in items]


def _order_id(path: str) -> str:
    m = re.match(r"^/orders/v0/orders/([\w-]+)", path)
    return m.group(1) if m else ""


def _operation(method: str, path: str) -> str | None:
    """The SP-API operation a request names, or None."""
    if path == "/orders/v0/orders" and method == "GET":
        return "getOrders"
    m = re.match(
        r"^/orders/v0/orders/[\w-]+(/orderItems|/address|/buyerInfo|/shipmentConfirmation)?$", path
    )
    if m:
        return {
            (None, "GET"): "getOrder",
            ("/orderItems", "GET"): "getOrderItems",
            ("/address", "GET"): "getOrderAddress",
            ("/buyerInfo", "GET"): "getOrderBuyerInfo",
            ("/shipmentConfirmation", "POST"): "confirmShipment",
        }.get((m.group(1), method))
    if path == "/tokens/2021-03-01/restrictedDataToken" and method == "POST":
        return "createRestrictedDataToken"
    if path == "/feeds/2021-06-30/documents" and method == "POST":
        return "createFeedDocument"
    if path == "/feeds/2021-06-30/feeds" and method == "POST":
        return "createFeed"
    if re.match(r"^/feeds/2021-06-30/feeds/\w+$", path) and method == "GET":
        return "getFeed"
    if re.match(r"^/feeds/2021-06-30/documents/[\w.-]+$", path) and method == "GET":
        return "getFeedDocument"
    return None
