import csv
import io

import pytest

from shipping import services
from shipping.exceptions import NothingToManifest
from shipping.models import Manifest, Shipment
from tests.shipping.conftest import BOX, SHIP_TO, server_state

pytestmark = pytest.mark.django_db


def _shipment(warehouse, actor, fr, packages=(BOX,)):
    return services.shipment_create_with_label(
        fulfillment_request_id=fr,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=list(packages),
        service_level="standard",
        promised_by=None,
        actor=actor,
    )


def test_end_of_day_manifest_lists_every_labelled_shipment_once(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: three labels, one of them voided, one with two boxes
    a = _shipment(warehouse, actor, 1)
    b = _shipment(warehouse, actor, 2, packages=(BOX, {**BOX, "weight_g": 500}))
    voided = _shipment(warehouse, actor, 3)
    services.shipment_void(shipment_id=voided.pk, actor=actor)

    # when
    manifest = services.manifest_create(
        carrier_id=http_carrier.pk, warehouse_id=warehouse.pk, actor=actor
    )

    # then: the carrier got a scan form with the two live tracking numbers
    forms = server_state(mock_carrier)["scan_forms"]
    assert forms == {manifest.carrier_manifest_id: [a.tracking_number, b.tracking_number]}
    assert (manifest.shipment_count, manifest.package_count, manifest.total_weight_g) == (
        2,
        3,
        2900,
    )
    assert set(Shipment.objects.filter(manifest=manifest)) == {a, b}
    rows = list(csv.DictReader(io.StringIO(manifest.csv_text)))
    assert [(r["tracking_number"], r["package"]) for r in rows] == [
        (a.tracking_number, "1"),
        (b.tracking_number, "1"),
        (b.tracking_number, "2"),
    ]
    pdf = manifest.pdf_bytes()
    assert pdf.startswith(b"%PDF-")
    assert a.tracking_number.encode() in pdf

    # and a second close-out has nothing left to hand over
    with pytest.raises(NothingToManifest):
        services.manifest_create(carrier_id=http_carrier.pk, warehouse_id=warehouse.pk, actor=actor)
    assert Manifest.objects.count() == 1


def test_manifest_carrier_failure_writes_nothing(http_carrier, warehouse, actor, mock_carrier):
    # given
    from shipping.exceptions import CarrierUnavailable
    from tests.shipping.conftest import control

    shipment = _shipment(warehouse, actor, 1)
    control(mock_carrier, "fail", mode="500", count=5, path_prefix="/v2/scan_forms")

    # when
    with pytest.raises(CarrierUnavailable):
        services.manifest_create(carrier_id=http_carrier.pk, warehouse_id=warehouse.pk, actor=actor)

    # then
    assert Manifest.objects.count() == 0
    shipment.refresh_from_db()
    assert shipment.manifest_id is None
