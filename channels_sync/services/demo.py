"""Demo wiring: point channels that have no base URL at the local mock servers."""

from __future__ import annotations

from django.db import transaction

from channels_sync.choices import ChannelKind
from channels_sync.models import Channel, Listing
from common.types import Actor

MOCK_CREDENTIALS = {
    ChannelKind.SHOPIFY: {"access_token": "shpat_demo", "location_id": "1"},
    ChannelKind.WOOCOMMERCE: {"consumer_key": "ck_demo", "consumer_secret": "cs_demo"},
    ChannelKind.AMAZON: {
        "access_token": "Atza|demo",
        "seller_id": "DEMO",
        "marketplace_id": "ATVPDKIKX0DER",
    },
}


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
            credentials=MOCK_CREDENTIALS.get(channel.kind, {}),
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
