import pytest
from django.test import Client

from common import roles
from tests.factories.accounts import UserFactory


def _signed_in(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory(username=f"{role}-screens", roles=[role]))
    return client


@pytest.fixture
def cs(db):
    return _signed_in(roles.CUSTOMER_SERVICE)


@pytest.fixture
def ops(db):
    return _signed_in(roles.OPS_MANAGER)


@pytest.fixture
def operator(db):
    return _signed_in(roles.WAREHOUSE_OPERATOR)


@pytest.fixture
def supervisor(db):
    return _signed_in(roles.WAREHOUSE_SUPERVISOR)
