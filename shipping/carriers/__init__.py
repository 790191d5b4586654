"""Carrier adapters behind one Protocol (`base.CarrierAdapter`); `adapter_for` picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from shipping.carriers.base import CarrierAdapter
from shipping.carriers.http import HttpCarrierAdapter
from shipping.carriers.inprocess import InProcessCarrierAdapter
from shipping.carriers.pricing import ServiceSpec

if TYPE_CHECKING:
    from shipping.models import Carrier, ServiceLevel


def adapter_for(carrier: Carrier, services: list[ServiceLevel]) -> CarrierAdapter:
    """The HTTP adapter when the carrier has a base_url, else the in-process carrier."""
    if carrier.uses_http:
        return HttpCarrierAdapter(
            carrier_code=carrier.code,
            base_url=carrier.base_url,
            api_key=carrier.api_key,
            timeout=carrier.timeout_seconds,
            max_attempts=carrier.max_attempts,
            backoff_base=getattr(settings, "SHIPPING_CARRIER_BACKOFF_BASE", 0.5),
        )
    catalog = [
        ServiceSpec(
            code=s.code,
            name=s.name,
            transit_days=s.transit_days,
            base_cost=s.base_cost,
            cost_per_kg=s.cost_per_kg,
            tier=s.tier,
        )
        for s in services
    ]
    return InProcessCarrierAdapter(
        carrier_code=carrier.code,
        catalog=catalog,
        stage_seconds=getattr(settings, "SHIPPING_INPROCESS_STAGE_SECONDS", 600),
    )


__all__ = ["CarrierAdapter", "HttpCarrierAdapter", "InProcessCarrierAdapter", "adapter_for"]
