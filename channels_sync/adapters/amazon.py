"""Amazon marketplace as an SP-API client: Login with Amazon tokens, Orders v0 polling with
Restricted Data Tokens for addresses, JSON_LISTINGS_FEED inventory feeds, shipment confirmation.

Credentials: {"client_id": "amzn1.application-oa2-client...", "client_secret": "...",
"refresh_token": "Atzr|...", "seller_id": "...", "marketplace_id": "ATVPDKIKX0DER",
"lwa_endpoint": "https://api.amazon.com/auth/o2/token" (default)}.

Access tokens come from Login with Amazon (`grant_type=refresh_token`) and are cached per
process until 60 s before their `expires_in`; a 401/403 `Unauthorized` answer refreshes the
token once and repeats the call. `getOrderAddress` / `getOrderBuyerInfo` are called with a
Restricted Data Token from the Tokens API, scoped to the one order.

The stock version travels per feed message as `oms_version` (ignored by a real marketplace;
the mock applies "newest version wins").
"""

from __future__ import annotations

import json
import threading
import time

import httpx

from channels_sync.adapters.base import (
    PermanentError,
    ShipmentInfo,
    StockItem,
    StockPushResult,
    TransientError,
    call,
    http_client,
)

FEEDS = "/feeds/2021-06-30"
ORDERS = "/orders/v0"
TOKENS = "/tokens/2021-03-01"
LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"
REFRESH_MARGIN = 60.0  # seconds before expiry at which a cached token is renewed


