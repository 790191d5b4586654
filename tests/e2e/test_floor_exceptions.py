"""Floor exceptions in a real browser at 360×740: a package whose weight is out of tolerance, and a
short pick whose replacement bin is re-routed into the remaining stops."""

import re

import pytest

from orders.models import OrderEvent
from tests.e2e.conftest import PHONE, click_and_wait, horizontal_overflow, shot, sign_in
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from warehouse.models import Package, PickLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BARCODES = {"TEE": "4000000000017"}


def _scan(page, label: str, code: str) -> None:
    field = page.get_by_label(label)
    assert field.evaluate("el => el === document.activeElement"), f"{label} is not focused"
    field.fill(code)
    with page.expect_navigation():
        field.press("Enter")


def _expected(page) -> str:
    return page.get_by_test_id("expect-value").inner_text().strip()


def test_out_of_tolerance_weight_blocks_the_label_until_a_supervisor_overrides(
    phone, chromium, live_server
):
    # given: a picked order (TEE×2) at the packing station, every item verified
    floor = scenarios.picked_order()
    order = floor.orders[0]
    tote = PickLine.objects.filter(pick_list=floor.pick_list).first().tote_code
    UserFactory(username="packer", roles=["warehouse_operator"])
    UserFactory(username="lead", roles=["warehouse_supervisor"])
    sign_in(phone, "packer")
    phone.goto("/warehouse/pack/")
    _scan(phone, "Scan tote or order", tote)
    for _ in range(2):
        _scan(phone, "Scan item", BARCODES["TEE"])
    package = Package.objects.get(order_number=order.number)

    # when: the scale says far more than expected and the packer just presses Enter twice
    _scan(phone, "Weight (grams)", str(package.expected_weight_g * 3))
    shot(phone, "pack-weight-01-out-of-tolerance")

    # then: no label can be printed; the weight field has the focus (re-weigh), in red
    assert phone.get_by_role("button", name="Print label").count() == 0
    assert "out of tolerance" in phone.get_by_test_id("expect").inner_text().lower()
    assert phone.locator(".expect.bad").count() == 1
    assert horizontal_overflow(phone) == 0
    _scan(phone, "Weight (grams)", str(package.expected_weight_g * 3))
    assert phone.get_by_role("button", name="Print label").count() == 0
    # the operator may not override: the form is not offered to them
    assert phone.get_by_label("Reason for the override").count() == 0
    package.refresh_from_db()
    assert package.status == "open"

    # when: a supervisor opens the same package on their scanner and overrides with a reason
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(10_000)
    lead = context.new_page()
    try:
        sign_in(lead, "lead")
        lead.goto("/warehouse/pack/")
        _scan(lead, "Scan tote or order", order.number)
        lead.get_by_text("Supervisor override").click()
        lead.get_by_label("Reason for the override").fill("Gift wrap with glass jar, checked")
        click_and_wait(lead, lead.get_by_role("button", name="Override and allow the label"))
        shot(lead, "pack-weight-02-overridden")
        assert horizontal_overflow(lead) == 0
    finally:
        context.close()

    # then: the packer's screen now offers the label, and the override is on the order timeline
    phone.reload()
    assert phone.get_by_role("button", name="Print label").count() == 1
    click_and_wait(phone, phone.get_by_role("button", name="Print label"))
    package.refresh_from_db()
    assert package.status == "packed"
    assert phone.get_by_test_id("tracking").inner_text().strip() == package.tracking_number
    event = OrderEvent.objects.get(order=order, kind="weight_override")
    assert event.actor == "lead"
    assert "Gift wrap with glass jar, checked" in event.message
    assert str(package.weight_g) in event.message
    shot(phone, "pack-weight-03-label")


def _route(page) -> list[str]:
    """The bins of the pick list's route in the order shown."""
    return [
        re.split(r"\s·\s", li.inner_text())[0].strip()
        for li in page.get_by_test_id("route").locator("li").all()
    ]


def test_short_pick_reroutes_the_replacement_bin_next_and_the_queue_offers_no_reroute(phone):
    # given: one order over five bins in four aisles; SOCK's pick face is empty in reality but
    # the same bay's reserve level above it holds more, and ops watch the exceptions queue
    from tests.factories.channels_sync import channel_with_warehouses
    from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
    from warehouse.services.waves import wave_plan, wave_release

    wh = scenarios.shipping_warehouse()
    ch = channel_with_warehouses(wh, code="web")
    stock = {
        "SOCK": "A-01-01-1",
        "TEE": "A-02-03-1",
        "MUG": "A-03-05-1",
        "CAP": "A-04-02-1",
        "HAT": "A-04-06-1",
    }
    products = {sku: product(sku) for sku in stock}
    for sku, code in stock.items():
        stocked(products[sku], bin_of(wh, code), 2)
    stocked(products["SOCK"], bin_of(wh, "A-01-01-2"), 5)
    order = scenarios.order(ch, [(sku, 2) for sku in stock])
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    pick_list = wave.pick_lists.get()
    UserFactory(username="picker", roles=["warehouse_operator"])
    UserFactory(username="ops", roles=["ops_manager"])
    sign_in(phone, "picker")
    phone.goto(f"/warehouse/pick/{pick_list.pk}/")

    # when: the picker walks the route and finds SOCK's bin empty
    while True:
        bin_code = _expected(phone)
        _scan(phone, "Scan bin", bin_code)
        sku = _expected(phone)
        _scan(phone, "Scan item", sku)
        if sku == "SOCK":
            break
        _scan(phone, "Scan tote", _expected(phone))
    stops_left_before = len(PickLine.objects.filter(pick_list=pick_list, status="open")) - 1
    phone.get_by_text("Not enough in the bin? Short pick").click()
    phone.get_by_label(re.compile("^Units found in")).fill("0")
    click_and_wait(phone, phone.get_by_role("button", name="Report short pick"))
    shot(phone, "short-01-rerouted")

    # then: the replacement (the reserve level of the same bay) is the very next stop, not the
    # last one, and the rest of the route is still walked
    assert "re-allocated" in phone.locator(".feedback").first.inner_text()
    assert _expected(phone) == "A-01-01-2"
    open_lines = list(
        PickLine.objects.filter(pick_list=pick_list, status="open").order_by("sequence", "pk")
    )
    assert len(open_lines) == stops_left_before + 1
    assert open_lines[0].bin.code == "A-01-01-2"
    route = _route(phone)
    assert route.index("A-01-01-2") < route.index(open_lines[-1].bin.code)
    assert horizontal_overflow(phone) == 0

    # when: ops open the exceptions queue
    phone.context.clear_cookies()
    sign_in(phone, "ops")
    phone.goto("/dashboard/exceptions/")
    shot(phone, "short-02-exceptions")

    # then: the short pick is listed as re-allocated, with no "Re-route" to press
    shorts = phone.locator("#shorts ~ .card").first
    assert "re-allocated" in shorts.inner_text()
    assert phone.get_by_role("button", name=re.compile(f"Re-route {order.number}")).count() == 0
