"""Open due cycle counts (ABC schedule) and replenishment tasks: manage.py wms_housekeeping WH1"""

from django.core.management.base import BaseCommand, CommandError

from common.types import Actor
from warehouse.models import Warehouse
from warehouse.services.counts import cycle_counts_schedule
from warehouse.services.replenishment import replenishment_run


class Command(BaseCommand):
    help = "Open the cycle counts that are due and the replenishment tasks that are needed."

    def add_arguments(self, parser):
        parser.add_argument("warehouse", nargs="?", help="Warehouse code (default: all active)")
        parser.add_argument("--counts-limit", type=int, default=None)

    def handle(self, *args, **opts):
        qs = Warehouse.objects.filter(is_active=True)
        if opts["warehouse"]:
            qs = Warehouse.objects.filter(code=opts["warehouse"])
            if not qs.exists():
                raise CommandError(f"Unknown warehouse {opts['warehouse']!r}")
        actor = Actor.system("wms_housekeeping")
        for wh in qs:
            counts = cycle_counts_schedule(
                warehouse_id=wh.pk, actor=actor, limit=opts["counts_limit"]
            )
            tasks = replenishment_run(warehouse_id=wh.pk, actor=actor)
            self.stdout.write(
                f"{wh.code}: {len(counts)} cycle count(s) opened, "
                f"{len(tasks)} replenishment task(s) created"
            )
