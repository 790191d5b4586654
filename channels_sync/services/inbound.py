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

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels_sync import parsers
from channels_sync.adapters.amazon import AmazonAdapter
from channels_sync.adapters.base import ChannelError
from channels_sync.choices import ChannelKind, InboundSource, InboundStatus
from channels_sync.exceptions import InvalidSignature, MalformedPayload, WebhookNotSupported
from channels_sync.models import Channel, InboundEvent, Listing
from common.exceptions import DomainError
from common.types import Actor

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
    if channel.kind == ChannelKind.SHOPIFY:
        data = parsers.shopify_order(
            payload, sku_for_variant=_listing_map(channel, "external_variant_id")
        )
        event_id = lower.get("x-shopify-event-id") or lower.get("x-shopify-webhook-id") or ""
        updated = str(payload.get("updated_at") or "")
        dedupe = f"event:{event_id}" if event_id else f"order:{data['external_id']}:{updated}"
        topic = lower.get("x-shopify-topic", "")
    else:
        products = _listing_map(channel, "external_product_id")
        products.update(_listing_map(channel, "external_variant_id"))
        data = parsers.woocommerce_order(payload, sku_for_product=products)
        updated = str(payload["date_modified_gmt"])
        # WooCommerce-style deliveries carry no event id: the order id and its modification
        # time identify one state of one order.
        dedupe = f"order:{data['external_id']}:{updated}"
        topic = lower.get("x-wc-webhook-topic", "")
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
    )


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
) -> IngestResult:
    """Store one parsed delivery raw (idempotent on its dedupe key), then capture the order.

    A redelivery of a delivery already captured returns its outcome without calling the OMS.
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
    return _capture(channel=channel, event=event, data=data, duplicate=duplicate)


def _capture(*, channel: Channel, event: InboundEvent, data: dict, duplicate: bool) -> IngestResult:
    try:
        from orders import services as order_services

        order_capture = order_services.order_capture
    except (ImportError, AttributeError):
        logger.warning("orders.services.order_capture is not available; event %s kept", event.pk)
        return IngestResult(event.pk, event.status, None, duplicate)
    actor = Actor.for_channel(channel.pk, channel.code)
    try:
        order, created = order_capture(
            channel_id=channel.pk, data=data, actor=actor, idempotency_key=None
        )
    except DomainError as exc:
        InboundEvent.objects.filter(pk=event.pk).update(
            status=InboundStatus.FAILED, error=f"{exc.code}: {exc.message}"[:2000]
        )
        raise
    status = InboundStatus.CAPTURED if created else InboundStatus.DUPLICATE_ORDER
    InboundEvent.objects.filter(pk=event.pk).update(status=status, order_id=order.pk, error="")
    return IngestResult(event.pk, status, order.pk, duplicate)


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
    *, channel: Channel, dedupe: str, updated: str, order: dict, items: list, skus: dict
) -> IngestResult | None:
    try:
        data = parsers.amazon_order(order, items, sku_for_seller_sku=skus)
    except MalformedPayload as exc:
        logger.warning("marketplace order %s skipped: %s", order.get("AmazonOrderId"), exc)
        return None
    try:
        return inbound_order_ingest(
            channel=channel,
            source=InboundSource.POLL,
            topic="getOrders",
            dedupe_key=dedupe,
            external_updated_at=updated,
            headers={},
            body=json.dumps({"order": order, "items": items}),
            data=data,
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
            if order.get("OrderStatus") in ("Pending", "PendingAvailability", "Canceled"):
                continue  # no address or items yet / nothing to ship
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
