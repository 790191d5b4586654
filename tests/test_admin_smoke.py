"""Every model registered in the admin has a working changelist (with search) for a superuser."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(client):
    call_command(
        "seed_demo", "--skus", "10", "--aisles", "2", "--bays", "2", "--levels", "3", "--quiet"
    )
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_admin_changelist_loads_and_searches(admin_client_with_data):
    failures = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client_with_data.get(url)
        if response.status_code != 200:
            failures.append((url, response.status_code))
            continue
        if model_admin.search_fields:
            response = admin_client_with_data.get(url, {"q": "A-01"})
            if response.status_code != 200:
                failures.append((url + "?q=", response.status_code))
    assert failures == []


def test_ledger_admin_is_read_only(admin_client_with_data):
    url = reverse("admin:inventory_stockmovement_add")
    assert admin_client_with_data.get(url).status_code == 403
