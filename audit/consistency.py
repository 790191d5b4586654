"""TPC-C-style consistency conditions of the whole system, each checked with SQL aggregates.

This module READS every app's tables (it sits above all of them, like a report); it writes
nothing. `consistency_check()` is what `manage.py check_consistency` and the load and fault
tests run. A condition whose tables do not exist yet is reported as skipped, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from inventory.selectors import Mismatch, inventory_mismatches


@dataclass
class ConsistencyReport:
    """What was checked, what was skipped (and why), and every broken row."""

    checked: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Skip(Exception):
    """A condition cannot be checked yet (its model or field is not there)."""


def _model(label: str):  # type: ignore[no-untyped-def]
    try:
        return apps.get_model(label)
    except LookupError as exc:
        raise Skip(f"model {label} does not exist yet") from exc


def _need_fields(model, *names: str) -> None:  # type: ignore[no-untyped-def]
    have = {f.name for f in model._meta.get_fields()}
    missing = [n for n in names if n not in have]
    if missing:
        raise Skip(f"{model._meta.label} has no field(s) {', '.join(missing)}")


# --- the conditions --------------------------------------------------------------------------


def check_stock() -> list[Mismatch]:
    """Stock per bin == Σ ledger; balances == Σ bins; committed == Σ open commitments;
    bin reserved == Σ open bin reservations (inventory.selectors.inventory_mismatches)."""
    return inventory_mismatches()


def check_fulfillment_lines() -> list[Mismatch]:
    """No fulfillment line has more shipped than picked, or more picked than ordered."""
    frl = _model("orders.FulfillmentRequestLine")
    _need_fields(frl, "quantity", "quantity_picked", "quantity_shipped")
    problems = []
    for r in frl.objects.filter(
        Q(quantity_shipped__gt=F("quantity_picked")) | Q(quantity_picked__gt=F("quantity"))
    ).values("pk", "quantity", "quantity_picked", "quantity_shipped"):
        key = f"fulfillment_line={r['pk']} ordered={r['quantity']}"
        if r["quantity_picked"] > r["quantity"]:
            problems.append(Mismatch("picked <= ordered", key, r["quantity"], r["quantity_picked"]))
        if r["quantity_shipped"] > r["quantity_picked"]:
            problems.append(
                Mismatch("shipped <= picked", key, r["quantity_picked"], r["quantity_shipped"])
            )
    return problems


def check_order_lines() -> list[Mismatch]:
    """Per order line: shipped <= picked <= ordered, and its picked / shipped figures equal the
    sums over its fulfillment lines (the OMS and the WMS tell the same story)."""
    line = _model("orders.OrderLine")
    frl = _model("orders.FulfillmentRequestLine")
    _need_fields(line, "quantity", "quantity_picked", "quantity_shipped")
    _need_fields(frl, "order_line", "quantity_picked", "quantity_shipped")
    problems = []
    for r in line.objects.filter(
        Q(quantity_shipped__gt=F("quantity_picked")) | Q(quantity_picked__gt=F("quantity"))
    ).values("pk", "quantity", "quantity_picked", "quantity_shipped"):
        key = f"order_line={r['pk']} ordered={r['quantity']}"
        problems.append(
            Mismatch(
                "order line shipped <= picked <= ordered", key, r["quantity"], r["quantity_picked"]
            )
        )
    sums = {
        r["order_line_id"]: r
        for r in frl.objects.values("order_line_id")
        .annotate(
            picked=Coalesce(Sum("quantity_picked"), 0), shipped=Coalesce(Sum("quantity_shipped"), 0)
        )
        .order_by()
    }
    for r in line.objects.filter(
        Q(quantity_picked__gt=0) | Q(quantity_shipped__gt=0) | Q(pk__in=list(sums))
    ).values("pk", "quantity_picked", "quantity_shipped"):
        agg = sums.get(r["pk"], {"picked": 0, "shipped": 0})
        if agg["picked"] != r["quantity_picked"]:
            problems.append(
                Mismatch(
                    "order line picked == Σ fulfillment lines picked",
                    f"order_line={r['pk']}",
                    agg["picked"],
                    r["quantity_picked"],
                )
            )
        if agg["shipped"] != r["quantity_shipped"]:
            problems.append(
                Mismatch(
                    "order line shipped == Σ fulfillment lines shipped",
                    f"order_line={r['pk']}",
                    agg["shipped"],
                    r["quantity_shipped"],
                )
            )
    return problems


SHIPPED_ORDER_STATUSES = ("shipped", "delivered")


def check_shipped_orders() -> list[Mismatch]:
    """Every line of a shipped (or delivered) order is shipped: shipped + cancelled == ordered."""
    line = _model("orders.OrderLine")
    _need_fields(line, "order", "quantity", "quantity_shipped", "quantity_cancelled")
    problems = []
    rows = (
        line.objects.filter(order__status__in=SHIPPED_ORDER_STATUSES)
        .annotate(done=F("quantity_shipped") + F("quantity_cancelled"))
        .exclude(done=F("quantity"))
        .values("pk", "order_id", "quantity", "done")
    )
    for r in rows:
        problems.append(
            Mismatch(
                "shipped order ⇒ every line shipped",
                f"order={r['order_id']} order_line={r['pk']}",
                r["quantity"],
                r["done"],
            )
        )
    return problems


def check_outbox() -> list[Mismatch]:
    """Every outbox message is sent (version == sent_version), pending (newer version, waiting
    since a known time, not dead) or dead (parked with its error) — never anything else."""
    outbox = _model("channels_sync.OutboxMessage")
    _need_fields(outbox, "version", "sent_version", "dead_at", "pending_since")
    problems = []
    lost = outbox.objects.filter(
        Q(sent_version__gt=F("version"))  # "sent" something newer than ever written
        | Q(version__gt=F("sent_version"), dead_at__isnull=True, pending_since__isnull=True)
    ).values("pk", "channel_id", "topic", "key", "version", "sent_version")
    for r in lost:
        problems.append(
            Mismatch(
                "outbox message is sent, pending or dead",
                f"outbox={r['pk']} channel={r['channel_id']} {r['topic']}:{r['key']}",
                r["version"],
                r["sent_version"],
            )
        )
    return problems


def check_channel_ats() -> list[Mismatch]:
    """After sync, each channel holds the truth: for every active listing on a pushed channel
    whose stock message is neither pending nor dead, the quantity the channel acknowledged
    (Listing.last_pushed_quantity) equals the channel's ATS computed from stock now."""
    listing = _model("channels_sync.Listing")
    outbox = _model("channels_sync.OutboxMessage")
    _need_fields(listing, "last_pushed_quantity", "is_active")
    from channels_sync.services.sync import channel_ats

    unsettled = {
        (r["channel_id"], r["key"])
        for r in outbox.objects.filter(topic="stock")
        .filter(Q(version__gt=F("sent_version")) | Q(dead_at__isnull=False))
        .values("channel_id", "key")
    }
    by_channel: dict[int, dict[int, int]] = {}
    channels = {}
    for r in (
        listing.objects.filter(is_active=True, channel__is_active=True)
        .exclude(channel__kind="custom")
        .exclude(channel__base_url="")
        .exclude(last_pushed_quantity__isnull=True)
        .select_related("channel")
    ):
        if (r.channel_id, str(r.product_id)) in unsettled:
            continue
        channels[r.channel_id] = r.channel
        by_channel.setdefault(r.channel_id, {})[r.product_id] = r.last_pushed_quantity
    problems = []
    for channel_id, held in sorted(by_channel.items()):
        truth = channel_ats(channel=channels[channel_id], product_ids=list(held))
        for product_id, quantity in sorted(held.items()):
            if truth[product_id] != quantity:
                problems.append(
                    Mismatch(
                        "channel ATS == truth after sync",
                        f"channel={channel_id} product={product_id}",
                        truth[product_id],
                        quantity,
                    )
                )
    return problems


CHECKS: list[tuple[str, Callable[[], list[Mismatch]]]] = [
    ("stock: bin on hand == Σ ledger; committed == Σ open reservations", check_stock),
    ("fulfillment lines: shipped <= picked <= ordered", check_fulfillment_lines),
    ("order lines: shipped <= ordered", check_order_lines),
    ("shipped orders: every line shipped", check_shipped_orders),
    ("outbox: every message sent, pending or dead", check_outbox),
    ("channels: acknowledged ATS == truth once synced", check_channel_ats),
]


def consistency_check(
    *, extra: list[tuple[str, Callable[[], list[Mismatch]]]] | None = None
) -> ConsistencyReport:
    """Run every condition; collect problems and skipped conditions (never raises Skip)."""
    report = ConsistencyReport()
    for name, check in [*CHECKS, *(extra or [])]:
        try:
            problems = check()
        except Skip as skip:
            report.skipped.append((name, str(skip)))
            continue
        report.checked.append(name)
        report.problems.extend(problems)
    return report
