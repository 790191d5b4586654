"""Shipment lifecycle: the status values and the transition table (data, no I/O).

The only writer of `Shipment.status` is `shipping.services.status._shipment_set_status`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from shipping.exceptions import InvalidShipmentTransition


class ShipmentStatus(models.TextChoices):
    LABEL_PURCHASED = "label_purchased", _("Label purchased")
    SHIPPED = "shipped", _("Shipped (handed to carrier)")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")
    VOIDED = "voided", _("Voided")


S = ShipmentStatus

# Tracking moves forward only; an exception can recover to any later movement.
SHIPMENT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        S.LABEL_PURCHASED: frozenset(
            {S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION, S.VOIDED}
        ),
        S.SHIPPED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
        S.IN_TRANSIT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}),
        S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.EXCEPTION}),
        S.EXCEPTION: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED}),
        S.DELIVERED: frozenset(),
        S.VOIDED: frozenset(),
    }
)

# Statuses a carrier tracking event may report (what the OMS and channels hear about).
TRACKING_STATUSES: Final[frozenset[str]] = frozenset(
    {S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION}
)

# Shipments the poller still asks the carrier about.
TRACKABLE_STATUSES: Final[frozenset[str]] = frozenset(
    {S.LABEL_PURCHASED, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION}
)


def can_transition(src: str, dst: str) -> bool:
    """Whether `src → dst` is in SHIPMENT_TRANSITIONS."""
    return dst in SHIPMENT_TRANSITIONS.get(src, frozenset())


def ensure_shipment_transition(src: str, dst: str) -> None:
    """Raise InvalidShipmentTransition unless `src → dst` is allowed."""
    if not can_transition(src, dst):
        raise InvalidShipmentTransition(
            f"A shipment cannot go from {src} to {dst}.", src=src, dst=dst
        )
