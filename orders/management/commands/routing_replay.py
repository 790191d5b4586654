"""Replay a draft routing configuration against past orders; compare with the live one.

    manage.py routing_replay --channel shop [--days 30] [--strategy nearest] [--split/--no-split]

Without overrides the channel's draft RoutingPolicy (is_draft=True) is the draft. Changes
nothing: it re-plans the stock snapshots stored on past routing decisions.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from channels_sync.models import Channel
from orders import selectors as orders_selectors
from orders.choices import RoutingStrategy, ShortagePolicy
from orders.routing_rules import RoutingConfig
from orders.services.routing import routing_config_for


class Command(BaseCommand):
    help = "Compare shipments, splits and backorders of a draft routing config with the live one."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--channel", required=True, help="Channel code")
        parser.add_argument(
            "--days", type=int, default=None, help="Only decisions of the last N days"
        )
        parser.add_argument("--strategy", choices=RoutingStrategy.values)
        parser.add_argument("--split", dest="split", action="store_true", default=None)
        parser.add_argument("--no-split", dest="split", action="store_false")
        parser.add_argument("--shortage-policy", choices=ShortagePolicy.values)
        parser.add_argument("--max-distance-km", type=int)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        channel = Channel.objects.filter(code=opts["channel"]).first()
        if channel is None:
            raise CommandError(f"Unknown channel {opts['channel']!r}")
        live = routing_config_for(channel=channel)
        draft = routing_config_for(channel=channel, draft=True)
        overrides = {
            "strategy": opts["strategy"],
            "allow_split": opts["split"],
            "shortage_policy": opts["shortage_policy"],
            "max_distance_km": opts["max_distance_km"],
        }
        draft = RoutingConfig(
            **{**draft.as_dict(), **{k: v for k, v in overrides.items() if v is not None}}
        )
        since = timezone.now() - timedelta(days=opts["days"]) if opts["days"] else None
        report = orders_selectors.routing_replay(
            channel_id=channel.pk, live=live, draft=draft, since=since
        )
        report["live_config"] = live.as_dict()
        report["draft_config"] = draft.as_dict()
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        self.stdout.write(f"live:  {live.as_dict()}")
        self.stdout.write(f"draft: {draft.as_dict()}")
        header = f"{'':10}{'orders':>8}{'shipments':>11}{'splits':>8}{'backordered orders':>20}{'units':>8}"
        self.stdout.write(header)
        for name in ("recorded", "live", "draft"):
            t = report["totals"][name]
            self.stdout.write(
                f"{name:10}{t['orders']:>8}{t['shipments']:>11}{t['splits']:>8}"
                f"{t['backordered_orders']:>20}{t['backordered_units']:>8}"
            )
        live_t, draft_t = report["totals"]["live"], report["totals"]["draft"]
        self.stdout.write(
            "draft − live: "
            + ", ".join(
                f"{k} {draft_t[k] - live_t[k]:+d}"
                for k in ("shipments", "splits", "backordered_units")
            )
        )
        self.stdout.write(f"{len(report['changed'])} order(s) would be routed differently")
