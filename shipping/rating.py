"""Rate shopping as a pure decision: given quotes and a promise, pick the cheapest quote that
arrives on time. No I/O; services gather the quotes and persist the outcome."""

from __future__ import annotations

from datetime import date, datetime, time

from shipping.carriers.base import RateQuote
from shipping.carriers.pricing import add_business_days
from shipping.exceptions import NoCarrierAvailable, NoServiceMeetsPromise

# Business days promised by an order's service level when the order has no explicit date.
TIER_PROMISE_DAYS = {"economy": 7, "standard": 5, "expedited": 2, "overnight": 1}


def ship_date_for(*, now_local: datetime, cutoff: time) -> date:
    """The day a parcel labelled now leaves: today before the warehouse's cutoff on a working
    day, otherwise the next working day (weekends do not ship)."""
    today = now_local.date()
    if today.weekday() < 5 and now_local.time() < cutoff:
        return today
    return add_business_days(today, 1)


def promise_date(*, service_level: str, promised_by: date | None, ship_date: date) -> date | None:
    """The latest acceptable delivery date (None: no promise, cheapest wins)."""
    if promised_by is not None:
        return promised_by
    days = TIER_PROMISE_DAYS.get((service_level or "").lower())
    return add_business_days(ship_date, days) if days else None


def _sort_key(q: RateQuote) -> tuple:
    # Cheapest first; on a tie the faster service, then a stable order by name.
    return (q.amount, q.delivery_date, q.carrier_code, q.service)


def choose_rate(quotes: list[RateQuote], *, deliver_by: date | None) -> RateQuote:
    """The cheapest quote whose delivery date is on or before `deliver_by`.

    Raises NoCarrierAvailable when there are no quotes at all, NoServiceMeetsPromise when
    none is fast enough (extra: the promise, the fastest option and the cheapest option).
    """
    if not quotes:
        raise NoCarrierAvailable("No active carrier service quoted this shipment.")
    on_time = [q for q in quotes if deliver_by is None or q.delivery_date <= deliver_by]
    if on_time:
        return min(on_time, key=_sort_key)
    fastest = min(quotes, key=lambda q: (q.delivery_date, q.amount))
    cheapest = min(quotes, key=_sort_key)
    raise NoServiceMeetsPromise(
        f"No service delivers by {deliver_by:%Y-%m-%d}; the fastest ({fastest.carrier_code}:"
        f"{fastest.service}) arrives {fastest.delivery_date:%Y-%m-%d}.",
        promised_by=deliver_by.isoformat() if deliver_by else None,
        fastest={
            "service": f"{fastest.carrier_code}:{fastest.service}",
            "delivery_date": fastest.delivery_date.isoformat(),
            "amount": str(fastest.amount),
        },
        cheapest={
            "service": f"{cheapest.carrier_code}:{cheapest.service}",
            "delivery_date": cheapest.delivery_date.isoformat(),
            "amount": str(cheapest.amount),
        },
    )
