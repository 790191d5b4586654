"""WMS test builders: they go through the services, like tests/scenarios.py."""

from __future__ import annotations

from common.types import Actor
from inventory.models import InventoryBalance, StockLevel
from tests.factories.accounts import UserFactory
from tests.factories.inventory import BarcodeFactory, ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked
from warehouse.models import BoxType

SYSTEM = Actor.system("test")


def operator(name="picker1", role="warehouse_operator"):
    user = UserFactory(username=name, roles=[role])
    return Actor.for_user(user)


def product(sku, *, barcode=None, abc="B", weight_g=250, dims=(200, 150, 50)):
    p = ProductFactory(
        sku=sku,
        abc_class=abc,
        weight_g=weight_g,
        length_mm=dims[0],
        width_mm=dims[1],
        height_mm=dims[2],
    )
    if barcode:
        BarcodeFactory(product=p, code=barcode)
    return p


def warehouse(**kwargs):
    """4 aisles × 6 bays × 2 levels (level 1 pick faces, level 2 reserve) + dock bins."""
    return small_warehouse(**kwargs)


def on_hand(product, bin):
    return sum(
        StockLevel.objects.filter(product=product, bin=bin).values_list("on_hand", flat=True)
    )


def reserved(product, bin):
    return sum(
        StockLevel.objects.filter(product=product, bin=bin).values_list("reserved", flat=True)
    )


def balance(product, warehouse):
    return InventoryBalance.objects.filter(product=product, warehouse=warehouse).first()


def box_types():
    small = BoxType.objects.create(
        code="BOX-S",
        name="Small",
        length_mm=250,
        width_mm=200,
        height_mm=100,
        max_weight_g=2000,
        tare_weight_g=100,
    )
    medium = BoxType.objects.create(
        code="BOX-M",
        name="Medium",
        length_mm=400,
        width_mm=300,
        height_mm=200,
        max_weight_g=10000,
        tare_weight_g=250,
    )
    large = BoxType.objects.create(
        code="BOX-L",
        name="Large",
        length_mm=600,
        width_mm=400,
        height_mm=400,
        max_weight_g=25000,
        tare_weight_g=500,
    )
    return small, medium, large


__all__ = ["bin_of", "stocked"]
