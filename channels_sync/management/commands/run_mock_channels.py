"""Run the mock Shopify-style, WooCommerce-style and Amazon-style servers until interrupted."""

import time

from django.core.management.base import BaseCommand

from channels_sync.mock_servers import AmazonMock, MockServer, ShopifyMock, WooCommerceMock


class Command(BaseCommand):
    help = "Run the mock storefronts and marketplace (Shopify, WooCommerce, Amazon styles)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--shopify-port", type=int, default=8101)
        parser.add_argument("--woocommerce-port", type=int, default=8102)
        parser.add_argument("--amazon-port", type=int, default=8103)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        servers = [
            MockServer(ShopifyMock(), host=options["host"], port=options["shopify_port"]),
            MockServer(WooCommerceMock(), host=options["host"], port=options["woocommerce_port"]),
            MockServer(AmazonMock(), host=options["host"], port=options["amazon_port"]),
        ]
        for server in servers:
            server.start()
            self.stdout.write(
                f"{server.app.name:12} {server.url}  (state: {server.url}/_mock/state)"
            )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            for server in servers:
                server.stop()
