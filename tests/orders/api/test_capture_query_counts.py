"""Statement budget of order capture through POST /api/v1/orders/ (issue 12 item 1).

A 3-line order (holds checked, routed, reserved, released, listed on a pushed channel) takes
at most 20 statements, a 5-line order at most 25, counting everything the request sends:
token lookup, BEGIN, SAVEPOINT/RELEASE and COMMIT included. Before the set-based rewrite the
same 3-line order took 101 (97 on an unlisted channel).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels_sync.models import Listing
from orders.models import Order
from tests.orders.api.conftest import token_client
from tests.orders.builders import channel, payload, product, stock, warehouse

# transaction=True: the service's own transaction is BEGIN … COMMIT as in production, not a
# savepoint of the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/orders/"


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    # The drain task a commit kicks is the worker's statements, not the request's.
    monkeypatch.setattr("channels_sync.outbox._kick", lambda channel_id: None)


def _shop(n_skus: int):
    wh = warehouse("QC1")
    ch = channel(wh, code="qc-shop", kind="shopify", base_url="https://qc.example")
    skus = []
    for i in range(n_skus):
        p = product(f"QC-{i}")
        stock(p, wh, 50)
        Listing.objects.create(channel=ch, product=p, channel_sku=f"L{i}")
        skus.append(p.sku)
    return ch, skus


def _post(client, skus, **headers):
    body = payload([(sku, 2) for sku in skus])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, body, format="json", **headers)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "released"
    return ctx


def _describe(ctx) -> str:
    return "\n".join(q["sql"][:160] for q in ctx.captured_queries)


@pytest.mark.parametrize(("lines", "budget"), [(3, 20), (5, 25)])
def test_a_routed_order_stays_within_its_statement_budget(lines, budget):
    # given a channel that is told of stock and order changes, and every SKU stocked
    ch, skus = _shop(lines)
    client = token_client(ch)
    _post(client, skus)  # warm caches (content types, token) like a running server

    # when
    ctx = _post(client, skus[:lines])

    # then
    assert len(ctx.captured_queries) <= budget, _describe(ctx)
    order = Order.objects.order_by("-pk").first()
    assert order.status == "released"
    assert [e.kind for e in order.events.order_by("pk")][:2] == ["created", "status_changed"]


def test_an_idempotent_order_stays_within_its_statement_budget():
    ch, skus = _shop(3)
    client = token_client(ch)
    _post(client, skus)

    ctx = _post(client, skus, HTTP_IDEMPOTENCY_KEY="qc-key-1")

    # the key adds its claim (prune, insert) and its stored response, each its own short
    # transaction, and its completion with the order inside the order's transaction.
    assert len(ctx.captured_queries) <= 31, _describe(ctx)
