import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services
from inventory.exceptions import (
    BinNotUsable,
    InsufficientStock,
    InvalidQuantity,
    LotNotSellable,
    ReservationClosed,
)
from inventory.models import Commitment, InventoryBalance, StockLevel, StockMovement
from inventory.selectors import inventory_mismatches, sku_available_to_sell
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return small_warehouse()


def balance(product, wh):
    return InventoryBalance.objects.get(product=product, warehouse=wh)


def test_receive_writes_level_balance_and_ledger(wh):
    # given
    product = ProductFactory()
    # when
    stocked(product, bin_of(wh, "A-01-01-1"), 7)
    # then
    assert StockLevel.objects.get(product=product).on_hand == 7
    assert balance(product, wh).on_hand == 7
    movement = StockMovement.objects.get(product=product)
    assert (movement.quantity, movement.reason, movement.to_bin.code) == (7, "receipt", "A-01-01-1")
    assert inventory_mismatches() == []


def test_receive_into_damaged_bin_is_unavailable(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "DMG-01"), 3)
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    bal = balance(product, wh)
    assert (bal.on_hand, bal.unavailable, bal.available) == (8, 3, 5)


def test_move_refuses_more_than_free_and_changes_nothing(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 4)
    with pytest.raises(InsufficientStock):
        services.stock_move(
            product_id=product.pk,
            from_bin=bin_of(wh, "A-01-01-1"),
            to_bin=bin_of(wh, "A-01-02-1"),
            quantity=5,
            actor=SYSTEM,
        )
    assert StockMovement.objects.count() == 1
    assert StockLevel.objects.get(product=product, bin__code="A-01-01-1").on_hand == 4


def test_move_to_quarantine_refused_when_it_would_strand_commitments(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 4)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=3,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    with pytest.raises(InsufficientStock):
        services.stock_move(
            product_id=product.pk,
            from_bin=bin_of(wh, "A-01-01-1"),
            to_bin=bin_of(wh, "QUAR-01"),
            quantity=2,
            actor=SYSTEM,
        )
    services.stock_move(
        product_id=product.pk,
        from_bin=bin_of(wh, "A-01-01-1"),
        to_bin=bin_of(wh, "QUAR-01"),
        quantity=1,
        actor=SYSTEM,
    )
    bal = balance(product, wh)
    assert (bal.on_hand, bal.committed, bal.unavailable, bal.available) == (4, 3, 1, 0)
    assert inventory_mismatches() == []


def test_commit_never_exceeds_available(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=5,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    with pytest.raises(InsufficientStock) as exc:
        services.commitment_create(
            product_id=product.pk,
            warehouse_id=wh.pk,
            quantity=1,
            document_type="order_line",
            document_ref="2",
            actor=SYSTEM,
        )
    assert exc.value.extra["available"] == 0
    assert balance(product, wh).committed == 5


def test_commit_locks_the_balance_row_only_for_its_last_statement(wh):
    # given a product in stock (no channel lists it)
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 5)

    # when one unit is committed
    with CaptureQueriesContext(connection) as ctx:
        services.commitment_create(
            product_id=product.pk,
            warehouse_id=wh.pk,
            quantity=1,
            document_type="order_line",
            document_ref="9",
            actor=SYSTEM,
        )

    # then: the listener lookup and the INSERT come first, the balance UPDATE last (the row
    # lock lasts from it to COMMIT); no pre-check, no inner savepoint
    verbs = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    verbs = [v for v in verbs if v not in ("SAVEPOINT", "RELEASE")]
    assert verbs == ["SELECT", "INSERT", "UPDATE"]
    (update,) = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"inventory_inventorybalance"' in update
    assert balance(product, wh).committed == 1
    assert inventory_mismatches() == []


def test_a_refused_commit_leaves_no_commitment_behind(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 2)
    with pytest.raises(InsufficientStock):
        services.commitment_create(
            product_id=product.pk,
            warehouse_id=wh.pk,
            quantity=3,
            document_type="order_line",
            document_ref="10",
            actor=SYSTEM,
        )
    assert Commitment.objects.count() == 0
    assert balance(product, wh).committed == 0
    assert inventory_mismatches() == []


