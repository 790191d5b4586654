"""API throttling per anonymous IP, per user and per channel token; sign-in throttling."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from audit.throttling import login_limits
from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import ChannelFactory, channel_token

pytestmark = pytest.mark.django_db

LOW_RATES = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min", "channel": "3/min"},
}


@pytest.fixture
def clean_throttle_keys():
    keys = []
    yield keys
    cache.delete_many(keys)


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_signed_in_user_is_throttled_per_user(clean_throttle_keys):
    # given a user and a low rate
    user = UserFactory(username="busy-ops", roles=[roles.OPS_MANAGER])
    clean_throttle_keys.append(f"throttle_user_{user.pk}")
    cache.delete_many(clean_throttle_keys)
    client = APIClient()
    client.force_authenticate(user)
    # when they call the API more often than allowed
    codes = [client.get("/api/v1/products/").status_code for _ in range(4)]
    # then the 4th call is refused with 429, a JSON error and Retry-After
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/products/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_channel_token_is_throttled_per_channel_not_per_user(clean_throttle_keys):
    channel = ChannelFactory(code="throttled-shop")
    clean_throttle_keys.append(f"throttle_channel_{channel.pk}")
    cache.delete_many(clean_throttle_keys)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {channel_token(channel)}")
    # two tokens of the same channel share one budget
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {channel_token(channel)}")
    codes = [c.get("/api/schema/").status_code for c in (client, other, client, other)]
    assert codes == [200, 200, 200, 429]


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_anonymous_clients_are_throttled_per_ip(clean_throttle_keys):
    clean_throttle_keys.append("throttle_anon_10.9.9.9")
    cache.delete_many(clean_throttle_keys)
    client = APIClient(REMOTE_ADDR="10.9.9.9")
    codes = [client.get("/api/schema/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW=60)
def test_sign_in_is_paused_after_repeated_failures_even_with_the_right_password(client):
    # given an account and a client at a fixed IP
    UserFactory(username="victim", password="right-pass-123")
    ip = "10.7.7.7"
    cache.delete_many([f"login-fail:ipuser:{ip}:victim", f"login-fail:ip:{ip}"])
    url = reverse("login")
    assert login_limits() == (3, 60)
    # when three wrong passwords are tried
    for _ in range(3):
        response = client.post(url, {"username": "victim", "password": "nope"}, REMOTE_ADDR=ip)
        assert response.status_code == 200  # the form again, with its error
    # then the next attempt is refused with 429 and a clear message, and no session is opened,
    # even with the right password
    response = client.post(
        url, {"username": "victim", "password": "right-pass-123"}, REMOTE_ADDR=ip
    )
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert response["Retry-After"] == "60"
    assert "_auth_user_id" not in client.session
    # another IP is not affected
    response = client.post(
        url, {"username": "victim", "password": "right-pass-123"}, REMOTE_ADDR="10.7.7.8"
    )
    assert response.status_code == 302
    cache.delete_many(
        [f"login-fail:ipuser:{ip}:victim", f"login-fail:ip:{ip}", "login-fail:ip:10.7.7.8"]
    )


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW=60)
def test_successful_sign_in_resets_the_account_counter(client):
    UserFactory(username="forgetful", password="right-pass-123")
    ip = "10.6.6.6"
    keys = [f"login-fail:ipuser:{ip}:forgetful", f"login-fail:ip:{ip}"]
    cache.delete_many(keys)
    url = reverse("login")
    for _ in range(2):
        client.post(url, {"username": "forgetful", "password": "x"}, REMOTE_ADDR=ip)
    ok = client.post(url, {"username": "forgetful", "password": "right-pass-123"}, REMOTE_ADDR=ip)
    assert ok.status_code == 302
    client.logout()
    for _ in range(2):
        response = client.post(url, {"username": "forgetful", "password": "x"}, REMOTE_ADDR=ip)
        assert response.status_code == 200
    cache.delete_many(keys)
