"""An order held for an unknown SKU: its page renders the line, and ops resolves it there
(map the SKU to an existing product, create the product, or cancel the line); the hold then
releases and the order is routed. Issue 10, item 2."""

import pytest

from inventory.models import Barcode, Product
from orders.models import Order
from tests.orders import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = b.warehouse("WH1")
    ch = b.channel(wh, code="web")
    b.stock(b.product("SKU-1"), wh, 50)
    return ch


def _held(shop) -> Order:
    order = b.capture(shop, [("SKU-1", 1), ("NEW-SKU", 2)])
    assert order.status == "on_hold"
    assert order.holds.get(released_at__isnull=True).kind == "unknown_sku"
    return order


def test_order_page_renders_a_line_with_an_unknown_sku(cs, shop):
    order = _held(shop)
    response = cs.get(f"/orders/{order.number}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "NEW-SKU" in page
    assert "Unknown SKU" in page
    # customer service sees the line but the resolving forms are ops' own
    assert "Map NEW-SKU to an existing product" not in page


def test_ops_maps_the_unknown_sku_to_an_existing_product_and_the_hold_releases(ops, shop):
    # given: the channel calls the item NEW-SKU, the catalog knows it as TEE-BLK (stocked)
    order = _held(shop)
    tee = b.product("TEE-BLK")
    b.stock(tee, shop.warehouses.get(), 10)
    line = order.lines.get(sku="NEW-SKU")
    page = ops.get(f"/orders/{order.number}/").content.decode()
    assert "Map NEW-SKU to an existing product" in page

    # when
    response = ops.post(
        f"/orders/{order.number}/lines/{line.pk}/map/", {"product_code": "TEE-BLK"}, follow=True
    )

    # then: the line points at TEE-BLK, the hold is released, the order is routed
    assert response.status_code == 200
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.product_id == tee.pk
    assert line.sku == "NEW-SKU"  # the channel's code stays on the line
    assert order.holds.filter(released_at__isnull=True).count() == 0
    assert order.status == "released"
    assert line.quantity_allocated == 2
    # and the next order with that code finds the product at once (an alias, not a one-off)
    assert Barcode.objects.get(code="NEW-SKU").product_id == tee.pk
    again = b.capture(shop, [("NEW-SKU", 1)])
    assert again.status == "released"
    messages = [str(m) for m in response.context["messages"]]
    assert any("NEW-SKU" in m for m in messages)


def test_mapping_to_a_code_that_does_not_exist_says_so_and_changes_nothing(ops, shop):
    order = _held(shop)
    line = order.lines.get(sku="NEW-SKU")
    response = ops.post(
        f"/orders/{order.number}/lines/{line.pk}/map/", {"product_code": "NOPE"}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "NOPE" in str(next(iter(response.context["messages"])))
    line.refresh_from_db()
    assert line.product_id is None
    assert not Barcode.objects.filter(code="NEW-SKU").exists()
    assert order.holds.filter(released_at__isnull=True).count() == 1


def test_ops_creates_the_product_from_the_order_page_and_the_hold_releases(ops, shop):
    order = _held(shop)
    line = order.lines.get(sku="NEW-SKU")
    response = ops.post(
        f"/orders/{order.number}/lines/{line.pk}/create-product/",
        {"name": "New hoodie"},
        follow=True,
    )
    assert response.status_code == 200
    product = Product.objects.get(sku="NEW-SKU")
    assert product.name == "New hoodie"
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.product_id == product.pk
    assert order.holds.filter(released_at__isnull=True).count() == 0
    # no stock of the new product yet: the line waits as a backorder, SKU-1 goes out
    assert order.status in {"partially_allocated", "backordered", "released"}
    assert order.lines.get(sku="SKU-1").quantity_allocated == 1


def test_ops_cancels_the_unknown_line_and_the_rest_of_the_order_goes_out(ops, shop):
    order = _held(shop)
    line = order.lines.get(sku="NEW-SKU")
    ops.post(
        f"/orders/{order.number}/lines/{line.pk}/cancel/", {"reason": "not sold here"}, follow=True
    )
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.quantity_cancelled == 2
    assert order.holds.filter(released_at__isnull=True).count() == 0
    assert order.status == "released"
    assert order.lines.get(sku="SKU-1").quantity_allocated == 1


@pytest.mark.parametrize("action", ["map", "create-product", "cancel"])
def test_customer_service_cannot_resolve_unknown_skus(cs, shop, action):
    order = _held(shop)
    line = order.lines.get(sku="NEW-SKU")
    response = cs.post(
        f"/orders/{order.number}/lines/{line.pk}/{action}/",
        {"product_code": "SKU-1", "name": "x", "reason": "x"},
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.product_id is None
    assert line.quantity_cancelled == 0
