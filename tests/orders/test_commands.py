import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order, RoutingDecision, RoutingPolicy
from tests.orders.builders import capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db

HEADER = [
    "external_id",
    "email",
    "name",
    "ship_line1",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
    "sku",
    "quantity",
    "unit_price",
    "payment_status",
]


def _csv(tmp_path, rows):
    path = tmp_path / "orders.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return str(path)


def _row(ext, sku, qty, **kw):
    base = {
        "external_id": ext,
        "email": "c@example.com",
        "name": "Cy",
        "ship_line1": "1 Main St",
        "ship_city": "Mountain View",
        "ship_region": "CA",
        "ship_postal_code": "94043",
        "ship_country": "US",
        "sku": sku,
        "quantity": str(qty),
        "unit_price": "9.99",
        "payment_status": "captured",
    }
    base.update(kw)
    return [base[h] for h in HEADER]


@pytest.fixture
def shop():
    wh = warehouse("IM1")
    stock(product("IM-A"), wh, 10)
    stock(product("IM-B"), wh, 10)
    return channel(wh, code="import-shop")


def test_import_groups_rows_into_orders(shop, tmp_path):
    path = _csv(tmp_path, [_row("X1", "IM-A", 1), _row("X1", "IM-B", 2), _row("X2", "IM-A", 1)])
    out = StringIO()

    call_command("orders_import_csv", path, channel="import-shop", no_progress=True, stdout=out)

    assert "2 order(s) imported" in out.getvalue()
    assert Order.objects.get(external_id="X1").lines.count() == 2
    assert Order.objects.get(external_id="X1").status == "released"


def test_import_with_a_bad_row_imports_nothing_and_reports_the_row(shop, tmp_path):
    path = _csv(tmp_path, [_row("X1", "IM-A", 1), _row("X2", "IM-A", "two"), _row("X3", "", 1)])
    out = StringIO()
    errors = tmp_path / "errors.csv"

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "orders_import_csv",
            path,
            channel="import-shop",
            errors=str(errors),
            no_progress=True,
            stdout=out,
        )

    assert Order.objects.count() == 0
    assert "row 3 (X2): quantity 'two' is not a positive whole number" in out.getvalue()
    assert "row 4 (X3): sku is required" in out.getvalue()
    assert len(list(csv.reader(errors.open()))) == 3


def test_skip_invalid_skips_whole_orders_never_half_of_one(shop, tmp_path):
    path = _csv(tmp_path, [_row("X1", "IM-A", 1), _row("X1", "IM-B", 0), _row("X2", "IM-A", 1)])
    call_command(
        "orders_import_csv",
        path,
        channel="import-shop",
        skip_invalid=True,
        no_progress=True,
        stdout=StringIO(),
    )
    assert list(Order.objects.values_list("external_id", flat=True)) == ["X2"]


def test_import_is_idempotent_and_keeps_unknown_skus_on_hold(shop, tmp_path):
    path = _csv(tmp_path, [_row("X9", "NOPE", 1)])
    call_command(
        "orders_import_csv", path, channel="import-shop", no_progress=True, stdout=StringIO()
    )
    out = StringIO()
    call_command("orders_import_csv", path, channel="import-shop", no_progress=True, stdout=out)
    assert "0 order(s) imported, 1 already present" in out.getvalue()
    assert Order.objects.get().holds.get().kind == "unknown_sku"


def test_routing_replay_compares_the_draft_with_live_and_changes_nothing():
    # given past orders routed by fewest shipments, where W2 fills everything
    w1, w2 = warehouse("RP1"), warehouse("RP2")
    a, b = product("RP-A"), product("RP-B")
    stock(a, w1, 5)
    stock(a, w2, 5)
    stock(b, w2, 5)
    ch = channel(w1, w2, code="replay-shop")
    for _ in range(3):
        capture(ch, [("RP-A", 1), ("RP-B", 1)])
    RoutingPolicy.objects.create(channel=ch, is_draft=True, strategy="priority")
    decisions = RoutingDecision.objects.count()
    out = StringIO()

    call_command("routing_replay", channel="replay-shop", json=True, stdout=out)

    report = json.loads(out.getvalue())
    assert report["totals"]["live"]["shipments"] == 3
    assert report["totals"]["draft"]["shipments"] == 6  # priority: A from W1, B from W2
    assert report["totals"]["draft"]["splits"] == 3
    assert report["totals"]["recorded"]["shipments"] == 3
    assert len(report["changed"]) == 3
    assert RoutingDecision.objects.count() == decisions

    # and the text report, with a no-split override, prints the comparison
    text = StringIO()
    call_command(
        "routing_replay", channel="replay-shop", strategy="priority", split=False, stdout=text
    )
    assert "draft − live: shipments +0, splits +0, backordered_units +0" in text.getvalue()


def test_backorders_command_allocates_from_new_stock():
    wh = warehouse("BC1")
    a = product("BC-A")
    order = capture(channel(wh), [("BC-A", 2)])
    stock(a, wh, 2)
    out = StringIO()
    call_command("backorders_allocate", sku=["BC-A"], stdout=out)
    assert "1 order(s) received backordered units" in out.getvalue()
    assert order.lines.get().quantity_allocated == 2


def test_import_is_set_based_its_statements_do_not_grow_with_the_orders(shop, tmp_path):
    # issue 12 item 4: the CSV import runs through the bulk capture path
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = _csv(tmp_path, [_row(f"F{i}", "IM-A", 1) for i in range(2)])
    (tmp_path / "few.csv").write_text(Path(few).read_text())
    many = _csv(tmp_path, [_row(f"M{i}", "IM-B", 1) for i in range(8)])
    with CaptureQueriesContext(connection) as small:
        call_command(
            "orders_import_csv",
            str(tmp_path / "few.csv"),
            channel="import-shop",
            no_progress=True,
            stdout=StringIO(),
        )
    with CaptureQueriesContext(connection) as large:
        call_command(
            "orders_import_csv", many, channel="import-shop", no_progress=True, stdout=StringIO()
        )
    assert Order.objects.filter(status="released").count() == 10
    assert len(large.captured_queries) == len(small.captured_queries)
