"""Pure pricing and transit-time arithmetic shared by the in-process carrier and the mock
carrier server (so both quote the same way). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from shipping.carriers.base import Parcel

DIM_DIVISOR_CM3_PER_KG = 5000  # dimensional weight: L×W×H (cm³) / 5000 = kg


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    code: str
    name: str
    transit_days: int
    base_cost: Decimal
    cost_per_kg: Decimal
    tier: str = "standard"


DEFAULT_CATALOG: tuple[ServiceSpec, ...] = (
    ServiceSpec("ECONOMY", "Economy Saver", 7, Decimal("4.90"), Decimal("0.80"), "economy"),
    ServiceSpec("GROUND", "Ground", 5, Decimal("6.50"), Decimal("1.10"), "standard"),
    ServiceSpec("2DAY", "2nd Day Air", 2, Decimal("14.00"), Decimal("2.50"), "expedited"),
    ServiceSpec("OVERNIGHT", "Next Day Air", 1, Decimal("29.00"), Decimal("4.00"), "overnight"),
)


def billable_kg(parcels: list[Parcel]) -> Decimal:
    """Σ over parcels of max(actual, dimensional) weight in kg, rounded up to 0.1 kg."""
    total = Decimal(0)
    for p in parcels:
        actual = Decimal(p.weight_g) / 1000
        dim = Decimal(p.length_mm * p.width_mm * p.height_mm) / 1000 / DIM_DIVISOR_CM3_PER_KG
        total += max(actual, dim)
    return (total * 10).to_integral_value(rounding=ROUND_CEILING) / 10


def price(spec: ServiceSpec, parcels: list[Parcel]) -> Decimal:
    """Cost of shipping `parcels` with `spec`: base per parcel + per billable kg."""
    amount = spec.base_cost * len(parcels) + spec.cost_per_kg * billable_kg(parcels)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def add_business_days(start: date, days: int) -> date:
    """`start` plus `days` working days (Saturdays and Sundays do not count)."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current
