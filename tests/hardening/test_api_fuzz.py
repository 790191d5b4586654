"""Schemathesis against the live OpenAPI schema, in-process through the WSGI app.

Every operation in /api/schema/ gets a bounded number of generated requests, as an ops admin
(session + CSRF, like the browser) and as a channel API client (token). No request may get a
5xx, and every response must match the schema: a status code the operation documents, the
body shape documented for that code, the documented content type.
The schema is read when this module is imported, so new endpoints are fuzzed automatically.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_token, channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked

MAX_EXAMPLES = 5  # per operation and caller: bounded so CI stays fast
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every CI run: a failure is reproducible
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_world(db):
    """A warehouse with stock, a channel fed by it, and one identity per caller kind."""
    # The WSGI app is called directly (not through Django's test client), so keep Django from
    # closing the test's connection at the end of each request, as the test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    wh = small_warehouse("FUZZ", aisles=1, bays=2, levels=1)
    for i in range(3):
        product = ProductFactory(sku=f"FUZZ-{i}")
        stocked(product, bin_of(wh, "A-01-01-1"), 5 + i)
    channel = channel_with_warehouses(wh, code="fuzz-shop")
    yield {"channel": channel, "token": channel_token(channel)}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _session(role: str) -> dict[str, dict[str, str]]:
    """Session cookies + CSRF header of a signed-in user. Cookies go through schemathesis'
    `cookies` (a `Cookie` header is dropped by its WSGI transport: the caller was anonymous)."""
    user = UserFactory(username=f"fuzz-{role}", is_staff=True, roles=[role])
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {
        "headers": {"X-CSRFToken": csrf},
        "cookies": {"sessionid": session, "csrftoken": csrf},
    }


def _fuzz(operation, **auth) -> None:
    """Hypothesis drives the operation's generated cases through the app and checks each."""

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS, **auth)

    run()


# One pytest item per operation with the operation in its id, rather than schemathesis'
# `schema.parametrize()`, whose items all share one node id under pytest 9: pytest-xdist
# schedules by node id and ran one operation per test instead of all of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
by_operation = pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)


@by_operation
def test_api_as_ops_admin_never_fails_or_breaks_its_schema(operation, api_world):
    _fuzz(operation, **_session(roles.OPS_ADMIN))


@by_operation
def test_api_as_channel_client_never_fails_or_breaks_its_schema(operation, api_world):
    _fuzz(operation, headers={"Authorization": f"Token {api_world['token']}"})
