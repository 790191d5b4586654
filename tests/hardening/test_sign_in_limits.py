"""One brute-force limit over every way to sign in, and bad API tokens throttled per address."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

IP = "10.5.5.5"


@pytest.fixture
def clean_counters():
    def clear():
        for ip in (IP, "10.5.5.6"):
            cache.delete_many(
                [
                    f"login-fail:ipuser:{ip}:target",
                    f"login-fail:ip:{ip}",
                    f"api-token-fail:ip:{ip}",
                ]
            )

    clear()
    yield
    clear()


def _admin_login(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "target", "password": password, "next": "/admin/"},
        REMOTE_ADDR=IP,
    )


def _page_login(client, password):
    return client.post(
        "/accounts/login/", {"username": "target", "password": password}, REMOTE_ADDR=IP
    )


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW=60)
def test_admin_login_is_paused_after_repeated_failures(client, clean_counters):
    # given a staff account
    UserFactory(username="target", password="right-pass-123", is_staff=True, is_superuser=True)
    # when three wrong passwords are tried on /admin/login/
    for _ in range(3):
        assert _admin_login(client, "nope").status_code == 200
    # then the right one is refused too, with 429, Retry-After and a truthful message
    response = _admin_login(client, "right-pass-123")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert b"Too many failed sign-in attempts" in response.content
    assert b"reset" not in response.content.lower()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW=60)
def test_admin_and_sign_in_page_failures_share_one_limit(client, clean_counters):
    UserFactory(username="target", password="right-pass-123", is_staff=True)
    assert _admin_login(client, "nope").status_code == 200
    assert _admin_login(client, "nope").status_code == 200
    assert _page_login(client, "nope").status_code == 200
    # the sign-in page now refuses, and so does the admin
    assert _page_login(client, "right-pass-123").status_code == 429
    assert _admin_login(client, "right-pass-123").status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW=60)
def test_lock_out_message_tells_the_truth(client, clean_counters):
    UserFactory(username="target", password="right-pass-123")
    for _ in range(3):
        _page_login(client, "nope")
    response = _page_login(client, "nope")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Wait 1 minute" in text
    assert "password" not in text.split("Too many failed sign-in attempts")[1].split("</p>")[0]


@override_settings(API_TOKEN_THROTTLE_FAILURES=3, API_TOKEN_THROTTLE_WINDOW=120)
def test_invalid_api_tokens_are_throttled_per_client_address(clean_counters):
    bad = APIClient(REMOTE_ADDR=IP)
    bad.credentials(HTTP_AUTHORIZATION="Token ch_not-a-real-token")
    codes = [bad.get("/api/v1/products/").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    response = bad.get("/api/v1/products/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # another address is not affected
    other = APIClient(REMOTE_ADDR="10.5.5.6")
    other.credentials(HTTP_AUTHORIZATION="Token ch_not-a-real-token")
    assert other.get("/api/v1/products/").status_code == 401
