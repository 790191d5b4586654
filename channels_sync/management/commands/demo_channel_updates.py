"""The mock shop cancels one demo order and pays another later (started by bin/run-mocks)."""

from django.core.management.base import BaseCommand, CommandError

from channels_sync.services.demo import demo_channel_updates_run


class Command(BaseCommand):
    help = (
        "Demonstrate later channel updates: the Shopify mock places two orders through signed "
        "webhooks, cancels one at the shop and takes the other's payment later."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--channel", default="shopify-demo")
        parser.add_argument("--app-url", default="http://127.0.0.1:8000")
        parser.add_argument("--pay-after", type=float, default=20.0)
        parser.add_argument("--wait", type=float, default=60.0)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            ids = demo_channel_updates_run(
                channel_code=options["channel"],
                app_url=options["app_url"],
                pay_after=options["pay_after"],
                wait=options["wait"],
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"shop order {ids['cancelled']} cancelled at the shop; "
            f"shop order {ids['paid_later']} paid later (see their timelines)"
        )
