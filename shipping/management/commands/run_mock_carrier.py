"""Run the mock carrier server: `manage.py run_mock_carrier --port 8765`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from shipping.mock_carrier.server import MockCarrierServer


class Command(BaseCommand):
    help = "Run the mock parcel carrier (EasyPost-style API) until interrupted."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--api-key", default="", help="Require this Bearer key")
        parser.add_argument("--webhook-url", default="", help="Push tracker.updated events here")
        parser.add_argument("--webhook-secret", default="", help="HMAC key of the pushed webhooks")
        parser.add_argument(
            "--auto-advance",
            type=float,
            default=0.0,
            help="Move every parcel one tracking stage on every N seconds (0 = only on command)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        server = MockCarrierServer(
            host=options["host"], port=options["port"], api_key=options["api_key"]
        )
        server.state.webhook_url = options["webhook_url"]
        server.state.webhook_secret = options["webhook_secret"]
        server.state.auto_advance_seconds = options["auto_advance"]
        self.stdout.write(f"mock carrier listening on {server.url} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
