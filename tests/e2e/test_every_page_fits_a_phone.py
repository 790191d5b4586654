"""Every screen, filled with data, at 360×740: no horizontal scrolling, every form field has a
label, and axe-core finds no serious or critical violation."""

import pytest

from common import roles
from inventory import services as inventory_services
from inventory.selectors import product_get_by_code
from orders import services as orders_services
from orders.choices import HoldKind
from tests.e2e.conftest import horizontal_overflow, serious_axe_violations, shot, sign_in
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM, bin_of
from warehouse.models import PickList
from warehouse.services.counts import cycle_count_create
from warehouse.services.receiving import inbound_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


def test_every_screen_fits_a_phone_and_passes_axe(phone):
    # given: shipped, open, held orders; a released wave; an inbound shipment; a count
    shipped, unpicked, tracking = scenarios.shipped_and_open_orders()
    orders_services.order_hold_place(
        order_id=unpicked.pk, kind=HoldKind.MANUAL, reason="Call the customer", actor=SYSTEM
    )
    wh = shipped_wh = PickList.objects.first().wave.warehouse
    scenarios.order(unpicked.channel, [("TEE", 1)])
    asn = inbound_create(
        warehouse_id=wh.pk, number="ASN-9", lines=[{"sku": "TEE", "quantity": 3}], actor=SYSTEM
    )
    count = cycle_count_create(bin_id=bin_of(shipped_wh, "A-02-02-2").pk, actor=SYSTEM)
    pick_list = PickList.objects.first()
    inventory_services.lot_hold_place(
        product_id=product_get_by_code(code="TEE").pk,
        lot="L-77",
        kind="recall",
        reason="Supplier recall 77",
        actor=SYSTEM,
    )
    UserFactory(username="boss", roles=[roles.OPS_ADMIN])
    sign_in(phone, "boss")
    pages = [
        "/dashboard/",
        "/dashboard/exceptions/",
        "/dashboard/lots/",
        "/channels/sync/",
        "/orders/",
        "/orders/?q=ada@example.com",
        f"/orders/{shipped.number}/",
        f"/orders/{unpicked.number}/",
        f"/shipping/track/{tracking}/",
        "/warehouse/",
        "/warehouse/pick/",
        f"/warehouse/pick/{pick_list.pk}/",
        "/warehouse/pack/",
        "/warehouse/receive/",
        f"/warehouse/receive/{asn.pk}/",
        "/warehouse/move/",
        "/warehouse/count/",
        f"/warehouse/count/{count.pk}/",
        "/warehouse/labels/",
        "/warehouse/waves/routes/",
    ]
    problems = {}
    for n, url in enumerate(pages):
        # when
        response = phone.goto(url)
        # then
        found = {}
        if response.status != 200:
            found["status"] = response.status
        if (overflow := horizontal_overflow(phone)) > 0:
            found["overflow_px"] = overflow
        if unlabelled := phone.evaluate(UNLABELLED):
            found["unlabelled"] = unlabelled
        if violations := serious_axe_violations(phone):
            found["axe"] = violations
        if found:
            problems[url] = found
        shot(phone, f"page-{n:02d}-{url.strip('/').replace('/', '-').replace('?', '-') or 'home'}")
    assert problems == {}
