"""Template helpers for the screens shell: the role menu and small formatting filters."""

from __future__ import annotations

from typing import Any

from django import template

from dashboard.access import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def role_menu(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return menu_for(request.user, request.path)


@register.filter
def humanize_code(value: Any) -> str:
    """`on_hold` → `On hold`: status and reason codes read as plain words."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
