"""Demo wiring: point channels that have no base URL at the local mock servers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from django.db import transaction

from channels_sync.choices import ChannelKind
from channels_sync.mock_servers import amazon as amazon_mock
from channels_sync.mock_servers import shopify as shopify_mock
from channels_sync.mock_servers import woocommerce as woo_mock
from channels_sync.models import Channel, Listing
from common.types import Actor


def mock_credentials(kind: str, url: str) -> dict:
    """The credentials the local mock for `kind` issued to the demo (see mock_servers)."""
    if kind == ChannelKind.SHOPIFY:
        return {"access_token": shopify_mock.DEMO_ACCESS_TOKEN, "location_id": "1"}
    if kind == ChannelKind.WOOCOMMERCE:
        ((key, secret),) = woo_mock.DEMO_KEYS.items()
        return {"consumer_key": key, "consumer_secret": secret}
    if kind == ChannelKind.AMAZON:
        return {
            "client_id": amazon_mock.DEMO_LWA_CLIENT_ID,
            "client_secret": amazon_mock.DEMO_LWA_CLIENT_SECRET,
            "refresh_token": amazon_mock.DEMO_REFRESH_TOKEN,
            "lwa_endpoint": f"{url.rstrip('/')}/auth/o2/token",
            "seller_id": "DEMO",
            "marketplace_id": "ATVPDKIKX0DER",
        }
    return {}


def mock_catalogue_seed(*, channel_codes: list[str]) -> int:
    """Create the listed products in the WooCommerce mock's catalogue (a real store has its
    products before we push stock; the mock refuses unknown ids as WooCommerce does).
    Returns the number of products sent."""
    sent = 0
    for channel in Channel.objects.filter(code__in=channel_codes, kind=ChannelKind.WOOCOMMERCE):
        products = [
            {"id": int(pid), "sku": sku, "stock_quantity": 0}
            for pid, sku in Listing.objects.filter(channel=channel)
            .exclude(external_product_id="")
            .values_list("external_product_id", "channel_sku")
        ]
        if products:
            httpx.post(
                f"{channel.base_url.rstrip('/')}/_mock/products",
                json={"products": products},
                timeout=10,
            ).raise_for_status()
            sent += len(products)
    return sent


@transaction.atomic(durable=True)
def channels_connect_mocks(*, urls: dict[str, str], actor: Actor) -> list[str]:
    """Point every active Shopify/WooCommerce/Amazon channel without a base URL at the mock for
    its kind, list every active product on it (ids derived from our ids), and return the codes
    of the channels connected. Idempotent: channels that already have a base URL are left alone.
    """
    from inventory.models import Product

    connected = []
    product_ids = list(Product.objects.filter(is_active=True).values_list("pk", "sku"))
    for channel in Channel.objects.filter(is_active=True, base_url="", kind__in=list(urls)):
        Channel.objects.filter(pk=channel.pk).update(
            base_url=urls[channel.kind],
            credentials=mock_credentials(channel.kind, urls[channel.kind]),
        )
        Listing.objects.bulk_create(
            [
                Listing(
                    channel=channel,
                    product_id=pk,
                    channel_sku=sku,
                    external_product_id=str(100000 + pk),
                    external_variant_id=""
                    if channel.kind != ChannelKind.SHOPIFY
                    else str(200000 + pk),
                    external_inventory_item_id=str(300000 + pk),
                )
                for pk, sku in product_ids
            ],
            ignore_conflicts=True,
        )
        connected.append(channel.code)
    return connected


def demo_channel_updates_run(
    *,
    channel_code: str,
    app_url: str,
    pay_after: float = 20.0,
    wait: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """`make run`'s demonstration of later channel updates (docs/channels.md): the mock shop
    places two orders and sends us their signed `orders/create` webhooks — one paid, one
    awaiting payment (payment hold) — then cancels the first at the shop (`orders/cancelled`:
    cancelled here, its stock back on the shop) and, `pay_after` seconds later, takes the
    second one's payment (`orders/paid`: the hold releases and it goes to the warehouse).
    Both are visible on the orders' timelines. Returns {role: shop order id}.
    Raises RuntimeError when the app or the channel is not ready within `wait` seconds."""
    from channels_sync.services.sync import channel_ats

    deadline = time.monotonic() + wait
    while True:
        channel = Channel.objects.filter(code=channel_code, kind=ChannelKind.SHOPIFY).first()
        ready = channel is not None and bool(channel.base_url)
        if ready:
            try:
                ready = httpx.get(f"{app_url.rstrip('/')}/healthz", timeout=2).status_code < 500
            except httpx.HTTPError:
                ready = False
        if channel is not None and ready:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{channel_code} or {app_url} not ready after {wait:.0f} s")
        sleep(1)
    listings = list(
        Listing.objects.filter(channel=channel)
        .exclude(external_variant_id="")
        .order_by("pk")
        .values_list("product_id", "external_variant_id", "channel_sku")
    )
    ats = channel_ats(channel=channel, product_ids=[pid for pid, _, _ in listings])
    stocked = [(variant, sku) for pid, variant, sku in listings if ats.get(pid, 0) >= 2][:2]
    if not stocked:
        raise RuntimeError(f"{channel_code} has no listed product in stock to sell")
    base = channel.base_url.rstrip("/")
    hook = {
        "webhook_url": f"{app_url.rstrip('/')}/api/v1/channel-webhooks/{channel.code}/",
        "secret": channel.webhook_secret,
    }

    def place(variant: str, sku: str, **extra: Any) -> str:
        line = {"variant_id": int(variant), "sku": sku, "quantity": 1, "price": "24.00"}
        answer = httpx.post(
            f"{base}/_mock/orders", json={"line_items": [line], **extra, **hook}, timeout=30
        )
        answer.raise_for_status()
        return str(answer.json()["order"]["id"])

    def event(order_id: str, topic: str, **changes: Any) -> None:
        httpx.post(
            f"{base}/_mock/orders/{order_id}/events",
            json={"topic": topic, "changes": changes, **hook},
            timeout=30,
        ).raise_for_status()

    cancelled = place(*stocked[0], email="cancel.demo@example.com")
    late_payer = place(*stocked[-1], email="late.payer@example.com", financial_status="pending")
    event(cancelled, "orders/cancelled", reason="customer")
    sleep(pay_after)
    event(late_payer, "orders/paid")
    return {"cancelled": cancelled, "paid_later": late_payer}
