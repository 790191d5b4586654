"""check_consistency: clean on a consistent system; non-zero, naming the row, when tampered."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.consistency import consistency_check
from inventory import services as inventory_services
from inventory.models import StockLevel, StockMovement
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked_system():
    wh = small_warehouse("CONS", aisles=1, bays=2, levels=1)
    product = ProductFactory(sku="CONS-1")
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    inventory_services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=4,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    return wh, product


def test_consistent_system_passes(stocked_system):
    out = StringIO()
    call_command("check_consistency", stdout=out)
    assert "consistent:" in out.getvalue()
    assert consistency_check().problems == []


def test_tampered_ledger_row_fails_naming_the_bin(stocked_system):
    # given a ledger row whose quantity someone changed behind the services' back
    _wh, product = stocked_system
    movement = StockMovement.objects.get(product=product)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockMovement._meta.db_table} SET quantity = 12 WHERE id = %s",
            [movement.pk],
        )
    level = StockLevel.objects.get(product=product)
    # when the check runs
    err = StringIO()
    with pytest.raises(CommandError, match="1 inconsistency found"):
        call_command("check_consistency", stdout=StringIO(), stderr=err)
    # then it names the product and bin, with what it expected and found
    assert (
        f"bin on_hand == Σ ledger: product={product.pk} bin={level.bin_id} lot='' "
        "expected 12, found 10"
    ) in err.getvalue()


def test_committed_out_of_step_with_reservations_is_reported(stocked_system):
    wh, product = stocked_system
    from inventory.models import InventoryBalance

    InventoryBalance.objects.filter(product=product, warehouse=wh).update(committed=3)
    problems = consistency_check().problems
    assert [(p.check, p.expected, p.actual) for p in problems] == [
        ("balance committed == Σ open commitments", 4, 3)
    ]


def test_strict_mode_passes_because_every_condition_is_checkable(stocked_system):
    # orders, fulfillment lines and the outbox exist: no condition is skipped any more
    out = StringIO()
    call_command("check_consistency", "--strict", stdout=out)
    assert "SKIPPED" not in out.getvalue()
    assert "consistent: 6 condition(s) hold" in out.getvalue()
