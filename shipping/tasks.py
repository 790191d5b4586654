"""Celery tasks (interfaces only): tracking polls. Idempotent: tracking events are unique per
(shipment, carrier event id), so a redelivered task records nothing twice."""

from __future__ import annotations

from celery import shared_task

from common.types import Actor
from shipping import services
from shipping.exceptions import CarrierUnavailable


@shared_task(bind=True, acks_late=True, ignore_result=True)
def tracking_poll(self) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Poll the carrier for every shipment still on its way (run by beat)."""
    summary = services.tracking_poll_all(actor=Actor.system("tracking-poll"))
    return {"polled": summary.polled, "events": summary.events, "failed": summary.failed}


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(CarrierUnavailable,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def tracking_poll_one(self, shipment_id: int) -> int:  # type: ignore[no-untyped-def]
    """Poll one shipment now (retried with backoff while the carrier is unavailable)."""
    return len(
        services.tracking_poll_shipment(
            shipment_id=shipment_id, actor=Actor.system("tracking-poll")
        )
    )
