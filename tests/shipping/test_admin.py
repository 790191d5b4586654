import pytest
from django.contrib.auth import get_user_model

from shipping import services
from shipping.models import Manifest
from tests.shipping.conftest import BOX, SHIP_TO

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-12345-long")
    client.force_login(user)
    return client


def test_close_day_action_manifests_each_warehouse(
    http_carrier, warehouse, actor, admin_client_logged_in
):
    # given
    services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )

    # when
    response = admin_client_logged_in.post(
        "/admin/shipping/carrier/",
        {"action": "close_day", "_selected_action": [http_carrier.pk]},
        follow=True,
    )

    # then
    assert response.status_code == 200
    manifest = Manifest.objects.get()
    assert (manifest.carrier, manifest.warehouse, manifest.shipment_count) == (
        http_carrier,
        warehouse,
        1,
    )
    assert manifest.actor == "boss"


def test_shipment_pages_render_without_label_blobs(
    http_carrier, warehouse, actor, admin_client_logged_in
):
    shipment = services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )

    listing = admin_client_logged_in.get("/admin/shipping/shipment/")
    detail = admin_client_logged_in.get(f"/admin/shipping/shipment/{shipment.pk}/change/")

    assert listing.status_code == 200
    assert shipment.tracking_number in listing.content.decode()
    assert detail.status_code == 200
    assert f"/api/v1/shipments/{shipment.pk}/label-pdf/" in detail.content.decode()
