"""Keyset cursors for the order list: opaque, carry the ordering and the key of a row."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from orders.selectors import ORDER_LIST_ORDERINGS, OrderListPage, order_list_key

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
CURSOR = "cursor"
# `limit` is accepted as another name for page_size (issue 10: ?limit= was ignored).
PAGE_SIZE_PARAMS = ("page_size", "limit")


def page_size(request: Request) -> int:
    """?page_size= (or ?limit=), 1–500; 50 when absent; 400 when not a whole number in range."""
    for name in PAGE_SIZE_PARAMS:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_PAGE_SIZE:
            raise ValidationError({name: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
        return value
    return PAGE_SIZE


def encode(ordering: str, key: tuple[Any, ...], *, backwards: bool) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    raw = json.dumps({"o": ordering, "k": values, "b": int(backwards)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, *, ordering: str) -> tuple[tuple[Any, ...], bool]:
    """The key and direction in a cursor made for `ordering`; 404 `Invalid cursor` otherwise
    (as DRF's cursor pagination answers)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["o"] != ordering:
            raise ValueError("made for another ordering")
        fields = ORDER_LIST_ORDERINGS[ordering]
        values = data["k"]
        if len(values) != len(fields):
            raise ValueError("wrong key")
        key = tuple(
            int(v) if name == "id" else datetime.fromisoformat(v)
            for name, v in zip(fields, values, strict=True)
        )
        return key, bool(data.get("b"))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NotFound("Invalid cursor") from exc


def links(
    request: Request, page: OrderListPage, *, after: tuple[Any, ...] | None, backwards: bool
) -> tuple[str | None, str | None]:
    """(next, previous) URLs for a page read from `after` in a direction."""
    url = request.build_absolute_uri()

    def at(key: tuple[Any, ...], back: bool) -> str:
        return replace_query_param(url, CURSOR, encode(page.ordering, key, backwards=back))

    rows = page.rows
    first = order_list_key(rows[0], page.ordering) if rows else after
    last = order_list_key(rows[-1], page.ordering) if rows else after
    more_older = page.has_more if not backwards else True
    more_newer = page.has_more if backwards else after is not None
    nxt = at(last, False) if more_older and last is not None else None
    if not more_newer:
        prev = None
    elif first is None:
        prev = remove_query_param(url, CURSOR)
    else:
        prev = at(first, True)
    return nxt, prev
