import itertools

import pytest

from orders.exceptions import InvalidTransition
from orders.states import (
    FULFILLMENT_REQUEST_TRANSITIONS,
    ORDER_TRANSITIONS,
    RETURN_TRANSITIONS,
    FulfillmentRequestStatus,
    OrderStatus,
    ReturnStatus,
    ensure_fulfillment_request_transition,
    ensure_order_transition,
    ensure_return_transition,
)

MACHINES = [
    ("order", OrderStatus, ORDER_TRANSITIONS, ensure_order_transition),
    (
        "fulfillment_request",
        FulfillmentRequestStatus,
        FULFILLMENT_REQUEST_TRANSITIONS,
        ensure_fulfillment_request_transition,
    ),
    ("return", ReturnStatus, RETURN_TRANSITIONS, ensure_return_transition),
]
CASES = [
    (name, src, dst, dst in table[src], guard)
    for name, choices, table, guard in MACHINES
    for src, dst in itertools.product(choices.values, choices.values)
]


def test_every_status_has_a_row():
    for _name, choices, table, _guard in MACHINES:
        assert set(table) == set(choices.values)


@pytest.mark.parametrize(
    ("_machine", "src", "dst", "allowed", "guard"),
    CASES,
    ids=[f"{c[0]}:{c[1]}->{c[2]}" for c in CASES],
)
def test_transition_allowed_or_refused_per_table(_machine, src, dst, allowed, guard):
    if allowed:
        guard(src, dst)
    else:
        with pytest.raises(InvalidTransition) as exc:
            guard(src, dst)
        assert exc.value.extra == {"current": src, "requested": dst}
        assert f"'{src}' to '{dst}'" in exc.value.message


def test_final_statuses_go_nowhere():
    for status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        assert ORDER_TRANSITIONS[status] == frozenset()
    assert FULFILLMENT_REQUEST_TRANSITIONS[FulfillmentRequestStatus.CLOSED] == frozenset()


@pytest.mark.django_db
def test_the_status_writer_refuses_a_transition_outside_the_table_and_writes_nothing():
    from orders.services.lifecycle import _order_set_status
    from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

    wh = warehouse("ST1")
    stock(product("ST-A"), wh, 1)
    order = capture(channel(wh), [("ST-A", 1)])
    events = order.events.count()

    with pytest.raises(InvalidTransition) as exc:
        _order_set_status(order=order, to=OrderStatus.DELIVERED, actor=SYSTEM)

    assert "from 'released' it may go to" in exc.value.message
    order.refresh_from_db()
    assert order.status == "released"
    assert order.events.count() == events
