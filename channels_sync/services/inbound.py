"""Inbound orders: verified webhooks and the marketplace poller → raw InboundEvent → order_capture.

Invariants:
* A delivery with a bad signature or a malformed body writes nothing.
* A verified, well-formed delivery is stored raw (InboundEvent) before it is parsed into an order,
  and is idempotent on (channel, dedupe key); the order itself is idempotent on
  (channel, external id) in `orders.services.order_capture`, so redeliveries and out-of-order
  updates make one order.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels_sync import channel_state, parsers
from channels_sync.adapters.amazon import AmazonAdapter
from channels_sync.adapters.base import ChannelError
from channels_sync.choices import (
    ChannelKind,
    ChannelUpdateStatus,
    InboundSource,
    InboundStatus,
)
from channels_sync.exceptions import InvalidSignature, MalformedPayload, WebhookNotSupported
from channels_sync.models import Channel, ChannelOrderUpdate, InboundEvent, Listing
from common.exceptions import DomainError
from common.types import Actor
from orders import selectors as order_selectors

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = {
    ChannelKind.SHOPIFY: "X-Shopify-Hmac-Sha256",
    ChannelKind.WOOCOMMERCE: "X-WC-Webhook-Signature",
}


def webhook_signature(*, secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, raw body)): the Shopify and WooCommerce webhook signature."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class IngestResult:
    """The outcome of one delivery."""

    event_id: int | None
    status: str
    order_id: int | None
    duplicate_delivery: bool = False


def _listing_map(channel: Channel, field: str) -> dict[str, str]:
    return {
        str(k): sku
        for k, sku in Listing.objects.filter(channel=channel)
        .exclude(**{field: ""})
        .values_list(field, "product__sku")
    }


def inbound_webhook_ingest(
    *, channel: Channel, headers: dict[str, str], body: bytes
) -> IngestResult:
    """Verify, store and capture one webhook delivery from a Shopify- or WooCommerce-style shop.

    Raises InvalidSignature (401), MalformedPayload (400) — in both cases nothing is written —
    and WebhookNotSupported for other channel kinds.
    """
    header = SIGNATURE_HEADER.get(channel.kind)
    if header is None:
        raise WebhookNotSupported(f"Channel {channel.code} ({channel.kind}) takes no webhooks.")
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get(header.lower(), "")
    expected = webhook_signature(secret=channel.webhook_secret, body=body)
    if not channel.webhook_secret or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise InvalidSignature()
    is_ping = "x-wc-webhook-topic" not in lower and body.startswith(b"webhook_id=")
    if channel.kind == ChannelKind.WOOCOMMERCE and is_ping:
        return IngestResult(None, "ping", None)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload(f"The body is not JSON: {exc}") from exc
    topic = lower.get("x-shopify-topic", "") or lower.get("x-wc-webhook-topic", "")
    if channel.kind == ChannelKind.SHOPIFY:
        event_id = lower.get("x-shopify-event-id") or lower.get("x-shopify-webhook-id") or ""
        if topic in channel_state.SHOPIFY_NOT_ORDER_TOPICS:
            return _note_edit(channel=channel, payload=payload, headers=lower, body=body)
        data = parsers.shopify_order(
            payload, sku_for_variant=_listing_map(channel, "external_variant_id")
        )
        updated = str(payload.get("updated_at") or "")
        version = (
            channel_state.parse_version(updated, "order.updated_at")
            if updated
            else _created_version(data)
        )
        version = channel_state.ranked(version, channel_state.shopify_rank(payload))
        state = channel_state.shopify_state(payload, data)
        dedupe = f"event:{event_id}" if event_id else f"order:{data['external_id']}:{updated}"
        topic = topic or "orders/create"
    else:
        products = _listing_map(channel, "external_product_id")
        products.update(_listing_map(channel, "external_variant_id"))
        data = parsers.woocommerce_order(payload, sku_for_product=products)
        updated = str(payload["date_modified_gmt"])
        version = channel_state.ranked(
            channel_state.parse_version(updated, "order.date_modified_gmt"),
            channel_state.woocommerce_rank(payload),
        )
        state = channel_state.woocommerce_state(payload, data)
        topic = topic or "order.created"
        # WooCommerce-style deliveries carry no event id: the order id and its modification
        # time identify one state of one order (per topic: created and updated may share it).
        prefix = "order" if topic == "order.created" else topic
        dedupe = f"{prefix}:{data['external_id']}:{updated}"
    kept = {k: v for k, v in headers.items() if k.lower().startswith(("x-shopify", "x-wc"))}
    return inbound_order_ingest(
        channel=channel,
        source=InboundSource.WEBHOOK,
        topic=topic,
        dedupe_key=dedupe,
        external_updated_at=updated,
        headers=kept,
        body=body.decode(),
        data=data,
        version=version,
        state=state,
    )


def _created_version(data: dict) -> dt.datetime:
    placed = data.get("placed_at")
    if placed:
        return channel_state.parse_version(placed, "order.created_at")
    return timezone.now()


def _note_edit(
    *, channel: Channel, payload: Any, headers: dict[str, str], body: bytes
) -> IngestResult:
    """Shopify `orders/edited` carries an order edit, not the order: it is stored (admin →
    Inbound events) and the `orders/updated` Shopify sends with it carries the edited order."""
    edit = payload.get("order_edit") if isinstance(payload, dict) else None
    if not isinstance(edit, dict) or edit.get("order_id") in (None, ""):
        raise MalformedPayload("orders/edited needs an order_edit with its order_id.")
    event_id = headers.get("x-shopify-event-id") or f"edit:{edit.get('id')}"
    event, _ = InboundEvent.objects.get_or_create(
        channel=channel,
        dedupe_key=f"event:{event_id}"[:200],
        defaults={
            "source": InboundSource.WEBHOOK,
            "topic": "orders/edited",
            "external_order_id": str(edit["order_id"]),
            "external_updated_at": str(edit.get("committed_at") or "")[:40],
            "headers": {k: v for k, v in headers.items() if k.startswith("x-shopify")},
            "body": body.decode(),
            "status": InboundStatus.RECEIVED,
        },
    )
    return IngestResult(event.pk, InboundStatus.RECEIVED, None)


def inbound_order_ingest(
    *,
    channel: Channel,
    source: str,
    topic: str,
    dedupe_key: str,
    external_updated_at: str,
    headers: dict,
    body: str,
    data: dict,
    version: dt.datetime | None = None,
    state: dict | None = None,
) -> IngestResult:
    """Store one parsed delivery raw (idempotent on its dedupe key), then capture the order or
    apply the update (`channel_order_update_ingest`).

    A redelivery of a delivery already handled returns its outcome without calling the OMS.
    """
    duplicate = False
    try:
        with transaction.atomic(durable=True):
            event = InboundEvent.objects.create(
                channel=channel,
                source=source,
                topic=topic[:60],
                dedupe_key=dedupe_key[:200],
                external_order_id=data["external_id"],
                external_updated_at=external_updated_at[:40],
                headers=headers,
                body=body,
            )
    except IntegrityError:
        event = InboundEvent.objects.get(channel=channel, dedupe_key=dedupe_key[:200])
        duplicate = True
        if event.status != InboundStatus.RECEIVED and event.status != InboundStatus.FAILED:
            return IngestResult(event.pk, event.status, event.order_id, duplicate_delivery=True)
    return channel_order_update_ingest(
        channel=channel,
        event=event,
        topic=topic,
        data=data,
        version=version or _created_version(data),
        state=state or {},
        duplicate=duplicate,
    )


def channel_order_update_ingest(
    *,
    channel: Channel,
    event: InboundEvent,
    topic: str,
    data: dict,
    version: dt.datetime,
    state: dict,
    duplicate: bool = False,
) -> IngestResult:
    """Keep this state of the channel order (ChannelOrderUpdate, unique per version), capture
    the order if this document creates it, then apply the newest state not yet applied.

    An update for an order that does not exist yet is kept (`deferred`) and applied when its
    create arrives. Concurrent deliveries of one order are serialised by the order row lock in
    `orders.services.order_channel_update`, which ignores any version not newer than the one
    applied: duplicates and late deliveries change nothing.
    """
    from orders import selectors as order_selectors
    from orders import services as order_services

    external_id = data["external_id"]
    ChannelOrderUpdate.objects.get_or_create(
        channel=channel,
        external_order_id=external_id,
        version=version,
        defaults={"topic": topic[:60], "state": state, "inbound_event": event},
    )
    order_id = order_selectors.order_id_for_channel_order(
        channel_id=channel.pk, external_id=external_id
    )
    creates = topic in channel_state.CREATE_TOPICS
    status = InboundStatus.DUPLICATE_ORDER if creates else InboundStatus.UPDATED
    if order_id is None and creates:
        actor = Actor.for_channel(channel.pk, channel.code)
        try:
            # A channel's own document: its figures are stored as the channel wrote them.
            order, created = order_services.order_capture(
                channel_id=channel.pk,
                data=data,
                actor=actor,
                idempotency_key=None,
                check_money=False,
            )
        except DomainError as exc:
            InboundEvent.objects.filter(pk=event.pk).update(
                status=InboundStatus.FAILED, error=f"{exc.code}: {exc.message}"[:2000]
            )
            raise
        order_id = order.pk
        status = InboundStatus.DUPLICATE_ORDER
        if created:
            status = InboundStatus.CAPTURED
            order_services.order_channel_update(
                order_id=order.pk,
                version=version,
                state=state,
                actor=actor,
                topic=topic,
                baseline=True,
            )
            _settle_rows(
                ChannelOrderUpdate.objects.filter(
                    channel=channel,
                    external_order_id=external_id,
                    version__lte=version,
                    status=ChannelUpdateStatus.PENDING,
                ).values_list("pk", flat=True),
                only_pending=True,
                status=ChannelUpdateStatus.SUPERSEDED,
                order_id=order.pk,
                applied_at=timezone.now(),
                outcome="the order was created from this state or a newer one",
            )
            InboundEvent.objects.filter(
                pk__in=ChannelOrderUpdate.objects.filter(
                    channel=channel, external_order_id=external_id, version__lte=version, early=True
                ).values("inbound_event_id"),
                status=InboundStatus.DEFERRED,
            ).update(status=InboundStatus.STALE, order_id=order.pk, error="")
    elif order_id is None:
        ChannelOrderUpdate.objects.filter(
            channel=channel, external_order_id=external_id, version=version
        ).update(early=True)
        # The create may have committed meanwhile: look once more, else wait for it.
        order_id = order_selectors.order_id_for_channel_order(
            channel_id=channel.pk, external_id=external_id
        )
        if order_id is None:
            InboundEvent.objects.filter(pk=event.pk).update(
                status=InboundStatus.DEFERRED, error="waiting for the order's create"
            )
            return IngestResult(event.pk, InboundStatus.DEFERRED, None, duplicate)
    channel_order_updates_apply(channel=channel, external_id=external_id, order_id=order_id)
    InboundEvent.objects.filter(pk=event.pk).update(status=status, order_id=order_id, error="")
    return IngestResult(event.pk, status, order_id, duplicate)


def _settle_rows(pks, *, only_pending: bool = False, **fields) -> None:  # type: ignore[no-untyped-def]
    """Update ChannelOrderUpdate rows one at a time in id order: two deliveries of one order
    settling the same rows with one multi-row UPDATE each locked them in different orders and
    deadlocked (seen in tests/channels_sync/test_independent_replay.py under 8 threads)."""
    for pk in sorted(set(pks)):
        rows = ChannelOrderUpdate.objects.filter(pk=pk)
        if only_pending:
            rows = rows.filter(status=ChannelUpdateStatus.PENDING)
        rows.update(**fields)


def channel_order_updates_apply(*, channel: Channel, external_id: str, order_id: int) -> int:
    """Apply the newest pending state of one channel order (older pending ones are superseded,
    as each document is the whole order). Returns how many rows were settled."""
    from orders import services as order_services
    from shipping import selectors as shipping_selectors

    pending = list(
        ChannelOrderUpdate.objects.filter(
            channel=channel, external_order_id=external_id, status=ChannelUpdateStatus.PENDING
        ).order_by("-version")
    )
    if not pending:
        return 0
    newest = pending[0]
    outcome = order_services.order_channel_update(
        order_id=order_id,
        version=newest.version,
        state=newest.state,
        actor=Actor.for_channel(channel.pk, channel.code),
        topic=newest.topic,
        packed=shipping_selectors.order_has_live_shipment(order_id=order_id),
        received_before_create=newest.early,
    )
    now = timezone.now()
    status = {
        "applied": ChannelUpdateStatus.APPLIED,
        "older": ChannelUpdateStatus.OLDER,
        "duplicate": ChannelUpdateStatus.DUPLICATE,
    }[outcome.result]
    ChannelOrderUpdate.objects.filter(pk=newest.pk).update(
        status=status, order_id=order_id, applied_at=now, outcome="; ".join(outcome.notes)
    )
    _settle_rows(
        [p.pk for p in pending[1:]],
        status=ChannelUpdateStatus.SUPERSEDED,
        order_id=order_id,
        applied_at=now,
    )
    # Deliveries that waited for their create are settled too: the newest was applied (or
    # found older than what is applied), the others were superseded by it.
    for rows, status_after in (
        ([newest], InboundStatus.UPDATED),
        (pending[1:], InboundStatus.STALE),
    ):
        early = [p.inbound_event_id for p in rows if p.early and p.inbound_event_id]
        InboundEvent.objects.filter(pk__in=early, status=InboundStatus.DEFERRED).update(
            status=status_after, order_id=order_id, error=""
        )
    return len(pending)


# Statuses in which a polled order is captured (the first time we see it).
AMAZON_CREATING_STATUSES = frozenset({"Unshipped", "PartiallyShipped", "Shipped"})


def _with_address(*, adapter: AmazonAdapter, order: dict) -> tuple[dict, str | None]:
    """The order with its buyer's name, street, phone and e-mail (getOrderAddress and
    getOrderBuyerInfo through a Restricted Data Token), or (order, reason) when they could not be
    fetched. Marketplace-fulfilled (AFN) orders need no address here."""
    if order.get("FulfillmentChannel") == "AFN":
        return order, None
    try:
        address, buyer = adapter.get_order_address_and_buyer(amazon_order_id=order["AmazonOrderId"])
    except ChannelError as exc:
        return order, f"address not fetched: {exc}"[:2000]
    return {
        **order,
        "ShippingAddress": {**(order.get("ShippingAddress") or {}), **address},
        "BuyerInfo": {**(order.get("BuyerInfo") or {}), **buyer},
    }, None


def _ingest_polled(
    *,
    channel: Channel,
    dedupe: str,
    updated: str,
    order: dict,
    items: list,
    skus: dict,
    with_address: bool = True,
) -> IngestResult | None:
    try:
        data = parsers.amazon_order(order, items, sku_for_seller_sku=skus)
        version = channel_state.parse_version(updated, "order.LastUpdateDate")
    except MalformedPayload as exc:
        logger.warning("marketplace order %s skipped: %s", order.get("AmazonOrderId"), exc)
        return None
    # Only an order Amazon will have us ship creates one; a status change (Canceled, …) of
    # an order we never captured has nothing to apply to.
    creates = order.get("OrderStatus") in AMAZON_CREATING_STATUSES
    try:
        return inbound_order_ingest(
            channel=channel,
            source=InboundSource.POLL,
            topic="getOrders" if creates else f"getOrders/{order.get('OrderStatus')}",
            dedupe_key=dedupe,
            external_updated_at=updated,
            headers={},
            body=json.dumps({"order": order, "items": items}),
            data=data,
            version=version,
            state=channel_state.amazon_state(order, data, with_address=with_address, items=items),
        )
    except DomainError as exc:
        logger.warning("marketplace order %s not captured: %s", order["AmazonOrderId"], exc)
        return None


def _await_address(
    *, channel: Channel, dedupe: str, updated: str, order: dict, items: list, reason: str
) -> None:
    """Park a polled order whose address could not be fetched: a typed waiting state
    (InboundStatus.AWAITING_ADDRESS) that every poll retries, not an order on hold."""
    event, created = InboundEvent.objects.get_or_create(
        channel=channel,
        dedupe_key=dedupe[:200],
        defaults={
            "source": InboundSource.POLL,
            "topic": "getOrders",
            "external_order_id": order["AmazonOrderId"],
            "external_updated_at": updated[:40],
            "body": json.dumps({"order": order, "items": items}),
            "status": InboundStatus.AWAITING_ADDRESS,
            "error": reason,
        },
    )
    if not created and event.status in (InboundStatus.AWAITING_ADDRESS, InboundStatus.RECEIVED):
        InboundEvent.objects.filter(pk=event.pk).update(
            status=InboundStatus.AWAITING_ADDRESS, error=reason
        )


def _retry_awaiting(
    *, channel: Channel, adapter: AmazonAdapter, skus: dict, limit: int = 50
) -> int:
    """Fetch the addresses of parked orders again; capture those that now have one."""
    captured = 0
    waiting = InboundEvent.objects.filter(
        channel=channel, status=InboundStatus.AWAITING_ADDRESS
    ).order_by("pk")[:limit]
    for event in waiting:
        stored = json.loads(event.body)
        order, reason = _with_address(adapter=adapter, order=stored["order"])
        if reason:
            InboundEvent.objects.filter(pk=event.pk).update(error=reason)
            continue
        InboundEvent.objects.filter(pk=event.pk).update(
            status=InboundStatus.RECEIVED,
            body=json.dumps({"order": order, "items": stored["items"]}),
        )
        result = _ingest_polled(
            channel=channel,
            dedupe=event.dedupe_key,
            updated=event.external_updated_at,
            order=order,
            items=stored["items"],
            skus=skus,
        )
        captured += bool(result and result.status == InboundStatus.CAPTURED)
    return captured


def marketplace_poll(*, channel_id: int, max_pages: int = 20) -> int:
    """Import new and updated orders from an Amazon marketplace (getOrders by LastUpdatedAfter,
    NextToken pages, getOrderItems, then the address and buyer through a Restricted Data Token
    for merchant-fulfilled orders). Returns the number of orders newly captured.

    An order whose address cannot be fetched (Tokens API or getOrderAddress failing) is parked
    as an InboundEvent in state AWAITING_ADDRESS and retried at the start of every poll; it is
    captured once the address comes, never put on a manual hold.

    The cursor (LastUpdatedAfter) only advances once a whole poll has been stored, so a crash
    re-reads a window; redeliveries are idempotent. Raises ChannelError on HTTP failures of
    getOrders / getOrderItems.
    """
    channel = Channel.objects.get(pk=channel_id)
    if channel.kind != ChannelKind.AMAZON or not channel.base_url:
        return 0
    adapter = AmazonAdapter(base_url=channel.base_url, credentials=channel.credentials or {})
    started = timezone.now()
    after = channel.poll_cursor or (started - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    skus = _listing_map(channel, "channel_sku")
    captured = _retry_awaiting(channel=channel, adapter=adapter, skus=skus)
    latest = after
    token = None
    for _ in range(max_pages):
        page = adapter.get_orders(last_updated_after=after, next_token=token)
        for order in page.get("Orders", []):
            status = order.get("OrderStatus")
            if status in ("Pending", "PendingAvailability"):
                continue  # no address or prices yet: it is captured once it is Unshipped
            known = (
                order_selectors.order_id_for_channel_order(
                    channel_id=channel.pk, external_id=str(order.get("AmazonOrderId"))
                )
                is not None
            )
            if (
                status not in AMAZON_CREATING_STATUSES
                and not known
                and not InboundEvent.objects.filter(
                    channel=channel, external_order_id=str(order.get("AmazonOrderId"))
                ).exists()
            ):
                continue  # canceled (or shipped) before we ever had it: nothing to apply
            # An order we saw but have not captured yet (parked waiting for its address, or
            # being captured by another poller): its status change is kept (deferred) and
            # applied when the order is captured, never lost behind the cursor.
            updated = str(order.get("LastUpdateDate") or "")
            latest = max(latest, updated)
            dedupe = f"order:{order['AmazonOrderId']}:{updated}"
            if (
                InboundEvent.objects.filter(channel=channel, dedupe_key=dedupe)
                .exclude(status__in=[InboundStatus.RECEIVED, InboundStatus.FAILED])
                .exists()
            ):
                continue
            items = adapter.get_order_items(amazon_order_id=order["AmazonOrderId"])
            if status not in AMAZON_CREATING_STATUSES:
                # A status change of an order we have: no address needed (nor fetched).
                _ingest_polled(
                    channel=channel,
                    dedupe=dedupe,
                    updated=updated,
                    order=order,
                    items=items,
                    skus=skus,
                    with_address=False,
                )
                continue
            order, reason = _with_address(adapter=adapter, order=order)
            if reason:
                _await_address(
                    channel=channel,
                    dedupe=dedupe,
                    updated=updated,
                    order=order,
                    items=items,
                    reason=reason,
                )
                continue
            result = _ingest_polled(
                channel=channel, dedupe=dedupe, updated=updated, order=order, items=items, skus=skus
            )
            captured += bool(
                result and result.status == InboundStatus.CAPTURED and not result.duplicate_delivery
            )
        token = page.get("NextToken")
        if not token:
            break
    Channel.objects.filter(pk=channel.pk).update(poll_cursor=latest, last_polled_at=started)
    return captured
