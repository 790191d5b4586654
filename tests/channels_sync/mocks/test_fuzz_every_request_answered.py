"""Fuzz: every request to every mock ends with an HTTP response (never a dropped connection),
and an error answer is in the service's own envelope. Hypothesis draws methods, paths near the
real routes, query strings, headers and bodies (JSON, broken JSON, bytes)."""

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels_sync.mock_servers import MockServer
from shipping.mock_carrier.server import MockCarrierServer
from tests.channels_sync.conftest import amazon_mock_app, shopify_mock_app, woo_mock_app

PATHS = {
    "shopify": [
        "/admin/api/2024-07/graphql.json",
        "/admin/api/2024-07/orders.json",
        "/admin/api/2024-07/orders/5000.json",
        "/admin/api/2024-07/orders/5000/cancel.json",
        "/admin/api/2024-07/orders/count.json",
        "/admin/api/2024-07/inventory_levels.json",
        "/admin/api/2024-07/fulfillments.json",
        "/admin/api/nope/shop.json",
        "/_mock/orders",
        "/_mock/fail",
    ],
    "woocommerce": [
        "/wp-json/wc/v3/products",
        "/wp-json/wc/v3/products/batch",
        "/wp-json/wc/v3/products/1/variations/2",
        "/wp-json/wc/v3/orders",
        "/wp-json/wc/v3/orders/700/notes",
        "/_mock/orders",
        "/_mock/products",
    ],
    "amazon": [
        "/auth/o2/token",
        "/orders/v0/orders",
        "/orders/v0/orders/113-1/address",
        "/tokens/2021-03-01/restrictedDataToken",
        "/feeds/2021-06-30/feeds",
        "/_mock/orders",
        "/_mock/clock",
    ],
    "carrier": [
        "/v2/shipments",
        "/v2/rates",
        "/v2/trackers",
        "/v2/shipments/shp_x/buy",
        "/_control/fail",
    ],
}
TOKENS = {
    "shopify": {"X-Shopify-Access-Token": "shpat_test"},
    "woocommerce": {},
    "amazon": {"x-amz-access-token": "Atza|junk"},
    "carrier": {},
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.just(b""),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=60).map(lambda t: ("{" + t).encode()),
    st.sampled_from(
        [b'{"query": null}', b'{"query": "{ shop { name } }", "variables": "x"}', b"[]", b"null"]
    ),
)
header_values = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=30)


@pytest.fixture(scope="module")
def servers():
    started = {
        "shopify": MockServer(shopify_mock_app()).start(),
        "woocommerce": MockServer(woo_mock_app()).start(),
        "amazon": MockServer(amazon_mock_app()).start(),
    }
    carrier = MockCarrierServer().start()
    urls = {name: s.url for name, s in started.items()} | {"carrier": carrier.url}
    yield urls
    for s in started.values():
        s.stop()
    carrier.stop()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mock=st.sampled_from(["shopify", "woocommerce", "amazon", "carrier"]),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    path_index=st.integers(min_value=0, max_value=20),
    suffix=st.sampled_from(["", "/", "/x", "%00", "/../..", "?"]),
    query=st.dictionaries(
        st.sampled_from(
            [
                "limit",
                "page_info",
                "NextToken",
                "CreatedAfter",
                "per_page",
                "page",
                "fields",
                "status",
            ]
        ),
        st.text(max_size=12),
        max_size=3,
    ),
    body=bodies,
    extra=st.dictionaries(
        st.sampled_from(["Content-Type", "Authorization", "X-Test"]), header_values, max_size=2
    ),
)
def test_every_request_gets_an_http_answer(
    servers, mock, method, path_index, suffix, query, body, extra
):
    paths = PATHS[mock]
    url = servers[mock] + paths[path_index % len(paths)] + suffix
    headers = {**TOKENS[mock], **extra}

    response = httpx.request(method, url, params=query, content=body, headers=headers, timeout=10)

    assert 200 <= response.status_code < 600
    if response.status_code >= 400 and response.content:
        envelope = response.json()
        assert isinstance(envelope, dict)
        assert {"errors", "code", "error", "message"} & set(envelope)


def test_a_bad_content_length_is_answered_not_dropped(servers):
    import socket
    from urllib.parse import urlsplit

    for name in ("shopify", "woocommerce", "amazon", "carrier"):
        parts = urlsplit(servers[name])
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n")
            answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.")
        assert b" 400 " in answer.split(b"\r\n", 1)[0]
