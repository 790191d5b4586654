import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from shipping import services
from shipping.models import Carrier, ServiceLevel
from shipping.tasks import tracking_poll, tracking_poll_one
from tests.shipping.conftest import BOX, SHIP_TO, control

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_mock_carrier_command_serves_the_carrier_api():
    # given
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_mock_carrier", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # poll until the server answers (generous)
        while True:
            try:
                httpx.get(f"{url}/_control/state", timeout=0.5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("run_mock_carrier never answered")
                time.sleep(0.1)

        # when
        response = httpx.post(
            f"{url}/v2/rates",
            json={
                "shipment": {"to_address": {"postal_code": "1", "country": "US"}, "parcels": [BOX]}
            },
        )

        # then
        assert response.status_code == 200
        assert {r["service"] for r in response.json()["rates"]} == {
            "ECONOMY",
            "GROUND",
            "2DAY",
            "OVERNIGHT",
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.django_db
def test_setup_carriers_is_idempotent_and_can_point_at_a_server():
    call_command("setup_carriers")
    call_command("setup_carriers", "--base-url", "http://127.0.0.1:8765", "--webhook-secret", "s3")

    carrier = Carrier.objects.get()
    assert carrier.base_url == "http://127.0.0.1:8765"
    assert carrier.webhook_secret == "s3"
    assert ServiceLevel.objects.filter(carrier=carrier).count() == 4


@pytest.mark.django_db
def test_tracking_poll_task_records_scans(http_carrier, warehouse, actor, mock_carrier):
    # given
    shipment = services.shipment_create_with_label(
        fulfillment_request_id=1,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )

    # when: run in this process, as a worker would
    summary = tracking_poll.apply().get()
    again = tracking_poll_one.apply(args=[shipment.pk]).get()

    # then
    assert summary == {"polled": 1, "events": 3, "failed": 0}
    assert again == 0
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
