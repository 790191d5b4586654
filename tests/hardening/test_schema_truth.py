"""Issue 10 item 11: the OpenAPI schema tells the truth about what the API answers.

Real requests, in-process through the WSGI app, each validated by schemathesis against the
served /api/schema/: the answer's status code must be documented for its operation, its body
must have the documented shape and its content type the documented one. The cases are the ones
the fuzzer found undocumented: channel tokens refused (403) on staff GETs, `Invalid cursor`
(404), bad list filters (400), rate limits (429), and fields that come back null (movement
`from_bin`; task `assignee`, `done_bin`, `from_bin`, `sku`, `to_bin`).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_token, channel_with_warehouses
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked
from tests.warehouse.builders import SYSTEM
from warehouse.services.counts import cycle_count_create

pytestmark = pytest.mark.django_db

CHECKS = [status_code_conformance, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _operations(method: str, *, query: str | None = None, path_params: bool = False):
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != method:
            continue
        if ("{" in operation.path) != path_params:
            continue
        names = {p.name for p in operation.query}
        if query is not None and query not in names:
            continue
        yield operation


@pytest.fixture
def world(db):
    """A warehouse with received stock (movements without a source bin), an open count task
    (no SKU, no assignee, no target or done bin), a channel with a token, an ops admin."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    wh = small_warehouse("TRUTH", aisles=1, bays=2, levels=1)
    stocked(ProductFactory(sku="TRUTH-1"), bin_of(wh, "A-01-01-1"), 5)
    cycle_count_create(bin_id=bin_of(wh, "A-01-01-1").pk, actor=SYSTEM)
    channel = channel_with_warehouses(wh, code="truth-shop")
    user = UserFactory(username="truth-admin", is_staff=True, roles=[roles.OPS_ADMIN])
    browser = Client()
    browser.force_login(user)
    csrf = _get_new_csrf_string()
    yield {
        "admin": {
            "headers": {"X-CSRFToken": csrf},
            "cookies": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf},
        },
        "channel": {"headers": {"Authorization": f"Token {channel_token(channel)}"}},
    }
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _call(operation, caller, **kwargs):
    case = operation.Case(**kwargs)
    response = case.call(**caller)
    case.validate_response(response, checks=CHECKS)
    return response


def test_null_fields_of_movements_and_tasks_match_the_schema(world):
    movements = _call(schema["/api/v1/stock/movements/"]["GET"], world["admin"])
    tasks = _call(schema["/api/v1/wms/tasks/"]["GET"], world["admin"])

    assert movements.status_code == tasks.status_code == 200
    assert any(m["from_bin"] is None for m in movements.json()["results"])
    (task,) = tasks.json()["results"]
    assert [task[k] for k in ("assignee", "done_bin", "sku", "to_bin")] == [None] * 4


def test_channel_token_refusals_on_staff_reads_are_documented(world):
    refused = []
    for operation in _operations("GET"):
        if _call(operation, world["channel"]).status_code == 403:
            refused.append(operation.path)
    assert len(refused) >= 10, refused  # staff-only reads exist, and each documents its 403


def test_an_invalid_cursor_is_a_documented_404(world):
    paths = []
    for operation in _operations("GET", query="cursor"):
        response = _call(operation, world["admin"], query={"cursor": "not-a-cursor"})
        assert response.status_code == 404, operation.path
        assert response.json()["error"]["message"] == "Invalid cursor"
        paths.append(operation.path)
    assert "/api/v1/orders/" in paths
    assert "/api/v1/stock/movements/" in paths


def test_bad_list_filters_are_a_documented_400(world):
    checked = []
    for operation in _operations("GET"):
        names = sorted(p.name for p in operation.query if p.name not in ("cursor",))
        if not names:
            continue
        response = _call(operation, world["admin"], query={names[0]: "bad\x00value"})
        assert response.status_code == 400, (operation.path, names[0], response.content)
        checked.append(operation.path)
    assert "/api/v1/orders/" in checked


def test_rate_limits_are_documented_on_every_operation(world, settings):
    # one bad API token per client address is allowed, then every operation answers 429
    settings.API_TOKEN_THROTTLE_FAILURES = 1
    bad = {"headers": {"Authorization": "Token not-a-real-token"}}
    answers = {}
    try:
        for operation in _operations("GET"):
            answers[operation.path] = _call(operation, bad).status_code
    finally:
        cache.clear()
    first, *rest = answers.values()
    assert first == 401
    assert set(rest) == {429}, answers
