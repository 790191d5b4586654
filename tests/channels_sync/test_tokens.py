"""Channel API tokens: the key is shown once, works for its own channel, stops at revocation,
and every creation and revocation is in the audit log."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from channels_sync.models import ChannelToken
from channels_sync.services import channel_token_create, channel_token_revoke
from common.exceptions import Conflict, InvalidInput
from common.types import Actor
from tests.factories.channels_sync import ChannelFactory

pytestmark = pytest.mark.django_db
OPS = Actor(kind="user", label="ops-admin")


def _orders_status(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/orders/").status_code


def test_token_is_created_hashed_audited_and_revocable():
    channel = ChannelFactory(code="tok-shop")

    token, key = channel_token_create(channel_id=channel.pk, name="storefront", actor=OPS)

    assert key.startswith("ch_")
    assert key not in token.key_hash
    assert ChannelToken.objects.get().key_hash == ChannelToken.hash_key(key)
    assert _orders_status(key) == 200
    created = AuditEntry.objects.get(action="token_create")
    assert (created.actor_label, created.object_id) == ("ops-admin", str(token.pk))
    assert "tok-shop" in created.summary
    assert key not in str(created.data)

    channel_token_revoke(token_id=token.pk, actor=OPS)

    assert _orders_status(key) in (401, 403)
    assert AuditEntry.objects.filter(action="token_revoke", object_id=str(token.pk)).count() == 1
    with pytest.raises(Conflict):
        channel_token_revoke(token_id=token.pk, actor=OPS)
    assert AuditEntry.objects.filter(action="token_revoke").count() == 1


def test_bad_token_requests_write_nothing():
    channel = ChannelFactory(code="tok-bad")
    with pytest.raises(InvalidInput):
        channel_token_create(channel_id=channel.pk, name="  ", actor=OPS)
    with pytest.raises(InvalidInput):
        channel_token_create(channel_id=999_999, name="x", actor=OPS)
    assert ChannelToken.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_admin_creates_a_token_through_the_service_and_shows_the_key_once(admin_client):
    channel = ChannelFactory(code="tok-admin")
    response = admin_client.post(
        "/admin/channels_sync/channeltoken/add/",
        {"channel": channel.pk, "name": "erp"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split(": ")[-1] for m in shown if "Copy the key" in m)
    token = ChannelToken.objects.get(channel=channel)
    assert token.key_hash == ChannelToken.hash_key(key)
    assert AuditEntry.objects.filter(action="token_create", object_id=str(token.pk)).count() == 1
    assert _orders_status(key) == 200
