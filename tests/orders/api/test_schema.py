import pytest

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/v1/orders/"),
    ("post", "/api/v1/orders/"),
    ("get", "/api/v1/orders/{number}/"),
    ("post", "/api/v1/orders/{number}/cancel/"),
    ("post", "/api/v1/orders/{number}/address/"),
    ("post", "/api/v1/orders/{number}/lines/"),
    ("post", "/api/v1/orders/{number}/holds/"),
    ("post", "/api/v1/orders/{number}/holds/{hold_id}/release/"),
    ("post", "/api/v1/orders/{number}/payment/"),
    ("post", "/api/v1/orders/{number}/notes/"),
    ("get", "/api/v1/orders/{number}/timeline/"),
    ("post", "/api/v1/orders/{number}/returns/"),
    ("get", "/api/v1/ats/"),
    ("post", "/api/v1/reservations/"),
    ("get", "/api/v1/reservations/{token}/"),
    ("post", "/api/v1/reservations/{token}/release/"),
    ("get", "/api/v1/fulfillment-requests/"),
    ("get", "/api/v1/fulfillment-requests/{number}/"),
    ("post", "/api/v1/fulfillment-requests/{number}/move/"),
    ("get", "/api/v1/returns/"),
    ("get", "/api/v1/returns/{number}/"),
    ("post", "/api/v1/returns/{number}/approve/"),
    ("post", "/api/v1/returns/{number}/receive/"),
    ("post", "/api/v1/returns/{number}/disposition/"),
}
NO_BODY = {"/api/v1/reservations/{token}/release/", "/api/v1/returns/{number}/approve/"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _error_ref(op, code):
    content = op["responses"][code]["content"]["application/json"]["schema"]
    return content["$ref"].rsplit("/", 1)[-1]


@pytest.mark.parametrize(("method", "path"), sorted(ENDPOINTS))
def test_schema_documents_request_response_and_errors(schema, method, path):
    op = schema["paths"][path][method]
    success = [c for c in op["responses"] if c.startswith("2")]
    assert success
    assert all("content" in op["responses"][c] for c in success)
    errors = [c for c in op["responses"] if c[0] in "45"]
    assert {"401", "403"} <= set(errors)
    assert all(_error_ref(op, c) == "ErrorResponse" for c in errors)
    if method == "post" and path not in NO_BODY:
        assert "requestBody" in op
        assert "400" in errors
    if path.count("{"):
        assert "404" in errors


def test_create_documents_idempotency_header_and_422(schema):
    op = schema["paths"]["/api/v1/orders/"]["post"]
    assert {"Idempotency-Key"} <= {p["name"] for p in op["parameters"]}
    assert {"409", "422"} <= set(op["responses"])
