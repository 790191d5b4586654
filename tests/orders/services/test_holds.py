import pytest

from inventory.models import InventoryBalance
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.exceptions import HoldCannotRelease, HoldNotActive
from orders.models import FulfillmentRequest, Hold
from orders.services.edits import order_address_change
from tests.factories.inventory import ProductFactory
from tests.orders.builders import (
    CS,
    SYSTEM,
    capture,
    channel,
    payload,
    product,
    statuses,
    stock,
    warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = warehouse("H1")
    stock(product("H-A"), wh, 10)
    stock(product("H-B"), wh, 10)
    return channel(wh)


def _active(order, kind):
    return list(order.holds.filter(kind=kind, released_at__isnull=True))


def test_payment_hold_releases_itself_when_payment_is_captured(shop):
    # given an order whose payment is only pending
    order = capture(shop, [("H-A", 1)], payment_status="pending")
    assert order.status == "on_hold"
    assert len(_active(order, "payment")) == 1
    assert not FulfillmentRequest.objects.filter(order=order).exists()

    # when the payment is captured
    orders_services.order_payment_update(order_id=order.pk, payment_status="captured", actor=SYSTEM)

    # then the hold is released by the system and the order moves on by itself
    order.refresh_from_db()
    hold = order.holds.get(kind="payment")
    assert (hold.released_by, hold.release_note) == ("payment", "payment captured")
    assert order.status == "released"
    assert statuses(order) == ["on_hold", "ready", "allocated", "released"]


def test_failed_payment_keeps_the_hold(shop):
    order = capture(shop, [("H-A", 1)], payment_status="pending")
    orders_services.order_payment_update(order_id=order.pk, payment_status="failed", actor=SYSTEM)
    order.refresh_from_db()
    assert order.status == "on_hold"
    assert len(_active(order, "payment")) == 1


def test_fraud_hold_by_rule_score_and_self_resolution_on_recheck(shop, settings):
    # given a threshold the order's value exceeds
    settings.ORDERS_FRAUD = {"high_value": {"amount": "15.00", "score": 60}}
    order = capture(shop, [("H-A", 2)])
    hold = order.holds.get(kind="fraud")
    assert order.status == "on_hold"
    assert order.fraud_score == 60
    assert "order value 20.00 USD over 15.00" in hold.reason

    # when the rules change and the score is re-checked
    settings.ORDERS_FRAUD = {"high_value": {"amount": "1000.00", "score": 60}}
    result = orders_services.order_fraud_recheck(order_id=order.pk)

    # then the fraud hold released itself
    assert result.score == 0
    order.refresh_from_db()
    assert order.status == "released"
    assert order.holds.get(kind="fraud").released_by == "fraud-check"


@pytest.mark.parametrize(
    ("currency", "unit_price", "held"),
    [
        ("JPY", "4850", False),  # ¥9,700 is about USD 65, not a high-value order
        ("JPY", "100000", True),  # ¥200,000 is over the yen threshold
        ("KWD", "12.500", False),
        ("KWD", "160.000", True),
        ("USD", "600.00", True),
        ("XOF", "900000", False),  # no threshold in that currency: not scored on value
    ],
)
def test_high_value_is_judged_in_the_orders_own_currency(
    shop, settings, currency, unit_price, held
):
    # given the high-value rule alone decides (its score reaches the threshold)
    settings.ORDERS_FRAUD = {"high_value": {"amount": "1000.00", "score": 60}}
    # when a two-unit order in that currency is captured
    body = payload([("H-A", 2)], currency=currency)
    body["lines"][0]["unit_price"] = unit_price
    order, _ = orders_services.order_capture(channel_id=shop.pk, data=body, actor=SYSTEM)
    # then it is on a fraud hold only when it is over the threshold of its own currency
    assert bool(_active(order, "fraud")) is held
    if held:
        assert f"{currency} over" in order.holds.get(kind="fraud").reason


@pytest.mark.parametrize(
    ("_case", "overrides", "reason"),
    [
        (
            "address mismatch",
            {"billing_address": {"line1": "Elsewhere 1", "country": "US"}},
            "billing and shipping",
        ),
        ("risky destination", {}, "listed as risky"),
    ],
)
def test_fraud_rules(shop, settings, _case, overrides, reason):
    settings.ORDERS_FRAUD = {
        "threshold": 20,
        "risky_countries": {
            "countries": ["US"] if _case == "risky destination" else [],
            "score": 50,
        },
    }
    order = capture(shop, [("H-A", 1)], **overrides)
    assert reason in order.holds.get(kind="fraud").reason


def test_many_orders_from_one_email_trigger_the_velocity_rule(shop, settings):
    settings.ORDERS_FRAUD = {
        "threshold": 30,
        "velocity": {"max_orders": 2, "window_hours": 24, "score": 30},
    }
    first = capture(shop, [("H-A", 1)])
    capture(shop, [("H-A", 1)])
    third = capture(shop, [("H-A", 1)])
    assert not _active(first, "fraud")
    assert "orders from this email/address" in third.holds.get(kind="fraud").reason


def test_address_hold_for_a_malformed_postcode_released_by_correcting_it(shop):
    # given a US address with a malformed ZIP
    bad = {
        "name": "A",
        "line1": "1 Main St",
        "city": "Mountain View",
        "region": "CA",
        "postal_code": "9404",
        "country": "US",
    }
    order = capture(shop, [("H-A", 1)], shipping_address=bad, billing_address={})
    hold = order.holds.get(kind="address")
    assert hold.details == {"fields": {"postal_code": "invalid"}}
    assert order.status == "on_hold"

    # when customer service corrects the address
    order_address_change(
        order_id=order.pk, actor=CS, shipping_address={**bad, "postal_code": "94043"}
    )

    # then the address hold is released by that person and the order is released
    order.refresh_from_db()
    assert order.holds.get(kind="address").released_by == "cs-agent"
    assert order.status == "released"


def test_missing_address_fields_place_an_address_hold(shop):
    order = capture(shop, [("H-A", 1)], shipping_address={"country": "US"}, billing_address={})
    fields = order.holds.get(kind="address").details["fields"]
    assert {"name", "line1", "city"} <= set(fields)


def test_manual_hold_on_a_released_order_pulls_it_back_and_release_moves_it_on(shop):
    # given a released order
    order = capture(shop, [("H-A", 1)])
    request = FulfillmentRequest.objects.get(order=order)

    # when ops place a manual hold
    hold = orders_services.order_hold_place(
        order_id=order.pk, kind="manual", reason="customer called", actor=CS
    )

    # then its request is held and leaves the wave list
    request.refresh_from_db()
    order.refresh_from_db()
    assert (order.status, request.status) == ("on_hold", "on_hold")
    assert (
        list(orders_selectors.fulfillment_requests_for_wave(warehouse_id=request.warehouse_id))
        == []
    )

    # when it is released with a note
    orders_services.order_hold_release(hold_id=hold.pk, actor=CS, note="confirmed by phone")

    # then who and why are recorded and the order is back with the warehouse
    hold.refresh_from_db()
    request.refresh_from_db()
    order.refresh_from_db()
    assert (hold.released_by, hold.release_note) == ("cs-agent", "confirmed by phone")
    assert (order.status, request.status) == ("released", "released")
    with pytest.raises(HoldNotActive):
        orders_services.order_hold_release(hold_id=hold.pk, actor=CS)


def test_several_holds_release_independently_and_only_the_last_moves_the_order(shop):
    order = capture(shop, [("H-A", 1)], payment_status="pending")
    manual = orders_services.order_hold_place(
        order_id=order.pk, kind="manual", reason="check", actor=CS
    )

    orders_services.order_payment_update(order_id=order.pk, payment_status="captured", actor=SYSTEM)
    order.refresh_from_db()
    assert order.status == "on_hold"

    orders_services.order_hold_release(hold_id=manual.pk, actor=CS, note="ok")
    order.refresh_from_db()
    assert order.status == "released"


def test_unknown_sku_holds_the_order_and_release_waits_for_the_product(shop):
    # given an imported order with an unknown SKU: nothing is dropped
    order = capture(shop, [("H-A", 1), ("NEW-SKU", 2)])
    hold = order.holds.get(kind="unknown_sku")
    assert "NEW-SKU" in hold.reason
    assert order.lines.get(sku="NEW-SKU").product is None
    assert order.status == "on_hold"

    # then releasing is refused while the SKU is still unknown
    with pytest.raises(HoldCannotRelease):
        orders_services.order_hold_release(hold_id=hold.pk, actor=CS, note="try")

    # when the product is created and stocked, the release routes both lines
    new = ProductFactory(sku="NEW-SKU")
    stock(new, shop.warehouses.get(), 5)
    orders_services.order_hold_release(hold_id=hold.pk, actor=CS, note="product created")
    order.refresh_from_db()
    assert order.status == "released"
    assert order.lines.get(sku="NEW-SKU").quantity_allocated == 2


def test_line_hold_keeps_one_line_back_while_the_rest_ships(shop):
    # given an order whose payment is pending, so nothing is routed yet
    order = capture(shop, [("H-A", 1), ("H-B", 2)], payment_status="pending")
    line_b = order.lines.get(sku="H-B")
    line_hold = orders_services.order_hold_place(
        order_id=order.pk,
        kind="manual",
        reason="engraving check",
        actor=CS,
        scope="lines",
        line_ids=[line_b.pk],
    )

    # when payment is captured
    orders_services.order_payment_update(order_id=order.pk, payment_status="captured", actor=SYSTEM)

    # then only the unheld line is allocated and released
    order.refresh_from_db()
    assert order.lines.get(sku="H-A").quantity_allocated == 1
    assert order.lines.get(sku="H-B").quantity_allocated == 0
    assert order.status == "released"
    bal = InventoryBalance.objects.get(product__sku="H-B")
    assert bal.committed == 0

    # when the line hold is released, the held line follows
    orders_services.order_hold_release(hold_id=line_hold.pk, actor=CS, note="engraving ok")
    assert order.lines.get(sku="H-B").quantity_allocated == 2
    assert FulfillmentRequest.objects.get(order=order).lines.count() == 2


def test_line_hold_on_an_allocated_line_holds_its_fulfillment_request(shop):
    order = capture(shop, [("H-A", 1)])
    line = order.lines.get()
    orders_services.order_hold_place(
        order_id=order.pk, kind="manual", reason="x", actor=CS, scope="lines", line_ids=[line.pk]
    )
    assert FulfillmentRequest.objects.get(order=order).status == "on_hold"


def test_fulfillment_request_hold_holds_only_that_request(shop):
    # given an order released to the warehouse
    order = capture(shop, [("H-A", 1)])
    request = FulfillmentRequest.objects.get(order=order)

    hold = orders_services.order_hold_place(
        order_id=order.pk,
        kind="manual",
        reason="dock closed",
        actor=CS,
        scope="fulfillment_request",
        fulfillment_request_id=request.pk,
    )
    request.refresh_from_db()
    assert request.status == "on_hold"
    assert (
        list(orders_selectors.fulfillment_requests_for_wave(warehouse_id=request.warehouse_id))
        == []
    )

    orders_services.order_hold_release(hold_id=hold.pk, actor=CS, note="open again")
    request.refresh_from_db()
    assert request.status == "released"


def test_every_hold_change_is_on_the_timeline(shop):
    order = capture(shop, [("H-A", 1)], payment_status="pending")
    orders_services.order_payment_update(order_id=order.pk, payment_status="captured", actor=SYSTEM)
    kinds = [e.kind for e in orders_selectors.order_timeline(order=order)]
    assert kinds.count("hold_placed") == 1
    assert kinds.count("hold_released") == 1
    assert Hold.objects.filter(order=order).count() == 1


def test_periodic_recheck_releases_rule_fraud_holds_but_not_a_persons(shop, settings):
    settings.ORDERS_FRAUD = {"high_value": {"amount": "5.00", "score": 60}}
    by_rule = capture(shop, [("H-A", 1)])
    settings.ORDERS_FRAUD = {}
    by_person = capture(shop, [("H-A", 1)], payment_status="pending")
    orders_services.order_hold_place(
        order_id=by_person.pk, kind="fraud", reason="looks odd", actor=CS
    )

    assert orders_services.fraud_holds_recheck() == 1

    assert not _active(by_rule, "fraud")
    assert len(_active(by_person, "fraud")) == 1
