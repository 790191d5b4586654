"""Cycle-count approval: the review shows per SKU and lot what was expected, what was counted
and the variance in units and in value; approving posts exactly that variance; a variance beyond
the warehouse's tolerance needs a recount by another person first; viewing writes nothing.
Issue 10, item 1."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from common import roles
from inventory.models import StockLevel, StockMovement
from tests.factories.accounts import UserFactory
from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import CycleCount
from warehouse.services.counts import cycle_count_create
from warehouse.states import CountStatus

pytestmark = pytest.mark.django_db

BIN = "A-01-01-2"


def _api(username: str, role: str = roles.WAREHOUSE_OPERATOR) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username=username, roles=[role]))
    return client


@pytest.fixture
def scene():
    wh = make_warehouse()
    tee = product("TEE", barcode="0001", abc="A")
    tee.is_lot_tracked = True
    tee.unit_cost = Decimal("12.50")
    tee.save(update_fields=["is_lot_tracked", "unit_cost"])
    mug = product("MUG", barcode="0002", abc="A")
    mug.unit_cost = Decimal("3.10")
    mug.save(update_fields=["unit_cost"])
    stocked(tee, bin_of(wh, BIN), 49, lot="L1")
    stocked(mug, bin_of(wh, BIN), 10)
    count = cycle_count_create(bin_id=bin_of(wh, BIN).pk, actor=SYSTEM)
    return wh, tee, mug, count


COUNTED = [{"code": "0001", "lot": "L1", "quantity": 40}, {"code": "MUG", "quantity": 10}]


def _submit(client: APIClient, count: CycleCount, counted=COUNTED):
    return client.post(
        f"/api/v1/wms/counts/{count.pk}/submit/", {"counted": counted}, format="json"
    )


def _counted_twice(count: CycleCount) -> None:
    first = _submit(_api("counter-1"), count)
    assert first.status_code == 200, first.content
    assert first.json()["step"] == "recount"
    second = _submit(_api("counter-2"), count)
    assert second.status_code == 200, second.content
    assert second.json()["step"] == "awaiting_approval"


def test_review_shows_expected_counted_and_variance_per_sku_and_lot_and_writes_nothing(ops, scene):
    _wh, _tee, _mug, count = scene
    _counted_twice(count)
    before = (StockMovement.objects.count(), CycleCount.objects.values().get(pk=count.pk))

    queue = ops.get("/dashboard/exceptions/").content.decode()
    page = ops.get(f"/dashboard/exceptions/counts/{count.pk}/")

    assert page.status_code == 200
    review = page.context["review"]
    rows = {(r.sku, r.lot): r for r in review.lines}
    assert (rows["TEE", "L1"].expected, rows["TEE", "L1"].counted) == (49, 40)
    assert rows["TEE", "L1"].variance == -9
    assert rows["TEE", "L1"].variance_value == Decimal("-112.50")
    assert (rows["MUG", ""].expected, rows["MUG", ""].counted, rows["MUG", ""].variance) == (
        10,
        10,
        0,
    )
    assert (review.expected, review.counted, review.variance_units) == (59, 50, 9)
    assert review.variance_value == Decimal("-112.50")
    html = page.content.decode()
    assert "L1" in html
    assert "−9" in html or "-9" in html
    assert "112.50" in html
    assert "counter-1" in html
    assert "counter-2" in html
    # the queue card tells the truth too (it said "0 units off of 0 expected")
    assert "9 units off of 59 expected" in queue
    # viewing changed nothing
    assert (StockMovement.objects.count(), CycleCount.objects.values().get(pk=count.pk)) == before


def test_approving_posts_exactly_the_variance_shown(ops, scene):
    wh, tee, mug, count = scene
    _counted_twice(count)

    response = ops.post(
        f"/dashboard/exceptions/counts/{count.pk}/", {"decision": "approve"}, follow=True
    )

    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    moves = list(StockMovement.objects.filter(document_type="cycle_count", document_ref=count.pk))
    assert [(m.product_id, m.lot, m.quantity, m.from_bin_id, m.to_bin_id) for m in moves] == [
        (tee.pk, "L1", 9, bin_of(wh, BIN).pk, None)
    ]
    assert StockLevel.objects.get(product=tee, lot="L1").on_hand == 40
    assert on_hand(mug, bin_of(wh, BIN)) == 10
    count.refresh_from_db()
    assert (count.status, count.expected_units, count.variance_units) == (
        CountStatus.APPLIED,
        59,
        9,
    )


def test_a_variance_beyond_tolerance_needs_a_recount_by_another_person(scene):
    _wh, _tee, _mug, count = scene
    same = _api("counter-1")
    assert _submit(same, count).json()["step"] == "recount"

    again = _submit(same, count)

    assert again.status_code == 409
    assert "another person" in again.json()["error"]["message"]
    count.refresh_from_db()
    assert count.status == CountStatus.RECOUNT
    assert _submit(_api("counter-2"), count).json()["step"] == "awaiting_approval"


def test_a_counter_cannot_approve_their_own_count(scene):
    _wh, _tee, _mug, count = scene
    _submit(_api("boss", roles.WAREHOUSE_SUPERVISOR), count)
    _submit(_api("counter-2"), count)
    boss = _api("boss", roles.WAREHOUSE_SUPERVISOR)

    response = boss.post(f"/api/v1/wms/counts/{count.pk}/approve/", {}, format="json")

    assert response.status_code == 409
    count.refresh_from_db()
    assert count.status == CountStatus.PENDING_APPROVAL
    assert not StockMovement.objects.filter(document_type="cycle_count").exists()


def test_a_variance_within_the_warehouses_tolerance_is_applied_at_once(scene):
    wh, tee, _mug, count = scene
    wh.count_tolerance_units = 10
    wh.save(update_fields=["count_tolerance_units"])

    assert _submit(_api("counter-1"), count).json()["step"] == "done"

    assert StockLevel.objects.get(product=tee, lot="L1").on_hand == 40


def test_a_value_tolerance_sends_a_small_but_costly_variance_to_recount(scene):
    wh, _tee, _mug, count = scene
    wh.count_tolerance_units = 10
    wh.count_tolerance_value = Decimal("100.00")
    wh.save(update_fields=["count_tolerance_units", "count_tolerance_value"])

    # 9 × 12.50 = 112.50 is over the 100.00 the warehouse tolerates
    assert _submit(_api("counter-1"), count).json()["step"] == "recount"


def test_a_lot_tracked_item_counted_without_its_lot_is_refused(scene):
    _wh, _tee, _mug, count = scene
    response = _submit(_api("counter-1"), count, [{"code": "TEE", "quantity": 49}])
    assert response.status_code in (400, 409)
    assert "lot" in response.json()["error"]["message"].lower()
    assert not StockMovement.objects.filter(document_type="cycle_count").exists()


def test_only_ops_see_the_review(scene):
    _wh, _tee, _mug, count = scene
    _counted_twice(count)
    client = Client()
    client.force_login(UserFactory(username="agent", roles=[roles.CUSTOMER_SERVICE]))
    assert client.get(f"/dashboard/exceptions/counts/{count.pk}/").status_code == 403
