"""Every answer under /api/ is JSON in the API's error shape, with DEBUG on or off."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _assert_json_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "no-debug"])
@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/nothing-here", "/api/v1/orders/a/b/c/d/"]
)
def test_unknown_api_urls_answer_json_404(path, debug):
    with override_settings(DEBUG=debug):
        response = Client().get(path)
    _assert_json_error(response, 404, "not_found")


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "no-debug"])
def test_post_without_trailing_slash_answers_json_or_redirects(debug, ops_client):
    # Django's CommonMiddleware raises a RuntimeError for this under DEBUG
    ops_client.raise_request_exception = False
    with override_settings(DEBUG=debug):
        response = ops_client.post("/api/v1/orders", {}, format="json")
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        assert "error" in response.json()
    else:
        assert response.status_code in {301, 308}


@pytest.mark.urls("tests.hardening.urls_api_boom")
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "no-debug"])
@pytest.mark.parametrize("path", ["/api/v1/_boom/", "/api/v1/_plain-boom/"])
def test_crashes_under_api_answer_json_500(path, debug):
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug):
        response = client.get(path)
    _assert_json_error(response, 500, "server_error")
    assert b"Traceback" not in response.content


def test_pages_outside_api_keep_their_html_404():
    with override_settings(DEBUG=True):
        response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
