"""Customer-service screens: search, order page, cancel, holds, notes; query counts bounded."""

import pytest

from orders.choices import HoldKind
from orders.models import Hold, OrderEvent
from tests.orders import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = b.warehouse("WH1")
    ch = b.channel(wh, code="web")
    b.stock(b.product("SKU-1"), wh, 50)
    return ch


def _orders(shop, n, **overrides):
    return [b.capture(shop, [("SKU-1", 1)], **overrides) for _ in range(n)]


@pytest.mark.parametrize(
    ("_case", "field"),
    [("by number", "number"), ("by external id", "external_id"), ("by email", "customer_email")],
)
def test_search_finds_order(cs, shop, _case, field):
    # given
    order = _orders(shop, 1, customer={"email": "grace@example.com", "name": "Grace Hopper"})[0]
    _orders(shop, 2)
    # when
    response = cs.get("/orders/", {"q": getattr(order, field)})
    # then
    assert response.status_code == 200
    assert [o.pk for o in response.context["results"]] == [order.pk]
    assert f"/orders/{order.number}/" in response.content.decode()


def test_search_by_name_lists_every_match(cs, shop):
    grace = _orders(shop, 2, customer={"email": "g@example.com", "name": "Grace Hopper"})
    _orders(shop, 1)
    response = cs.get("/orders/", {"q": "hopper"})
    assert sorted(o.pk for o in response.context["results"]) == sorted(o.pk for o in grace)


def test_search_without_match_says_so(cs, shop):
    response = cs.get("/orders/", {"q": "nobody@example.com"})
    assert response.context["results"] == []
    assert "No order matches" in response.content.decode()


def test_typing_in_the_search_box_swaps_only_the_result_list(cs, shop):
    # given an order to find
    order = _orders(shop, 1, customer={"email": "ada@example.com", "name": "Ada Lovelace"})[0]

    # when htmx asks as the agent types (HX-Request), only the list comes back
    partial = cs.get("/orders/", {"q": "ada@example.com"}, HTTP_HX_REQUEST="true")
    # and a plain request (no JavaScript, or Enter) gets the whole page
    page = cs.get("/orders/", {"q": "ada@example.com"})

    body = partial.content.decode()
    assert partial.status_code == 200
    assert f"/orders/{order.number}/" in body
    assert "<html" not in body
    assert 'id="id_q"' not in body
    assert "<html" in page.content.decode()
    assert 'id="search-results"' in page.content.decode()
    assert f"/orders/{order.number}/" in page.content.decode()


def test_search_query_count_does_not_grow_with_results(cs, shop, django_assert_max_num_queries):
    # given: 3 then 20 matching orders
    _orders(shop, 3, customer={"email": "many@example.com", "name": "Many"})
    with django_assert_max_num_queries(12) as few:
        cs.get("/orders/", {"q": "many@example.com"})
    _orders(shop, 17, customer={"email": "many@example.com", "name": "Many"})
    # then: the same number of queries for 20 results
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = cs.get("/orders/", {"q": "many@example.com"})
    assert len(response.context["results"]) == 20


def test_order_page_shows_lines_timeline_in_plain_words_and_bounded_queries(
    cs, shop, django_assert_max_num_queries
):
    order = b.capture(shop, [("SKU-1", 2)])
    with django_assert_max_num_queries(20):
        response = cs.get(f"/orders/{order.number}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "SKU-1" in page
    assert "Order received" in page  # the timeline's first event, in plain language
    assert "Cancel order" in page


def test_cs_cancels_an_unpicked_order(cs, shop):
    # given
    order = b.capture(shop, [("SKU-1", 2)])
    # when
    response = cs.post(f"/orders/{order.number}/cancel/", {"reason": "Customer changed mind"})
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == "cancelled"
    page = cs.get(response["Location"]).content.decode()
    assert f"Order {order.number} is cancelled." in page
    assert OrderEvent.objects.filter(order=order, kind="cancelled").count() == 1


def test_cancel_without_reason_shows_the_field_error_and_changes_nothing(cs, shop):
    order = b.capture(shop, [("SKU-1", 2)])
    response = cs.post(f"/orders/{order.number}/cancel/", {"reason": ""}, follow=True)
    assert "Reason for cancelling: This field is required." in response.content.decode()
    order.refresh_from_db()
    assert order.status != "cancelled"


def test_cancelling_twice_shows_the_services_message(cs, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    cs.post(f"/orders/{order.number}/cancel/", {"reason": "first"}, follow=True)
    response = cs.post(f"/orders/{order.number}/cancel/", {"reason": "again"}, follow=True)
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert messages == [("error", f"Order {order.number} is cancelled and can no longer change.")]
    assert OrderEvent.objects.filter(order=order, kind="cancelled").count() == 1


def test_cs_places_and_releases_a_manual_hold(cs, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    cs.post(f"/orders/{order.number}/hold/", {"reason": "Customer asked to wait"})
    hold = Hold.objects.get(order=order, kind=HoldKind.MANUAL)
    assert hold.released_at is None
    page = cs.get(f"/orders/{order.number}/").content.decode()
    assert "Customer asked to wait" in page
    assert "Release hold" in page

    cs.post(f"/orders/{order.number}/holds/{hold.pk}/release/", {"note": "ok now"})
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert hold.release_note == "ok now"


def test_cs_may_not_release_a_fraud_hold_but_ops_may(cs, ops, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    from orders import services as orders_services

    hold = orders_services.order_hold_place(
        order_id=order.pk, kind=HoldKind.FRAUD, reason="score 90", actor=b.SYSTEM
    )
    response = cs.post(f"/orders/{order.number}/holds/{hold.pk}/release/", {}, follow=True)
    assert "manual holds only" in response.content.decode()
    hold.refresh_from_db()
    assert hold.released_at is None

    ops.post(f"/orders/{order.number}/holds/{hold.pk}/release/", {"note": "checked"})
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_note_is_added_to_the_timeline(cs, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    cs.post(f"/orders/{order.number}/note/", {"text": "Called the customer"})
    page = cs.get(f"/orders/{order.number}/").content.decode()
    assert "Called the customer" in page


def test_unknown_order_is_404(cs, shop):
    assert cs.get("/orders/NOPE-1/").status_code == 404
