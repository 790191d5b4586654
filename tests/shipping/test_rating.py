from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from shipping.carriers.base import Parcel, RateQuote
from shipping.carriers.pricing import DEFAULT_CATALOG, add_business_days, billable_kg, price
from shipping.exceptions import NoCarrierAvailable, NoServiceMeetsPromise
from shipping.rating import choose_rate, promise_date, ship_date_for

FRIDAY = date(2026, 11, 20)


def _quote(service, amount, delivery, carrier="A"):
    return RateQuote(
        carrier_code=carrier,
        service=service,
        amount=Decimal(amount),
        currency="USD",
        transit_days=1,
        delivery_date=delivery,
    )


def test_picks_cheapest_that_meets_promise():
    # given
    quotes = [
        _quote("ECONOMY", "4.00", date(2026, 12, 1)),
        _quote("GROUND", "7.00", date(2026, 11, 27)),
        _quote("AIR", "15.00", date(2026, 11, 24)),
        _quote("AIR2", "9.00", date(2026, 11, 26), carrier="B"),
    ]

    # when
    chosen = choose_rate(quotes, deliver_by=date(2026, 11, 26))

    # then
    assert (chosen.carrier_code, chosen.service) == ("B", "AIR2")


def test_without_promise_cheapest_wins():
    quotes = [
        _quote("GROUND", "7.00", date(2026, 11, 27)),
        _quote("ECO", "4.00", date(2026, 12, 9)),
    ]

    assert choose_rate(quotes, deliver_by=None).service == "ECO"


def test_refuses_when_no_service_is_fast_enough():
    # given
    quotes = [
        _quote("GROUND", "7.00", date(2026, 11, 27)),
        _quote("AIR", "15.00", date(2026, 11, 24)),
    ]

    # when
    with pytest.raises(NoServiceMeetsPromise) as excinfo:
        choose_rate(quotes, deliver_by=date(2026, 11, 23))

    # then
    assert excinfo.value.extra["fastest"] == {
        "service": "A:AIR",
        "delivery_date": "2026-11-24",
        "amount": "15.00",
    }
    assert excinfo.value.extra["promised_by"] == "2026-11-23"
    assert "2026-11-23" in excinfo.value.message


def test_no_quotes_is_a_clear_error():
    with pytest.raises(NoCarrierAvailable):
        choose_rate([], deliver_by=None)


def test_business_days_skip_weekends():
    assert add_business_days(FRIDAY, 1) == date(2026, 11, 23)  # Monday
    assert add_business_days(FRIDAY, 5) == date(2026, 11, 27)


def test_promise_from_service_level_when_no_date():
    assert promise_date(service_level="expedited", promised_by=None, ship_date=FRIDAY) == date(
        2026, 11, 24
    )
    assert promise_date(service_level="whatever", promised_by=None, ship_date=FRIDAY) is None
    assert promise_date(service_level="overnight", promised_by=FRIDAY, ship_date=FRIDAY) == FRIDAY


def test_price_uses_dimensional_weight_when_larger():
    # given: 0.5 kg in a 40×30×30 cm box → 36000 cm³ / 5000 = 7.2 kg dimensional
    parcels = [Parcel(weight_g=500, length_mm=400, width_mm=300, height_mm=300)]
    ground = next(s for s in DEFAULT_CATALOG if s.code == "GROUND")

    # then
    assert billable_kg(parcels) == Decimal("7.2")
    assert price(ground, parcels) == Decimal("6.50") + Decimal("1.10") * Decimal("7.2")


@pytest.mark.parametrize(
    ("_case", "now", "expected"),
    [
        ("friday before cutoff", datetime(2026, 11, 20, 15, 59, tzinfo=UTC), date(2026, 11, 20)),
        ("friday after cutoff", datetime(2026, 11, 20, 16, 0, tzinfo=UTC), date(2026, 11, 23)),
        ("saturday", datetime(2026, 11, 21, 9, 0, tzinfo=UTC), date(2026, 11, 23)),
        ("sunday", datetime(2026, 11, 22, 9, 0, tzinfo=UTC), date(2026, 11, 23)),
    ],
)
def test_ship_date_respects_cutoff_and_weekends(_case, now, expected):
    assert ship_date_for(now_local=now, cutoff=time(16, 0)) == expected
