"""The carrier adapter interface and the plain data it exchanges.

Adapters talk to a carrier and return data; they never touch the database (services persist).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

_ADDRESS_ALIASES = {
    "address_line1": "line1",
    "address1": "line1",
    "address_line2": "line2",
    "address2": "line2",
    "state": "region",
    "province": "region",
    "postcode": "postal_code",
    "zip": "postal_code",
    "country_code": "country",
}


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    company: str = ""
    line2: str = ""
    region: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Address:
        """Build from a dict, accepting common aliases (address_line1, state, postcode …)."""
        clean: dict[str, str] = {}
        for key, value in (data or {}).items():
            key = _ADDRESS_ALIASES.get(key, key)
            if key in cls.__slots__ and value is not None and key not in clean:  # type: ignore[attr-defined]
                clean[key] = str(value).strip()
        for required in ("name", "line1", "city", "postal_code", "country"):
            clean.setdefault(required, "")
        clean["country"] = clean["country"].upper()
        return cls(**clean)

    def missing_fields(self) -> list[str]:
        return [
            f for f in ("name", "line1", "city", "postal_code", "country") if not getattr(self, f)
        ]

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def lines(self) -> list[str]:
        """Printable lines, as on a label."""
        out = [self.name.upper()]
        if self.company:
            out.append(self.company.upper())
        out.append(self.line1.upper())
        if self.line2:
            out.append(self.line2.upper())
        out.append(f"{self.city} {self.region} {self.postal_code}".upper().replace("  ", " "))
        out.append(self.country)
        return out


@dataclass(frozen=True, slots=True)
class Parcel:
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RateQuote:
    carrier_code: str
    service: str
    amount: Decimal
    currency: str
    transit_days: int
    delivery_date: date
    rate_id: str = ""


@dataclass(frozen=True, slots=True)
class PurchasedLabel:
    tracking_number: str
    carrier_shipment_id: str
    service: str
    amount: Decimal
    currency: str
    delivery_date: date | None


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    event_id: str
    status: str  # one of shipping.states.TRACKING_STATUSES
    description: str
    occurred_at: datetime
    location: str = ""


@dataclass(frozen=True, slots=True)
class TrackingResult:
    tracking_number: str
    status: str
    events: list[TrackingUpdate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ManifestResult:
    carrier_manifest_id: str
    tracking_numbers: list[str]


# Carrier status words → our tracking statuses (anything else, e.g. pre_transit, is not an event).
CARRIER_STATUS_MAP = {
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
    "exception": "exception",
    "failure": "exception",
    "return_to_sender": "exception",
    "error": "exception",
}


class CarrierAdapter(Protocol):
    """What shipping needs from any carrier (EasyPost/Shippo-style: rates → buy → track)."""

    def rate(
        self, *, ship_from: Address, ship_to: Address, parcels: list[Parcel], ship_date: date
    ) -> list[RateQuote]:
        """Quotes for every service the carrier offers for this shipment."""
        ...

    def buy_label(
        self,
        *,
        ship_from: Address,
        ship_to: Address,
        parcels: list[Parcel],
        service: str,
        ship_date: date,
        reference: str,
        idempotency_key: str,
    ) -> PurchasedLabel:
        """Buy a label for `service`. The same idempotency key returns the same label."""
        ...

    def track(self, *, tracking_number: str) -> TrackingResult:
        """The carrier's current status and all scans so far."""
        ...

    def void(self, *, carrier_shipment_id: str, tracking_number: str) -> None:
        """Refund an unused label."""
        ...

    def manifest(self, *, tracking_numbers: list[str], ship_date: date) -> ManifestResult:
        """Close out the day: hand the carrier the list of shipments it will collect."""
        ...
