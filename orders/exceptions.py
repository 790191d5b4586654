"""OMS domain errors (stable codes; the API maps them to 400/404/409)."""

from common.exceptions import Conflict, DomainError, InvalidInput, NotFound


class InvalidTransition(Conflict):
    """This status change is not allowed."""

    code = "invalid_transition"


class OrderNotFound(NotFound):
    """No such order."""

    code = "order_not_found"


class OrderNotEditable(Conflict):
    """The order can no longer be changed."""

    code = "order_not_editable"


class AlreadyPicked(Conflict):
    """Some of these units are already picked."""

    code = "already_picked"


class DuplicateExternalOrder(Conflict):
    """An order with this external id already exists for the channel."""

    code = "duplicate_external_id"


class OrderRefused(Conflict):
    """The channel's rule refuses orders that cannot be allocated in full."""

    code = "insufficient_stock"


class HoldNotActive(Conflict):
    """The hold is already released."""

    code = "hold_not_active"


class HoldCannotRelease(Conflict):
    """The hold's cause is still there."""

    code = "hold_cannot_release"


class InvalidOrderData(InvalidInput):
    """The order data is not valid."""

    code = "invalid"


class QuantityExceeded(Conflict):
    """More units than are left to act on."""

    code = "quantity_exceeded"


class IdempotencyKeyReused(DomainError):
    """This Idempotency-Key was used with a different request body."""

    code = "idempotency_key_reused"
    http_status = 422


class IdempotencyInFlight(Conflict):
    """A request with this Idempotency-Key is still being processed."""

    code = "idempotency_in_flight"


class ReservationNotActive(Conflict):
    """The cart reservation is no longer active."""

    code = "reservation_not_active"
