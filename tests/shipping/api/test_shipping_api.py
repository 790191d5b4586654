import json
import time

import pytest
from django.utils import timezone

from shipping import services
from shipping.models import Manifest, Shipment
from tests.shipping.conftest import BOX, SHIP_TO, control

pytestmark = pytest.mark.django_db


def _body(warehouse, **overrides):
    body = {
        "fulfillment_request_id": 301,
        "warehouse_id": warehouse.pk,
        "ship_to": SHIP_TO,
        "packages": [BOX],
        "service_level": "standard",
    }
    body.update(overrides)
    return body


def test_warehouse_operator_buys_a_label_and_downloads_it(
    http_carrier, warehouse, warehouse_client
):
    # when
    created = warehouse_client.post("/api/v1/shipments/", _body(warehouse), format="json")

    # then
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["carrier"] == "MOCK"
    assert data["service"] == "GROUND"
    assert data["status"] == "label_purchased"
    pdf = warehouse_client.get(f"/api/v1/shipments/{data['id']}/label-pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert data["tracking_number"].encode() in pdf.content
    zpl = warehouse_client.get(f"/api/v1/shipments/{data['id']}/label-zpl/")
    assert zpl.status_code == 200
    assert "^BC" in zpl.content.decode()
    assert data["tracking_number"] in zpl.content.decode()


def test_create_with_bad_input_is_400_with_field_messages(
    http_carrier, warehouse, warehouse_client
):
    response = warehouse_client.post(
        "/api/v1/shipments/",
        _body(warehouse, packages=[{**BOX, "weight_g": 0}], ship_to={**SHIP_TO, "country": "USA"}),
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "packages" in fields
    assert "ship_to" in fields
    assert Shipment.objects.count() == 0


def test_promise_nobody_can_meet_is_409(http_carrier, warehouse, warehouse_client):
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()

    response = warehouse_client.post(
        "/api/v1/shipments/", _body(warehouse, promised_by=yesterday), format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_service_meets_promise"
    assert Shipment.objects.count() == 0


def test_carrier_down_is_503_and_nothing_is_written(
    http_carrier, warehouse, warehouse_client, mock_carrier
):
    control(mock_carrier, "fail", mode="500", count=10)

    response = warehouse_client.post("/api/v1/shipments/", _body(warehouse), format="json")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "carrier_unavailable"
    assert Shipment.objects.count() == 0


def test_rates_endpoint_lists_quotes_and_the_choice(http_carrier, warehouse, cs_client):
    response = cs_client.post(
        "/api/v1/shipping/rates/",
        {
            "warehouse_id": warehouse.pk,
            "ship_to": SHIP_TO,
            "packages": [BOX],
            "service_level": "expedited",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["chosen"]["service"] == "2DAY"
    assert [q["service"] for q in data["quotes"]] == ["ECONOMY", "GROUND", "2DAY", "OVERNIGHT"]
    assert [q["meets_promise"] for q in data["quotes"]] == [False, False, True, True]


def test_list_filter_and_detail(
    http_carrier, warehouse, actor, cs_client, django_assert_max_num_queries
):
    # given
    shipment = services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
        order_id=55,
    )
    services.shipment_create_with_label(
        fulfillment_request_id=2,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
        order_id=56,
    )

    # when
    with django_assert_max_num_queries(8):
        listed = cs_client.get("/api/v1/shipments/", {"order_id": 55})
    by_tracking = cs_client.get(
        "/api/v1/shipments/", {"tracking_number": shipment.tracking_number.lower()}
    )
    detail = cs_client.get(f"/api/v1/shipments/{shipment.pk}/")

    # then
    assert [r["id"] for r in listed.json()["results"]] == [shipment.pk]
    assert [r["id"] for r in by_tracking.json()["results"]] == [shipment.pk]
    assert detail.json()["packages"] == [
        {"sequence": 1, "weight_g": 1200, "length_mm": 300, "width_mm": 200, "height_mm": 150}
    ]


def test_commands_mark_shipped_track_and_void(
    http_carrier, warehouse, warehouse_client, mock_carrier
):
    created = warehouse_client.post("/api/v1/shipments/", _body(warehouse), format="json").json()
    voidable = warehouse_client.post(
        "/api/v1/shipments/", _body(warehouse, fulfillment_request_id=302), format="json"
    ).json()

    shipped = warehouse_client.post(f"/api/v1/shipments/{created['id']}/mark-shipped/")
    control(mock_carrier, "advance", tracking_code=created["tracking_number"], push=False)
    tracked = warehouse_client.post(f"/api/v1/shipments/{created['id']}/track/")
    cannot_void = warehouse_client.post(f"/api/v1/shipments/{created['id']}/void/")
    voided = warehouse_client.post(f"/api/v1/shipments/{voidable['id']}/void/")

    assert shipped.json()["status"] == "shipped"
    assert tracked.json()["status"] == "in_transit"
    assert tracked.json()["tracking_events"][0]["status"] == "in_transit"
    assert cannot_void.status_code == 409
    assert voided.json()["status"] == "voided"


def test_manifest_endpoints(http_carrier, warehouse, warehouse_client, actor):
    services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )

    created = warehouse_client.post(
        "/api/v1/manifests/", {"carrier": "MOCK", "warehouse_id": warehouse.pk}, format="json"
    )
    empty = warehouse_client.post(
        "/api/v1/manifests/", {"carrier": "MOCK", "warehouse_id": warehouse.pk}, format="json"
    )

    assert created.status_code == 201, created.content
    manifest_id = created.json()["id"]
    assert created.json()["shipment_count"] == 1
    assert empty.status_code == 409
    csv_response = warehouse_client.get(f"/api/v1/manifests/{manifest_id}/csv/")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().count("\n") == 2
    pdf_response = warehouse_client.get(f"/api/v1/manifests/{manifest_id}/pdf/")
    assert pdf_response.content.startswith(b"%PDF-")
    assert Manifest.objects.count() == 1


def test_webhook_endpoint_checks_the_signature(http_carrier, warehouse, actor, anon_client):
    shipment = services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )
    body = json.dumps(
        {
            "description": "tracker.updated",
            "result": {
                "tracking_code": shipment.tracking_number,
                "status": "in_transit",
                "tracking_details": [
                    {
                        "id": "x1",
                        "status": "in_transit",
                        "message": "Departed",
                        "datetime": "2026-11-20T10:00:00Z",
                    }
                ],
            },
        }
    ).encode()
    ts = str(int(time.time()))
    good = services.webhook_signature(secret="carrier-whsec", timestamp=ts, body=body)

    bad = anon_client.post(
        "/api/v1/carrier-webhooks/MOCK/",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_HMAC_SIGNATURE=good.replace("a", "b").replace("1", "2"),
    )
    ok = anon_client.post(
        "/api/v1/carrier-webhooks/MOCK/",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_HMAC_SIGNATURE=good,
    )
    malformed_body = b'{"result": 1}'
    malformed = anon_client.post(
        "/api/v1/carrier-webhooks/MOCK/",
        malformed_body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_HMAC_SIGNATURE=services.webhook_signature(
            secret="carrier-whsec", timestamp=ts, body=malformed_body
        ),
    )

    assert bad.status_code == 401
    assert ok.status_code == 200
    assert ok.json() == {
        "tracking_number": shipment.tracking_number,
        "recorded": 1,
        "ignored": False,
    }
    assert malformed.status_code == 400


@pytest.mark.parametrize(
    ("_case", "client_fixture", "method", "path", "expected"),
    [
        ("anonymous cannot list", "anon_client", "get", "/api/v1/shipments/", 401),
        ("anonymous cannot buy", "anon_client", "post", "/api/v1/shipments/", 401),
        ("customer service reads", "cs_client", "get", "/api/v1/shipments/", 200),
        ("customer service cannot buy labels", "cs_client", "post", "/api/v1/shipments/", 403),
        ("customer service cannot close the day", "cs_client", "post", "/api/v1/manifests/", 403),
        ("picker reads carriers", "warehouse_client", "get", "/api/v1/carriers/", 200),
        ("ops reads manifests", "ops_client", "get", "/api/v1/manifests/", 200),
    ],
)
def test_permissions(request, http_carrier, _case, client_fixture, method, path, expected):
    client = request.getfixturevalue(client_fixture)

    response = getattr(client, method)(path, {}, format="json")

    assert response.status_code == expected


def test_carriers_list_shows_service_levels(http_carrier, ops_client):
    data = ops_client.get("/api/v1/carriers/").json()

    mock = next(c for c in data["results"] if c["code"] == "MOCK")
    assert [s["code"] for s in mock["services"]] == ["OVERNIGHT", "2DAY", "GROUND", "ECONOMY"]
    assert mock["uses_http"] is True
