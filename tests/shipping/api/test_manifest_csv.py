"""The end-of-day manifest CSV neutralises spreadsheet formulas (OWASP CSV injection)."""

import csv
import io

import pytest

from common.testing.csv_payloads import PAYLOADS, is_neutral
from shipping import services as shipping_services
from tests.shipping.conftest import BOX, SHIP_TO

pytestmark = pytest.mark.django_db


def test_manifest_csv_neutralises_formulas(http_carrier, warehouse, warehouse_client, actor):
    # given one shipment per payload, the payload in the name, city and postal code
    for i, evil in enumerate(PAYLOADS):
        shipping_services.shipment_create_with_label(
            fulfillment_request_id=100 + i,
            warehouse_id=warehouse.pk,
            ship_to={**SHIP_TO, "name": evil, "city": evil},
            packages=[BOX],
            service_level="standard",
            promised_by=None,
            actor=actor,
        )
    # when the day is closed and the manifest CSV downloaded
    created = warehouse_client.post(
        "/api/v1/manifests/", {"carrier": "MOCK", "warehouse_id": warehouse.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    body = warehouse_client.get(f"/api/v1/manifests/{created.json()['id']}/csv/").content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    # then every cell is inert, and the text (stored trimmed) is kept behind the apostrophe
    assert len(rows) == len(PAYLOADS)
    assert all(is_neutral(cell) for row in rows for cell in row.values())
    assert sorted(r["ship_to_name"] for r in rows) == sorted(f"'{p.strip()}" for p in PAYLOADS)
    assert {r["weight_g"] for r in rows} == {"1200"}  # numbers are numbers, untouched
