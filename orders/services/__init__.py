"""OMS writes. `from orders import services as orders_services`.

Entry points (API, admin, commands, tasks call them) are durable transactions; the WMS-facing
contract functions are plain atomic building blocks so the WMS can call them inside its own
transactions (docs/contracts.md).
"""

from .capture import order_capture, order_create, orders_capture_bulk
from .channel_updates import (
    fulfillment_request_return_to_stock,
    order_channel_update,
    order_late_cancel_resolve,
)
from .fulfillment import (
    fulfillment_line_lock,
    fulfillment_line_picked,
    fulfillment_line_short,
    fulfillment_request_move,
    fulfillment_request_shipped,
    fulfillment_request_start,
    fulfillment_request_weight_override,
    fulfillment_requests_lock,
    fulfillment_requests_start_many,
    order_tracking_event,
)
from .holds import (
    address_problems,
    fraud_holds_recheck,
    order_fraud_recheck,
    order_hold_place,
    order_hold_release,
    order_payment_update,
)
from .reservations import (
    cart_reservation_create,
    cart_reservation_release,
    cart_reservations_expire,
)
from .routing import backorders_allocate, order_reroute
from .timeline import order_note_add, timeline_record

__all__ = [
    "address_problems",
    "backorders_allocate",
    "cart_reservation_create",
    "cart_reservation_release",
    "cart_reservations_expire",
    "fraud_holds_recheck",
    "fulfillment_line_lock",
    "fulfillment_line_picked",
    "fulfillment_line_short",
    "fulfillment_request_move",
    "fulfillment_request_return_to_stock",
    "fulfillment_request_shipped",
    "fulfillment_request_start",
    "fulfillment_request_weight_override",
    "fulfillment_requests_lock",
    "fulfillment_requests_start_many",
    "order_capture",
    "order_channel_update",
    "order_create",
    "order_fraud_recheck",
    "order_hold_place",
    "order_hold_release",
    "order_late_cancel_resolve",
    "order_note_add",
    "order_payment_update",
    "order_reroute",
    "order_tracking_event",
    "orders_capture_bulk",
    "timeline_record",
]
