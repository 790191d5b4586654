"""Re-run routing for backordered lines (all, or some SKUs), oldest / highest priority first.

manage.py backorders_allocate [--sku SKU ...] [--limit N]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from common.types import Actor
from inventory import selectors as inventory_selectors
from orders import services as orders_services


class Command(BaseCommand):
    help = "Allocate backordered order lines from stock that is available now."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--sku", action="append", default=[], help="Only this SKU (repeatable)")
        parser.add_argument("--limit", type=int, default=None, help="At most N orders")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        product_ids = None
        if opts["sku"]:
            products = inventory_selectors.products_by_sku(skus=opts["sku"])
            missing = sorted(set(opts["sku"]) - set(products))
            if missing:
                raise CommandError(f"Unknown SKU(s): {', '.join(missing)}")
            product_ids = [p.pk for p in products.values()]
        served = orders_services.backorders_allocate(
            product_ids=product_ids,
            actor=Actor.system("command:backorders_allocate"),
            limit=opts["limit"],
        )
        self.stdout.write(self.style.SUCCESS(f"{served} order(s) received backordered units"))
