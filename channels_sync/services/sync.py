"""Outbound sync: drain the outbox to the channels, reconcile, retry dead messages.

Invariants:
* A row is delivered under a lease (locks.outbox_claim), never under a row lock, and every
  write after the HTTP call is conditional on still holding that lease (`lease_token`), so a
  worker whose lease expired (killed, stalled) cannot mark anything.
* Stock values are read from the truth (inventory selectors) after the rows are claimed, so
  the value pushed is at least as new as the version claimed; the version (or the Shopify
  compare quantity) travels with the push so that an older push never overwrites a newer one.
* `sent_version` only grows; a row whose `version` grew during the push stays pending and is
  pushed again with the newer truth.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Case, DateTimeField, F, Q, Value, When
from django.utils import timezone

from channels_sync import outbox
from channels_sync.adapters import adapter_for
from channels_sync.adapters.base import (
    ChannelAdapter,
    ChannelError,
    PermanentError,
    RateLimited,
    ShipmentInfo,
    StockItem,
)
from channels_sync.choices import OutboxTopic
from channels_sync.locks import Claim, outbox_claim
from channels_sync.models import Channel, InboundEvent, Listing, OutboxMessage
from channels_sync.ratelimit import rate_limit_block, rate_limit_wait
from common.exceptions import Conflict, NotFound
from common.types import Actor
from inventory import selectors as inventory_selectors
from notifications import outbox as notification_outbox

logger = logging.getLogger(__name__)

TOPIC_ORDER = [
    OutboxTopic.STOCK,
    OutboxTopic.SHIPMENT,
    OutboxTopic.CANCELLATION,
    OutboxTopic.ORDER_STATUS,
]


def _setting(name: str, default: float) -> float:
    # Django settings win; else the environment (so a worker can be tuned without code).
    return float(getattr(settings, name, None) or os.environ.get(name) or default)


@dataclass
class DrainResult:
    """What one drain pass did for a channel."""

    pushed: int = 0
    failed: int = 0
    dead: int = 0
    requests: int = 0
    retry_in: float | None = None
    more: bool = False


def _backoff(attempts: int) -> float:
    base = _setting("CHANNELS_SYNC_BACKOFF_BASE", 1.0)
    cap = _setting("CHANNELS_SYNC_BACKOFF_CAP", 300.0)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)  # "equal jitter"


def _mark_sent(*, token: str, claims: list[Claim]) -> None:
    if not claims:
        return
    now = timezone.now()
    ids = [c.id for c in claims]
    claimed = Case(
        *[When(pk=c.id, then=Value(c.version)) for c in claims], output_field=BigIntegerField()
    )
    OutboxMessage.objects.filter(pk__in=ids, lease_token=token).update(
        sent_version=claimed,
        # If a newer change arrived during the push the row stays pending: it is due now.
        pending_since=Case(
            *[When(pk=c.id, version=c.version, then=Value(None)) for c in claims],
            default=Value(now),
            output_field=DateTimeField(),
        ),
        next_attempt_at=now,
        attempts=0,
        last_error="",
        leased_until=None,
        lease_token="",
        last_sent_at=now,
    )


def _release(
    *, token: str, claims: list[Claim], error: str, delay: float | None = None, count: bool = True
) -> int:
    """Give the rows back: after `delay`, or after a backoff when the attempt counts. → dead."""
    now = timezone.now()
    max_attempts = int(_setting("CHANNELS_SYNC_MAX_ATTEMPTS", 8))
    dead = 0
    for claim in claims:
        attempts = claim.attempts + (1 if count else 0)
        wait = delay if delay is not None else _backoff(attempts)
        is_dead = count and attempts >= max_attempts
        dead += is_dead
        OutboxMessage.objects.filter(pk=claim.id, lease_token=token).update(
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=now + dt.timedelta(seconds=wait),
            leased_until=None,
            lease_token="",
            dead_at=now if is_dead else None,
        )
    return dead


def _kill(*, token: str, claims: list[Claim], error: str) -> None:
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=[c.id for c in claims], lease_token=token).update(
        attempts=F("attempts") + 1,
        last_error=error[:2000],
        leased_until=None,
        lease_token="",
        dead_at=now,
    )


def _lease_held(*, token: str, claims: list[Claim]) -> bool:
    # The fence before an HTTP call: a worker that lost its lease must not push.
    return OutboxMessage.objects.filter(
        pk__in=[c.id for c in claims], lease_token=token, leased_until__gt=timezone.now()
    ).count() == len(claims)


def channel_ats(*, channel: Channel, product_ids: list[int]) -> dict[int, int]:
    """Available-to-sell of products for a channel: its warehouses, safety stock and buffer."""
    warehouse_ids = list(channel.warehouse_links.values_list("warehouse_id", flat=True))
    return inventory_selectors.sku_available_to_sell(
        product_ids=product_ids,
        warehouse_ids=warehouse_ids,
        safety_stock=channel.safety_stock,
        buffer_percent=channel.buffer_percent,
    )


def _deliver_stock(
    *,
    channel: Channel,
    adapter: ChannelAdapter,
    token: str,
    claims: list[Claim],
    result: DrainResult,
) -> None:
    by_product = {int(c.key): c for c in claims}
    listings = {
        listing.product_id: listing
        for listing in Listing.objects.filter(
            channel=channel, product_id__in=list(by_product), is_active=True
        )
    }
    unlisted = [c for pid, c in by_product.items() if pid not in listings]
    _mark_sent(token=token, claims=unlisted)  # nothing to tell the channel any more
    claims = [c for c in claims if int(c.key) in listings]
    if not claims:
        return
    ats = channel_ats(channel=channel, product_ids=[int(c.key) for c in claims])
    items = []
    for claim in claims:
        listing = listings[int(claim.key)]
        items.append(
            StockItem(
                message_id=claim.id,
                product_id=listing.product_id,
                quantity=ats[listing.product_id],
                version=claim.version,
                compare_quantity=listing.last_pushed_quantity,
                channel_sku=listing.channel_sku,
                external_product_id=listing.external_product_id,
                external_variant_id=listing.external_variant_id,
                external_inventory_item_id=listing.external_inventory_item_id,
            )
        )
    if not _lease_held(token=token, claims=claims):
        return
    outcome = adapter.push_stock(items)
    result.requests += 1
    by_id = {c.id: c for c in claims}
    item_by_id = {i.message_id: i for i in items}
    now = timezone.now()
    with transaction.atomic():
        accepted = [by_id[i] for i in outcome.accepted]
        for mid in outcome.accepted:
            item = item_by_id[mid]
            Listing.objects.filter(
                channel=channel, product_id=item.product_id, last_pushed_version__lt=item.version
            ).update(
                last_pushed_quantity=item.quantity,
                last_pushed_version=item.version,
                last_pushed_at=now,
            )
        _mark_sent(token=token, claims=accepted + [by_id[i] for i in outcome.superseded])
        result.pushed += len(accepted)
        if outcome.stale_compare:
            # The channel holds something else than we last set (a lost acknowledgement, or an
            # edit at the channel): learn its value and push the truth again straight away.
            for mid, current in outcome.stale_compare.items():
                Listing.objects.filter(
                    channel=channel, product_id=item_by_id[mid].product_id
                ).update(last_pushed_quantity=current)
            _release(
                token=token,
                claims=[by_id[i] for i in outcome.stale_compare],
                error="compare quantity was stale; re-pushing",
                delay=0,
                count=False,
            )
        if outcome.rejected:
            for mid, reason in outcome.rejected.items():
                _kill(token=token, claims=[by_id[mid]], error=reason)
                result.dead += 1


def _order_ref(*, channel: Channel, order_id: int) -> tuple[str, dict]:
    """The channel's id for one of our orders, and the raw payload it was imported from."""
    event = (
        InboundEvent.objects.filter(channel=channel, order_id=order_id)
        .order_by("-received_at")
        .first()
    )
    if event is not None:
        try:
            return event.external_order_id, json.loads(event.body)
        except ValueError:
            return event.external_order_id, {}
    Order = apps.get_model("orders", "Order")
    external_id = Order.objects.filter(pk=order_id).values_list("external_id", flat=True).first()
    if not external_id:
        raise PermanentError(f"order {order_id} was not imported from channel {channel.code}")
    return str(external_id), {}


