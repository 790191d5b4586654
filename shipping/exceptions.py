"""Shipping's domain errors (stable codes; the API maps them to HTTP statuses)."""

from __future__ import annotations

from common.exceptions import Conflict, DomainError, InvalidInput, NotFound


class InvalidShipmentTransition(Conflict):
    """The shipment is not in a state that allows this."""

    code = "invalid_transition"


class NoServiceMeetsPromise(Conflict):
    """No active carrier service can deliver by the promised date."""

    code = "no_service_meets_promise"


class NoCarrierAvailable(Conflict):
    """No active carrier offers a service for this shipment."""

    code = "no_carrier_available"


class UnknownService(InvalidInput):
    """The requested carrier service does not exist or is not active."""

    code = "unknown_service"


class CarrierError(DomainError):
    """The carrier could not do what we asked."""

    code = "carrier_error"
    http_status = 502


class CarrierUnavailable(CarrierError):
    """The carrier is unavailable (timeouts, 5xx or rate limits) after retries; try again later."""

    code = "carrier_unavailable"
    http_status = 503


class CarrierRejected(CarrierError):
    """The carrier rejected the request (bad address, unknown service …)."""

    code = "carrier_rejected"
    http_status = 400


class ShipmentNotFound(NotFound):
    """The shipment does not exist."""

    code = "shipment_not_found"


class CarrierNotFound(NotFound):
    """The carrier does not exist."""

    code = "carrier_not_found"


class InvalidSignature(DomainError):
    """The webhook signature is missing or wrong."""

    code = "invalid_signature"
    http_status = 401


class NothingToManifest(Conflict):
    """There are no shipped, unmanifested shipments for this carrier and warehouse."""

    code = "nothing_to_manifest"
