"""An Amazon-style marketplace (SP-API shapes): Orders v0, Feeds 2021-06-30, shipment
confirmation.

* `getOrders` is limited like the real one (a small burst, then about one call per minute) and
  pages with NextToken; `getOrderItems` allows a burst of 30 refilled at 0.5/s.
* JSON_LISTINGS_FEED messages set `fulfillment_availability`; a message whose `oms_version` is
  older than the one held is reported as an ERROR issue `OMS_STALE_VERSION`.
* Feeds are processed as soon as they are created (processingStatus DONE).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time

from channels_sync.mock_servers.base import MockApp, Response


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.ts = float(burst), time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.ts) * self.rate)
            self.ts = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


def _iso(ts: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts or time.time()))


class AmazonMock(MockApp):
    name = "amazon"

    def __init__(self, *, page_size: int = 2, get_orders_burst: int = 20) -> None:
        self.page_size, self.get_orders_burst = page_size, get_orders_burst
        super().__init__()

    def reset_state(self) -> None:
        self.get_orders_bucket = TokenBucket(1 / 60, self.get_orders_burst)
        self.get_items_bucket = TokenBucket(0.5, 30)
        self.stock: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.history: dict[str, list[tuple[float, int, int]]] = {}
        self.orders: dict[str, dict] = {}
        self.items: dict[str, list[dict]] = {}
        self.confirmations: list[dict] = []
        self.documents: dict[str, bytes] = {}
        self.feeds: dict[str, dict] = {}
        self.ids = itertools.count(1)

    def state(self) -> dict:
        return {
            "stock": dict(self.stock),
            "history": {k: list(v) for k, v in self.history.items()},
            "orders": self.orders,
            "confirmations": self.confirmations,
            "feeds": list(self.feeds.values()),
        }

    def _throttled(self, bucket: TokenBucket) -> Response | None:
        wait = bucket.take()
        if wait:
            return Response(
                429,
                {
                    "errors": [
                        {
                            "code": "QuotaExceeded",
                            "message": "You exceeded your quota for the requested resource.",
                        }
                    ]
                },
                {"Retry-After": f"{wait:.0f}", "x-amzn-RateLimit-Limit": f"{bucket.rate:.4f}"},
            )
        return None

    def route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Response:
        with self.lock:
            if path == "/orders/v0/orders" and method == "GET":
                return self._throttled(self.get_orders_bucket) or self._get_orders(query)
            m = re.match(r"^/orders/v0/orders/([\w-]+)/orderItems$", path)
            if m:
                if m.group(1) not in self.orders:
                    return _not_found()
                return self._throttled(self.get_items_bucket) or Response(
                    200,
                    {
                        "payload": {
                            "AmazonOrderId": m.group(1),
                            "OrderItems": self.items[m.group(1)],
                        }
                    },
                )
            m = re.match(r"^/orders/v0/orders/([\w-]+)/shipmentConfirmation$", path)
            if m and method == "POST":
                if m.group(1) not in self.orders:
                    return _not_found()
                data = json.loads(body)
                ref = (data.get("packageDetail") or {}).get("packageReferenceId")
                if not any(
                    c["order_id"] == m.group(1) and c["packageReferenceId"] == ref
                    for c in self.confirmations
                ):
                    self.confirmations.append(
                        {"order_id": m.group(1), **data.get("packageDetail", {})}
                    )
                    self.orders[m.group(1)]["OrderStatus"] = "Shipped"
                    self.orders[m.group(1)]["LastUpdateDate"] = _iso()
                return Response(204, None)
            if path == "/feeds/2021-06-30/documents" and method == "POST":
                doc_id = f"amzn1.tortuga.4.na.{next(self.ids)}"
                self.documents[doc_id] = b""
                return Response(
                    201, {"feedDocumentId": doc_id, "url": f"{self.base_url}/_docs/{doc_id}"}
                )
            m = re.match(r"^/_docs/(.+)$", path)
            if m:
                if method == "PUT":
                    self.documents[m.group(1)] = body
                    return Response(200, None)
                return Response(200, json.loads(self.documents.get(m.group(1)) or b"{}"))
            if path == "/feeds/2021-06-30/feeds" and method == "POST":
                return self._create_feed(json.loads(body))
            m = re.match(r"^/feeds/2021-06-30/feeds/(\w+)$", path)
            if m:
                feed = self.feeds.get(m.group(1))
                return Response(200, feed) if feed else _not_found()
            m = re.match(r"^/feeds/2021-06-30/documents/(.+)$", path)
            if m and method == "GET":
                return Response(
                    200,
                    {"feedDocumentId": m.group(1), "url": f"{self.base_url}/_docs/{m.group(1)}"},
                )
        return _not_found()

    def _get_orders(self, query: dict) -> Response:
        if "MarketplaceIds" not in query:
            return Response(
                400, {"errors": [{"code": "InvalidInput", "message": "MarketplaceIds is required"}]}
            )
        if query.get("NextToken"):
            after, offset = query["NextToken"].split("|")
            offset = int(offset)
        else:
            after, offset = query.get("LastUpdatedAfter", ""), 0
            if not after:
                return Response(
                    400,
                    {
                        "errors": [
                            {
                                "code": "InvalidInput",
                                "message": "LastUpdatedAfter or CreatedAfter is required",
                            }
                        ]
                    },
                )
        matching = sorted(
            (o for o in self.orders.values() if o["LastUpdateDate"] > after),
            key=lambda o: (o["LastUpdateDate"], o["AmazonOrderId"]),
        )
        page = matching[offset : offset + self.page_size]
        payload: dict = {"Orders": page, "LastUpdatedBefore": _iso()}
        if offset + self.page_size < len(matching):
            payload["NextToken"] = f"{after}|{offset + self.page_size}"
        return Response(200, {"payload": payload})

    def _create_feed(self, data: dict) -> Response:
        feed_id = str(50000 + next(self.ids))
        content = json.loads(
            self.documents.get(data.get("inputFeedDocumentId", ""), b"{}") or b"{}"
        )
        issues = []
        processed = 0
        now = time.time()
        for message in content.get("messages", []):
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
                    order["OrderStatus"] = "Canceled"
                    order["LastUpdateDate"] = _iso()
        result_id = f"amzn1.tortuga.4.na.result{feed_id}"
        self.documents[result_id] = json.dumps(
            {
                "header": {
                    "sellerId": content.get("header", {}).get("sellerId"),
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
            "createdTime": _iso(),
            "processingStatus": "DONE",
            "resultFeedDocumentId": result_id,
        }
        return Response(202, {"feedId": feed_id})

    def control_extra(self, method: str, path: str, data: dict) -> Response:
        if path == "/_mock/orders" and method == "POST":
            with self.lock:
                order_id = (
                    data.get("AmazonOrderId") or f"113-{next(self.ids):07d}-{next(self.ids):07d}"
                )
                now = _iso(time.time() + float(data.get("offset_seconds", 0)))
                order = {
                    "AmazonOrderId": order_id,
                    "PurchaseDate": now,
                    "LastUpdateDate": now,
                    "OrderStatus": data.get("OrderStatus", "Unshipped"),
                    "FulfillmentChannel": "MFN",
                    "ShipServiceLevel": data.get("ShipServiceLevel", "Std US D2D Dom"),
                    "OrderTotal": {"CurrencyCode": "USD", "Amount": "0.00"},
                    "MarketplaceId": "ATVPDKIKX0DER",
                    "BuyerInfo": {"BuyerEmail": "buyer@marketplace.amazon.com"},
                    "ShippingAddress": {
                        "Name": "Alan Turing",
                        "AddressLine1": "3 Bletchley Rd",
                        "City": "Seattle",
                        "StateOrRegion": "WA",
                        "PostalCode": "98101",
                        "CountryCode": "US",
                        "Phone": "+12065550100",
                    },
                }
                items = [
                    {
                        "ASIN": f"B0{n:08d}",
                        "SellerSKU": i["SellerSKU"],
                        "OrderItemId": f"{order_id}-{n}",
                        "QuantityOrdered": i.get("QuantityOrdered", 1),
                        "ItemPrice": {
                            "CurrencyCode": "USD",
                            "Amount": str(i.get("Amount", "10.00")),
                        },
                    }
                    for n, i in enumerate(data.get("items") or [], start=1)
                ]
                self.orders[order_id] = order
                self.items[order_id] = items
            return Response(201, {"order": order, "items": items})
        return Response(404, {"error": "unknown control endpoint"})


def _not_found() -> Response:
    return Response(404, {"errors": [{"code": "NotFound", "message": "Resource not found"}]})
