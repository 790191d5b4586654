"""Scenarios for notification tests, built through the real services."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from orders import services as orders_services
from orders.services import edits as order_edits
from orders.services import returns as return_services
from shipping import services as shipping_services
from shipping.carriers.base import TrackingUpdate
from shipping.models import Shipment
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM
from warehouse.services import returns as warehouse_returns


def shipped_order():
    """Ada's order shipped (pick, pack, label, ship confirm) and Alan's open; (ada, alan, tn)."""
    return scenarios.shipped_and_open_orders()


def deliver(tracking_number: str) -> None:
    shipment = Shipment.objects.get(tracking_number=tracking_number)
    with transaction.atomic():
        shipping_services.tracking_events_record(
            shipment_id=shipment.pk,
            updates=[
                TrackingUpdate(
                    event_id=f"{tracking_number}-dlv",
                    status="delivered",
                    description="Delivered, front door",
                    occurred_at=datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
                )
            ],
            source="webhook",
            actor=SYSTEM,
        )


def receive_return(order) -> object:
    line = order.lines.order_by("line_number").first()
    rma = return_services.return_request(
        order_id=order.pk, lines=[(line.pk, 1)], reason="too small", actor=SYSTEM
    )
    return_services.return_approve(rma_id=rma.pk, actor=SYSTEM)
    shipment = Shipment.objects.filter(order_id=order.pk).first()
    warehouse_returns.return_receive(
        rma_id=rma.pk,
        warehouse_id=shipment.warehouse_id,
        lines=[(rma.lines.get().pk, 1)],
        actor=SYSTEM,
    )
    return rma


def cancel(order) -> None:
    order_edits.order_cancel(order_id=order.pk, actor=SYSTEM, reason="changed mind")


def refund(order) -> None:
    orders_services.order_payment_update(order_id=order.pk, payment_status="refunded", actor=SYSTEM)
