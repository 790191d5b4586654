"""Demo wiring: point channels that have no base URL at the local mock servers."""

from __future__ import annotations

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
