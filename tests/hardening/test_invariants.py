"""The system-wide consistency conditions hold after a mixed day built through the services,
and each condition catches the row someone broke behind the services' back."""

import pytest
from django.db import connection
from django.utils import timezone

from audit.consistency import consistency_check
from channels_sync.models import Listing
from orders import services as orders_services
from orders.models import FulfillmentRequest, OrderLine
from orders.services.edits import order_cancel
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day():
    """Orders captured, some picked and shipped, one cancelled, one short-picked."""
    wh1, wh2 = warehouse("INV1"), warehouse("INV2")
    a, b = product("INV-A"), product("INV-B")
    stock(a, wh1, 10)
    stock(b, wh1, 4)
    stock(a, wh2, 5)
    ch = channel(wh1, wh2, kind="shopify", base_url="http://shop.invalid")
    for p in (a, b):  # listed on the channel, so stock and status changes are queued for it
        Listing.objects.create(channel=ch, product=p, channel_sku=p.sku)
    shipped = capture(ch, [("INV-A", 2), ("INV-B", 1)])
    picked = capture(ch, [("INV-A", 1)])
    cancelled = capture(ch, [("INV-B", 2)])
    capture(ch, [("INV-A", 3)])  # released, untouched

    request = FulfillmentRequest.objects.get(order=shipped)
    orders_services.fulfillment_request_start(request_id=request.pk, actor=SYSTEM)
    for line in request.lines.all():
        orders_services.fulfillment_line_picked(
            line_id=line.pk, quantity=line.quantity, actor=SYSTEM
        )
    orders_services.fulfillment_request_shipped(
        request_id=request.pk,
        shipment_id=1,
        carrier="MOCK",
        tracking_number="1ZINV",
        lines=[(line.pk, line.quantity) for line in request.lines.all()],
        actor=SYSTEM,
    )
    orders_services.order_tracking_event(
        order_id=shipped.pk,
        status="delivered",
        description="delivered",
        occurred_at=timezone.now(),
        actor=SYSTEM,
    )
    request = FulfillmentRequest.objects.get(order=picked)
    orders_services.fulfillment_request_start(request_id=request.pk, actor=SYSTEM)
    orders_services.fulfillment_line_picked(
        line_id=request.lines.get().pk, quantity=1, actor=SYSTEM
    )
    order_cancel(order_id=cancelled.pk, reason="customer", actor=SYSTEM)
    return {"shipped": shipped, "picked": picked}


def test_every_condition_is_checked_and_holds_after_a_busy_day(busy_day):
    report = consistency_check()
    assert report.skipped == []
    assert len(report.checked) == 6
    assert report.problems == []


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_order_line_out_of_step_with_its_fulfillment_lines_is_named(busy_day):
    line = OrderLine.objects.filter(order=busy_day["picked"]).get()
    _sql(f"UPDATE {OrderLine._meta.db_table} SET quantity_picked = 0 WHERE id = %s", [line.pk])
    problems = consistency_check().problems
    assert [(p.check, p.key, p.expected, p.actual) for p in problems] == [
        ("order line picked == Σ fulfillment lines picked", f"order_line={line.pk}", 1, 0)
    ]


def test_shipped_order_with_an_unshipped_line_is_named(busy_day):
    order = busy_day["shipped"]
    line = OrderLine.objects.filter(order=order).order_by("pk").first()
    # a line added to the order after it shipped (bypassing the services)
    _sql(
        f"UPDATE {OrderLine._meta.db_table} SET quantity = quantity + 1 WHERE id = %s",
        [line.pk],
    )
    problems = [p for p in consistency_check().problems if p.check.startswith("shipped order")]
    assert [(p.key, p.expected, p.actual) for p in problems] == [
        (f"order={order.pk} order_line={line.pk}", line.quantity + 1, line.quantity)
    ]


def test_outbox_message_in_no_state_is_named(busy_day):
    from channels_sync.models import OutboxMessage

    message = OutboxMessage.objects.order_by("pk").first()
    if message is None:
        pytest.fail("the busy day should have written outbox rows for its channel")
    _sql(
        f"UPDATE {OutboxMessage._meta.db_table} SET version = sent_version + 1, "
        "dead_at = NULL, pending_since = NULL WHERE id = %s",
        [message.pk],
    )
    problems = consistency_check().problems
    assert [p.check for p in problems] == ["outbox message is sent, pending or dead"]
    assert f"outbox={message.pk} " in problems[0].key
