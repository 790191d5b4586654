"""Shopify-style storefront: Admin GraphQL `inventorySetQuantities`, REST fulfillments.

Credentials: {"access_token": "...", "location_id": "<numeric id>"}.
"""

from __future__ import annotations

from channels_sync.adapters.base import (
    PermanentError,
    ShipmentInfo,
    StockItem,
    StockPushResult,
    call,
    http_client,
)

API = "/admin/api/2024-07"

SET_QUANTITIES = """
mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { createdAt reason referenceDocumentUri changes { name delta } }
    userErrors { field message code }
  }
}
"""

LEVELS = """
query inventoryLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem { id inventoryLevel(locationId: $locationId) {
      quantities(names: ["available"]) { name quantity } } }
  }
}
"""


def _gid(kind: str, raw: str) -> str:
    return raw if str(raw).startswith("gid://") else f"gid://shopify/{kind}/{raw}"


class ShopifyAdapter:
    max_batch = 250  # inventorySetQuantities takes at most 250 quantities

    def __init__(self, *, base_url: str, credentials: dict) -> None:
        self.client = http_client(
            base_url=base_url,
            headers={"X-Shopify-Access-Token": credentials.get("access_token", "")},
        )
        self.location_gid = _gid("Location", str(credentials.get("location_id", "1")))

    def _graphql(self, query: str, variables: dict) -> dict:
        response = call(
            self.client,
            "POST",
            f"{API}/graphql.json",
            json={"query": query, "variables": variables},
        )
        body = response.json()
        if body.get("errors"):
            raise PermanentError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def push_stock(self, items: list[StockItem]) -> StockPushResult:
        result = StockPushResult()
        usable = [i for i in items if i.external_inventory_item_id]
        for item in items:
            if not item.external_inventory_item_id:
                result.rejected[item.message_id] = "listing has no inventory item id"
        if not usable:
            return result
        version = max(i.version for i in usable)
        quantities = []
        for item in usable:
            q = {
                "inventoryItemId": _gid("InventoryItem", item.external_inventory_item_id),
                "locationId": self.location_gid,
                "quantity": item.quantity,
            }
            # compareQuantity makes the set conditional: it fails if the channel no longer holds
            # what we last set, so a late push computed from older data cannot win.
            q["compareQuantity"] = item.compare_quantity
            quantities.append(q)
        data = self._graphql(
            SET_QUANTITIES,
            {
                "input": {
                    "name": "available",
                    "reason": "correction",
                    "ignoreCompareQuantity": False,
                    "referenceDocumentUri": f"gid://fulfillment-oms/OutboxVersion/{version}",
                    "quantities": quantities,
                }
            },
        )
        errors = data["inventorySetQuantities"]["userErrors"]
        if not errors:
            result.accepted = [i.message_id for i in usable]
            return result
        stale_idx = {
            int(e["field"][2])
            for e in errors
            if e.get("code") == "COMPARE_QUANTITY_STALE" and len(e.get("field") or []) > 2
        }
        if not stale_idx or len(stale_idx) != len(errors):
            raise PermanentError(f"inventorySetQuantities refused: {errors}")
        # All-or-nothing: nothing was applied. Learn the current values of the stale items.
        stale = [usable[i] for i in sorted(stale_idx)]
        current = self.current_quantities([i.external_inventory_item_id for i in stale])
        for item in stale:
            result.stale_compare[item.message_id] = current.get(item.external_inventory_item_id)
        return result

    def current_quantities(self, inventory_item_ids: list[str]) -> dict[str, int | None]:
        data = self._graphql(
            LEVELS,
            {
                "ids": [_gid("InventoryItem", i) for i in inventory_item_ids],
                "locationId": self.location_gid,
            },
        )
        out: dict[str, int | None] = {}
        for raw, node in zip(inventory_item_ids, data["nodes"], strict=False):
            level = (node or {}).get("inventoryLevel") or {}
            qs = level.get("quantities") or []
            out[raw] = qs[0]["quantity"] if qs else None
        return out

    def push_shipment(self, shipment: ShipmentInfo) -> None:
        order_id = shipment.external_order_id
        fos = call(self.client, "GET", f"{API}/orders/{order_id}/fulfillment_orders.json").json()
        open_fos = [
            fo for fo in fos["fulfillment_orders"] if fo["status"] in ("open", "in_progress")
        ]
        if not open_fos:
            # Already fulfilled: done if it was with this tracking number (a redelivered push).
            done = call(self.client, "GET", f"{API}/orders/{order_id}/fulfillments.json").json()
            numbers = {
                n for f in done.get("fulfillments", []) for n in f.get("tracking_numbers", [])
            }
            if shipment.tracking_number in numbers:
                return
            raise PermanentError(f"order {order_id} has no open fulfillment order")
        body = {
            "fulfillment": {
                "line_items_by_fulfillment_order": [
                    {"fulfillment_order_id": fo["id"]} for fo in open_fos
                ],
                "tracking_info": {
                    "number": shipment.tracking_number,
                    "company": shipment.carrier_code,
                    "url": shipment.tracking_url,
                },
                "notify_customer": shipment.notify_customer,
            }
        }
        call(self.client, "POST", f"{API}/fulfillments.json", json=body)

    def push_cancellation(self, *, external_order_id: str, reason: str) -> None:
        order = call(self.client, "GET", f"{API}/orders/{external_order_id}.json").json()["order"]
        if order.get("cancelled_at"):
            return
        call(
            self.client,
            "POST",
            f"{API}/orders/{external_order_id}/cancel.json",
            json={"reason": "other", "email": False, "note": reason[:200]},
        )

    def push_order_status(self, *, external_order_id: str, status: str) -> None:
        # Shopify has no free-form order status: shipments and cancellations carry the news.
        return

    def close(self) -> None:
        self.client.close()
