"""Receive, putaway, move, replenish and count screens (scan forms, POST-redirect-GET).

Multi-field scan forms (move, replenish) advance from field to field on Enter (scanner.js) and
submit on the last one; each POST calls one WMS service and shows its answer or its refusal.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.access import WAREHOUSE, role_required
from common.exceptions import DomainError
from common.types import Actor
from warehouse import ui_selectors
from warehouse.services import counts as count_services
from warehouse.services import moves as move_services
from warehouse.services import putaway as putaway_services
from warehouse.services import receiving as receiving_services
from warehouse.services import replenishment as replenishment_services
from warehouse.views.base import current_warehouse


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _run(request: HttpRequest, call) -> bool:  # type: ignore[no-untyped-def]
    """Call the service; show its answer (success) or its refusal (error)."""
    try:
        step = call(Actor.for_user(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    message = getattr(step, "message", "") or "Done."
    messages.success(request, message)
    return True


# ---------------------------------------------------------------- receive


@role_required(WAREHOUSE)
def receive_list(request: HttpRequest) -> HttpResponse:
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    return render(
        request,
        "warehouse/receive_list.html",
        {"warehouse": warehouse, "shipments": ui_selectors.inbound_open(warehouse_id=warehouse.pk)},
    )


def _inbound(request: HttpRequest, shipment_id: int):  # type: ignore[no-untyped-def]
    warehouse = current_warehouse(request)
    shipment = (
        ui_selectors.inbound_for_screen(shipment_id=shipment_id, warehouse_id=warehouse.pk)
        if warehouse
        else None
    )
    if shipment is None:
        raise Http404("No such inbound shipment here.")
    return shipment


@role_required(WAREHOUSE)
def receive(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _inbound(request, shipment_id)
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        quantity = _int(request.POST.get("quantity") or "1")
        if not code or quantity is None:
            messages.error(request, "Scan the item and enter a whole quantity.")
        else:
            _run(
                request,
                lambda actor: receiving_services.inbound_receive_scan(
                    shipment_id=shipment.pk,
                    item_code=code,
                    quantity=quantity,
                    damaged=request.POST.get("damaged") == "on",
                    actor=actor,
                    scan_id=request.POST.get("scan_id") or None,
                ),
            )
        return redirect("warehouse_ui:receive_shipment", shipment_id=shipment.pk)
    return render(
        request,
        "warehouse/receive.html",
        {"shipment": shipment, "lines": list(shipment.lines.all()), "scan_id": uuid.uuid4().hex},
    )


@role_required(WAREHOUSE)
@require_POST
def receive_close(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _inbound(request, shipment_id)
    try:
        receiving_services.inbound_close(
            shipment_id=shipment.pk, actor=Actor.for_user(request.user)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("warehouse_ui:receive_shipment", shipment_id=shipment.pk)
    messages.success(request, f"Shipment {shipment.number} closed.")
    return redirect("warehouse_ui:receive")


# ---------------------------------------------------------------- putaway and replenish (tasks)


def _task(request: HttpRequest, task_id: int, kinds: tuple[str, ...]):  # type: ignore[no-untyped-def]
    warehouse = current_warehouse(request)
    task = (
        ui_selectors.task_for_screen(task_id=task_id, warehouse_id=warehouse.pk, kinds=kinds)
        if warehouse
        else None
    )
    if task is None:
        raise Http404("No such task here.")
    return task


@role_required(WAREHOUSE)
def putaway(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id, ("putaway",))
    if request.method == "POST":
        code = request.POST.get("bin", "").strip()
        if not code:
            messages.error(request, "Scan the bin you put the units in.")
        elif _run(
            request,
            lambda actor: putaway_services.putaway_confirm(
                task_id=task.pk,
                bin_code=code,
                actor=actor,
                scan_id=request.POST.get("scan_id") or None,
            ),
        ):
            return redirect("warehouse_ui:home")
        return redirect("warehouse_ui:putaway_task", task_id=task.pk)
    return render(request, "warehouse/putaway.html", {"task": task, "scan_id": uuid.uuid4().hex})


@role_required(WAREHOUSE)
def move_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """A replenishment (or move) task: scan reserve bin, item, quantity, pick face."""
    task = _task(request, task_id, ("replenish", "move"))
    if request.method == "POST":
        quantity = _int(request.POST.get("quantity"))
        if quantity is None:
            messages.error(request, "Enter the quantity as a whole number.")
        elif _run(
            request,
            lambda actor: replenishment_services.replenishment_confirm(
                task_id=task.pk,
                from_bin_code=request.POST.get("from_bin", "").strip(),
                item_code=request.POST.get("item", "").strip(),
                quantity=quantity,
                to_bin_code=request.POST.get("to_bin", "").strip(),
                actor=actor,
                scan_id=request.POST.get("scan_id") or None,
            ),
        ):
            return redirect("warehouse_ui:home")
        return redirect("warehouse_ui:move_task", task_id=task.pk)
    return render(request, "warehouse/move.html", {"task": task, "scan_id": uuid.uuid4().hex})


# ---------------------------------------------------------------- move (free)


@role_required(WAREHOUSE)
def move(request: HttpRequest) -> HttpResponse:
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    if request.method == "POST":
        quantity = _int(request.POST.get("quantity"))
        if quantity is None:
            messages.error(request, "Enter the quantity as a whole number.")
        else:
            _run(
                request,
                lambda actor: move_services.move_by_scan(
                    warehouse_id=warehouse.pk,
                    from_bin_code=request.POST.get("from_bin", "").strip(),
                    item_code=request.POST.get("item", "").strip(),
                    quantity=quantity,
                    to_bin_code=request.POST.get("to_bin", "").strip(),
                    actor=actor,
                    scan_id=request.POST.get("scan_id") or None,
                ),
            )
        return redirect("warehouse_ui:move")
    return render(request, "warehouse/move.html", {"task": None, "scan_id": uuid.uuid4().hex})


# ---------------------------------------------------------------- count


def _count_key(count_id: int) -> str:
    return f"ui_count_{count_id}"


@role_required(WAREHOUSE)
def count_list(request: HttpRequest) -> HttpResponse:
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    return render(
        request,
        "warehouse/count_list.html",
        {"warehouse": warehouse, "counts": ui_selectors.counts_open(warehouse_id=warehouse.pk)},
    )


@role_required(WAREHOUSE)
def count(request: HttpRequest, count_id: int) -> HttpResponse:
    """A blind count: scan each item found in the bin with its quantity, then submit."""
    warehouse = current_warehouse(request)
    found = (
        ui_selectors.count_for_screen(count_id=count_id, warehouse_id=warehouse.pk)
        if warehouse
        else None
    )
    if found is None:
        raise Http404("No such count here.")
    key = _count_key(found.pk)
    counted: list[dict[str, Any]] = [
        row for row in request.session.get(key, []) if isinstance(row, dict) and "id" in row
    ]
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action == "add":
            _count_add(request, key, counted)
        elif action == "undo":
            _count_undo(request, key, counted, request.POST.get("entry", ""))
        elif action == "clear":
            request.session.pop(key, None)
        elif _run(
            request,
            lambda actor: count_services.cycle_count_submit(
                count_id=found.pk,
                counted=_merged(counted),
                actor=actor,
                scan_id=request.POST.get("scan_id") or None,
            ),
        ):
            request.session.pop(key, None)
            return redirect("warehouse_ui:count_start")
        return redirect("warehouse_ui:count", count_id=found.pk)
    return render(
        request,
        "warehouse/count.html",
        {"count": found, "counted": counted, "scan_id": uuid.uuid4().hex},
    )


def _count_add(request: HttpRequest, key: str, counted: list[dict[str, Any]]) -> None:
    """Note one scanned entry, or refuse it at once (unknown code, missing lot): nothing noted."""
    code = request.POST.get("code", "").strip()
    lot = request.POST.get("lot", "").strip()[:40]
    quantity = _int(request.POST.get("quantity") or "1")
    if not code or quantity is None or quantity < 0:
        messages.error(request, "Scan an item and enter how many are in the bin.")
        return
    entry = {"code": code, "quantity": quantity, "lot": lot}
    try:
        (product_id, _lot), *_ = count_services.count_entries_resolve(counted=[entry])
    except DomainError as exc:
        messages.error(request, f"{exc.message} Nothing was noted.")
        return
    sku = ui_selectors.product_sku(product_id=product_id)
    counted.append({**entry, "id": uuid.uuid4().hex[:12], "sku": sku})
    request.session[key] = counted
    lot_text = f" (lot {lot})" if lot else ""
    messages.success(request, f"{quantity} × {code}{lot_text} noted.")


def _count_undo(request: HttpRequest, key: str, counted: list[dict[str, Any]], entry: str) -> None:
    """Take back one entry (a slip) without re-scanning the bin; undoing twice changes nothing."""
    kept = [row for row in counted if row["id"] != entry]
    if len(kept) == len(counted):
        messages.info(request, "That entry was already removed.")
        return
    gone = next(row for row in counted if row["id"] == entry)
    request.session[key] = kept
    messages.success(request, f"Removed {gone['quantity']} × {gone['code']}.")


def _merged(counted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same item (and lot) scanned twice counts once with the quantities added."""
    totals: dict[tuple[str, str], int] = {}
    for row in counted:
        k = (row["code"], row.get("lot", ""))
        totals[k] = totals.get(k, 0) + int(row["quantity"])
    return [{"code": code, "lot": lot, "quantity": qty} for (code, lot), qty in totals.items()]


@role_required(WAREHOUSE)
def count_task(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id, ("count",))
    count_id = _int(task.document_ref)
    if count_id is None:
        raise Http404("This count task has no count.")
    return redirect("warehouse_ui:count", count_id=count_id)
