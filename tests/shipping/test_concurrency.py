import threading

import pytest
from django.db import connection

from shipping import services
from shipping.models import Shipment
from tests.shipping.conftest import BOX, SHIP_TO, server_state


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_packers_labelling_the_same_request_get_one_label(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: two threads (two pack stations) racing for the same fulfillment request
    barrier = threading.Barrier(2)
    results, errors = [], []

    def pack():
        try:
            barrier.wait()
            results.append(
                services.shipment_create_with_label(
                    fulfillment_request_id=77,
                    warehouse_id=warehouse.pk,
                    ship_to=SHIP_TO,
                    packages=[BOX],
                    service_level="standard",
                    promised_by=None,
                    actor=actor,
                ).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pack) for _ in range(2)]

    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then: one shipment, one label sold, both callers got it
    assert errors == []
    shipment = Shipment.objects.get()
    assert results == [shipment.pk, shipment.pk]
    sold = [
        code
        for code, s in server_state(mock_carrier)["shipments"].items()
        if s["reference"] == "FR-77"
    ]
    assert sold == [shipment.tracking_number]
