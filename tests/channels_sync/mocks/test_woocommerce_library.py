"""The WooCommerce mock driven with the woocommerce 3.0 client: OAuth 1.0a over http, Basic
over https (a trustme certificate), lists with WooCommerce's pagination headers, products and
variations, batch limits, orders."""

import pytest
import trustme
from woocommerce import API

from channels_sync.mock_servers import MockServer
from tests.channels_sync.conftest import WOO_KEYS, woo_mock_app

((KEY, SECRET),) = WOO_KEYS.items()


@pytest.fixture(scope="module")
def server():
    server = MockServer(woo_mock_app()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    server = MockServer(woo_mock_app(), ssl_context=context, server_name="localhost").start()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    yield server, str(bundle)
    server.stop()


@pytest.fixture
def woo(server):
    server.app.reset()
    return server


def _api(server, key=KEY, secret=SECRET, **kwargs):
    return API(url=server.url, consumer_key=key, consumer_secret=secret, version="wc/v3", **kwargs)


def test_products_list_pages_with_wp_headers_over_oauth(woo):
    for n in range(1, 6):
        woo.app.make_product({"id": 100 + n, "sku": f"SKU-{n}", "stock_quantity": n})
    api = _api(woo)

    first = api.get("products", params={"per_page": 2, "page": 1})
    last = api.get("products", params={"per_page": 2, "page": 3})

    assert first.status_code == 200
    assert (first.headers["X-WP-Total"], first.headers["X-WP-TotalPages"]) == ("5", "3")
    assert 'rel="next"' in first.headers["Link"]
    assert 'rel="prev"' in last.headers["Link"]
    assert 'rel="next"' not in last.headers["Link"]
    assert len(first.json()) == 2
    assert len(last.json()) == 1
    assert "oauth_signature" in woo.app.requests[0]["query"]


def test_product_put_and_variations_get_put(woo):
    woo.app.make_product({"id": 200, "type": "variable"})
    woo.app.make_product({"id": 201, "sku": "V-1", "parent_id": 200, "stock_quantity": 1})
    api = _api(woo)

    put = api.put("products/200", {"regular_price": "19.00"})
    variations = api.get("products/200/variations")
    one = api.put("products/200/variations/201", {"stock_quantity": 7})
    wrong_parent = api.get("products/999/variations/201")

    assert (put.status_code, put.json()["regular_price"]) == (200, "19.00")
    assert [v["id"] for v in variations.json()] == [201]
    assert (one.status_code, one.json()["stock_quantity"]) == (200, 7)
    assert wrong_parent.status_code == 404
    assert wrong_parent.json()["code"] == "woocommerce_rest_product_variation_invalid_id"


def test_batch_refuses_more_than_100_and_never_creates_unknown_ids(woo):
    woo.app.make_product({"id": 300, "sku": "B-1"})
    api = _api(woo)

    too_many = api.post("products/batch", {"update": [{"id": 300}] * 101})
    mixed = api.post(
        "products/batch",
        {"update": [{"id": 300, "stock_quantity": 2}, {"id": 301, "stock_quantity": 5}]},
    )

    assert too_many.status_code == 413
    assert too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"
    ok, unknown = mixed.json()["update"]
    assert ok["stock_quantity"] == 2
    assert unknown["error"]["code"] == "woocommerce_rest_product_invalid_id"
    assert "301" not in woo.app.products


def test_orders_list_get_put_and_notes_are_full_documents(woo):
    placed = woo.app.make_order(
        {
            "line_items": [
                {"product_id": 1, "sku": "A", "quantity": 2, "price": "9.50", "total_tax": "1.52"}
            ],
            "shipping_total": "5.00",
            "shipping_tax": "0.40",
        }
    )
    api = _api(woo)

    listed = api.get("orders", params={"status": "processing"})
    order = api.get(f"orders/{placed['id']}").json()
    updated = api.put(f"orders/{placed['id']}", {"status": "completed"}).json()
    note = api.post(f"orders/{placed['id']}/notes", {"note": "Shipped", "customer_note": True})

    assert listed.headers["X-WP-Total"] == "1"
    assert (
        order["total"],
        order["total_tax"],
        order["shipping_total"],
        order["discount_total"],
    ) == (
        "25.92",
        "1.92",
        "5.00",
        "0.00",
    )
    assert order["date_created_gmt"]
    assert order["tax_lines"][0]["tax_total"] == "1.52"
    assert not any(k.startswith("_") for k in order)
    assert updated["status"] == "completed"
    assert note.status_code == 201


@pytest.mark.parametrize(
    ("_case", "key", "secret", "message"),
    [
        ("wrong secret", KEY, "cs_wrong", "Invalid signature - provided signature does not match."),
        ("unknown key", "ck_nope", SECRET, "Consumer key is invalid."),
    ],
)
def test_bad_oauth_credentials_get_woocommerce_401s(woo, _case, key, secret, message):
    answer = _api(woo, key=key, secret=secret).get("products")

    assert answer.status_code == 401
    assert answer.json() == {
        "code": "woocommerce_rest_authentication_error",
        "message": message,
        "data": {"status": 401},
    }


def test_basic_auth_over_https_works_and_plain_http_basic_is_not_read(woo, tls, monkeypatch):
    server, bundle = tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    server.app.make_product({"id": 400, "sku": "TLS"})

    good = _api(server).get("products/400")
    bad = _api(server, secret="cs_wrong").get("products/400")
    import httpx

    over_http = httpx.get(f"{woo.url}/wp-json/wc/v3/products", auth=(KEY, SECRET))

    assert good.status_code == 200
    assert "authorization" in server.app.requests[0]["headers"]
    assert (bad.status_code, bad.json()["message"]) == (401, "Consumer secret is invalid.")
    assert (over_http.status_code, over_http.json()["code"]) == (
        401,
        "woocommerce_rest_cannot_view",
    )


def test_a_replayed_nonce_is_refused(woo):
    import httpx

    woo.app.make_product({"id": 500})
    api = _api(woo)
    first = api.get("products/500")
    replay = httpx.get(first.url)

    assert first.status_code == 200
    assert (replay.status_code, replay.json()["message"]) == (
        401,
        "Invalid nonce - nonce has already been used.",
    )


def test_malformed_json_is_a_woocommerce_400(woo):
    import httpx

    from channels_sync.adapters.woocommerce import WooOAuth1

    answer = httpx.post(
        f"{woo.url}/wp-json/wc/v3/products/batch",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
        auth=WooOAuth1(KEY, SECRET),
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "rest_invalid_json"
