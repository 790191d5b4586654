"""Create the demo carrier and its services, optionally pointing it at a carrier server.

manage.py setup_carriers                                  # in-process carrier (no server)
manage.py setup_carriers --base-url http://127.0.0.1:8765 --webhook-secret s3cret
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from shipping import services


class Command(BaseCommand):
    help = "Create the MOCK carrier with its default service levels (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--base-url", default=None, help="Carrier API URL; '' = in-process")
        parser.add_argument("--api-key", default=None)
        parser.add_argument("--webhook-secret", default=None)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            carrier = services.carriers_ensure_defaults(
                base_url=options["base_url"] or "",
                webhook_secret=options["webhook_secret"] or "",
                api_key=options["api_key"],
                update_endpoint=options["base_url"] is not None,
            )
        where = carrier.base_url or "in-process"
        self.stdout.write(
            f"carrier {carrier.code} ({where}) with {carrier.services.count()} service levels"
        )
