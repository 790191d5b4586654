"""Rate shopping: every active carrier's quotes for a shipment, the best one for its promise."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shipping import selectors
from shipping.carriers import adapter_for
from shipping.carriers.base import RateQuote
from shipping.exceptions import (
    CarrierError,
    NoCarrierAvailable,
    UnknownService,
)
from shipping.models import (
    Carrier,
    ServiceLevel,
)
from shipping.rating import choose_rate, promise_date

from .inputs import (
    _as_date,
    _parse_packages,
    _parse_ship_to,
    _ship_date,
    _warehouse,
    _warehouse_address,
)

logger = logging.getLogger(__name__)


# --- rate shopping ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RateShopResult:
    """The chosen quote, every quote considered and the date it had to meet."""

    chosen: RateQuote
    quotes: list[RateQuote]
    deliver_by: date | None
    ship_date: date
    unavailable_carriers: list[str]


def _candidate_services(service_level: str) -> list[tuple[Carrier, list[ServiceLevel]]]:
    if ":" in (service_level or ""):
        carrier_code, service_code = service_level.split(":", 1)
        for carrier, services in selectors.active_carriers_with_services():
            if carrier.code.lower() == carrier_code.lower():
                chosen = [s for s in services if s.code.lower() == service_code.lower()]
                if chosen:
                    return [(carrier, chosen)]
        raise UnknownService(
            f"Service {service_level} does not exist or is not active.", service=service_level
        )
    candidates = selectors.active_carriers_with_services()
    if not candidates:
        raise NoCarrierAvailable("No active carrier with an active service is configured.")
    return candidates


def shipment_rate_shop(
    *,
    warehouse_id: int,
    ship_to: dict[str, Any],
    packages: list[dict[str, Any]],
    service_level: str,
    promised_by: date | datetime | None,
) -> RateShopResult:
    """Quote every active carrier service and pick the cheapest that delivers by the promise.

    Writes nothing. Calls carriers over HTTP, so never call it while holding row locks. A carrier
    that stays unavailable is skipped while another one quotes; if none can quote, raises
    CarrierUnavailable. Raises NoServiceMeetsPromise, NoCarrierAvailable, UnknownService,
    InvalidInput.
    """
    address = _parse_ship_to(ship_to)
    parcels = _parse_packages(packages)
    warehouse = _warehouse(warehouse_id)
    ship_from = _warehouse_address(warehouse)
    ship_date = _ship_date(warehouse)
    deliver_by = promise_date(
        service_level=service_level, promised_by=_as_date(promised_by), ship_date=ship_date
    )
    quotes: list[RateQuote] = []
    unavailable: list[str] = []
    last_error: CarrierError | None = None
    for carrier, services in _candidate_services(service_level):
        wanted = {s.code for s in services}
        try:
            carrier_quotes = adapter_for(carrier, services).rate(
                ship_from=ship_from, ship_to=address, parcels=parcels, ship_date=ship_date
            )
        except CarrierError as exc:
            logger.warning("rate shop: carrier %s skipped: %s", carrier.code, exc)
            unavailable.append(carrier.code)
            last_error = exc
            continue
        quotes.extend(q for q in carrier_quotes if q.service in wanted)
    if not quotes and last_error is not None:
        raise last_error
    chosen = choose_rate(quotes, deliver_by=deliver_by)
    return RateShopResult(
        chosen=chosen,
        quotes=sorted(quotes, key=lambda q: (q.amount, q.delivery_date)),
        deliver_by=deliver_by,
        ship_date=ship_date,
        unavailable_carriers=unavailable,
    )
