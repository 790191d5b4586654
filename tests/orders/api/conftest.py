import pytest
from rest_framework.test import APIClient

from tests.factories.channels_sync import channel_token
from tests.orders.builders import channel, product, stock, warehouse


def token_client(ch) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {channel_token(ch)}")
    client.channel = ch
    return client


@pytest.fixture
def shop(db):
    wh = warehouse("API1")
    stock(product("TEE-1"), wh, 20)
    stock(product("CAP-1"), wh, 20)
    return channel(wh, code="shop-a")


@pytest.fixture
def shop_client(shop):
    return token_client(shop)
