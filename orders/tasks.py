"""Celery tasks: thin interfaces over OMS services (ids in, one service call, idempotent)."""

from __future__ import annotations

from celery import shared_task

from common.types import Actor
from orders import services as orders_services
from orders.services import idempotency


@shared_task(acks_late=True, ignore_result=True)
def backorders_allocate(product_ids: list[int] | None = None) -> int:
    """Allocate backordered lines (all, or those of these products) now that stock is free."""
    return orders_services.backorders_allocate(
        product_ids=product_ids, actor=Actor.system("backorder-allocator")
    )


@shared_task(acks_late=True, ignore_result=True)
def cart_reservations_expire() -> int:
    """Free the stock of expired cart reservations."""
    return orders_services.cart_reservations_expire()


@shared_task(acks_late=True, ignore_result=True)
def idempotency_keys_purge() -> int:
    """Delete Idempotency-Key rows past their retention (≥ 24 h)."""
    return idempotency.idempotency_keys_purge()


@shared_task(acks_late=True, ignore_result=True)
def order_fraud_recheck(order_id: int) -> None:
    """Re-score one order; a fraud hold releases itself when the score fell under threshold."""
    orders_services.order_fraud_recheck(order_id=order_id)


@shared_task(acks_late=True, ignore_result=True)
def fraud_holds_recheck() -> int:
    """Re-score orders on rule-placed fraud holds (scores fall as velocity windows pass)."""
    return orders_services.fraud_holds_recheck()
