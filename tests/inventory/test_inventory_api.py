import pytest

from inventory import services
from tests.factories.inventory import BarcodeFactory, ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = pytest.mark.django_db


def test_balances_list_shows_the_stock_states(ops_client):
    wh = small_warehouse()
    product = ProductFactory(sku="API-1")
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    stocked(product, bin_of(wh, "DMG-01"), 2)
    services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=3,
        document_type="order_line",
        document_ref="1",
        actor=SYSTEM,
    )
    services.incoming_adjust(product_id=product.pk, warehouse_id=wh.pk, delta=7)
    response = ops_client.get("/api/v1/stock/balances/", {"sku": "API-1"})
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert {
        k: row[k] for k in ("on_hand", "committed", "unavailable", "incoming", "available")
    } == {
        "on_hand": 12,
        "committed": 3,
        "unavailable": 2,
        "incoming": 7,
        "available": 7,
    }


def test_product_filter_by_barcode(ops_client):
    barcode = BarcodeFactory(code="4006381333931")
    ProductFactory()
    response = ops_client.get("/api/v1/products/", {"barcode": "4006381333931"})
    assert [p["sku"] for p in response.json()["results"]] == [barcode.product.sku]


def test_ledger_is_read_only_and_cursor_paginated(ops_client):
    wh = small_warehouse()
    stocked(ProductFactory(), bin_of(wh, "A-01-01-1"), 1)
    response = ops_client.get("/api/v1/stock/movements/")
    assert response.status_code == 200
    assert "next" in response.json()
    assert len(response.json()["results"]) == 1
    assert ops_client.post("/api/v1/stock/movements/", {}).status_code == 405


def test_anonymous_is_refused(anon_client):
    assert anon_client.get("/api/v1/stock/balances/").status_code in (401, 403)


def test_list_query_count_does_not_grow_with_page_size(ops_client, django_assert_max_num_queries):
    wh = small_warehouse()
    for i in range(30):
        stocked(ProductFactory(sku=f"QC-{i:02d}"), bin_of(wh, "A-01-01-1"), 1)
    ops_client.get("/api/v1/stock/levels/", {"limit": 1})  # warm the role cache
    with django_assert_max_num_queries(6) as small:
        ops_client.get("/api/v1/stock/levels/", {"limit": 5})
    with django_assert_max_num_queries(6) as large:
        ops_client.get("/api/v1/stock/levels/", {"limit": 30})
    assert len(small.captured_queries) == len(large.captured_queries)
