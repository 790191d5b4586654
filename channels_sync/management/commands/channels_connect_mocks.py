"""Point demo channels without a base URL at the local mock servers, then reconcile them."""

from django.core.management.base import BaseCommand

from channels_sync.selectors import channel_ids_pushed
from channels_sync.services import channel_reconcile
from channels_sync.services.demo import channels_connect_mocks, mock_catalogue_seed
from common.types import Actor


class Command(BaseCommand):
    help = "Connect channels that have no base URL to the mock servers (bin/run-mocks) and sync."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--shopify", default="http://127.0.0.1:8101")
        parser.add_argument("--woocommerce", default="http://127.0.0.1:8102")
        parser.add_argument("--amazon", default="http://127.0.0.1:8103")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        urls = {k: options[k] for k in ("shopify", "woocommerce", "amazon")}
        codes = channels_connect_mocks(urls=urls, actor=Actor.system("channels_connect_mocks"))
        for code in codes:
            self.stdout.write(f"connected {code}")
        mock_catalogue_seed(channel_codes=codes)
        for channel_id in channel_ids_pushed():
            channel_reconcile(channel_id=channel_id)
