"""Ops dashboard and exceptions queue: figures, bounded queries, and the resolving actions."""

import datetime as dt

import pytest
from django.utils import timezone

from channels_sync.models import OutboxMessage
from common.types import Actor
from orders import services as orders_services
from orders.choices import HoldKind
from orders.models import Hold
from tests.orders import builders as b
from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.services.counts import cycle_count_create, cycle_count_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = b.warehouse("WH1")
    ch = b.channel(wh, code="web")
    b.stock(b.product("SKU-1"), wh, 100)
    return ch


def _held(shop, n):
    orders = []
    for _ in range(n):
        order = b.capture(shop, [("SKU-1", 1)])
        orders_services.order_hold_place(
            order_id=order.pk, kind=HoldKind.MANUAL, reason="check address by phone", actor=SYSTEM
        )
        orders.append(order)
    return orders


def test_dashboard_shows_figures_and_chart_data(ops, shop):
    # given: 3 orders now, one of them late; one held
    late = b.capture(
        shop, [("SKU-1", 1)], promised_ship_by=(timezone.now() - dt.timedelta(hours=2)).isoformat()
    )
    b.capture(shop, [("SKU-1", 1)])
    _held(shop, 1)
    # when
    response = ops.get("/dashboard/")
    # then
    ctx = response.context
    assert response.status_code == 200
    assert ctx["orders_24h"] == 3
    assert ctx["late_count"] == 1
    assert [o.pk for o in ctx["late_orders"]] == [late.pk]
    assert ctx["holds_total"] == 1
    assert sum(sum(s["data"]) for s in ctx["charts"]["orders"]) == 3
    assert len(ctx["charts"]["hours"]) == 24
    assert ctx["charts"]["sync"]["labels"] == ["web"]
    page = response.content.decode()
    assert 'id="dashboard-data"' in page
    assert "chart-4.6.1.umd.min.js" in page


def test_dashboard_query_count_does_not_grow_with_data(ops, shop, django_assert_max_num_queries):
    _held(shop, 2)
    with django_assert_max_num_queries(40) as few:
        ops.get("/dashboard/")
    _held(shop, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        ops.get("/dashboard/")


def test_exceptions_query_count_does_not_grow_with_holds(ops, shop, django_assert_max_num_queries):
    _held(shop, 2)
    with django_assert_max_num_queries(30) as few:
        ops.get("/dashboard/exceptions/")
    _held(shop, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = ops.get("/dashboard/exceptions/")
    assert len(response.context["holds"]) == 17


def test_ops_releases_a_hold_from_the_queue(ops, shop):
    order = _held(shop, 1)[0]
    hold = Hold.objects.get(order=order, released_at__isnull=True)
    page = ops.get("/dashboard/exceptions/").content.decode()
    assert f"Release hold on {order.number}" in page

    response = ops.post(
        f"/dashboard/exceptions/holds/{hold.pk}/release/", {"note": "verified"}, follow=True
    )

    hold.refresh_from_db()
    assert hold.released_at is not None
    assert hold.release_note == "verified"
    assert [str(m) for m in response.context["messages"]] == ["Hold released."]
    assert response.context["holds"] == []


def test_releasing_an_already_released_hold_shows_the_services_message(ops, shop):
    order = _held(shop, 1)[0]
    hold = Hold.objects.get(order=order, released_at__isnull=True)
    ops.post(f"/dashboard/exceptions/holds/{hold.pk}/release/", follow=True)
    response = ops.post(f"/dashboard/exceptions/holds/{hold.pk}/release/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_ops_retries_a_dead_sync_message(ops, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    now = timezone.now()
    message = OutboxMessage.objects.create(
        channel=shop,
        topic="order_status",
        key=str(order.pk),
        payload={"status": "released"},
        next_attempt_at=now,
        pending_since=now,
        dead_at=now,
        attempts=8,
        last_error="HTTP 500",
    )
    page = ops.get("/dashboard/exceptions/").content.decode()
    assert "HTTP 500" in page

    ops.post(f"/dashboard/exceptions/sync/{message.pk}/retry/")

    message.refresh_from_db()
    assert message.dead_at is None
    assert message.attempts == 0


def test_supervisor_work_count_variance_is_approved_from_the_queue(ops):
    wh = make_warehouse()
    tee = product("TEE", barcode="0001", abc="A")
    stocked(tee, bin_of(wh, "A-01-01-2"), 100)
    count = cycle_count_create(bin_id=bin_of(wh, "A-01-01-2").pk, actor=SYSTEM)
    for counter in (SYSTEM, Actor.system("second counter")):
        cycle_count_submit(
            count_id=count.pk, counted=[{"code": "TEE", "quantity": 70}], actor=counter
        )
    assert [c.pk for c in ops.get("/dashboard/exceptions/").context["counts"]] == [count.pk]

    ops.post(f"/dashboard/exceptions/counts/{count.pk}/", {"decision": "approve"})

    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 70


@pytest.mark.parametrize("fixture", ["cs", "operator", "supervisor"])
def test_only_ops_may_act_on_exceptions(request, fixture, shop):
    order = _held(shop, 1)[0]
    hold = Hold.objects.get(order=order)
    client = request.getfixturevalue(fixture)
    assert client.post(f"/dashboard/exceptions/holds/{hold.pk}/release/").status_code == 403
    hold.refresh_from_db()
    assert hold.released_at is None


def test_dashboard_lists_stock_alerts_lowest_first(ops):
    wh = b.warehouse("WH1")
    b.channel(wh, code="web")
    b.stock(b.product("LOW"), wh, 3)
    b.stock(b.product("PLENTY"), wh, 50)
    response = ops.get("/dashboard/")
    assert [(a.product.sku, a.available_units) for a in response.context["alerts"]] == [("LOW", 3)]
    assert response.context["alerts_count"] == 1
    assert "LOW" in response.content.decode()


def test_sync_health_page_lists_channels_and_parked_messages(
    ops, cs, shop, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(3):
        OutboxMessage.objects.create(
            channel=shop,
            topic="order_status",
            key=str(1000 + n),
            payload={},
            next_attempt_at=now,
            pending_since=now,
            dead_at=now,
            attempts=8,
            last_error="HTTP 502",
        )
    with django_assert_max_num_queries(12):
        response = ops.get("/channels/sync/")
    assert response.status_code == 200
    assert [h.channel_code for h in response.context["health"]] == ["web"]
    assert len(response.context["dead"]) == 3
    assert "Retry web 1000" in response.content.decode()
    assert cs.get("/channels/sync/").status_code == 403


def test_units_picked_counts_confirmed_pick_lines_while_the_list_is_still_open(ops):
    # given: a released wave; the picker has confirmed the first pick, the list is not finished
    from tests.screens import scenarios
    from warehouse.services.picking import pick_confirm, pick_list_next

    floor = scenarios.released_batch()
    d = pick_list_next(pick_list_id=floor.pick_list.pk).data
    pick_confirm(
        pick_line_id=d["pick_line_id"],
        bin_code=d["bin"],
        item_code=d["sku"],
        quantity=d["quantity"],
        tote_code=d["tote"],
        actor=SYSTEM,
    )
    floor.pick_list.refresh_from_db()
    assert floor.pick_list.status != "done"

    # when
    response = ops.get("/dashboard/")

    # then: the figure and the hourly pick series count the confirmed units
    assert response.context["picked_24h"] == d["quantity"]
    pick_series = next(s for s in response.context["charts"]["rates"] if s["label"] == "Pick units")
    assert sum(pick_series["data"]) == d["quantity"]
    assert response.context["packed_24h"] == 0
