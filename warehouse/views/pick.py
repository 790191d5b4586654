"""Batch picking along the route: bin → item → quantity and tote, with a short-pick button.

Each scan is one POST that redirects back (PRG); the page always shows the next expected scan.
Bin and item scans are checked by the WMS (nothing changes) and remembered in the session until
the pick is confirmed; the confirm carries a scan id, so a double submit picks once.
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
from warehouse.services import picking
from warehouse.views.base import current_warehouse


def _state_key(pick_list_id: int) -> str:
    return f"ui_pick_{pick_list_id}"


def _state(request: HttpRequest, pick_list_id: int, line_id: int | None) -> dict[str, Any]:
    """What has been scanned for the current line (reset when the line changes)."""
    state = request.session.get(_state_key(pick_list_id)) or {}
    if state.get("line") != line_id:
        state = {"line": line_id, "bin": "", "item": ""}
        request.session[_state_key(pick_list_id)] = state
    return state


def _pick_list(request: HttpRequest, pick_list_id: int):  # type: ignore[no-untyped-def]
    warehouse = current_warehouse(request)
    if warehouse is None:
        return None
    pick_list = ui_selectors.pick_list_for_screen(
        pick_list_id=pick_list_id, warehouse_id=warehouse.pk
    )
    if pick_list is None:
        raise Http404("No such pick list in this warehouse.")
    return pick_list


@role_required(WAREHOUSE)
def start(request: HttpRequest) -> HttpResponse:
    """Open pick lists of the operator's warehouse."""
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    return render(
        request,
        "warehouse/pick_start.html",
        {
            "warehouse": warehouse,
            "pick_lists": ui_selectors.pick_lists_open(warehouse_id=warehouse.pk),
        },
    )


@role_required(WAREHOUSE)
def screen(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    pick_list = _pick_list(request, pick_list_id)
    if pick_list is None:
        return redirect("warehouse_ui:home")
    step = picking.pick_list_next(pick_list_id=pick_list.pk)
    lines = ui_selectors.pick_list_lines(pick_list_id=pick_list.pk)
    done = sum(1 for line in lines if line.status != "open")
    context: dict[str, Any] = {
        "pick_list": pick_list,
        "step": step,
        "lines": lines,
        "done_count": done,
        "percent": int(100 * done / len(lines)) if lines else 100,
        "scan_id": uuid.uuid4().hex,
    }
    if step.step == "done":
        request.session.pop(_state_key(pick_list.pk), None)
        context["phase"] = "done"
    else:
        state = _state(request, pick_list.pk, step.data["pick_line_id"])
        context["state"] = state
        context["phase"] = "bin" if not state["bin"] else "item" if not state["item"] else "confirm"
    return render(request, "warehouse/pick.html", context)


@role_required(WAREHOUSE)
@require_POST
def scan(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """A bin or item scan for the current line (which one is expected comes from the session)."""
    pick_list = _pick_list(request, pick_list_id)
    if pick_list is None:
        return redirect("warehouse_ui:home")
    code = request.POST.get("code", "").strip()
    line_id = _int(request.POST.get("line"))
    state = _state(request, pick_list.pk, line_id)
    if not code:
        messages.error(request, "Scan or type a code, then press Enter.")
    elif line_id is None:
        messages.error(request, "This pick changed; scan again.")
    else:
        try:
            if not state["bin"]:
                step = picking.pick_scan_bin(pick_line_id=line_id, bin_code=code)
                state["bin"] = code
            else:
                step = picking.pick_scan_item(
                    pick_line_id=line_id, bin_code=state["bin"], item_code=code
                )
                state["item"] = code
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session[_state_key(pick_list.pk)] = state
            messages.success(request, f"{code} OK. {step.message}")
    return redirect("warehouse_ui:pick", pick_list_id=pick_list.pk)


@role_required(WAREHOUSE)
@require_POST
def confirm(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """Quantity taken and the tote scanned: the units move (one service call)."""
    pick_list = _pick_list(request, pick_list_id)
    if pick_list is None:
        return redirect("warehouse_ui:home")
    line_id = _int(request.POST.get("line"))
    quantity = _int(request.POST.get("quantity"))
    state = _state(request, pick_list.pk, line_id)
    if line_id is None or quantity is None:
        messages.error(request, "Enter the quantity you took as a whole number.")
        return redirect("warehouse_ui:pick", pick_list_id=pick_list.pk)
    try:
        step = picking.pick_confirm(
            pick_line_id=line_id,
            bin_code=state["bin"],
            item_code=state["item"],
            quantity=quantity,
            tote_code=request.POST.get("tote", "").strip(),
            actor=Actor.for_user(request.user),
            scan_id=request.POST.get("scan_id") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, step.message)
    return redirect("warehouse_ui:pick", pick_list_id=pick_list.pk)


@role_required(WAREHOUSE)
@require_POST
def short(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """The bin holds fewer units than asked: report how many were found."""
    pick_list = _pick_list(request, pick_list_id)
    if pick_list is None:
        return redirect("warehouse_ui:home")
    line_id = _int(request.POST.get("line"))
    found = _int(request.POST.get("found"))
    state = _state(request, pick_list.pk, line_id)
    if line_id is None or found is None:
        messages.error(request, "Enter how many units you found (0 or more).")
    elif not state["bin"]:
        messages.error(request, "Scan the bin first, then report the short pick.")
    else:
        try:
            step = picking.pick_short(
                pick_line_id=line_id,
                bin_code=state["bin"],
                quantity_found=found,
                actor=Actor.for_user(request.user),
                scan_id=request.POST.get("scan_id") or None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.warning(request, step.message)
    return redirect("warehouse_ui:pick", pick_list_id=pick_list.pk)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
