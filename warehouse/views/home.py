"""The warehouse home: choose the warehouse, then the open tasks and the scanner screens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from common import roles
from common.access import SUPERVISION, WAREHOUSE, role_required
from common.exceptions import DomainError
from common.types import Actor
from warehouse import selectors as warehouse_selectors
from warehouse import ui_selectors
from warehouse.choices import TaskKind
from warehouse.services import waves as wave_services
from warehouse.views.base import SESSION_KEY, current_warehouse

TASK_LIMIT = 50
# The screen that works a task of each kind (task id in the URL).
TASK_SCREENS = {
    TaskKind.PUTAWAY: "warehouse_ui:putaway_task",
    TaskKind.MOVE: "warehouse_ui:move_task",
    TaskKind.REPLENISH: "warehouse_ui:move_task",
    TaskKind.COUNT: "warehouse_ui:count_task",
}


def _task_url(task) -> str | None:  # type: ignore[no-untyped-def]
    name = TASK_SCREENS.get(task.kind)
    if not name:
        return None
    try:
        return reverse(name, args=[task.pk])
    except NoReverseMatch:
        return None


@role_required(WAREHOUSE)
def home(request: HttpRequest) -> HttpResponse:
    warehouse = None if request.GET.get("change") else current_warehouse(request)
    if warehouse is None:
        return render(
            request,
            "warehouse/choose_warehouse.html",
            {"warehouses": ui_selectors.warehouses_active()[:50]},
        )
    kind = request.GET.get("kind") or None
    tasks = list(warehouse_selectors.task_queue(warehouse_id=warehouse.pk, kind=kind)[:TASK_LIMIT])
    for task in tasks:
        task.url = _task_url(task)
    is_supervisor = roles.has_role(request.user, roles.WAREHOUSE_SUPERVISOR, *roles.OPS_ROLES)
    return render(
        request,
        "warehouse/home.html",
        {
            "warehouse": warehouse,
            "tasks": tasks,
            "kind": kind or "",
            "kinds": TaskKind.choices,
            "is_supervisor": is_supervisor,
            "waiting": (
                ui_selectors.orders_waiting_for_wave(warehouse_id=warehouse.pk)
                if is_supervisor
                else 0
            ),
            "wave_lists": (
                ui_selectors.pick_lists_with_orders(warehouse_id=warehouse.pk)
                if is_supervisor
                else []
            ),
        },
    )


@role_required(WAREHOUSE)
@require_POST
def choose_warehouse(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("warehouse", ""))
    except ValueError:
        wanted = 0
    if not ui_selectors.warehouses_active().filter(pk=wanted).exists():
        messages.error(request, "Choose one of the listed warehouses.")
    else:
        request.session[SESSION_KEY] = wanted
    return redirect("warehouse_ui:home")


@role_required(SUPERVISION)
def wave_routes(request: HttpRequest) -> HttpResponse:
    """Recent waves: each pick list's route against S-shape and against the best known."""
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    waves = ui_selectors.waves_with_routes(warehouse_id=warehouse.pk)
    for wave in waves:
        s_len = wave.sshape_length_m
        wave.saving_pct = round(100 * (1 - wave.route_length_m / s_len), 1) if s_len else 0.0
    return render(request, "warehouse/wave_routes.html", {"warehouse": warehouse, "waves": waves})


@role_required(SUPERVISION)
@require_POST
def wave_create(request: HttpRequest) -> HttpResponse:
    """Plan a wave from the released orders of this warehouse and release it to the pickers."""
    warehouse = current_warehouse(request)
    if warehouse is None:
        return redirect("warehouse_ui:home")
    actor = Actor.for_user(request.user)
    try:
        wave = wave_services.wave_plan(warehouse_id=warehouse.pk, actor=actor)
        if wave is not None:
            wave = wave_services.wave_release(wave_id=wave.pk, actor=actor)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if wave is None:
            messages.warning(request, "No released orders are waiting for a wave.")
        else:
            messages.success(request, f"Wave {wave.number} is {wave.get_status_display().lower()}.")
    return redirect("warehouse_ui:home")
