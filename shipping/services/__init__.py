"""Shipping writes: labels (rate shop → buy → render → persist), the shipment status, tracking
events and end-of-day manifests; one module per responsibility, this package their public face.

Invariants:
* No carrier HTTP call happens inside a database transaction: we call the carrier first and
  persist afterwards, in one short transaction (STYLE.md B4). A carrier failure writes nothing.
* `status._shipment_set_status` is the only writer of `Shipment.status`; it records a
  ShipmentStatusChange row and, when a shipment first leaves the building, the outbox row
  (`channels_sync.outbox.shipment_confirmed`) in the same transaction, and the buyer's
  shipped / delivered e-mails (`notifications.outbox`).
* At most one non-voided shipment per fulfillment request (a partial unique constraint), so a
  retried pack never buys two labels.
* Tracking events are unique per (shipment, carrier event id): polls and webhooks that see the
  same scan record it once, and the OMS hears about it once.
"""

from .carriers import DEFAULT_CARRIER_CODE, carriers_ensure_defaults
from .inputs import warehouse_ship_date
from .labels import (
    shipment_create_with_label,
    shipment_mark_shipped,
    shipment_mark_shipped_in_tx,
    shipment_void,
)
from .manifests import manifest_create
from .rates import RateShopResult, shipment_rate_shop
from .tracking import (
    SIGNATURE_PREFIX,
    WEBHOOK_TOLERANCE_SECONDS,
    PollSummary,
    WebhookOutcome,
    tracking_events_record,
    tracking_poll_all,
    tracking_poll_shipment,
    tracking_webhook_receive,
    webhook_signature,
)

__all__ = [
    "DEFAULT_CARRIER_CODE",
    "SIGNATURE_PREFIX",
    "WEBHOOK_TOLERANCE_SECONDS",
    "PollSummary",
    "RateShopResult",
    "WebhookOutcome",
    "carriers_ensure_defaults",
    "manifest_create",
    "shipment_create_with_label",
    "shipment_mark_shipped",
    "shipment_mark_shipped_in_tx",
    "shipment_rate_shop",
    "shipment_void",
    "tracking_events_record",
    "tracking_poll_all",
    "tracking_poll_shipment",
    "tracking_webhook_receive",
    "warehouse_ship_date",
    "webhook_signature",
]
