"""Ops dashboard (pictures of volume, lateness, holds, warehouse rates, sync and stock) and the
exceptions queue (each exception with the action that resolves it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from channels_sync import selectors as channels_selectors
from channels_sync.services import sync as channels_sync_services
from common.access import OPS, role_required
from common.types import Actor
from common.views import act_and_redirect
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory import ui_selectors as inventory_ui
from inventory.choices import LotHoldKind, LotStatus
from orders import services as orders_services
from orders import ui_selectors as orders_ui
from orders.choices import HoldKind
from orders.states import OrderStatus
from warehouse import ui_selectors as warehouse_ui
from warehouse.services import counts as count_services
from warehouse.services import lots as lot_services
from warehouse.services import packing as packing_services

HOURS = 24
LIST_LIMIT = 10
QUEUE_LIMIT = 50


def _hours(now: datetime) -> list[datetime]:
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    return [start + timedelta(hours=i) for i in range(HOURS)]


def _series(
    rows: list[dict[str, Any]], hours: list[datetime], key: str, value: str
) -> dict[str, list[int]]:
    """{series name: [value per hour]} from grouped rows of {hour, key, value}."""
    index = {h: i for i, h in enumerate(hours)}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(hours))
    for row in rows:
        hour = row["hour"]
        if hour is not None and timezone.is_naive(hour):
            hour = timezone.make_aware(hour, UTC)
        i = index.get(hour)
        if i is not None:
            out[row[key]][i] += row[value] or 0
    return dict(out)


@role_required(OPS)
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    hours = _hours(now)
    since = hours[0]
    status_labels = dict(OrderStatus.choices)
    by_status = _series(orders_ui.orders_per_hour_by_status(since=since), hours, "status", "n")
    rates = _series(warehouse_ui.units_per_hour(since=since), hours, "kind", "units")
    hold_counts = orders_ui.open_hold_counts()
    hold_labels = dict(HoldKind.choices)
    health = channels_selectors.sync_health()
    late = orders_ui.late_orders(now=now)
    alerts = inventory_ui.stock_alerts()
    charts = {
        "hours": [h.strftime("%H:00") for h in hours],
        "orders": [
            {"label": status_labels.get(s, s), "data": data}
            for s, data in sorted(by_status.items())
        ],
        "rates": [
            {"label": f"{kind.title()} units", "data": rates.get(kind, [0] * len(hours))}
            for kind in ("pick", "pack")
        ],
        "holds": {
            "labels": [hold_labels.get(k, k) for k in hold_counts],
            "data": list(hold_counts.values()),
        },
        "sync": {
            "labels": [h.channel_code for h in health],
            "backlog": [h.backlog for h in health],
            "lag": [round(h.oldest_unsent_age_seconds or 0) for h in health],
        },
    }
    return render(
        request,
        "dashboard/home.html",
        {
            "charts": charts,
            "orders_24h": sum(sum(d) for d in by_status.values()),
            "late_count": late.count(),
            "late_orders": list(late[:LIST_LIMIT]),
            "holds_total": sum(hold_counts.values()),
            "hold_counts": [(hold_labels.get(k, k), n) for k, n in hold_counts.items()],
            "backordered": orders_ui.backordered_order_count(),
            "picked_24h": sum(rates.get("pick", [])),
            "packed_24h": sum(rates.get("pack", [])),
            "health": health,
            "dead_total": sum(h.dead for h in health),
            "alerts_count": alerts.count(),
            "alerts": list(alerts[:LIST_LIMIT]),
            "replenishments": warehouse_ui.open_replenishments_count(),
            "counts_waiting": warehouse_ui.counts_awaiting_approval().count(),
            "lots_out_of_sale": len(inventory_selectors.lots_out_of_sale()),
        },
    )


# Channel updates that came too late to apply by themselves (docs/orders.md).
CHANNEL_EXCEPTIONS = (HoldKind.LATE_CANCEL, HoldKind.LATE_CHANGE)


@role_required(OPS)
def exceptions(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=7)
    shorts = list(warehouse_ui.short_picks(since=since)[:QUEUE_LIMIT])
    orders_by_line = orders_ui.order_ids_by_fulfillment_line(
        line_ids=[s.fulfillment_line_id for s in shorts]
    )
    for short in shorts:
        short.order = orders_by_line.get(short.fulfillment_line_id)
        # Only units the warehouse could not re-allocate went to the OMS; only those can need
        # a re-route (a fully re-allocated line is already on its way to the picker).
        short.reported_short = short.quantity_short - short.quantity_reallocated
    return render(
        request,
        "dashboard/exceptions.html",
        {
            "holds": list(
                orders_ui.active_holds(exclude_kinds=[HoldKind.UNKNOWN_SKU, *CHANNEL_EXCEPTIONS])[
                    :QUEUE_LIMIT
                ]
            ),
            "channel_changes": list(
                orders_ui.active_holds(kinds=list(CHANNEL_EXCEPTIONS))[:QUEUE_LIMIT]
            ),
            "unknown_skus": list(
                orders_ui.active_holds(kinds=[HoldKind.UNKNOWN_SKU])[:QUEUE_LIMIT]
            ),
            "shorts": shorts,
            "dead": list(channels_selectors.outbox_messages_dead()[:QUEUE_LIMIT]),
            "counts": list(warehouse_ui.counts_awaiting_approval()[:QUEUE_LIMIT]),
            "limit": QUEUE_LIMIT,
        },
    )


def _do(request: HttpRequest, call, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    return act_and_redirect(request, call, success, "dashboard:exceptions")


@role_required(OPS)
@require_POST
def release_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    note = request.POST.get("note", "").strip()[:500]
    return _do(
        request,
        lambda actor: orders_services.order_hold_release(hold_id=hold_id, actor=actor, note=note),
        "Hold released.",
    )


@role_required(OPS)
@require_POST
def resolve_late_cancel(request: HttpRequest, hold_id: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    return _do(
        request,
        lambda actor: orders_services.order_late_cancel_resolve(
            hold_id=hold_id, decision=decision, actor=actor
        ),
        "It ships as picked; the channel refunds the buyer."
        if decision == "ship"
        else "Stopped at pack: the rest is cancelled; return the picked units to stock.",
    )


@role_required(OPS)
@require_POST
def return_to_stock(request: HttpRequest, order_id: int) -> HttpResponse:
    """A stopped cancel-after-pick: the picked units go back to their bins (each warehouse)."""

    def run(actor: Actor) -> None:
        for warehouse_id, number in orders_ui.picked_request_warehouses(order_id=order_id):
            packing_services.pack_return_to_stock(
                warehouse_id=warehouse_id, code=number, actor=actor
            )

    return _do(request, run, "Picked units returned to stock; the order is settled.")


@role_required(OPS)
@require_POST
def reroute(request: HttpRequest, order_id: int) -> HttpResponse:
    return _do(
        request,
        lambda actor: orders_services.order_reroute(order_id=order_id, actor=actor),
        "Order re-routed.",
    )


@role_required(OPS)
@require_POST
def retry_sync(request: HttpRequest, message_id: int) -> HttpResponse:
    return _do(
        request,
        lambda actor: channels_sync_services.outbox_message_retry(
            message_id=message_id, actor=actor
        ),
        "Sync message queued again.",
    )


@role_required(OPS)
def approve_count(request: HttpRequest, count_id: int) -> HttpResponse:
    """GET: the review (per SKU and lot: expected, counted, variance in units and value; reads
    only). POST: approve (posts exactly those variances) or ask for a recount."""
    if request.method != "POST":
        review = warehouse_ui.count_review(count_id=count_id)
        if review is None:
            raise Http404("No such count.")
        return render(request, "dashboard/count_review.html", {"review": review})
    approve = request.POST.get("decision") == "approve"
    return _do(
        request,
        lambda actor: count_services.cycle_count_approve(
            count_id=count_id, actor=actor, approve=approve
        ),
        "Count approved and stock adjusted." if approve else "Recount requested.",
    )


@role_required(OPS)
def lots(request: HttpRequest) -> HttpResponse:
    """Lots out of sale: holds and recalls in force (release them), expired and held stock on
    hand, and the form that places a hold or recall (inventory: docs/inventory.md)."""
    return render(
        request,
        "dashboard/lots.html",
        {
            "holds": list(inventory_selectors.lot_holds_active()[:QUEUE_LIMIT]),
            "out_of_sale": inventory_selectors.lots_out_of_sale(limit=QUEUE_LIMIT),
            "kinds": LotHoldKind.choices,
            "statuses": dict(LotStatus.choices),
        },
    )


def _do_lots(request: HttpRequest, call, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    return act_and_redirect(request, call, success, "dashboard:lots")


@role_required(OPS)
@require_POST
def lot_hold_place(request: HttpRequest) -> HttpResponse:
    sku = request.POST.get("sku", "").strip()
    lot = request.POST.get("lot", "").strip()[:40]
    kind = request.POST.get("kind", LotHoldKind.HOLD)
    reason = request.POST.get("reason", "").strip()[:255]
    product = inventory_selectors.product_get_by_code(code=sku)
    if product is None:
        messages.error(request, f"No item has the code {sku!r}.")
        return redirect("dashboard:lots")
    label = dict(LotHoldKind.choices).get(kind, kind)
    return _do_lots(
        request,
        lambda actor: lot_services.lot_hold(
            product_id=product.pk, lot=lot, actor=actor, reason=reason, kind=kind
        ),
        f"{label} placed on lot {lot} of {product.sku}: it is out of sale.",
    )


@role_required(OPS)
@require_POST
def lot_hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()[:255]
    return _do_lots(
        request,
        lambda actor: inventory_services.lot_hold_release(
            hold_id=hold_id, actor=actor, reason=reason
        ),
        "Hold released: the lot is sellable again unless it has expired.",
    )
