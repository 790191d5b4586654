"""Builders for OMS tests: everything invariant-bearing goes through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from channels_sync.models import ChannelWarehouse
from common.types import Actor
from orders import services as orders_services
from orders.models import Order
from tests.factories.channels_sync import ChannelFactory
from tests.factories.inventory import ProductFactory
from tests.factories.warehouse import BinFactory, WarehouseFactory
from tests.scenarios import stocked

SYSTEM = Actor.system("test")
CS = Actor(kind="user", label="cs-agent")
_ext = itertools.count(1)

GOOD_ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "region": "CA",
    "postal_code": "94043",
    "country": "US",
}


def warehouse(code: str, **kwargs):
    wh = WarehouseFactory(code=code, **kwargs)
    BinFactory(warehouse=wh, code=f"{code}-PICK")
    return wh


def pick_bin(wh):
    return BinFactory(warehouse=wh, code=f"{wh.code}-PICK")


def stock(product, wh, quantity: int) -> None:
    stocked(product, pick_bin(wh), quantity)


def channel(*warehouses, allows_split: bool = True, code: str | None = None, **kwargs):
    ch = ChannelFactory(
        allows_split_shipments=allows_split, **({"code": code} if code else {}), **kwargs
    )
    for priority, wh in enumerate(warehouses, start=1):
        ChannelWarehouse.objects.get_or_create(
            channel=ch, warehouse=wh, defaults={"priority": priority}
        )
    return ch


def product(sku: str):
    return ProductFactory(sku=sku)


def payload(lines: list[tuple[str, int]] | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": f"EXT-{next(_ext)}",
        "customer": {
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "phone": "+1 650 555 0100",
        },
        "shipping_address": dict(GOOD_ADDRESS),
        "billing_address": dict(GOOD_ADDRESS),
        "currency": "USD",
        "lines": [
            {"sku": sku, "quantity": qty, "unit_price": "10.00"} for sku, qty in (lines or [])
        ],
        "service_level": "standard",
        "payment_status": "captured",
        "priority": 0,
    }
    body.update(overrides)
    return body


def capture(ch, lines: list[tuple[str, int]], **overrides: Any) -> Order:
    order, _ = orders_services.order_capture(
        channel_id=ch.pk, data=payload(lines, **overrides), actor=SYSTEM
    )
    order.refresh_from_db()
    return order


def statuses(order: Order) -> list[str]:
    return [e.data["to"] for e in order.events.filter(kind="status_changed").order_by("id")]
