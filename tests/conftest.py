import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from common import roles
from common.types import Actor
from tests.factories.accounts import UserFactory

ON_POSTGRES = settings.IS_POSTGRES
HAS_REDIS = bool(os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (see README)"
    )
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://… (see README)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not HAS_REDIS:
            item.add_marker(skip_redis)


@pytest.fixture
def actor():
    return Actor.system("test")


def _client_for(role):
    user = UserFactory(username=f"{role}-user", roles=[role])
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def ops_client(db):
    return _client_for(roles.OPS_MANAGER)


@pytest.fixture
def cs_client(db):
    return _client_for(roles.CUSTOMER_SERVICE)


@pytest.fixture
def warehouse_client(db):
    return _client_for(roles.WAREHOUSE_OPERATOR)


@pytest.fixture
def supervisor_client(db):
    return _client_for(roles.WAREHOUSE_SUPERVISOR)


@pytest.fixture
def anon_client():
    return APIClient()