def test_full_flow_commit_reserve_pick_ship(wh):
    # given stock in a pick face
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    commitment = services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=4,
        document_type="order_line",
        document_ref="9",
        actor=SYSTEM,
    )
    level = StockLevel.objects.get(product=product)
    # when the wave reserves the bin, the picker picks and the package ships
    res = services.bin_reservation_create(
        commitment_id=commitment.pk, stock_level_id=level.pk, quantity=4, actor=SYSTEM
    )
    services.stock_pick(
        bin_reservation_id=res.pk, quantity=4, to_bin=bin_of(wh, "PACK-01"), actor=SYSTEM
    )
    with pytest.raises(ReservationClosed):
        services.stock_pick(
            bin_reservation_id=res.pk, quantity=1, to_bin=bin_of(wh, "PACK-01"), actor=SYSTEM
        )
    services.stock_consume(
        commitment_id=commitment.pk, from_bin=bin_of(wh, "PACK-01"), quantity=4, actor=SYSTEM
    )
    # then
    bal = balance(product, wh)
    assert (bal.on_hand, bal.committed, bal.available) == (6, 0, 6)
    assert list(StockMovement.objects.order_by("pk").values_list("reason", flat=True)) == [
        "receipt",
        "pick",
        "ship",
    ]
    assert inventory_mismatches() == []


def test_release_commitment_unreserves_bins_first(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    c = services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=5,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    level = StockLevel.objects.get(product=product)
    services.bin_reservation_create(
        commitment_id=c.pk, stock_level_id=level.pk, quantity=5, actor=SYSTEM
    )
    services.commitment_release(commitment_id=c.pk, actor=SYSTEM, quantity=3)
    level.refresh_from_db()
    assert level.reserved == 2
    assert balance(product, wh).committed == 2
    assert inventory_mismatches() == []


def test_bin_reservation_refuses_blocked_bin(wh):
    from warehouse.services.bins import bin_set_blocked

    product = ProductFactory()
    b = bin_of(wh, "A-01-01-1")
    stocked(product, b, 10)
    # another bin holds the 2 committed units: blocking b must not leave available below zero
    stocked(product, bin_of(wh, "A-01-02-1"), 2)
    c = services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=2,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    bin_set_blocked(bin_id=b.pk, blocked=True, actor=SYSTEM, reason="count")
    assert balance(product, wh).unavailable == 10
    with pytest.raises(BinNotUsable):
        services.bin_reservation_create(
            commitment_id=c.pk,
            stock_level_id=StockLevel.objects.get(bin=b).pk,
            quantity=2,
            actor=SYSTEM,
        )
    bin_set_blocked(bin_id=b.pk, blocked=False, actor=SYSTEM)
    assert balance(product, wh).unavailable == 0
    assert inventory_mismatches() == []


def test_adjust_down_refused_below_committed(wh):
    product = ProductFactory()
    b = bin_of(wh, "A-01-01-1")
    stocked(product, b, 5)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=4,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    with pytest.raises(InsufficientStock):
        services.stock_adjust(product_id=product.pk, bin=b, delta=-2, actor=SYSTEM)
    services.stock_adjust(product_id=product.pk, bin=b, delta=-1, actor=SYSTEM, reason="count")
    assert balance(product, wh).on_hand == 4
    assert inventory_mismatches() == []


@pytest.mark.parametrize("qty", [0, -1, 1.5, True])
def test_invalid_quantities_are_refused(wh, qty):
    product = ProductFactory()
    with pytest.raises(InvalidQuantity):
        services.stock_receive(
            product_id=product.pk, bin=bin_of(wh, "A-01-01-1"), quantity=qty, actor=SYSTEM
        )
    assert StockMovement.objects.count() == 0


def test_ats_sums_feeding_warehouses_minus_buffers():
    wh1, wh2 = small_warehouse("W1"), small_warehouse("W2")
    product = ProductFactory()
    stocked(product, bin_of(wh1, "A-01-01-1"), 10)
    stocked(product, bin_of(wh2, "A-01-01-1"), 5)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh2.pk,
        quantity=5,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    ats = sku_available_to_sell(
        product_ids=[product.pk], warehouse_ids=[wh1.pk, wh2.pk], safety_stock=2, buffer_percent=10
    )
    assert ats == {product.pk: 7}  # 10 + 0 − 2 − 1
    assert sku_available_to_sell(
        product_ids=[product.pk], warehouse_ids=[wh2.pk], safety_stock=2
    ) == {product.pk: 0}


def test_expired_commitments_release_themselves(wh):
    import datetime as dt

    from django.utils import timezone

    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 3)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=3,
        document_type="cart",
        document_ref="c1",
        actor=SYSTEM,
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert services.commitments_expire() == 1
    assert balance(product, wh).committed == 0


