"""Packing station: scan a tote or order → scan every item → box and weight → label → shipped.

The phase shown comes from the package row: items left to verify, then box and weight, then
"print label" (buys it from shipping), then "hand over" (ship confirmation).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import roles
from common.access import WAREHOUSE, role_required
from common.exceptions import DomainError
from common.types import Actor
from warehouse import ui_selectors
from warehouse.services import packing
from warehouse.views.base import current_warehouse


def _package(request: HttpRequest, package_id: int):  # type: ignore[no-untyped-def]
    warehouse = current_warehouse(request)
    if warehouse is None:
        return None
    package = ui_selectors.package_for_screen(package_id=package_id, warehouse_id=warehouse.pk)
    if package is None:
        raise Http404("No such package at this station.")
    return package


def _phase(package: Any, items: list[Any]) -> str:
    if package.status == "shipped":
        return "shipped"
    if package.status == "packed":
        return "label"
    if package.status != "open":
        return "closed"
    if any(it.quantity_verified < it.quantity_expected for it in items):
        return "items"
    if package.weight_g is None:
        return "weigh"
    if package.weight_flagged and package.weight_override_at is None:
        return "reweigh"
    return "close"


@role_required(WAREHOUSE)
def start(request: HttpRequest) -> HttpResponse:
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        if not code:
            messages.error(request, "Scan a tote or type an order number, then press Enter.")
            return redirect("warehouse_ui:pack_start")
        try:
            step = packing.pack_start(
                warehouse_id=warehouse.pk, code=code, actor=Actor.for_user(request.user)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("warehouse_ui:pack_start")
        messages.success(request, step.message)
        return redirect("warehouse_ui:pack", package_id=step.data["package_id"])
    return render(request, "warehouse/pack_start.html", {"warehouse": warehouse})


@role_required(WAREHOUSE)
def screen(request: HttpRequest, package_id: int) -> HttpResponse:
    package = _package(request, package_id)
    if package is None:
        return redirect("warehouse_ui:home")
    items = list(package.items.all())
    phase = _phase(package, items)
    return render(
        request,
        "warehouse/pack.html",
        {
            "package": package,
            "items": items,
            "phase": phase,
            "remaining": sum(it.quantity_expected - it.quantity_verified for it in items),
            "boxes": (
                ui_selectors.box_types_active() if phase in {"weigh", "reweigh", "close"} else []
            ),
            "scan_id": uuid.uuid4().hex,
            "is_supervisor": roles.has_role(
                request.user, roles.WAREHOUSE_SUPERVISOR, *roles.OPS_ROLES
            ),
        },
    )


def _act(request: HttpRequest, package_id: int, call) -> HttpResponse:  # type: ignore[no-untyped-def]
    package = _package(request, package_id)
    if package is None:
        return redirect("warehouse_ui:home")
    try:
        step = call(package, Actor.for_user(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if step.step == "reweigh":
            messages.warning(request, step.message)
        else:
            messages.success(request, step.message)
    return redirect("warehouse_ui:pack", package_id=package.pk)


@role_required(WAREHOUSE)
@require_POST
def scan_item(request: HttpRequest, package_id: int) -> HttpResponse:
    code = request.POST.get("code", "").strip()
    if not code:
        messages.error(request, "Scan an item, then press Enter.")
        return redirect("warehouse_ui:pack", package_id=package_id)
    return _act(
        request,
        package_id,
        lambda package, actor: packing.pack_scan_item(
            package_id=package.pk,
            item_code=code,
            actor=actor,
            scan_id=request.POST.get("scan_id") or None,
        ),
    )


@role_required(WAREHOUSE)
@require_POST
def weigh(request: HttpRequest, package_id: int) -> HttpResponse:
    """Box (if changed) and the scale's weight in grams."""
    try:
        weight = int(request.POST.get("weight_g", "").strip())
    except ValueError:
        messages.error(request, "Weight must be a whole number of grams.")
        return redirect("warehouse_ui:pack", package_id=package_id)
    box = request.POST.get("box", "").strip()

    def call(package, actor):  # type: ignore[no-untyped-def]
        if box and (package.box is None or package.box.code != box):
            packing.pack_set_box(package_id=package.pk, box_code=box, actor=actor)
        return packing.pack_record_weight(package_id=package.pk, weight_g=weight, actor=actor)

    return _act(request, package_id, call)


@role_required(WAREHOUSE)
@require_POST
def weight_override(request: HttpRequest, package_id: int) -> HttpResponse:
    """A supervisor lets an out-of-tolerance weight through, with a reason (the service checks
    the role too)."""
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Give the reason for the override.")
        return redirect("warehouse_ui:pack", package_id=package_id)
    return _act(
        request,
        package_id,
        lambda package, actor: packing.pack_weight_override(
            package_id=package.pk, reason=reason, actor=actor
        ),
    )


@role_required(WAREHOUSE)
@require_POST
def close(request: HttpRequest, package_id: int) -> HttpResponse:
    """Buy the label (shipping) and mark the package packed."""
    return _act(
        request,
        package_id,
        lambda package, actor: packing.pack_close(package_id=package.pk, actor=actor),
    )


@role_required(WAREHOUSE)
@require_POST
def ship(request: HttpRequest, package_id: int) -> HttpResponse:
    """The package is handed to the carrier."""
    return _act(
        request,
        package_id,
        lambda package, actor: packing.ship_confirm(package_id=package.pk, actor=actor),
    )
