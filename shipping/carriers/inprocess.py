"""The in-process carrier: same behaviour as the mock carrier server, no server needed.

Used when a Carrier row has no `base_url` (the embedded `make run` default). It is stateless:
the tracking number carries its purchase time, and tracking advances one stage every
`stage_seconds` from then (pre-transit → in transit → out for delivery → delivered).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

from shipping.carriers.base import (
    Address,
    ManifestResult,
    Parcel,
    PurchasedLabel,
    RateQuote,
    TrackingResult,
    TrackingUpdate,
)
from shipping.carriers.pricing import ServiceSpec, add_business_days, price
from shipping.exceptions import CarrierRejected

STAGES = (
    ("in_transit", "Picked up by carrier", "Origin facility"),
    ("out_for_delivery", "Out for delivery", "Destination facility"),
    ("delivered", "Delivered, front door", "Destination"),
)


class InProcessCarrierAdapter:
    """Quotes from the ServiceLevel cost model; tracking advances with wall-clock time."""

    def __init__(self, *, carrier_code: str, catalog: list[ServiceSpec], stage_seconds: int = 600):
        self.carrier_code = carrier_code
        self.catalog = {spec.code: spec for spec in catalog}
        self.stage_seconds = stage_seconds

    def rate(
        self, *, ship_from: Address, ship_to: Address, parcels: list[Parcel], ship_date: date
    ) -> list[RateQuote]:
        return [
            RateQuote(
                carrier_code=self.carrier_code,
                service=spec.code,
                amount=price(spec, parcels),
                currency="USD",
                transit_days=spec.transit_days,
                delivery_date=add_business_days(ship_date, spec.transit_days),
                rate_id=f"inp_{spec.code}",
            )
            for spec in self.catalog.values()
        ]

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
        spec = self.catalog.get(service)
        if spec is None:
            raise CarrierRejected(f"Service {service} is not offered by {self.carrier_code}.")
        stamp = int(datetime.now(tz=UTC).timestamp())
        tail = hashlib.sha256(f"{idempotency_key}{secrets.token_hex(4)}".encode()).hexdigest()
        tracking = f"IP{stamp:010d}{int(tail[:8], 16) % 10**6:06d}"
        return PurchasedLabel(
            tracking_number=tracking,
            carrier_shipment_id=f"inp_{tracking}",
            service=service,
            amount=price(spec, parcels),
            currency="USD",
            delivery_date=add_business_days(ship_date, spec.transit_days),
        )

    def track(self, *, tracking_number: str) -> TrackingResult:
        try:
            bought = datetime.fromtimestamp(int(tracking_number[2:12]), tz=UTC)
        except ValueError as exc:
            raise CarrierRejected(f"Unknown tracking number {tracking_number}.") from exc
        elapsed = (datetime.now(tz=UTC) - bought).total_seconds()
        reached = min(len(STAGES), int(elapsed // self.stage_seconds))
        events = [
            TrackingUpdate(
                event_id=f"{tracking_number}-{i + 1}",
                status=status,
                description=text,
                location=where,
                occurred_at=bought + timedelta(seconds=self.stage_seconds * (i + 1)),
            )
            for i, (status, text, where) in enumerate(STAGES[:reached])
        ]
        return TrackingResult(
            tracking_number=tracking_number,
            status=events[-1].status if events else "pre_transit",
            events=events,
        )

    def void(self, *, carrier_shipment_id: str, tracking_number: str) -> None:
        return

    def manifest(self, *, tracking_numbers: list[str], ship_date: date) -> ManifestResult:
        digest = hashlib.sha256(",".join(sorted(tracking_numbers)).encode()).hexdigest()[:12]
        return ManifestResult(
            carrier_manifest_id=f"inp_sf_{digest}", tracking_numbers=tracking_numbers
        )
