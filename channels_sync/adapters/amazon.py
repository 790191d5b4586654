"""Amazon-style marketplace (SP-API shapes): Orders v0 polling, JSON_LISTINGS_FEED inventory
feeds, shipment confirmation.

Credentials: {"access_token": "...", "seller_id": "...", "marketplace_id": "ATVPDKIKX0DER"}.
The stock version travels per feed message as `oms_version` (ignored by a real marketplace;
the mock applies "newest version wins").
"""

from __future__ import annotations

import json
import time

from channels_sync.adapters.base import (
    ShipmentInfo,
    StockItem,
    StockPushResult,
    TransientError,
    call,
    http_client,
)

FEEDS = "/feeds/2021-06-30"
ORDERS = "/orders/v0"


class AmazonAdapter:
    max_batch = 1000  # one feed document carries many messages

    def __init__(self, *, base_url: str, credentials: dict) -> None:
        self.client = http_client(
            base_url=base_url, headers={"x-amz-access-token": credentials.get("access_token", "")}
        )
        self.seller_id = credentials.get("seller_id", "SELLER1")
        self.marketplace_id = credentials.get("marketplace_id", "ATVPDKIKX0DER")

    # --- orders (poller) -------------------------------------------------------------------
    def get_orders(self, *, last_updated_after: str, next_token: str | None = None) -> dict:
        params = {"MarketplaceIds": self.marketplace_id}
        if next_token:
            params["NextToken"] = next_token
        else:
            params["LastUpdatedAfter"] = last_updated_after
        return call(self.client, "GET", f"{ORDERS}/orders", params=params).json()["payload"]

    def get_order_items(self, *, amazon_order_id: str) -> list[dict]:
        items: list[dict] = []
        token = None
        while True:
            params = {"NextToken": token} if token else None
            payload = call(
                self.client, "GET", f"{ORDERS}/orders/{amazon_order_id}/orderItems", params=params
            ).json()["payload"]
            items.extend(payload.get("OrderItems", []))
            token = payload.get("NextToken")
            if not token:
                return items

    # --- feeds -----------------------------------------------------------------------------
    def _submit_feed(self, *, feed_type: str, content: dict) -> dict:
        doc = call(
            self.client,
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
        feed = call(
            self.client,
            "POST",
            f"{FEEDS}/feeds",
            json={
                "feedType": feed_type,
                "marketplaceIds": [self.marketplace_id],
                "inputFeedDocumentId": doc["feedDocumentId"],
            },
        ).json()
        for _ in range(20):
            state = call(self.client, "GET", f"{FEEDS}/feeds/{feed['feedId']}").json()
            if state["processingStatus"] == "DONE":
                ref = call(
                    self.client, "GET", f"{FEEDS}/documents/{state['resultFeedDocumentId']}"
                ).json()
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
        call(
            self.client,
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