def _shipment_info(*, channel: Channel, claim: Claim) -> ShipmentInfo:
    Shipment = apps.get_model("shipping", "Shipment")
    shipment = (
        Shipment.objects.select_related("carrier").filter(pk=claim.payload["shipment_id"]).first()
    )
    if shipment is None:
        raise PermanentError(f"shipment {claim.payload['shipment_id']} does not exist")
    order_id = claim.payload.get("order_id") or shipment.order_id
    external_order_id, raw = _order_ref(channel=channel, order_id=order_id)
    lines = []
    for item in raw.get("items", []):  # Amazon: getOrderItems as polled
        lines.append(
            {
                "external_line_id": item.get("OrderItemId"),
                "quantity": item.get("QuantityOrdered", 1),
            }
        )
    for item in raw.get("line_items", []):  # Shopify / WooCommerce
        lines.append({"external_line_id": str(item.get("id")), "quantity": item.get("quantity", 1)})
    return ShipmentInfo(
        external_order_id=external_order_id,
        tracking_number=shipment.tracking_number,
        carrier_code=getattr(shipment, "carrier_code", "") or shipment.carrier.code,
        tracking_url="",
        shipment_id=shipment.pk,
        ship_date=(shipment.shipped_at or timezone.now()).isoformat(),
        lines=lines,
        notify_customer=notification_outbox.channel_notifies_buyers(channel.pk),
    )


