"""Shared helpers for the warehouse screens: the operator's warehouse (kept in the session)."""

from __future__ import annotations

from django.http import HttpRequest

from warehouse import ui_selectors
from warehouse.models import Warehouse

SESSION_KEY = "ui_warehouse_id"


def current_warehouse(request: HttpRequest) -> Warehouse | None:
    """The warehouse the operator works in: the session's choice, or the only active one."""
    wanted = request.session.get(SESSION_KEY)
    warehouses = list(ui_selectors.warehouses_active()[:50])
    for wh in warehouses:
        if wh.pk == wanted:
            return wh
    if len(warehouses) == 1:
        request.session[SESSION_KEY] = warehouses[0].pk
        return warehouses[0]
    return None
