"""Random bodies at the create endpoint: every answer is a 2xx or a 4xx with a JSON error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders.builders import payload

pytestmark = pytest.mark.django_db

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=80),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "external_id",
    "customer",
    "shipping_address",
    "billing_address",
    "currency",
    "lines",
    "service_level",
    "payment_status",
    "priority",
    "placed_at",
    "shipping_total",
    "tax_total",
    "reservation_token",
]
line_values = st.fixed_dictionaries(
    {
        "sku": st.one_of(st.just("TEE-1"), st.text(max_size=70)),
        "quantity": json_values,
        "unit_price": json_values,
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(FIELDS),
    value=json_values,
    line=line_values,
)
def test_create_never_answers_500(shop_client, field, value, line):
    body = payload([("TEE-1", 1)])
    body[field] = value
    if field != "lines":
        body["lines"] = [line]
    response = shop_client.post("/api/v1/orders/", body, format="json")
    assert response.status_code in (200, 201, 400, 409, 422), response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


COMMANDS = ["cancel", "address", "lines", "holds", "payment", "notes", "returns"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(COMMANDS),
    body=st.dictionaries(
        st.sampled_from(
            [
                "reason",
                "lines",
                "changes",
                "add",
                "shipping_address",
                "kind",
                "scope",
                "line_ids",
                "payment_status",
                "text",
                "exchange_lines",
                "note",
                "fulfillment_request",
            ]
        ),
        json_values,
        max_size=4,
    ),
)
def test_command_endpoints_never_answer_500(ops_client, shop, command, body):
    from tests.orders.builders import capture

    order = capture(shop, [("TEE-1", 1)])
    response = ops_client.post(f"/api/v1/orders/{order.number}/{command}/", body, format="json")
    assert response.status_code in (200, 201, 400, 404, 409), response.content[:300]