def _deliver_one(*, channel: Channel, adapter: ChannelAdapter, topic: str, claim: Claim) -> None:
    if topic == OutboxTopic.SHIPMENT:
        adapter.push_shipment(_shipment_info(channel=channel, claim=claim))
    elif topic == OutboxTopic.CANCELLATION:
        ref, _ = _order_ref(channel=channel, order_id=int(claim.key))
        adapter.push_cancellation(external_order_id=ref, reason="cancelled by the merchant")
    elif topic == OutboxTopic.ORDER_STATUS:
        ref, _ = _order_ref(channel=channel, order_id=int(claim.key))
        adapter.push_order_status(external_order_id=ref, status=claim.payload.get("status", ""))


def outbox_drain(*, channel_id: int, time_budget: float | None = None) -> DrainResult:
    """Deliver the due outbox rows of one channel until none is left or the budget is spent.

    Not one transaction: rows are claimed and acknowledged in short transactions of their own,
    and the HTTP calls happen in between, under leases. Safe to run in many workers at once.
    Honours the channel's shared rate limit and Retry-After; transient failures back off
    exponentially with jitter and park the row as dead after CHANNELS_SYNC_MAX_ATTEMPTS.
    """
    result = DrainResult()
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return result
    adapter = adapter_for(channel)
    if adapter is None:
        return result
    try:
        return _drain(channel=channel, adapter=adapter, result=result, time_budget=time_budget)
    finally:
        adapter.close()


