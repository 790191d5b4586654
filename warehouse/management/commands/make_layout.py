"""Create (or extend) a warehouse and generate its bins: aisles × bays × levels per block."""

from django.core.management.base import BaseCommand, CommandError

from warehouse.models import Warehouse
from warehouse.services.layout import layout_generate


class Command(BaseCommand):
    help = (
        "Generate bins for a warehouse: manage.py make_layout WH1 --aisles 10 --bays 20 --levels 4"
    )

    def add_arguments(self, parser):
        parser.add_argument("warehouse", help="Warehouse code (created if missing)")
        parser.add_argument("--name", default="")
        parser.add_argument("--aisles", type=int, default=10)
        parser.add_argument("--bays", type=int, default=20)
        parser.add_argument("--levels", type=int, default=4)
        parser.add_argument("--blocks", type=int, default=1)
        parser.add_argument("--pick-levels", type=int, default=2)
        parser.add_argument("--country", default="US")
        parser.add_argument("--timezone", default="UTC")

    def handle(self, *args, **opts):
        warehouse, created = Warehouse.objects.get_or_create(
            code=opts["warehouse"],
            defaults={
                "name": opts["name"] or opts["warehouse"],
                "country": opts["country"],
                "timezone": opts["timezone"],
            },
        )
        try:
            result = layout_generate(
                warehouse=warehouse,
                aisles=opts["aisles"],
                bays=opts["bays"],
                levels=opts["levels"],
                blocks=opts["blocks"],
                pick_levels=opts["pick_levels"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{'created' if created else 'updated'} warehouse {warehouse.code}: "
            f"{result.bins_created} new bins, {result.bins_total} in all"
        )
