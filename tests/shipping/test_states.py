import itertools

import pytest

from shipping.exceptions import InvalidShipmentTransition
from shipping.states import (
    SHIPMENT_TRANSITIONS,
    ShipmentStatus,
    can_transition,
    ensure_shipment_transition,
)

S = ShipmentStatus
ALLOWED = {
    (S.LABEL_PURCHASED, S.SHIPPED),
    (S.LABEL_PURCHASED, S.IN_TRANSIT),
    (S.LABEL_PURCHASED, S.OUT_FOR_DELIVERY),
    (S.LABEL_PURCHASED, S.DELIVERED),
    (S.LABEL_PURCHASED, S.EXCEPTION),
    (S.LABEL_PURCHASED, S.VOIDED),
    (S.SHIPPED, S.IN_TRANSIT),
    (S.SHIPPED, S.OUT_FOR_DELIVERY),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.EXCEPTION),
    (S.IN_TRANSIT, S.OUT_FOR_DELIVERY),
    (S.IN_TRANSIT, S.DELIVERED),
    (S.IN_TRANSIT, S.EXCEPTION),
    (S.OUT_FOR_DELIVERY, S.DELIVERED),
    (S.OUT_FOR_DELIVERY, S.EXCEPTION),
    (S.EXCEPTION, S.IN_TRANSIT),
    (S.EXCEPTION, S.OUT_FOR_DELIVERY),
    (S.EXCEPTION, S.DELIVERED),
}


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(S.values, S.values)))
def test_transition_table(src, dst):
    # given / when
    allowed = can_transition(src, dst)

    # then
    assert allowed == ((src, dst) in ALLOWED)
    if not allowed:
        with pytest.raises(InvalidShipmentTransition):
            ensure_shipment_transition(src, dst)


def test_every_status_has_a_row():
    assert set(SHIPMENT_TRANSITIONS) == set(S.values)