class LwaTokenCache:
    """Login-with-Amazon access tokens per (endpoint, client, refresh token), shared by the
    adapters of one process. Thread-safe; a token is renewed `REFRESH_MARGIN` s before expiry."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self.refreshes = 0

    def get(self, *, client: httpx.Client, endpoint: str, creds: dict, force: bool = False) -> str:
        key = (endpoint, creds.get("client_id", ""), creds.get("refresh_token", ""))
        with self.lock:
            cached = self.tokens.get(key)
            if cached and not force and cached[1] - REFRESH_MARGIN > time.time():
                return cached[0]
            token, expires = self._refresh(client=client, endpoint=endpoint, creds=creds)
            self.tokens[key] = (token, expires)
            self.refreshes += 1
            return token

    def drop(self, *, endpoint: str, creds: dict, token: str) -> None:
        key = (endpoint, creds.get("client_id", ""), creds.get("refresh_token", ""))
        with self.lock:
            if self.tokens.get(key, ("", 0))[0] == token:
                del self.tokens[key]

    @staticmethod
    def _refresh(*, client: httpx.Client, endpoint: str, creds: dict) -> tuple[str, float]:
        started = time.time()
        try:
            response = client.post(
                endpoint,
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": creds.get("refresh_token", ""),
                    "client_id": creds.get("client_id", ""),
                    "client_secret": creds.get("client_secret", ""),
                },
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"Login with Amazon unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(
                f"Login with Amazon answered {response.status_code}", status=response.status_code
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise TransientError("Login with Amazon sent a body that is not JSON") from exc
        if response.status_code != 200 or "access_token" not in body:
            raise PermanentError(
                f"Login with Amazon refused the refresh token: {body.get('error')}: "
                f"{body.get('error_description')}",
                status=response.status_code,
            )
        return str(body["access_token"]), started + float(body.get("expires_in", 3600))


TOKEN_CACHE = LwaTokenCache()


class AmazonAdapter:
    max_batch = 1000  # one feed document carries many messages

    def __init__(self, *, base_url: str, credentials: dict) -> None:
        self.client = http_client(base_url=base_url)
        self.creds = credentials
        self.lwa_endpoint = credentials.get("lwa_endpoint") or LWA_ENDPOINT
        self.seller_id = credentials.get("seller_id", "SELLER1")
        self.marketplace_id = credentials.get("marketplace_id", "ATVPDKIKX0DER")

    def _access_token(self, *, force: bool = False) -> str:
        return TOKEN_CACHE.get(
            client=self.client, endpoint=self.lwa_endpoint, creds=self.creds, force=force
        )

    def _call(self, method: str, url: str, *, rdt: str | None = None, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        """One SP-API call with the access token (or an RDT); an Unauthorized answer to the
        access token refreshes it once and repeats the call."""
        token = rdt or self._access_token()
        try:
            return call(self.client, method, url, headers={"x-amz-access-token": token}, **kwargs)
        except PermanentError as exc:
            if rdt or exc.status not in (401, 403) or "Unauthorized" not in str(exc):
                raise
        TOKEN_CACHE.drop(endpoint=self.lwa_endpoint, creds=self.creds, token=token)
        token = self._access_token(force=True)
        return call(self.client, method, url, headers={"x-amz-access-token": token}, **kwargs)

    # --- orders (poller) -------------------------------------------------------------------
    def get_orders(self, *, last_updated_after: str, next_token: str | None = None) -> dict:
        params = {"MarketplaceIds": self.marketplace_id}
        if next_token:
            params["NextToken"] = next_token
        else:
            params["LastUpdatedAfter"] = last_updated_after
        return self._call("GET", f"{ORDERS}/orders", params=params).json()["payload"]

    def get_order_items(self, *, amazon_order_id: str) -> list[dict]:
        items: list[dict] = []
        token = None
        while True:
            params = {"NextToken": token} if token else None
            payload = self._call(
                "GET", f"{ORDERS}/orders/{amazon_order_id}/orderItems", params=params
            ).json()["payload"]
            items.extend(payload.get("OrderItems", []))
            token = payload.get("NextToken")
            if not token:
                return items

    def restricted_data_token(self, *, amazon_order_id: str) -> str:
        """An RDT for this order's address and buyer info (Tokens API)."""
        body = {
            "restrictedResources": [
                {"method": "GET", "path": f"{ORDERS}/orders/{amazon_order_id}/address"},
                {"method": "GET", "path": f"{ORDERS}/orders/{amazon_order_id}/buyerInfo"},
            ]
        }
        answer = self._call("POST", f"{TOKENS}/restrictedDataToken", json=body).json()
        return str(answer["restrictedDataToken"])

    def get_order_address_and_buyer(self, *, amazon_order_id: str) -> tuple[dict, dict]:
        """(ShippingAddress, BuyerInfo) with the buyer's name, street, phone and e-mail."""
        rdt = self.restricted_data_token(amazon_order_id=amazon_order_id)
        address = self._call("GET", f"{ORDERS}/orders/{amazon_order_id}/address", rdt=rdt).json()
        buyer = self._call("GET", f"{ORDERS}/orders/{amazon_order_id}/buyerInfo", rdt=rdt).json()
        return (
            (address.get("payload") or {}).get("ShippingAddress") or {},
            {k: v for k, v in (buyer.get("payload") or {}).items() if k != "AmazonOrderId"},
        )

    # --- feeds -----------------------------------------------------------------------------
    def _submit_feed(self, *, feed_type: str, content: dict) -> dict:
        doc = self._call(
            "POST",
            f"{FEEDS}/documents",
            json={"contentType": "application/json; charset=UTF-8"},
        ).json()
        call(
            self.client,
            "PUT",
            doc["url"],
            content=json.dumps(content).encode(),
            headers={"Content-Type": "application/json; charset=UTF-8"},
        )
        feed = self._call(
            "POST",
            f"{FEEDS}/feeds",
            json={
                "feedType": feed_type,
                "marketplaceIds": [self.marketplace_id],
                "inputFeedDocumentId": doc["feedDocumentId"],
            },
        ).json()
        for _ in range(20):
            state = self._call("GET", f"{FEEDS}/feeds/{feed['feedId']}").json()
            if state["processingStatus"] == "DONE":
                ref = self._call("GET", f"{FEEDS}/documents/{state['resultFeedDocumentId']}").json()
                return call(self.client, "GET", ref["url"]).json()
            if state["processingStatus"] in ("CANCELLED", "FATAL"):
                raise TransientError(f"feed {feed['feedId']} {state['processingStatus']}")
            time.sleep(0.2)
        raise TransientError(f"feed {feed['feedId']} still processing")

    def push_stock(self, items: list[StockItem]) -> StockPushResult:
        result = StockPushResult()
        usable = []
        for item in items:
            if item.channel_sku:
                usable.append(item)
            else:
                result.rejected[item.message_id] = "listing has no seller SKU"
        if not usable:
            return result
        content = {
            "header": {"sellerId": self.seller_id, "version": "2.0", "issueLocale": "en_US"},
            "messages": [
                {
                    "messageId": n,
                    "sku": item.channel_sku,
                    "operationType": "PATCH",
                    "productType": "PRODUCT",
                    "oms_version": item.version,
                    "patches": [
                        {
                            "op": "replace",
                            "path": "/attributes/fulfillment_availability",
                            "value": [
                                {"fulfillment_channel_code": "DEFAULT", "quantity": item.quantity}
                            ],
                        }
                    ],
                }
                for n, item in enumerate(usable, start=1)
            ],
        }
        report = self._submit_feed(feed_type="JSON_LISTINGS_FEED", content=content)
        issues = {
            i["messageId"]: i for i in report.get("issues", []) if i.get("severity") == "ERROR"
        }
        for n, item in enumerate(usable, start=1):
            issue = issues.get(n)
            if issue is None:
                result.accepted.append(item.message_id)
            elif issue.get("code") == "OMS_STALE_VERSION":
                result.superseded.append(item.message_id)
            else:
                result.rejected[item.message_id] = f"{issue.get('code')}: {issue.get('message')}"
        return result

    def push_shipment(self, shipment: ShipmentInfo) -> None:
        self._call(
            "POST",
            f"{ORDERS}/orders/{shipment.external_order_id}/shipmentConfirmation",
            json={
                "marketplaceId": self.marketplace_id,
                "packageDetail": {
                    "packageReferenceId": str(shipment.shipment_id),
                    "carrierCode": shipment.carrier_code,
                    "trackingNumber": shipment.tracking_number,
                    "shipDate": shipment.ship_date,
                    "orderItems": [
                        {"orderItemId": line["external_line_id"], "quantity": line["quantity"]}
                        for line in shipment.lines
                        if line.get("external_line_id")
                    ],
                },
            },
        )

    def push_cancellation(self, *, external_order_id: str, reason: str) -> None:
        self._submit_feed(
            feed_type="POST_ORDER_ACKNOWLEDGEMENT_DATA",
            content={
                "header": {"sellerId": self.seller_id, "version": "2.0"},
                "messages": [
                    {
                        "messageId": 1,
                        "amazonOrderId": external_order_id,
                        "statusCode": "Failure",
                        "cancelReason": "NoInventory",
                    }
                ],
            },
        )

    def push_order_status(self, *, external_order_id: str, status: str) -> None:
        return

    def close(self) -> None:
        self.client.close()
