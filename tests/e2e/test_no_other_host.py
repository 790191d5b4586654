"""No page of the system requests anything from another host (assets are served by the
project: Swagger UI from drf-spectacular-sidecar, htmx and charts vendored)."""

from urllib.parse import urlsplit

import pytest

from common import roles
from tests.e2e.conftest import sign_in
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/dashboard/",
    "/dashboard/exceptions/",
    "/channels/sync/",
    "/orders/",
    "/warehouse/",
    "/warehouse/pick/",
    "/warehouse/pack/",
    "/warehouse/receive/",
    "/warehouse/move/",
    "/warehouse/count/",
    "/warehouse/labels/",
    "/admin/",
    "/api/docs/",
]


def test_no_page_requests_another_host(phone, live_server):
    # given an ops admin signed in, every request the browser makes recorded
    UserFactory(username="offline", roles=[roles.OPS_ADMIN], is_staff=True, is_superuser=True)
    requested = []
    phone.on("request", lambda request: requested.append((phone.url, request.url)))
    sign_in(phone, "offline")
    # when the main pages are opened and have finished loading
    for url in PAGES:
        phone.goto(url, wait_until="networkidle")
    # then Swagger UI rendered the API from the project's own files
    phone.goto("/api/docs/", wait_until="networkidle")
    phone.wait_for_selector(".swagger-ui .info .title", timeout=90_000)  # a big schema
    # and no request went to another host
    own = urlsplit(live_server.url).netloc
    foreign = sorted(
        {(page, url) for page, url in requested if urlsplit(url).netloc not in ("", own)}
    )
    assert foreign == []
    assert any("/static/drf_spectacular_sidecar/" in url for _, url in requested)
