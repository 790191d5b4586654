import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory.models import StockLevel, StockMovement
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked
from warehouse.models import Bin, Warehouse

pytestmark = pytest.mark.django_db


def test_check_inventory_passes_on_consistent_stock(capsys):
    wh = small_warehouse()
    stocked(ProductFactory(), bin_of(wh, "A-01-01-1"), 5)
    call_command("check_inventory")
    assert "inventory consistent" in capsys.readouterr().out


def test_check_inventory_names_the_broken_row_and_fails():
    # given a bin whose on-hand was changed behind the ledger's back (raw SQL, as a bad script would)
    wh = small_warehouse()
    product = ProductFactory(sku="TAMPER-1")
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    level = StockLevel.objects.get(product=product)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET on_hand = 7 WHERE id = %s", [level.pk])
    # when / then
    with pytest.raises(CommandError, match="inconsistenc"):
        call_command("check_inventory")


def test_check_inventory_reports_row_details(capsys):
    wh = small_warehouse()
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    StockMovement.objects.filter(product=product).update(quantity=4)
    with pytest.raises(CommandError):
        call_command("check_inventory")
    err = capsys.readouterr().err
    assert f"product={product.pk}" in err
    assert "expected 4, found 5" in err


def test_make_layout_generates_aisles_bays_levels_and_is_idempotent():
    call_command(
        "make_layout", "LAY", "--aisles", "3", "--bays", "4", "--levels", "2", "--blocks", "2"
    )
    wh = Warehouse.objects.get(code="LAY")
    racks = Bin.objects.filter(warehouse=wh, bin_type__in=["pick_face", "reserve"])
    assert racks.count() == 2 * 3 * 4 * 2
    b = Bin.objects.get(warehouse=wh, code="B-03-04-2")
    assert (b.block, b.aisle, b.bay, b.level, b.side, b.bin_type) == (1, 2, 4, 2, "R", "pick_face")
    assert b.x_m == pytest.approx(wh.aisle_spacing_m * 2.5)
    assert wh.block_length_m == pytest.approx(2 * wh.bay_width_m)
    call_command(
        "make_layout", "LAY", "--aisles", "3", "--bays", "4", "--levels", "2", "--blocks", "2"
    )
    assert racks.count() == 48
    assert (
        Bin.objects.filter(
            warehouse=wh, code__in=["RECV-01", "PACK-01", "DMG-01", "QUAR-01"]
        ).count()
        == 4
    )


def test_make_layout_refuses_nonsense():
    with pytest.raises(CommandError):
        call_command("make_layout", "BAD", "--aisles", "0")


def test_seed_demo_is_idempotent_and_consistent():
    call_command(
        "seed_demo", "--skus", "30", "--aisles", "3", "--bays", "4", "--levels", "2", "--quiet"
    )
    from orders.models import Order
    from warehouse.models import BoxType

    def counts():
        return (
            StockMovement.objects.count(),
            StockLevel.objects.count(),
            Bin.objects.count(),
            Order.objects.count(),
            BoxType.objects.count(),
        )

    first = counts()
    call_command(
        "seed_demo", "--skus", "30", "--aisles", "3", "--bays", "4", "--levels", "2", "--quiet"
    )
    assert counts() == first
    # a day of demo orders: most went to a warehouse, some wait on a hold for a person
    statuses = set(Order.objects.values_list("status", flat=True))
    assert first[3] == 60
    assert "released" in statuses
    assert "on_hold" in statuses
    assert first[4] >= 3  # box types, so packing can suggest one
    call_command("check_inventory")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=["ops", "cs", "picker", "supervisor"])
    assert {u.username: list(u.groups.values_list("name", flat=True)) for u in users} == {
        "ops": ["ops_manager"],
        "cs": ["customer_service"],
        "picker": ["warehouse_operator"],
        "supervisor": ["warehouse_supervisor"],
    }
