"""Input that no field may carry is refused at the edge, for every text and date input:
NUL bytes (Postgres cannot store them) and date-times out of range (offsets beyond ±14:00,
values that overflow when converted to UTC). Paths whose id is not a number are 404s.
Each answer is a 4xx in the JSON error shape (or a visible message on a page)."""

import pytest
from django.test import Client

from common import roles
from common.validation import NUL_MESSAGE
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize(
    ("_case", "url", "field"),
    [
        ("fuzz: ATS with a NUL in skus", "/api/v1/ats/?skus=%21.%00&channel=", "skus"),
        ("NUL in a filter", "/api/v1/orders/?email=a%00b", "email"),
        ("NUL in a parameter name", "/api/v1/products/?s%00ku=x", "s\x00ku"),
    ],
)
def test_nul_bytes_in_the_query_are_400(_case, url, field, ops_client):
    error = _error(ops_client.get(url), 400)
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_nul_byte_in_a_json_body_is_400_naming_nothing_written(ops_client):
    from orders.models import Order

    body = '{"external_id": "NUL-1", "email": "a\\u0000@example.com", "lines": []}'
    error = _error(ops_client.post("/api/v1/orders/", body, content_type="application/json"), 400)
    assert error["code"] == "invalid"
    assert "NUL" in error["message"] or "NUL" in str(error["fields"])
    assert not Order.objects.filter(external_id="NUL-1").exists()


def test_nul_byte_in_a_page_form_is_a_visible_400():
    user = UserFactory(username="cs-nul", roles=[roles.CUSTOMER_SERVICE])
    client = Client()
    client.force_login(user)
    response = client.get("/orders/?q=abc%00def")
    assert response.status_code == 400
    assert b"NUL" in response.content


@pytest.mark.parametrize(
    ("_case", "value"),
    [
        ("fuzz: offset -19:29", "0854-05-25T07%3A09%3A48-19%3A29"),
        ("offset +15:00", "2026-01-01T00%3A00%3A00%2B15%3A00"),
        ("overflows when converted to UTC", "9999-12-31T23%3A59%3A59-05%3A00"),
        ("before year 1 in UTC", "0001-01-01T00%3A00%3A00%2B05%3A00"),
    ],
)
def test_out_of_range_date_times_in_filters_are_400(_case, value, ops_client):
    error = _error(ops_client.get(f"/api/v1/orders/?placed_before={value}"), 400)
    assert error["code"] == "invalid"
    assert "placed_before" in error["fields"]


def test_in_range_offsets_still_filter(ops_client):
    response = ops_client.get("/api/v1/orders/?placed_before=2026-01-01T00%3A00%3A00-12%3A00")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/shipments/abc/void/",
        "/api/v1/shipments/true/track/",
        "/api/v1/shipments/null/mark-shipped/",
        "/api/v1/shipments/1.5/",
        "/api/v1/manifests/x/csv/",
    ],
)
def test_non_numeric_ids_in_paths_are_json_404(path, ops_client):
    ops_client.raise_request_exception = False
    method = ops_client.get if path.count("/") == 5 or path.endswith("csv/") else ops_client.post
    error = _error(method(path), 404)
    assert error["code"] == "not_found"


@pytest.mark.parametrize(
    "url", ["/api/v1/carrier-webhooks/MOCK/", "/api/v1/channel-webhooks/zz-none/"]
)
def test_a_multipart_body_sent_to_a_signed_webhook_is_refused_not_a_server_error(url):
    # schemathesis found it: the edge check parsed the multipart form from the stream, then the
    # webhook could no longer read its raw body for the signature (500 RawPostDataException)
    response = Client().post(url, data={"x-schemathesis-additional": "{}"})
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


def test_a_nul_in_a_multipart_api_form_field_is_400():
    user = UserFactory(username="ops-nul", roles=[roles.OPS_MANAGER])
    client = Client()
    client.force_login(user)
    response = client.post("/api/v1/orders/", data={"external_id": "a\x00b"})
    assert _error(response, 400)["fields"] == {"external_id": [NUL_MESSAGE]}
