"""Set-based receipts: the same rows as line-by-line receipts, in a fixed number of statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels_sync.choices import OutboxTopic
from channels_sync.models import Listing, OutboxMessage
from inventory import services
from inventory.exceptions import InvalidQuantity
from inventory.models import InventoryBalance, StockLevel, StockMovement
from inventory.selectors import inventory_mismatches
from tests.factories.channels_sync import channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return small_warehouse()


def test_many_lines_raise_levels_balances_ledger_and_tell_listing_channels(wh):
    # given: one product already stocked, one listed on a channel fed by the warehouse
    old, listed, other = ProductFactory(), ProductFactory(), ProductFactory()
    stocked(old, bin_of(wh, "A-01-01-1"), 4)
    channel = channel_with_warehouses(wh, kind="shopify", base_url="http://shop.example")
    Listing.objects.create(channel=channel, product=listed, channel_sku=listed.sku)
    lines = [
        services.ReceiptLine(product_id=old.pk, bin=bin_of(wh, "A-01-01-1"), quantity=6),
        services.ReceiptLine(product_id=listed.pk, bin=bin_of(wh, "A-01-02-1"), quantity=5),
        services.ReceiptLine(product_id=listed.pk, bin=bin_of(wh, "A-01-02-1"), quantity=2),
        services.ReceiptLine(product_id=other.pk, bin=bin_of(wh, "DMG-01"), quantity=3, lot="L1"),
    ]
    # when
    movements = services.stock_receive_many(
        lines=lines, actor=SYSTEM, document_type="asn", document_ref="ASN-1"
    )
    # then
    assert len(movements) == 4
    assert StockLevel.objects.get(product=old).on_hand == 10
    assert StockLevel.objects.get(product=listed).on_hand == 7
    assert StockLevel.objects.get(product=other, lot="L1").on_hand == 3
    bal = {b.product_id: b for b in InventoryBalance.objects.filter(warehouse=wh)}
    assert (bal[old.pk].on_hand, bal[old.pk].unavailable) == (10, 0)
    assert (bal[listed.pk].on_hand, bal[listed.pk].available) == (7, 7)
    assert (bal[other.pk].on_hand, bal[other.pk].unavailable, bal[other.pk].available) == (3, 3, 0)
    assert StockMovement.objects.filter(document_ref="ASN-1").count() == 4
    pending = OutboxMessage.objects.filter(channel=channel, topic=OutboxTopic.STOCK)
    assert [m.key for m in pending] == [str(listed.pk)]
    assert inventory_mismatches() == []


def _statements_for(wh, products, bins) -> int:
    lines = [
        services.ReceiptLine(product_id=p.pk, bin=bins[i % 2], quantity=i + 1)
        for i, p in enumerate(products)
    ]
    with CaptureQueriesContext(connection) as ctx:
        services.stock_receive_many(lines=lines, actor=SYSTEM, document_type="seed")
    return len(ctx.captured_queries)


def test_statements_do_not_grow_with_lines(wh):
    bins = [bin_of(wh, "A-01-01-1"), bin_of(wh, "A-02-03-1")]
    # insert levels, read ids, insert balances, read ids, lock ×2, update ×2, ledger, listeners,
    # outbox upsert (+ savepoint on SQLite)
    few = _statements_for(wh, ProductFactory.create_batch(6), bins)
    many = _statements_for(wh, ProductFactory.create_batch(150), bins)
    assert few <= 12
    assert many <= few + 3  # SQLite splits a bulk INSERT at ~1,000 parameters
    assert StockMovement.objects.count() == 156
    assert inventory_mismatches() == []


def test_a_bad_line_refuses_the_whole_receipt(wh):
    product = ProductFactory()
    lines = [
        services.ReceiptLine(product_id=product.pk, bin=bin_of(wh, "A-01-01-1"), quantity=3),
        services.ReceiptLine(product_id=product.pk, bin=bin_of(wh, "A-01-01-1"), quantity=0),
    ]
    with pytest.raises(InvalidQuantity, match="Line 2"):
        services.stock_receive_many(lines=lines, actor=SYSTEM)
    assert not StockMovement.objects.exists()
    assert not StockLevel.objects.exists()