def _commit(product, wh, quantity, ref="1"):
    return services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=quantity,
        document_type="order_line",
        document_ref=ref,
        actor=SYSTEM,
    )


def test_bin_reservations_create_many_writes_the_plan_in_one_update_and_one_insert(wh):
    # given two commitments and two pick faces
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 3)
    stocked(product, bin_of(wh, "A-01-02-1"), 5)
    c1, c2 = _commit(product, wh, 4, "1"), _commit(product, wh, 2, "2")
    a, b = StockLevel.objects.filter(product=product).order_by("pk")
    seen = {}

    def plan(unreserved, levels):
        seen["unreserved"], seen["levels"] = unreserved, sorted(lv.pk for lv in levels)
        return [(c1.pk, a.pk, 3, "", ""), (c1.pk, b.pk, 1, "", ""), (c2.pk, b.pk, 2, "fl", "7")]

    # when the whole plan is written
    with CaptureQueriesContext(connection) as ctx:
        made = services.bin_reservations_create_many(
            commitment_ids=[c2.pk, c1.pk], stock_level_ids=[b.pk, a.pk], plan=plan, actor=SYSTEM
        )
    # then the planner saw the locked facts, and the rows are the plan's, in its order
    assert seen == {"unreserved": {c1.pk: 4, c2.pk: 2}, "levels": [a.pk, b.pk]}
    assert [(r.commitment_id, r.stock_level_id, r.quantity) for r in made] == [
        (c1.pk, a.pk, 3),
        (c1.pk, b.pk, 1),
        (c2.pk, b.pk, 2),
    ]
    assert (made[0].document_type, made[0].document_ref) == ("order_line", "1")
    assert (made[2].document_type, made[2].document_ref) == ("fl", "7")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.reserved, b.reserved) == (3, 3)
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 2
    assert inventory_mismatches() == []


@pytest.mark.parametrize(
    ("wanted", "error"),
    [
        (lambda c, lv: [(c.pk, lv.pk, 4, "", "")], InsufficientStock),  # more than the bin has
        (lambda c, lv: [(c.pk, lv.pk, 2, "", ""), (c.pk, lv.pk, 2, "", "")], InsufficientStock),
        (lambda c, lv: [(c.pk, lv.pk, 0, "", "")], InvalidQuantity),
    ],
)
def test_bin_reservations_create_many_refuses_a_plan_that_oversells_and_writes_nothing(
    wh, wanted, error
):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 3)
    stocked(product, bin_of(wh, "A-01-02-1"), 5)
    c = _commit(product, wh, 6)
    level = StockLevel.objects.filter(product=product).order_by("pk").first()
    with pytest.raises(error):
        services.bin_reservations_create_many(
            commitment_ids=[c.pk],
            stock_level_ids=[level.pk],
            plan=lambda unreserved, levels: wanted(c, level),
            actor=SYSTEM,
        )
    level.refresh_from_db()
    assert level.reserved == 0
    assert not c.bin_reservations.exists()


def test_bin_reservations_create_many_refuses_more_than_the_commitment_and_a_held_lot(wh):
    product = ProductFactory()
    stocked(product, bin_of(wh, "A-01-01-1"), 5)
    stocked(product, bin_of(wh, "A-01-02-1"), 5, lot="L-HELD")
    c = _commit(product, wh, 2)
    free, held = StockLevel.objects.filter(product=product).order_by("pk")
    StockLevel.objects.filter(pk=held.pk).update(lot_status="held")
    offered = []

    def plan(unreserved, levels):
        offered.extend(lv.pk for lv in levels)
        return [(c.pk, free.pk, 3, "", "")]

    with pytest.raises(ReservationClosed):
        services.bin_reservations_create_many(
            commitment_ids=[c.pk], stock_level_ids=[free.pk, held.pk], plan=plan, actor=SYSTEM
        )
    assert offered == [free.pk]  # the held lot is never offered to the planner
    with pytest.raises(LotNotSellable):
        services.bin_reservations_create_many(
            commitment_ids=[c.pk],
            stock_level_ids=[free.pk, held.pk],
            plan=lambda unreserved, levels: [(c.pk, held.pk, 1, "", "")],
            actor=SYSTEM,
        )
    assert not c.bin_reservations.exists()
