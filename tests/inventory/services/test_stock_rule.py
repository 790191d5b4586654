"""committed + unavailable ≤ on_hand: held by the database, refused by the services with a clear
error (nothing changed), and bin type changes go through a service (issue 10 item 4)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audit.consistency import consistency_check
from inventory import services as inventory_services
from inventory.exceptions import BinNotUsable
from inventory.models import InventoryBalance
from tests.factories.accounts import UserFactory
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked
from warehouse.models import Bin
from warehouse.services.bins import bin_set_blocked, bin_type_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed_stock():
    """10 units in two bins (6 + 4), 8 of them committed to an order: 2 available."""
    wh = small_warehouse("RULE", aisles=1, bays=2, levels=1)
    product = ProductFactory(sku="RULE-1")
    big, small = bin_of(wh, "A-01-01-1"), bin_of(wh, "A-01-02-1")
    stocked(product, big, 6)
    stocked(product, small, 4)
    inventory_services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=8,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    return wh, product, big, small


def _balance(product, wh):
    return InventoryBalance.objects.values("on_hand", "committed", "unavailable", "version").get(
        product=product, warehouse=wh
    )


def test_database_refuses_committed_plus_unavailable_above_on_hand(committed_stock):
    # given 10 on hand, 8 committed; when a write bypasses the services
    wh, product, _big, _small = committed_stock
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryBalance.objects.filter(product=product, warehouse=wh).update(unavailable=4)
    # then the CHECK constraint refused it (each column alone would have been within on hand)
    assert _balance(product, wh)["unavailable"] == 0


def test_blocking_a_bin_with_committed_stock_is_refused_and_changes_nothing(committed_stock):
    wh, product, big, _small = committed_stock
    before = _balance(product, wh)
    # when ops block the 6-unit bin although only 2 units are uncommitted
    with pytest.raises(BinNotUsable) as exc:
        bin_set_blocked(bin_id=big.pk, blocked=True, actor=SYSTEM, reason="count")
    # then a clear error names the bin and the item, and nothing changed
    assert "A-01-01-1 holds 6× RULE-1" in exc.value.message
    assert "only 2 unit(s)" in exc.value.message
    assert Bin.objects.get(pk=big.pk).is_blocked is False
    assert _balance(product, wh) == before
    assert consistency_check().problems == []


def test_blocking_within_the_uncommitted_stock_is_booked_unavailable(committed_stock):
    wh, product, _big, small = committed_stock
    inventory_services.commitment_release(
        commitment_id=product_commitment(product), actor=SYSTEM, quantity=4
    )
    bin_set_blocked(bin_id=small.pk, blocked=True, actor=SYSTEM, reason="count")
    assert _balance(product, wh)["unavailable"] == 4
    assert consistency_check().problems == []


def product_commitment(product) -> int:
    from inventory.models import Commitment

    return Commitment.objects.get(product=product).pk


def test_bin_type_change_moves_stock_state_and_back(committed_stock):
    wh, product, _big, small = committed_stock
    inventory_services.commitment_release(
        commitment_id=product_commitment(product), actor=SYSTEM, quantity=4
    )
    bin_type_change(bin_id=small.pk, bin_type="quarantine", actor=SYSTEM)
    assert _balance(product, wh)["unavailable"] == 4
    bin_type_change(bin_id=small.pk, bin_type="pick_face", actor=SYSTEM)
    assert _balance(product, wh)["unavailable"] == 0
    assert consistency_check().problems == []


def test_bin_type_change_that_would_oversell_is_refused(committed_stock):
    wh, product, big, _small = committed_stock
    before = _balance(product, wh)
    with pytest.raises(BinNotUsable, match="A-01-01-1 holds 6× RULE-1"):
        bin_type_change(bin_id=big.pk, bin_type="damaged", actor=SYSTEM)
    assert Bin.objects.get(pk=big.pk).bin_type == "pick_face"
    assert _balance(product, wh) == before


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_change_form_cannot_edit_the_type_of_a_bin(committed_stock, superuser_client):
    # given a stocked pick-face bin; when its admin form is posted with another type
    wh, product, big, _small = committed_stock
    url = reverse("admin:warehouse_bin_change", args=[big.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert 'name="bin_type"' not in page.content.decode()  # shown read-only
    form = {
        "warehouse": wh.pk,
        "zone": big.zone_id,
        "code": big.code,
        "bin_type": "damaged",
        "aisle": big.aisle,
        "bay": big.bay,
        "level": big.level,
        "block": big.block,
        "side": big.side,
        "x_m": big.x_m,
        "position_m": big.position_m,
        "pick_sequence": big.pick_sequence,
    }
    response = superuser_client.post(url, form)
    assert response.status_code == 302
    # then the type (and with it the stock's availability) is unchanged
    assert Bin.objects.get(pk=big.pk).bin_type == "pick_face"
    assert _balance(product, wh)["unavailable"] == 0
    assert consistency_check().problems == []


def test_admin_type_action_goes_through_the_service(committed_stock, superuser_client):
    wh, product, big, small = committed_stock
    changelist = reverse("admin:warehouse_bin_changelist")
    # when ops turn both bins into quarantine although 8 of the 10 units are committed
    response = superuser_client.post(
        changelist,
        {"action": "make_quarantine", "_selected_action": [big.pk, small.pk]},
        follow=True,
    )
    # then each bin that would oversell is refused with the reason, and the books stay true
    text = response.content.decode()
    assert "A-01-01-1 holds 6× RULE-1" in text
    assert "A-01-02-1 holds 4× RULE-1" in text
    assert set(
        Bin.objects.filter(pk__in=[big.pk, small.pk]).values_list("bin_type", flat=True)
    ) == {"pick_face"}
    assert consistency_check().problems == []
    # and once the commitment is smaller, the action books the bin's stock unavailable
    inventory_services.commitment_release(
        commitment_id=product_commitment(product), actor=SYSTEM, quantity=4
    )
    response = superuser_client.post(
        changelist, {"action": "make_quarantine", "_selected_action": [small.pk]}, follow=True
    )
    assert "1 bin(s) are now Quarantine." in response.content.decode()
    assert _balance(product, wh)["unavailable"] == 4
    assert consistency_check().problems == []


def _without_balance_constraint():
    """Write around the CHECK constraint, as a row written before it existed would be."""
    table = InventoryBalance._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            cursor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT balance_committed_unavail_lte_on_hand"
            )
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
    return table


def test_check_consistency_reports_available_below_zero(committed_stock):
    # given a balance whose unavailable was raised behind the services' back (raw SQL)
    wh, product, big, _small = committed_stock
    table = _without_balance_constraint()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET unavailable = 6 WHERE product_id = %s AND warehouse_id = %s",
                [product.pk, wh.pk],
            )
            cursor.execute(
                f"UPDATE {Bin._meta.db_table} SET is_blocked = %s WHERE id = %s", [True, big.pk]
            )
    finally:
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    # when the command runs, then it names the balance: 8 committed + 6 unavailable > 10
    err = StringIO()
    with pytest.raises(CommandError, match="1 inconsistency found"):
        call_command("check_consistency", stdout=StringIO(), stderr=err)
    assert (
        f"balance committed + unavailable <= on_hand: product={product.pk} warehouse={wh.pk} "
        "expected 10, found 14"
    ) in err.getvalue()


def test_check_consistency_reports_a_bin_type_edited_around_the_service(committed_stock):
    # given a bin turned into "damaged" by raw SQL (as the admin form used to allow)
    wh, product, _big, small = committed_stock
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Bin._meta.db_table} SET bin_type = %s WHERE id = %s", ["damaged", small.pk]
        )
    err = StringIO()
    with pytest.raises(CommandError, match="1 inconsistency found"):
        call_command("check_consistency", stdout=StringIO(), stderr=err)
    assert (
        f"balance unavailable == Σ unavailable bins and lots: product={product.pk} warehouse={wh.pk} "
        "expected 4, found 0"
    ) in err.getvalue()


def test_quarantining_committed_units_gives_them_back_first_api(warehouse_client):
    # given 5 units in a pick face, all committed to two orders not yet on a pick list
    from orders import services as order_services
    from tests.factories.channels_sync import channel_with_warehouses
    from tests.orders.builders import payload

    wh = small_warehouse("QRT", aisles=1, bays=2, levels=1)
    ch = channel_with_warehouses(wh)
    product = ProductFactory(sku="QRT-1")
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    first, _ = order_services.order_capture(
        channel_id=ch.pk, data=payload([("QRT-1", 3)]), actor=SYSTEM
    )
    second, _ = order_services.order_capture(
        channel_id=ch.pk, data=payload([("QRT-1", 2)]), actor=SYSTEM
    )
    # when 2 damaged units are quarantined from the floor
    response = warehouse_client.post(
        "/api/v1/wms/moves/",
        {
            "warehouse": wh.code,
            "from_bin": "A-01-01-1",
            "item_code": "QRT-1",
            "quantity": 2,
            "quarantine": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    # then the newest order gave its 2 units back (backordered), and the books hold the rule
    bal = _balance(product, wh)
    assert (bal["on_hand"], bal["committed"], bal["unavailable"]) == (5, 3, 2)
    second.refresh_from_db()
    assert sum(line.quantity_allocated for line in second.lines.all()) == 0
    first.refresh_from_db()
    assert sum(line.quantity_allocated for line in first.lines.all()) == 3
    assert consistency_check().problems == []
