import pytest
from drf_spectacular.generators import SchemaGenerator

PATHS = {
    "/api/v1/carriers/": {"get"},
    "/api/v1/shipments/": {"get", "post"},
    "/api/v1/shipments/{id}/": {"get"},
    "/api/v1/shipments/{id}/label-pdf/": {"get"},
    "/api/v1/shipments/{id}/label-zpl/": {"get"},
    "/api/v1/shipments/{id}/mark-shipped/": {"post"},
    "/api/v1/shipments/{id}/void/": {"post"},
    "/api/v1/shipments/{id}/track/": {"post"},
    "/api/v1/shipping/rates/": {"post"},
    "/api/v1/manifests/": {"get", "post"},
    "/api/v1/manifests/{id}/": {"get"},
    "/api/v1/manifests/{id}/csv/": {"get"},
    "/api/v1/manifests/{id}/pdf/": {"get"},
    "/api/v1/carrier-webhooks/{carrier_code}/": {"post"},
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_shipping_endpoint_is_documented_with_its_errors(schema, path):
    operations = schema["paths"][path]

    assert set(operations) >= PATHS[path]
    for method in PATHS[path]:
        responses = operations[method]["responses"]
        assert any(code.startswith("2") for code in responses)
        assert any(code in responses for code in ("400", "401", "404")), (path, method)
