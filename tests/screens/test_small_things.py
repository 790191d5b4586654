"""Small things users noticed (issue 10 item 20), each through the page or command they saw."""

import datetime as dt
import pathlib
import re

import pytest
from django.utils import timezone

from common.management.commands.seed_demo import USERS
from shipping import services as shipping_services
from shipping.carriers.base import TrackingUpdate
from shipping.models import Shipment
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_start_banner_names_every_demo_login():
    # given: the logins seed_demo creates; when: the banner bin/run-server prints
    banner = (ROOT / "bin" / "run-server").read_text().split("<<TXT", 1)[1].split("TXT", 1)[0]
    # then: every one of them is named
    missing = [name for name, _role, _su in USERS if not re.search(rf"\b{name}\b", banner)]
    assert missing == []


def test_order_page_prints_a_us_address_with_the_city_before_the_postal_code(cs):
    # given: an order shipping to Mountain View, CA 94043
    floor = scenarios.released_batch()
    order = floor.orders[0]
    # when
    page = cs.get(f"/orders/{order.number}/").content.decode()
    # then: US order: city, state, then ZIP
    ship_to = page.split("Ship to", 1)[1].split("</dd>", 1)[0]
    assert re.search(r"MOUNTAIN VIEW,?\s+CA\s+94043", ship_to, re.IGNORECASE), ship_to
    assert ship_to.lower().index("mountain view") < ship_to.index("94043")


def test_tracking_page_says_delivered_not_expected_after_delivery(cs):
    # given: a shipped parcel the carrier has delivered
    _shipped, _open, tracking = scenarios.shipped_and_open_orders()
    shipment = Shipment.objects.get(tracking_number=tracking)
    Shipment.objects.filter(pk=shipment.pk).update(
        estimated_delivery_date=timezone.now().date() + dt.timedelta(days=2)
    )
    delivered_at = timezone.now().replace(microsecond=0)
    shipping_services.tracking_events_record(
        shipment_id=shipment.pk,
        updates=[
            TrackingUpdate("e1", "in_transit", "Departed", delivered_at - dt.timedelta(hours=5)),
            TrackingUpdate("e2", "delivered", "Left at the door", delivered_at),
        ],
        source="test",
        actor=SYSTEM,
    )
    # when
    page = cs.get(f"/shipping/track/{tracking}/").content.decode()
    # then
    facts = page.split('class="facts"', 1)[1].split("</dl>", 1)[0]
    assert "Expected" not in facts
    assert "Delivered" in facts
    assert timezone.localtime(delivered_at).strftime("%Y-%m-%d") in facts


def test_pick_screen_shows_item_names_with_the_sku_codes(operator):
    # given: a released pick list
    floor = scenarios.released_batch()
    names = {line.product.sku: line.product.name for line in floor.pick_list.lines.all()}
    # when
    page = operator.get(f"/warehouse/pick/{floor.pick_list.pk}/").content.decode()
    # then: the route and the current pick name the items as well as their SKUs
    route = page.split('data-testid="route"', 1)[1].split("</ol>", 1)[0]
    for sku, name in names.items():
        assert name
        assert name in route
        assert sku in route
    expect = page.split('data-testid="expect"', 1)[1].split("</div>", 1)[0]
    assert any(name in expect for name in names.values())


def test_wave_screen_tells_how_many_orders_wait_and_which_orders_are_on_which_pick_list(
    supervisor,
):
    # given: a released wave of two orders, and one more order waiting for the next wave
    floor = scenarios.released_batch()
    waiting = scenarios.order(floor.channel, [("TEE", 1)])
    # when
    page = supervisor.get("/warehouse/").content.decode()
    # then
    waiting_text = re.sub(
        r"<[^>]+>", "", page.split('data-testid="waiting"', 1)[1].split("</p>")[0]
    )
    assert re.search(r"\b1 order waiting for a wave", waiting_text), waiting_text
    lists = page.split('data-testid="wave-pick-lists"', 1)[1].split("</ul>", 1)[0]
    assert floor.pick_list.number in lists
    for order in floor.orders:
        assert order.number in lists
    assert waiting.number not in lists


def test_order_timeline_uses_status_labels_not_codes(cs):
    # given: an order whose request was released and taken into a wave
    floor = scenarios.released_batch()
    order = floor.orders[0]
    # when
    page = cs.get(f"/orders/{order.number}/").content.decode()
    # then
    timeline = page.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "in_progress" not in timeline
    assert "in_fulfillment" not in timeline
    assert "In progress" in timeline
