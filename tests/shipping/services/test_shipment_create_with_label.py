import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from common.exceptions import InvalidInput
from shipping import selectors, services
from shipping.carriers.pricing import add_business_days
from shipping.exceptions import (
    CarrierRejected,
    CarrierUnavailable,
    NoServiceMeetsPromise,
    UnknownService,
)
from shipping.models import Shipment, ShipmentPackage, ShipmentStatusChange
from shipping.states import ShipmentStatus
from tests.shipping.conftest import BOX, SHIP_TO, control, server_state

pytestmark = pytest.mark.django_db


def _create(warehouse, actor, **overrides):
    kwargs = {
        "fulfillment_request_id": 101,
        "warehouse_id": warehouse.pk,
        "ship_to": SHIP_TO,
        "packages": [BOX],
        "service_level": "standard",
        "promised_by": None,
        "actor": actor,
    }
    kwargs.update(overrides)
    return services.shipment_create_with_label(**kwargs)


def test_buys_a_label_over_http_and_records_the_shipment(
    http_carrier, warehouse, actor, mock_carrier
):
    # when
    shipment = _create(warehouse, actor, order_id=7, reference="ORD-7")

    # then: the carrier sold exactly one label and we stored its tracking number
    state = server_state(mock_carrier)
    assert list(state["shipments"]) == [shipment.tracking_number]
    assert state["requests"]["POST /v2/shipments"] == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LABEL_PURCHASED
    assert shipment.carrier_code == "MOCK"
    assert shipment.service == "GROUND"  # cheapest service within the standard 5-day promise
    assert shipment.rate_amount == Decimal(
        state["shipments"][shipment.tracking_number]["selected_rate"]["rate"]
    )
    assert shipment.order_id == 7
    assert shipment.reference == "ORD-7"
    assert shipment.ship_to["postal_code"] == "62701"
    assert shipment.ship_from["city"] == "Newark"
    assert shipment.estimated_delivery_date == add_business_days(shipment.ship_date, 5)
    assert shipment.ship_date == services.warehouse_ship_date(warehouse_id=warehouse.pk)
    # and the labels are a real PDF and ZPL with the tracking number
    pdf = shipment.label_pdf_bytes()
    assert pdf.startswith(b"%PDF-")
    assert shipment.tracking_number.encode() in pdf
    assert "^BC" in shipment.label_zpl
    assert shipment.tracking_number in shipment.label_zpl
    assert ShipmentPackage.objects.get(shipment=shipment).weight_g == 1200
    assert ShipmentStatusChange.objects.get(shipment=shipment).to_status == "label_purchased"
    assert selectors.shipment_get_by_tracking(shipment.tracking_number.lower()) == shipment


def test_rate_shop_picks_cheapest_service_meeting_the_promised_date(http_carrier, warehouse, actor):
    # given: the order must arrive within 2 business days; GROUND (5) and ECONOMY (7) cannot
    promised = add_business_days(services.warehouse_ship_date(warehouse_id=warehouse.pk), 2)

    # when
    shipment = _create(warehouse, actor, service_level="", promised_by=promised)

    # then: 2DAY is cheaper than OVERNIGHT and meets the date
    assert shipment.service == "2DAY"
    assert shipment.promised_by == promised


def test_no_promise_means_cheapest_overall(http_carrier, warehouse, actor):
    shipment = _create(warehouse, actor, service_level="", promised_by=None)

    assert shipment.service == "ECONOMY"


def test_explicit_carrier_service_is_bought_as_asked(http_carrier, warehouse, actor):
    shipment = _create(warehouse, actor, service_level="MOCK:OVERNIGHT")

    assert shipment.service == "OVERNIGHT"