def _drain(
    *, channel: Channel, adapter: ChannelAdapter, result: DrainResult, time_budget: float | None
) -> DrainResult:
    budget = time_budget if time_budget is not None else _setting("CHANNELS_SYNC_DRAIN_BUDGET", 5.0)
    lease = _setting("CHANNELS_SYNC_LEASE_SECONDS", 30.0)
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        progressed = False
        for topic in TOPIC_ORDER:
            limit = adapter.max_batch if topic == OutboxTopic.STOCK else 20
            token, claims = outbox_claim(
                channel_id=channel.pk, topic=topic, limit=limit, lease_seconds=lease
            )
            if not claims:
                continue
            progressed = True
            batches = [claims] if topic == OutboxTopic.STOCK else [[c] for c in claims]
            for n, batch in enumerate(batches):
                wait = rate_limit_wait(
                    channel_id=channel.pk,
                    rate=channel.rate_limit_per_second,
                    burst=channel.rate_limit_burst,
                    max_wait=min(2.0, max(0.0, deadline - time.monotonic())),
                )
                if wait > 0:
                    rest = [c for b in batches[n:] for c in b]
                    _release(token=token, claims=rest, error="", delay=wait, count=False)
                    result.retry_in = wait
                    result.more = True
                    return result
                try:
                    if topic == OutboxTopic.STOCK:
                        _deliver_stock(
                            channel=channel,
                            adapter=adapter,
                            token=token,
                            claims=batch,
                            result=result,
                        )
                    else:
                        if not _lease_held(token=token, claims=batch):
                            continue
                        _deliver_one(channel=channel, adapter=adapter, topic=topic, claim=batch[0])
                        result.requests += 1
                        _mark_sent(token=token, claims=batch)
                        result.pushed += 1
                except RateLimited as exc:
                    rate_limit_block(channel_id=channel.pk, seconds=exc.retry_after)
                    rest = [c for b in batches[n:] for c in b]
                    _release(
                        token=token, claims=rest, error=str(exc), delay=exc.retry_after, count=False
                    )
                    result.retry_in = exc.retry_after
                    result.more = True
                    return result
                except ChannelError as exc:
                    logger.warning("push to %s failed: %s", channel.code, exc)
                    result.failed += len(batch)
                    if exc.transient:
                        result.dead += _release(token=token, claims=batch, error=str(exc))
                    else:
                        _kill(token=token, claims=batch, error=str(exc))
                        result.dead += len(batch)
        if not progressed:
            break
    result.more = result.more or _has_due(channel_id=channel.pk)
    return result


def _has_due(*, channel_id: int) -> bool:
    return OutboxMessage.objects.filter(
        channel_id=channel_id,
        version__gt=F("sent_version"),
        dead_at__isnull=True,
        next_attempt_at__lte=timezone.now(),
    ).exists()


def channels_with_due_messages() -> list[int]:
    """Ids of channels that have outbox rows due for delivery (for the periodic sweep)."""
    now = timezone.now()
    return sorted(
        set(
            OutboxMessage.objects.filter(
                version__gt=F("sent_version"), dead_at__isnull=True, next_attempt_at__lte=now
            )
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .values_list("channel_id", flat=True)
        )
    )


@transaction.atomic(durable=True)
def channel_reconcile(*, channel_id: int) -> list[int]:
    """Re-push every listed product whose last acknowledged value differs from the truth.

    Returns the product ids marked for re-push. Rows already pending are simply coalesced.
    """
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None or adapter_for(channel) is None:
        return []
    listed = dict(
        Listing.objects.filter(channel=channel, is_active=True).values_list(
            "product_id", "last_pushed_quantity"
        )
    )
    differing: list[int] = []
    ids = sorted(listed)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        truth = channel_ats(channel=channel, product_ids=chunk)
        differing += [pid for pid in chunk if listed[pid] != truth[pid]]
    if differing:
        outbox.stock_resync(channel_id=channel.pk, product_ids=differing)
    return differing


@transaction.atomic(durable=True)
def outbox_message_retry(*, message_id: int, actor: Actor) -> OutboxMessage:
    """Bring a dead outbox message back: due now, attempts reset.

    Raises NotFound, Conflict (the message is not dead).
    """
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"Outbox message {message_id} does not exist.")
    updated = OutboxMessage.objects.filter(pk=message_id, dead_at__isnull=False).update(
        dead_at=None,
        attempts=0,
        next_attempt_at=timezone.now(),
    )
    if not updated:
        raise Conflict(f"Outbox message {message_id} is not dead.", code="not_dead")
    message.refresh_from_db()
    transaction.on_commit(lambda: outbox._kick(message.channel_id))
    logger.info("outbox message %s retried by %s", message_id, actor)
    return message
