"""Issue 10 item 20: a refused or not-found request is one concise log line, no traceback.

Before, every 403 from a page (Django's PermissionDenied) was logged on `django.request` with
its traceback, and printed twice (Django's own `django` console handler and the root handler).
The requests here are real ones through the test client, with the project's LOGGING applied as
Django applies it at start-up (Django's defaults, then settings.LOGGING), in DEBUG mode, which is
the default after a fresh clone.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.log import configure_logging
from rest_framework.test import APIClient

from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import ChannelFactory, channel_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_log(settings):
    """Apply the project's logging config (DEBUG on) for one test, with every console handler
    it sets up writing to one buffer; afterwards put pytest's handlers back."""
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]
    saved = [
        (lg, lg.handlers[:], lg.filters[:], lg.level, lg.propagate, lg.disabled) for lg in loggers
    ]
    settings.DEBUG = True
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    buffer = io.StringIO()
    for lg in [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]:
        for handler in getattr(lg, "handlers", []):
            if type(handler) is logging.StreamHandler:
                handler.setStream(buffer)
    yield buffer
    for lg, handlers, filters, level, propagate, disabled in saved:
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.level, lg.propagate, lg.disabled = level, propagate, disabled


def _operator_browser() -> Client:
    browser = Client()
    browser.force_login(UserFactory(username="log-operator", roles=[roles.WAREHOUSE_OPERATOR]))
    return browser


def _channel_api() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {channel_token(ChannelFactory())}")
    return client


def _ops_api() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="log-ops", roles=[roles.OPS_MANAGER]))
    return client


CASES = [
    ("page 403", _operator_browser, "/orders/", 403, "Forbidden (Permission denied): /orders/"),
    ("api 403", _channel_api, "/api/v1/wms/tasks/", 403, "Forbidden: /api/v1/wms/tasks/"),
    ("api 401", APIClient, "/api/v1/orders/", 401, "Unauthorized: /api/v1/orders/"),
    ("api 404", _ops_api, "/api/v1/orders/SO-NONE/", 404, "Not Found: /api/v1/orders/SO-NONE/"),
]


@pytest.mark.parametrize(
    ("name", "make_client", "path", "code", "line"), CASES, ids=[c[0] for c in CASES]
)
def test_a_refused_request_is_one_log_line_without_traceback(
    project_log, name, make_client, path, code, line
):
    # given a caller the path refuses (or a path that matches nothing)
    client = make_client()
    project_log.truncate(0)
    project_log.seek(0)

    # when it asks
    response = client.get(path)

    # then it is refused, and the log says so once, in one line, with no traceback
    assert response.status_code == code
    printed = [row for row in project_log.getvalue().splitlines() if row.strip()]
    assert printed == [line]


def test_a_refusal_record_carries_no_exception(caplog):
    # given an operator, whose role does not open the order pages
    browser = _operator_browser()

    # when the page refuses them
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = browser.get("/orders/")

    # then one warning record, without exc_info, is all the log gets
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /orders/", None)
    ]