def test_refuses_with_a_clear_error_when_no_service_meets_the_promise(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: a promise for yesterday
    yesterday = timezone.localdate() - timedelta(days=1)

    # when
    with pytest.raises(NoServiceMeetsPromise) as excinfo:
        _create(warehouse, actor, promised_by=yesterday)

    # then: the error names the fastest option, and no label was bought or stored
    assert excinfo.value.extra["fastest"]["service"] == "MOCK:OVERNIGHT"
    assert excinfo.value.http_status == 409
    assert Shipment.objects.count() == 0
    assert "POST /v2/shipments" not in server_state(mock_carrier)["requests"]


def test_inactive_services_are_not_bought(http_carrier, warehouse, actor):
    # given
    http_carrier.services.filter(code__in=["ECONOMY", "GROUND"]).update(is_active=False)

    # when
    shipment = _create(warehouse, actor, service_level="", promised_by=None)

    # then
    assert shipment.service == "2DAY"


def test_unknown_explicit_service_is_refused(http_carrier, warehouse, actor):
    with pytest.raises(UnknownService):
        _create(warehouse, actor, service_level="MOCK:TELEPORT")
    assert Shipment.objects.count() == 0


def test_same_fulfillment_request_returns_the_same_label(
    http_carrier, warehouse, actor, mock_carrier
):
    # given
    first = _create(warehouse, actor)

    # when
    again = _create(warehouse, actor)

    # then
    assert again.pk == first.pk
    assert server_state(mock_carrier)["requests"]["POST /v2/shipments"] == 1


def test_transient_500s_are_retried_then_the_label_is_bought(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: the carrier fails the purchase twice (max_attempts is 3)
    control(mock_carrier, "fail", mode="500", count=2, path_prefix="/v2/shipments")

    # when
    shipment = _create(warehouse, actor)

    # then: one label exists at the carrier, after three attempts
    state = server_state(mock_carrier)
    assert state["requests"]["POST /v2/shipments"] == 3
    assert list(state["shipments"]) == [shipment.tracking_number]


def test_429_honours_retry_after(http_carrier, warehouse, actor, mock_carrier):
    # given
    control(mock_carrier, "fail", mode="429", count=1, retry_after=1, path_prefix="/v2/rates")

    # when
    started = time.monotonic()
    shipment = _create(warehouse, actor)

    # then
    assert time.monotonic() - started >= 1.0
    assert server_state(mock_carrier)["requests"]["POST /v2/rates"] == 2
    assert shipment.tracking_number


def test_carrier_down_for_longer_than_retries_writes_nothing(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: more failures than attempts
    control(mock_carrier, "fail", mode="500", count=10, path_prefix="/v2/shipments")

    # when
    with pytest.raises(CarrierUnavailable) as excinfo:
        _create(warehouse, actor)

    # then
    assert "after 3 attempts" in excinfo.value.message
    assert excinfo.value.http_status == 503
    assert Shipment.objects.count() == 0
    assert ShipmentStatusChange.objects.count() == 0
    assert server_state(mock_carrier)["shipments"] == {}


def test_slow_answer_times_out_and_is_retried_without_buying_twice(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: the first purchase answers after our 2 s timeout (the carrier still sells it)
    http_carrier.timeout_seconds = 0.5
    http_carrier.save(update_fields=["timeout_seconds"])
    control(mock_carrier, "fail", mode="slow", delay=1.0, count=1, path_prefix="/v2/shipments")

    # when
    shipment = _create(warehouse, actor)

    # then: the retry carried the same Idempotency-Key, so the carrier sold one label
    state = server_state(mock_carrier)
    assert list(state["shipments"]) == [shipment.tracking_number]
    assert state["requests"]["POST /v2/shipments"] == 2


def test_carrier_4xx_is_a_clear_error_and_not_retried(http_carrier, warehouse, actor, mock_carrier):
    # given: our API key is wrong
    http_carrier.api_key = "wrong"
    http_carrier.save(update_fields=["api_key"])

    # when
    with pytest.raises(CarrierRejected) as excinfo:
        _create(warehouse, actor)

    # then
    assert "API key" in excinfo.value.message
    assert server_state(mock_carrier)["requests"]["POST /v2/rates"] == 1
    assert Shipment.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "ship_to", "packages"),
    [
        ("missing postal code", {**SHIP_TO, "postal_code": ""}, [BOX]),
        ("bad country", {**SHIP_TO, "country": "USA"}, [BOX]),
        ("no packages", SHIP_TO, []),
        ("zero weight", SHIP_TO, [{**BOX, "weight_g": 0}]),
        ("missing dimension", SHIP_TO, [{"weight_g": 10}]),
    ],
)
def test_bad_input_is_refused_before_calling_the_carrier(
    http_carrier, warehouse, actor, mock_carrier, _case, ship_to, packages
):
    with pytest.raises(InvalidInput):
        _create(warehouse, actor, ship_to=ship_to, packages=packages)

    assert server_state(mock_carrier)["requests"] == {}
    assert Shipment.objects.count() == 0


def test_address_aliases_are_accepted(http_carrier, warehouse, actor):
    ship_to = {
        "name": "Bob",
        "address_line1": "1 Main St",
        "city": "Austin",
        "state": "TX",
        "postcode": "73301",
        "country": "us",
    }

    shipment = _create(warehouse, actor, ship_to=ship_to)

    assert shipment.ship_to["line1"] == "1 Main St"
    assert shipment.ship_to["region"] == "TX"
    assert shipment.ship_to["country"] == "US"


def test_multi_package_shipment_has_a_label_page_per_package(http_carrier, warehouse, actor):
    shipment = _create(warehouse, actor, packages=[BOX, {**BOX, "weight_g": 300}])

    assert list(shipment.packages.values_list("sequence", "weight_g")) == [(1, 1200), (2, 300)]
    assert b"PKG 2 OF 2" in shipment.label_pdf_bytes()
    assert shipment.label_zpl.count("^XA") == 2


def test_in_process_carrier_works_without_a_server(db, warehouse, actor, settings):
    # given: the embedded default — a carrier with no base_url
    carrier = services.carriers_ensure_defaults()

    # when
    shipment = _create(warehouse, actor)

    # then
    assert carrier.uses_http is False
    assert shipment.carrier == carrier
    assert shipment.service == "GROUND"
    assert shipment.tracking_number.startswith("IP")
    assert shipment.label_pdf_bytes().startswith(b"%PDF-")


def test_labels_bought_after_the_cutoff_ship_the_next_working_day(http_carrier, warehouse, actor):
    # given: Wednesday 17:30 in the warehouse's time zone, cutoff 16:00
    warehouse.timezone = "America/New_York"
    warehouse.shipping_cutoff = dt_time(16, 0)
    warehouse.save(update_fields=["timezone", "shipping_cutoff"])
    late = datetime(2026, 11, 18, 17, 30, tzinfo=ZoneInfo("America/New_York"))

    # when
    with time_machine.travel(late, tick=False):
        shipment = _create(warehouse, actor, service_level="MOCK:2DAY")

    # then: ships Thursday, arrives Monday (2 working days)
    assert str(shipment.ship_date) == "2026-11-19"
    assert str(shipment.estimated_delivery_date) == "2026-11-23"
