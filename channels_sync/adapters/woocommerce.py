"""WooCommerce-style storefront: REST v3 products batch update, order notes and status.

Credentials: {"consumer_key": "ck_...", "consumer_secret": "cs_..."}. Authenticated as
WooCommerce documents it: HTTP Basic over https only; over plain http the key never travels as
such, every request is signed with OAuth 1.0a (one-legged, HMAC-SHA256, in the query string).
The stock version travels as product meta `_oms_stock_version`; the mock honours it the way a
small store-side plugin would (an older version never overwrites a newer one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator

import httpx
from oauthlib import oauth1

from channels_sync.adapters.base import (
    ShipmentInfo,
    StockItem,
    StockPushResult,
    call,
    http_client,
)

API = "/wp-json/wc/v3"
STATUS_MAP = {"on_hold": "on-hold", "cancelled": "cancelled", "shipped": "completed"}


class WooOAuth1(httpx.Auth):
    """OAuth 1.0a one-legged signing in the query string, as WooCommerce takes it over http."""

    def __init__(self, consumer_key: str, consumer_secret: str) -> None:
        self.client = oauth1.Client(
            consumer_key,
            client_secret=consumer_secret,
            signature_method=oauth1.SIGNATURE_HMAC_SHA256,
            signature_type=oauth1.SIGNATURE_TYPE_QUERY,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        uri, _headers, _body = self.client.sign(str(request.url), http_method=request.method)
        request.url = httpx.URL(uri)
        yield request


def woo_auth(*, base_url: str, credentials: dict) -> httpx.Auth:
    """Basic over https, OAuth 1.0a over http (never the secret in clear over http)."""
    key, secret = credentials.get("consumer_key", ""), credentials.get("consumer_secret", "")
    if base_url.lower().startswith("https://"):
        return httpx.BasicAuth(key, secret)
    return WooOAuth1(key, secret)


class WooCommerceAdapter:
    max_batch = 100  # WooCommerce batch endpoints take up to 100 objects

    def __init__(self, *, base_url: str, credentials: dict) -> None:
        self.client = http_client(
            base_url=base_url, auth=woo_auth(base_url=base_url, credentials=credentials)
        )

    def push_stock(self, items: list[StockItem]) -> StockPushResult:
        result = StockPushResult()
        groups: dict[str, list[StockItem]] = defaultdict(list)
        for item in items:
            if not item.external_product_id:
                result.rejected[item.message_id] = "listing has no product id"
            elif item.external_variant_id:
                groups[f"{API}/products/{item.external_product_id}/variations/batch"].append(item)
            else:
                groups[f"{API}/products/batch"].append(item)
        for url, group in groups.items():
            body = {
                "update": [
                    {
                        "id": int(i.external_variant_id or i.external_product_id),
                        "manage_stock": True,
                        "stock_quantity": i.quantity,
                        "meta_data": [{"key": "_oms_stock_version", "value": str(i.version)}],
                    }
                    for i in group
                ]
            }
            answer = call(self.client, "POST", url, json=body).json()
            for item, row in zip(group, answer.get("update", []), strict=False):
                error = row.get("error")
                if not error:
                    result.accepted.append(item.message_id)
                elif error.get("code") == "oms_stale_version":
                    result.superseded.append(item.message_id)
                else:
                    result.rejected[item.message_id] = (
                        f"{error.get('code')}: {error.get('message')}"
                    )
        return result

    def push_shipment(self, shipment: ShipmentInfo) -> None:
        order_url = f"{API}/orders/{shipment.external_order_id}"
        order = call(self.client, "GET", order_url).json()
        marker = f"_oms_shipment_{shipment.shipment_id}"
        if any(m.get("key") == marker for m in order.get("meta_data", [])):
            return  # a redelivered push: already recorded
        call(
            self.client,
            "POST",
            f"{order_url}/notes",
            json={
                "note": f"Shipped with {shipment.carrier_code}, tracking {shipment.tracking_number}"
                + (f" ({shipment.tracking_url})" if shipment.tracking_url else ""),
                "customer_note": True,
            },
        )
        call(
            self.client,
            "PUT",
            order_url,
            json={
                "status": "completed",
                "meta_data": [
                    {"key": marker, "value": shipment.tracking_number},
                    {"key": "_tracking_number", "value": shipment.tracking_number},
                    {"key": "_tracking_provider", "value": shipment.carrier_code},
                ],
            },
        )

    def push_cancellation(self, *, external_order_id: str, reason: str) -> None:
        call(self.client, "PUT", f"{API}/orders/{external_order_id}", json={"status": "cancelled"})

    def push_order_status(self, *, external_order_id: str, status: str) -> None:
        woo = STATUS_MAP.get(status)
        if woo and woo != "completed":  # completed is sent with the tracking note
            call(self.client, "PUT", f"{API}/orders/{external_order_id}", json={"status": woo})

    def close(self) -> None:
        self.client.close()
