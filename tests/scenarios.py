"""Builders that go THROUGH the services, so invariants hold in every test."""

from __future__ import annotations

from common.types import Actor
from inventory import services as inventory_services
from inventory.models import Product
from warehouse.models import Bin, Warehouse
from warehouse.services.layout import layout_generate

SYSTEM = Actor.system("test")


def small_warehouse(
    code: str = "WH1",
    *,
    aisles: int = 4,
    bays: int = 6,
    levels: int = 2,
    blocks: int = 1,
    region: str = "east",
    country: str = "US",
) -> Warehouse:
    warehouse, _ = Warehouse.objects.get_or_create(
        code=code, defaults={"name": f"Warehouse {code}", "region": region, "country": country}
    )
    layout_generate(
        warehouse=warehouse, aisles=aisles, bays=bays, levels=levels, blocks=blocks, pick_levels=1
    )
    return warehouse


def bin_of(warehouse: Warehouse, code: str) -> Bin:
    return Bin.objects.get(warehouse=warehouse, code=code)


def stocked(product: Product, bin: Bin, quantity: int, *, lot: str = "", expiry_date=None) -> None:
    inventory_services.stock_receive(
        product_id=product.pk,
        bin=bin,
        quantity=quantity,
        actor=SYSTEM,
        lot=lot,
        expiry_date=expiry_date,
        document_type="test",
        document_ref="setup",
    )
