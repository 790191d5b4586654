from .fulfillment import FulfillmentRequest, FulfillmentRequestLine, OrderShipment
from .holds import Hold
from .idempotency import IdempotencyKey
from .orders import Order, OrderLine
from .reservations import CartReservation, CartReservationLine
from .returns import ReturnAuthorization, ReturnLine
from .routing import RoutingDecision, RoutingPolicy, WarehouseDistance
from .timeline import OrderEvent

__all__ = [
    "CartReservation",
    "CartReservationLine",
    "FulfillmentRequest",
    "FulfillmentRequestLine",
    "Hold",
    "IdempotencyKey",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderShipment",
    "ReturnAuthorization",
    "ReturnLine",
    "RoutingDecision",
    "RoutingPolicy",
    "WarehouseDistance",
]
