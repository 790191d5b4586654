"""The interface every channel adapter implements, and the errors it raises.

Adapters talk HTTP and return data; they never touch the database (services persist results).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from django.conf import settings


class ChannelError(Exception):
    """The channel call failed."""

    transient = True

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(ChannelError):
    """429: wait `retry_after` seconds before calling this channel again."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class TransientError(ChannelError):
    """5xx, timeout or connection failure: retry with backoff."""


class PermanentError(ChannelError):
    """4xx other than 429: the request itself is wrong; retrying will not help."""

    transient = False


@dataclass(frozen=True)
class StockItem:
    """One SKU's available-to-sell for a channel, with its ids there and the compare value."""

    message_id: int
    product_id: int
    quantity: int
    version: int
    compare_quantity: int | None
    channel_sku: str = ""
    external_product_id: str = ""
    external_variant_id: str = ""
    external_inventory_item_id: str = ""


@dataclass
class StockPushResult:
    """Per item: accepted; stale (the channel holds a newer value or another compare value)."""

    accepted: list[int] = field(default_factory=list)  # message ids
    superseded: list[int] = field(default_factory=list)  # channel already has a newer version
    stale_compare: dict[int, int | None] = field(default_factory=dict)  # id → channel's value
    rejected: dict[int, str] = field(default_factory=dict)  # id → reason (permanent)


@dataclass(frozen=True)
class ShipmentInfo:
    """What a channel needs to hear about one shipment."""

    external_order_id: str
    tracking_number: str
    carrier_code: str
    tracking_url: str
    shipment_id: int
    ship_date: str
    lines: list[dict]  # [{external_line_id, sku, quantity}]
    # Whether the channel should e-mail the buyer itself (Shopify's notify_customer): only when
    # it is set to notify its own buyers; otherwise we do (notifications/) and it must not.
    notify_customer: bool = False


class ChannelAdapter(Protocol):
    """What the sync services need from a channel."""

    max_batch: int

    def push_stock(self, items: list[StockItem]) -> StockPushResult: ...

    def push_shipment(self, shipment: ShipmentInfo) -> None: ...

    def push_cancellation(self, *, external_order_id: str, reason: str) -> None: ...

    def push_order_status(self, *, external_order_id: str, status: str) -> None: ...

    def close(self) -> None: ...


def http_client(*, base_url: str, headers: dict | None = None, auth=None) -> httpx.Client:  # type: ignore[no-untyped-def]
    """An httpx client whose timeout is well below the outbox lease (see locks.py)."""
    timeout = float(
        getattr(settings, "CHANNELS_SYNC_HTTP_TIMEOUT", None)
        or os.environ.get("CHANNELS_SYNC_HTTP_TIMEOUT")
        or 10.0
    )
    return httpx.Client(
        base_url=base_url.rstrip("/"), headers=headers or {}, auth=auth, timeout=timeout
    )


def raise_for(response: httpx.Response) -> None:
    """Turn an HTTP error status into RateLimited / TransientError / PermanentError."""
    code = response.status_code
    if code < 400:
        return
    text = response.text[:300]
    if code == 429:
        try:
            retry_after = float(response.headers.get("Retry-After", "1"))
        except ValueError:
            retry_after = 1.0
        raise RateLimited(f"429 Too Many Requests: {text}", retry_after=retry_after)
    if code >= 500 or code in (408, 409):
        raise TransientError(f"{code}: {text}", status=code)
    raise PermanentError(f"{code}: {text}", status=code)


def call(client: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
    """One HTTP call; network failures become TransientError."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"timeout calling {url}") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"{type(exc).__name__} calling {url}: {exc}") from exc
    raise_for(response)
    return response
